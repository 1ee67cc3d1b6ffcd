/// How `function` compiles a graph: which rewrites run, which backend runs the result, and which checks
/// watch it. The presets mirror Theano's modes.
public struct Mode: Sendable, Hashable, CustomStringConvertible {
    /// Which rewrites run: Theano's optimizer settings.
    public enum Optimizer: String, Sendable, Hashable {
        /// Every rewrite: canonicalize, stabilize, specialize, fusion, in-place.
        case fastRun = "fast_run"
        /// Merge and constant folding only.
        case fastCompile = "fast_compile"
        /// No rewrites at all.
        case none = "None"
    }
    /// The name of a registered ``Backend`` (see ``BackendRegistry``).
    public struct BackendName: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The name the backend registered under.
        public let rawValue: String
        /// The backend registered as `rawValue`.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The backend registered under this name: `.on("tracing")`.
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }
        /// Whatever `config.device` (`THEANO_FLAGS=device=`) names, as Theano's modes do; `cpu` by default.
        public static let device: BackendName = "device"
        /// The fast CPU virtual machine, with generated C where a compiler is found.
        public static let cpu: BackendName = "cpu"
        /// The CPU virtual machine (another name for ``cpu``).
        public static let vm: BackendName = "cpu"
        /// The reference executor: every op's plain `perform`.
        public static let reference: BackendName = "reference"
    }
    /// The checks that watch a function run.
    public enum Check: String, Sendable, Hashable {
        /// No checks.
        case none
        /// Runs the optimized and the unoptimized graph and throws at the first node that differs.
        case debug
        /// Throws at the first node that produces NaN or Inf.
        case nanGuard
    }
    /// When the VM's elementwise loops get generated C kernels (where a C compiler is found).
    public enum GeneratedC: String, Sendable, Hashable {
        /// Compiled in the background once the function is hot; the VM serves calls meanwhile.
        case background
        /// Compiled (or loaded from the cache) before `function` returns, as Theano did.
        case synchronous
        /// Never: the VM's own kernels only.
        case off
    }

    /// The mode's name, as Theano prints it: `FAST_RUN`, `DebugMode` …
    public var name: String
    /// Which rewrites run.
    public var optimizer: Optimizer
    /// The backend that links the optimized graph.
    public var backend: BackendName
    /// The checks that watch each call.
    public var check: Check
    /// Rewrite tags or names switched on beyond the optimizer setting.
    public var including: Set<String>
    /// Rewrite tags or names switched off.
    public var excluding: Set<String>
    /// Record which rewrites fired, how often and how long each took (see `Function.rewriteReport`).
    public var recordRewrites: Bool
    /// Generated C for the VM; nil follows `config.cxxCompile`. Scan steps and ifelse branches follow
    /// the function that runs them: they are linked with it.
    public var generatedC: GeneratedC?

    /// A mode with these settings; `generatedC` follows `config.cxxCompile`.
    public init(name: String, optimizer: Optimizer, backend: BackendName = .device, check: Check = .none,
                including: Set<String> = [], excluding: Set<String> = [], recordRewrites: Bool = false) {
        self.name = name
        self.optimizer = optimizer
        self.backend = backend
        self.check = check
        self.including = including
        self.excluding = excluding
        self.recordRewrites = recordRewrites
    }

    /// Every rewrite, on the device's backend: Theano's `FAST_RUN`, the default.
    public static let fastRun = Mode(name: "FAST_RUN", optimizer: .fastRun)
    /// Merging and constant folding only: Theano's `FAST_COMPILE`.
    public static let fastCompile = Mode(name: "FAST_COMPILE", optimizer: .fastCompile)
    /// No rewrites: Theano's `NONE`.
    public static let none = Mode(name: "NONE", optimizer: .none)
    /// No rewrites, reference executor: the semantic baseline.
    public static let reference = Mode(name: "REFERENCE", optimizer: .none, backend: .reference)
    /// Every rewrite, checked node by node against the unoptimized graph: Theano's `DebugMode`.
    public static let debug = Mode(name: "DebugMode", optimizer: .fastRun, backend: .reference, check: .debug)
    /// Every rewrite, each node's outputs checked for NaN and infinity: Theano's `NanGuardMode`.
    public static let nanGuard = Mode(name: "NanGuardMode", optimizer: .fastRun, backend: .reference, check: .nanGuard)

    /// A preset by Theano's name, as `config.mode` and `THEANO_FLAGS=mode=` give it.
    public static func named(_ name: String) -> Mode? {
        switch name.uppercased() {
        case "FAST_RUN", "MODE": return .fastRun
        case "FAST_COMPILE": return .fastCompile
        case "NONE": return Mode.none
        case "REFERENCE", "PY": return .reference
        case "DEBUGMODE", "DEBUG_MODE": return .debug
        case "NANGUARDMODE", "NANGUARD": return .nanGuard
        default: return nil
        }
    }

    /// The names `named(_:)` knows, as Theano spells them (case does not matter).
    public static let presetNames = ["FAST_RUN", "FAST_COMPILE", "NONE", "REFERENCE", "DebugMode", "NanGuardMode"]

    /// The default mode: `config.mode`, with `config.optimizerIncluding/Excluding` applied. Throws
    /// when `config.mode` (or `THEANO_FLAGS=mode=`) names no mode.
    public static var `default`: Mode {
        get throws { try config.defaultMode(for: "Mode.default") }
    }

    /// The same mode with more rewrite tags or names switched on.
    public func including(_ tags: String...) -> Mode {
        var copy = self
        copy.including.formUnion(tags)
        copy.excluding.subtract(tags)
        return copy
    }

    /// The same mode with rewrite tags or names switched off.
    public func excluding(_ tags: String...) -> Mode {
        var copy = self
        copy.excluding.formUnion(tags)
        return copy
    }

    /// The same mode with generated C kernels compiled as given.
    public func generatedC(_ choice: GeneratedC) -> Mode {
        var copy = self
        copy.generatedC = choice
        return copy
    }

    /// The same mode on another backend.
    public func on(_ backend: BackendName) -> Mode {
        var copy = self
        copy.backend = backend
        return copy
    }

    /// The backend this mode names, `.device` resolved through `config.device`.
    public var resolvedBackend: BackendName { backend == .device ? BackendName(rawValue: config.device) : backend }

    public var description: String { name }
}
