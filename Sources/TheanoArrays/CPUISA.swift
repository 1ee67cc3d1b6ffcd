import CTheanoKernels

/// The instruction-set path the CPU kernels take: the best the CPU supports, or a lower one forced with
/// `THEANO_FLAGS=cpu_isa=avx2` (or `generic`), so one machine runs and tests every path.
///
/// The path is fixed for the life of the process when the first kernel runs: the libmvec entry points,
/// the GEMM micro-kernels and the flags of generated C all follow it, so the VM and generated kernels
/// keep computing the same bits.
public enum CPUISA: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// Portable C loops, no vector extensions assumed.
    case generic = 0
    /// AVX2 with FMA.
    case avx2 = 1
    /// AVX-512 F, VL, BW and DQ.
    case avx512 = 2

    /// The flag's spelling: `generic`, `avx2`, `avx512`.
    public var description: String {
        switch self {
        case .generic: "generic"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    /// What this CPU supports.
    public static var detected: CPUISA { CPUISA(rawValue: Int(theano_cpu_isa_detected())) ?? .generic }

    /// The path in use. Reading it first applies `cpu_isa` from `THEANO_FLAGS`; every Swift caller of a
    /// C kernel reads it before the kernel runs.
    public static var active: CPUISA { configured.isa }

    /// The `cpu_isa` flag as given, when it names no path (`active` is then the detected one).
    public static var ignoredRequest: String? { configured.ignored }

    private static let configured: (isa: CPUISA, ignored: String?) = {
        var ignored: String?
        if let value = Settings.flag("cpu_isa"), value != "native" {
            if let requested = CPUISA.allCases.first(where: { $0.description == value }) {
                theano_cpu_isa_set_limit(Int32(requested.rawValue))
            } else {
                ignored = value
            }
        }
        return (CPUISA(rawValue: Int(theano_cpu_isa())) ?? .generic, ignored)
    }()
}
