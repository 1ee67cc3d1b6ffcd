import Foundation

/// Every setting the package reads from the process environment, in one place. `THEANO_FLAGS` is parsed
/// by `config`; the others name files, libraries and programs.
package enum Settings {
    package static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Theano's `THEANO_FLAGS`: `floatX=float32,mode=FAST_RUN,device=cpu,cxx=…`.
    package static var flags: String? { environment["THEANO_FLAGS"] }
    /// One `name=value` entry of `THEANO_FLAGS`, for the settings the array layer needs before `config`
    /// exists (`cpu_isa`); the last one wins, as in `config`.
    package static func flag(_ name: String) -> String? {
        flagEntries(flags).last { $0.key == name && !$0.value.isEmpty }?.value
    }

    /// `THEANO_FLAGS`' `name=value` entries in order, trimmed; an entry without `=` has an empty value.
    package static func flagEntries(_ flags: String?) -> [(key: String, value: String)] {
        (flags ?? "").split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard let key = parts.first else { return nil }
            return (key, parts.count > 1 ? parts[1] : "")
        }
    }
    /// A CBLAS to load (a path), or `none` for the built-in GEMM.
    package static var blas: String? { environment["THEANO_BLAS"] }
    /// A LAPACK to load (a path), or `none` for the built-in kernels.
    package static var lapack: String? { environment["THEANO_LAPACK"] }
    /// The C compiler for generated kernels, when `cxx` does not name one.
    package static var compiler: String? { environment["THEANO_CC"] }
    /// Optimization flags for generated kernels instead of `-O3 -march=native`.
    package static var compilerFlags: String? { environment["THEANO_CFLAGS"] }
    /// The generated-kernel cache directory.
    package static var kernelCache: String? { environment["THEANO_SWIFT_CACHE"] }
    /// The digits data set, instead of the bundled copy.
    package static var digits: String? { environment["THEANO_DIGITS"] }
    package static var path: String? { environment["PATH"] }
    /// Where the per-user cache lives (`$XDG_CACHE_HOME`, else `~/.cache`).
    package static var cacheHome: String? { environment["XDG_CACHE_HOME"] }
    /// A CUDA installation (or a pip package of one of its libraries) searched before the usual folders.
    package static var cudaRoot: String? { environment["THEANO_CUDA_ROOT"] }
    /// The MPI library to load (a path), or `none` for single-process communicators only.
    package static var mpiLibrary: String? { environment["THEANO_MPI"] }
    /// Seconds a collective waits for the other ranks before it throws (default 120).
    package static var mpiTimeout: String? { environment["THEANO_MPI_TIMEOUT"] }
    /// The number of processes a launcher (`mpirun`, `srun`) started this one among, if one did.
    package static var launchedProcesses: Int? {
        ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"].lazy.compactMap { environment[$0].flatMap { Int($0) } }.first
    }
}
