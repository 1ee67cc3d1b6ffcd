import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A CBLAS library found at run time with `dlopen`, or none. Nothing links against BLAS at build time.
public enum CBLAS {
    package typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    package typealias DGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void

    package struct Library: @unchecked Sendable {
        package let name: String
        package let sgemm: SGEMM
        package let dgemm: DGEMM
    }

    /// Libraries tried in order; `$THEANO_BLAS` first, and `THEANO_BLAS=none` tries none.
    public static var candidates: [String] {
        let override = Settings.blas
        if override == "none" { return [] }
        return (override.map { [$0] } ?? []) + ["libopenblas.so.0", "libopenblas.so", "libblis.so.4", "libmkl_rt.so", "libcblas.so.3", "libblas.so.3"]
    }

    /// The loaded library, or nil with the reason in `status`.
    package static let loaded: (library: Library?, status: String) = {
        if candidates.isEmpty { return (nil, "CBLAS turned off (THEANO_BLAS=none); using the built-in packed GEMM") }
        var tried: [String] = []
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { tried.append(name); continue }
            guard let s = dlsym(handle, "cblas_sgemm"), let d = dlsym(handle, "cblas_dgemm") else {
                tried.append("\(name) (no cblas_sgemm)")
                continue
            }
            return (Library(name: name, sgemm: unsafeBitCast(s, to: SGEMM.self), dgemm: unsafeBitCast(d, to: DGEMM.self)), "using \(name)")
        }
        return (nil, "no CBLAS found (tried \(tried.joined(separator: ", "))); using the built-in packed GEMM")
    }()

    /// A human-readable account of which BLAS is in use, and why.
    public static var status: String { loaded.status }

    package static let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112
}
