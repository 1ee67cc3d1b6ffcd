import Foundation
import Synchronization

/// Library-wide settings, like Theano's `theano.config`. Read from `THEANO_FLAGS`
/// (`floatX=float32,mode=FAST_COMPILE,cxx=`) at first use, and settable from code: `config.floatX = .float32`.
public final class TheanoConfig: Sendable {
    private struct Values {
        var floatX: DType = .float64
        var mode: String = "FAST_RUN"
        var device: String = "cpu"
        /// Whether `mode` came from `THEANO_FLAGS` rather than from code, for the error that names it.
        var modeFromFlags = false
        var cxx: String? = nil
        var cxxCompile: Mode.GeneratedC = .background
        var optimizerIncluding: [String] = []
        var optimizerExcluding: [String] = []
        var profile = false
    }
    private let values: Mutex<Values>

    package init(flags: String?) {
        var v = Values()
        for (key, value) in Settings.flagEntries(flags) {
            switch key {
            case "floatX": if let d = DType(rawValue: value), d.isFloat { v.floatX = d }
            case "mode": v.mode = value; v.modeFromFlags = true
            case "device": v.device = value
            case "cxx": v.cxx = value
            case "cxx_compile": if let choice = Mode.GeneratedC(rawValue: value) { v.cxxCompile = choice }
            case "optimizer_including": v.optimizerIncluding = value.split(separator: ":").map(String.init)
            case "optimizer_excluding": v.optimizerExcluding = value.split(separator: ":").map(String.init)
            case "profile": v.profile = ["true", "1"].contains(value.lowercased())
            default: continue
            }
        }
        values = Mutex(v)
    }

    /// The instruction-set path of the CPU kernels, fixed per process by `THEANO_FLAGS=cpu_isa=…`
    /// (`avx512`, `avx2`, `generic`; the default is the best the CPU supports).
    public var cpuISA: CPUISA { CPUISA.active }

    /// The dtype of `scalar()`, `matrix()` … and of Swift `Double` literals when set to float32.
    public var floatX: DType {
        get { values.withLock { $0.floatX } }
        set {
            precondition(newValue.isFloat, "config.floatX must be float32 or float64, not \(newValue)")
            values.withLock { $0.floatX = newValue }
        }
    }

    /// The backend modes run on unless they name one: `cpu` (the default) or any registered backend's
    /// name, as Theano's `device=cpu` / `device=cuda`. An unknown name makes `function` throw.
    public var device: String {
        get { values.withLock { $0.device } }
        set { values.withLock { $0.device = newValue } }
    }

    /// The default compile mode name: FAST_RUN, FAST_COMPILE, NONE, DebugMode, NanGuardMode, REFERENCE
    /// (any case). Any other name makes `function` throw, naming it, when it has no explicit `mode:`.
    public var mode: String {
        get { values.withLock { $0.mode } }
        set { values.withLock { $0.mode = newValue; $0.modeFromFlags = false } }
    }

    /// The mode `function` uses when given none: `mode`, with `optimizerIncluding/Excluding` applied.
    /// Throws when `mode` names no mode; `operation` is who asks, for the message.
    package func defaultMode(for operation: String) throws -> Mode {
        let (name, fromFlags, including, excluding) = values.withLock { ($0.mode, $0.modeFromFlags, $0.optimizerIncluding, $0.optimizerExcluding) }
        guard var mode = Mode.named(name) else {
            let source = fromFlags ? "THEANO_FLAGS=mode=\(name)" : "config.mode = \"\(name)\""
            throw TheanoError(.badArgument, "\(operation): config.mode is '\(name)' (set by \(source)), which is not a mode; expected one of \(Mode.presetNames.joined(separator: ", ")), or pass mode: explicitly")
        }
        mode.including.formUnion(including)
        mode.excluding.formUnion(excluding)
        return mode
    }

    /// The C compiler for generated kernels; "" turns generated C off (Theano's `cxx=""`), nil finds `cc`.
    public var cxx: String? {
        get { values.withLock { $0.cxx } }
        set { values.withLock { $0.cxx = newValue } }
    }

    /// When generated C kernels are compiled (`cxx_compile=background|synchronous|off`), for modes that
    /// do not say.
    public var cxxCompile: Mode.GeneratedC {
        get { values.withLock { $0.cxxCompile } }
        set { values.withLock { $0.cxxCompile = newValue } }
    }

    /// Rewrite tags or names added to, or removed from, every mode.
    public var optimizerIncluding: [String] {
        get { values.withLock { $0.optimizerIncluding } }
        set { values.withLock { $0.optimizerIncluding = newValue } }
    }
    /// Theano's `profile`: every function is compiled with `profile: true` unless it says otherwise,
    /// and each profiled function's summary is printed to standard error when the program exits.
    public var profile: Bool {
        get { values.withLock { $0.profile } }
        set { values.withLock { $0.profile = newValue } }
    }

    /// Rewrite tags or names removed from every mode (`optimizer_excluding`).
    public var optimizerExcluding: [String] {
        get { values.withLock { $0.optimizerExcluding } }
        set { values.withLock { $0.optimizerExcluding = newValue } }
    }
}

/// The library's settings.
public let config = TheanoConfig(flags: Settings.flags)
