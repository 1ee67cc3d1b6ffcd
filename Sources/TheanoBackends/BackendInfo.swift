import CTheanoKernels
import Foundation

/// What the CPU backend uses on this machine, and why anything optional is missing (`theano info`).
public enum BackendInfo {
    /// The instruction-set path the kernels take (`cpu_isa`), and what the CPU supports.
    public static var cpuFeatures: String {
        let active = CPUISA.active, detected = CPUISA.detected
        let why = CPUISA.ignoredRequest.map { "; cpu_isa=\($0) names no path (generic, avx2, avx512, native), ignored" }
            ?? (active == detected ? "" : " (forced by cpu_isa)")
        return "kernels on the \(active) path\(why); the CPU supports \(detected)"
    }

    /// The C compiler for generated kernels, or why there is none.
    public static var compiler: String {
        switch CCompiler.find() {
        case .success(let compiler):
            let when = config.cxxCompile == .off ? "off by configuration (cxx_compile=off)"
                : config.cxxCompile == .synchronous ? "compiled before each function's first call"
                : "compiled in the background once a function is hot"
            return "\(compiler.path) (\(compiler.identity)); generated elementwise kernels \(when), cached in \(KernelCache.standard.location)"
        case .failure(let why):
            return "\(why); the VM's built-in kernels run instead"
        }
    }

    /// Whether glibc's vector math library (libmvec) is in use, and if not, why.
    public static var vectorMath: String {
        theano_vmath_available() != 0
            ? "libmvec (glibc) for exp, log, sin, cos, and from glibc 2.35 tanh, log1p, expm1, tan; sigmoid and softplus through them"
            : "libmvec not found (or no AVX2): scalar libm loops"
    }

    /// NVRTC's version and where it was found, or why it is missing.
    public static var nvrtc: String {
        switch NVRTC.loaded {
        case .success(let nvrtc):
            let archs = nvrtc.supportedArchitectures
            return "\(nvrtc.version) (\(nvrtc.path))" + (archs.isEmpty ? "" : ", sm_\(archs.first!) to sm_\(archs.last!)")
        case .failure(let why): return why.description
        }
    }

    /// What `theano info` prints: the BLAS, vector math, C compiler, CPU features and kernel cache in use.
    public static var report: String {
        """
        Theano for Swift
          BLAS:        \(CBLAS.status)\(CBLAS.loaded.library == nil ? "" : "; GEMM: \(GEMMChoice.summary)")
          LAPACK:      \(LAPACK.status)
          CPU:         \(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpuFeatures)
          Vector math: \(vectorMath)
          C compiler:  \(compiler)
          floatX:      \(config.floatX)
          mode:        \(config.mode)
          GPU:         \(CUDADevices.summary); no CUDA backend yet (kernels are rendered and compiled, not run)
          NVRTC:       \(nvrtc)
          cuBLAS:      \(CUDALibraries.cublas.status)
          MPI:         \(MPI.status)
          NCCL:        not yet: GPU all-reduce waits for the CUDA backend (MPI carries CPU arrays between processes)
        """
    }

    /// Where generated kernels are cached: `$THEANO_SWIFT_CACHE`, else the XDG cache directory.
    public static var cacheDirectory: String {
        if let path = Settings.kernelCache { return path }
        let base = Settings.cacheHome ?? (NSHomeDirectory() + "/.cache")
        return base + "/theano-swift/v1"
    }
}
