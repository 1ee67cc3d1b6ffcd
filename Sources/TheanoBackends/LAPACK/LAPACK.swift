import ComplexModule
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A LAPACK found at run time with `dlopen` (OpenBLAS ships one; Debian's `liblapack3` is another), or
/// none. Nothing links against LAPACK at build time; without one, the built-in kernels run.
///
/// The binding calls the Fortran double-precision routines (`dgetrf_` …) with 32-bit integers (the
/// LP64 interface every distribution ships) and passes each character argument's hidden length, which
/// gfortran-built libraries expect after the other arguments.
public enum LAPACK {
    package typealias Integer = Int32
    package typealias MutableInteger = UnsafeMutablePointer<Int32>
    package typealias MutableDouble = UnsafeMutablePointer<Double>
    package typealias Character = UnsafePointer<CChar>

    package typealias DGETRF = @convention(c) (MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableInteger, MutableInteger) -> Void
    package typealias DGETRS = @convention(c) (Character, MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableInteger,
                                       MutableDouble, MutableInteger, MutableInteger, Int) -> Void
    package typealias DPOTRF = @convention(c) (Character, MutableInteger, MutableDouble, MutableInteger, MutableInteger, Int) -> Void
    package typealias DTRTRS = @convention(c) (Character, Character, Character, MutableInteger, MutableInteger, MutableDouble, MutableInteger,
                                       MutableDouble, MutableInteger, MutableInteger, Int, Int, Int) -> Void
    package typealias DSYSV = @convention(c) (Character, MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableInteger,
                                      MutableDouble, MutableInteger, MutableDouble, MutableInteger, MutableInteger, Int) -> Void
    package typealias DSYEVD = @convention(c) (Character, Character, MutableInteger, MutableDouble, MutableInteger, MutableDouble, MutableDouble,
                                       MutableInteger, MutableInteger, MutableInteger, MutableInteger, Int, Int) -> Void
    package typealias DGEEV = @convention(c) (Character, Character, MutableInteger, MutableDouble, MutableInteger, MutableDouble, MutableDouble,
                                      MutableDouble, MutableInteger, MutableDouble, MutableInteger, MutableDouble, MutableInteger,
                                      MutableInteger, Int, Int) -> Void
    package typealias DGESDD = @convention(c) (Character, MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableDouble,
                                       MutableDouble, MutableInteger, MutableDouble, MutableInteger, MutableDouble, MutableInteger,
                                       MutableInteger, MutableInteger, Int) -> Void
    package typealias DGEQRF = @convention(c) (MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableDouble, MutableDouble,
                                       MutableInteger, MutableInteger) -> Void
    package typealias DORGQR = @convention(c) (MutableInteger, MutableInteger, MutableInteger, MutableDouble, MutableInteger, MutableDouble,
                                       MutableDouble, MutableInteger, MutableInteger) -> Void

    package struct Library: @unchecked Sendable {
        package let name: String
        package let dgetrf: DGETRF
        package let dgetrs: DGETRS
        package let dpotrf: DPOTRF
        package let dtrtrs: DTRTRS
        package let dsysv: DSYSV
        package let dsyevd: DSYEVD
        package let dgeev: DGEEV
        package let dgesdd: DGESDD
        package let dgeqrf: DGEQRF
        package let dorgqr: DORGQR
    }

    /// Libraries tried in order; `$THEANO_LAPACK` first, and `THEANO_LAPACK=none` tries none.
    public static var candidates: [String] {
        let override = Settings.lapack
        if override == "none" { return [] }
        return (override.map { [$0] } ?? []) + ["libopenblas.so.0", "libopenblas.so", "liblapack.so.3", "libflexiblas.so.3", "libmkl_rt.so", "liblapack.so"]
    }

    package static let symbols = ["dgetrf_", "dgetrs_", "dpotrf_", "dtrtrs_", "dsysv_", "dsyevd_", "dgeev_", "dgesdd_", "dgeqrf_", "dorgqr_"]

    /// The loaded library, or nil with the reason in `status`.
    package static let loaded: (library: Library?, status: String) = {
        if candidates.isEmpty { return (nil, "LAPACK turned off (THEANO_LAPACK=none); using the built-in factorizations") }
        return load(candidates)
    }()

    /// The first of `candidates` that loads and has every routine the binding calls.
    package static func load(_ candidates: [String]) -> (library: Library?, status: String) {
        var tried: [String] = []
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { tried.append(name); continue }
            let p = symbols.compactMap { dlsym(handle, $0) }
            guard let missing = symbols.first(where: { dlsym(handle, $0) == nil }) else {
                let library = Library(
                    name: name, dgetrf: unsafeBitCast(p[0], to: DGETRF.self), dgetrs: unsafeBitCast(p[1], to: DGETRS.self),
                    dpotrf: unsafeBitCast(p[2], to: DPOTRF.self), dtrtrs: unsafeBitCast(p[3], to: DTRTRS.self),
                    dsysv: unsafeBitCast(p[4], to: DSYSV.self), dsyevd: unsafeBitCast(p[5], to: DSYEVD.self),
                    dgeev: unsafeBitCast(p[6], to: DGEEV.self), dgesdd: unsafeBitCast(p[7], to: DGESDD.self),
                    dgeqrf: unsafeBitCast(p[8], to: DGEQRF.self), dorgqr: unsafeBitCast(p[9], to: DORGQR.self))
                return (library, "using \(name)")
            }
            dlclose(handle)
            tried.append("\(name) (no \(missing))")
        }
        return (nil, "no LAPACK found (tried \(tried.joined(separator: ", "))); using the built-in factorizations")
    }

    /// A human-readable account of which LAPACK is in use, and why.
    public static var status: String { loaded.status }
}

/// The dense kernels through a loaded LAPACK. Matrices go in and come out column-major; each call
/// asks the routine for its workspace size first where it has one.
package struct LAPACKLinearAlgebra: DenseLinearAlgebra {
    package let library: LAPACK.Library
    package var name: String { library.name }

    /// Calls `body` with a Fortran character argument.
    private func withCharacter<R>(_ c: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        c.withCString(body)
    }

    package func luFactor(_ a: DenseMatrix) -> LUFactorization {
        let n = a.rows
        guard n > 0 else { return LUFactorization(lu: a, pivots: [], firstZeroPivot: nil) }
        var values = a.columnMajor
        var (m, nn, lda, info) = (Int32(n), Int32(n), Int32(n), Int32(0))
        var ipiv = [Int32](repeating: 0, count: n)
        library.dgetrf(&m, &nn, &values, &lda, &ipiv, &info)
        return LUFactorization(lu: DenseMatrix(columnMajor: values, rows: n, columns: n), pivots: ipiv.map { Int($0) - 1 },
                               firstZeroPivot: info > 0 ? Int(info) - 1 : nil)
    }

    package func luSolve(_ factorization: LUFactorization, _ b: DenseMatrix) -> DenseMatrix {
        let n = b.rows
        guard n > 0, b.columns > 0 else { return b }
        var lu = factorization.lu.columnMajor, x = b.columnMajor
        var ipiv = factorization.pivots.map { Int32($0 + 1) }
        var (nn, nrhs, lda, ldb, info) = (Int32(n), Int32(b.columns), Int32(n), Int32(n), Int32(0))
        withCharacter("N") { library.dgetrs($0, &nn, &nrhs, &lu, &lda, &ipiv, &x, &ldb, &info, 1) }
        return DenseMatrix(columnMajor: x, rows: n, columns: b.columns)
    }

    package func cholesky(_ a: DenseMatrix, lower: Bool) -> DenseMatrix? {
        let n = a.rows
        guard n > 0 else { return a }
        if let nan = DenseMatrix.nanFactor(a, lower: lower) { return nan }
        var values = a.columnMajor
        var (nn, lda, info) = (Int32(n), Int32(n), Int32(0))
        withCharacter(lower ? "L" : "U") { library.dpotrf($0, &nn, &values, &lda, &info, 1) }
        guard info == 0 else { return nil }
        var l = DenseMatrix(columnMajor: values, rows: n, columns: n)
        for i in 0..<n { for j in 0..<n where lower ? j > i : j < i { l[i, j] = 0 } }
        return l
    }

    package func triangularSolve(_ t: DenseMatrix, _ b: DenseMatrix, lower: Bool, transposed: Bool, unitDiagonal: Bool) -> DenseMatrix? {
        let n = t.rows
        guard n > 0, b.columns > 0 else { return b }
        var tv = t.columnMajor, x = b.columnMajor
        var (nn, nrhs, lda, ldb, info) = (Int32(n), Int32(b.columns), Int32(n), Int32(n), Int32(0))
        withCharacter(lower ? "L" : "U") { uplo in
            withCharacter(transposed ? "T" : "N") { trans in
                withCharacter(unitDiagonal ? "U" : "N") { diag in
                    library.dtrtrs(uplo, trans, diag, &nn, &nrhs, &tv, &lda, &x, &ldb, &info, 1, 1, 1)
                }
            }
        }
        return info == 0 ? DenseMatrix(columnMajor: x, rows: n, columns: b.columns) : nil
    }

    package func symmetricSolve(_ a: DenseMatrix, _ b: DenseMatrix, lower: Bool) -> DenseMatrix? {
        let n = a.rows
        guard n > 0, b.columns > 0 else { return b }
        var av = a.columnMajor, x = b.columnMajor
        var ipiv = [Int32](repeating: 0, count: n)
        var (nn, nrhs, lda, ldb, lwork, info) = (Int32(n), Int32(b.columns), Int32(n), Int32(n), Int32(-1), Int32(0))
        var query = 0.0
        withCharacter(lower ? "L" : "U") { library.dsysv($0, &nn, &nrhs, &av, &lda, &ipiv, &x, &ldb, &query, &lwork, &info, 1) }
        var work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        lwork = Int32(work.count)
        withCharacter(lower ? "L" : "U") { library.dsysv($0, &nn, &nrhs, &av, &lda, &ipiv, &x, &ldb, &work, &lwork, &info, 1) }
        return info == 0 ? DenseMatrix(columnMajor: x, rows: n, columns: b.columns) : nil
    }

    package func symmetricEigen(_ a: DenseMatrix, lower: Bool, vectors: Bool) -> (values: [Double], vectors: DenseMatrix)? {
        let n = a.rows
        guard n > 0 else { return ([], a) }
        var av = a.columnMajor
        var w = [Double](repeating: 0, count: n)
        var (nn, lda, lwork, liwork, info) = (Int32(n), Int32(n), Int32(-1), Int32(-1), Int32(0))
        var query = 0.0, iquery = Int32(0)
        let job = vectors ? "V" : "N", uplo = lower ? "L" : "U"
        withCharacter(job) { j in withCharacter(uplo) { u in
            library.dsyevd(j, u, &nn, &av, &lda, &w, &query, &lwork, &iquery, &liwork, &info, 1, 1)
        } }
        var work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        var iwork = [Int32](repeating: 0, count: Swift.max(Int(iquery), 1))
        (lwork, liwork) = (Int32(work.count), Int32(iwork.count))
        withCharacter(job) { j in withCharacter(uplo) { u in
            library.dsyevd(j, u, &nn, &av, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        } }
        guard info == 0 else { return nil }
        return (w, vectors ? DenseMatrix(columnMajor: av, rows: n, columns: n) : DenseMatrix(zeros: 0, 0))
    }

    package func generalEigen(_ a: DenseMatrix) -> (values: [Complex<Double>], vectors: [Complex<Double>])? {
        let n = a.rows
        guard n > 0 else { return ([], []) }
        var av = a.columnMajor
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var vl = [Double](repeating: 0, count: 1), vr = [Double](repeating: 0, count: n * n)
        var (nn, lda, ldvl, ldvr, lwork, info) = (Int32(n), Int32(n), Int32(1), Int32(n), Int32(-1), Int32(0))
        var query = 0.0
        withCharacter("N") { jl in withCharacter("V") { jr in
            library.dgeev(jl, jr, &nn, &av, &lda, &wr, &wi, &vl, &ldvl, &vr, &ldvr, &query, &lwork, &info, 1, 1)
        } }
        var work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        lwork = Int32(work.count)
        withCharacter("N") { jl in withCharacter("V") { jr in
            library.dgeev(jl, jr, &nn, &av, &lda, &wr, &wi, &vl, &ldvl, &vr, &ldvr, &work, &lwork, &info, 1, 1)
        } }
        guard info == 0 else { return nil }
        // A complex pair j, j+1 stores its vector as columns j (real part) and j+1 (imaginary part).
        var vectors = [Complex<Double>](repeating: .zero, count: n * n)
        var j = 0
        while j < n {
            if wi[j] != 0 && j + 1 < n {
                for i in 0..<n {
                    let (re, im) = (vr[j * n + i], vr[(j + 1) * n + i])
                    vectors[i * n + j] = Complex(re, im)
                    vectors[i * n + j + 1] = Complex(re, -im)
                }
                j += 2
            } else {
                for i in 0..<n { vectors[i * n + j] = Complex(vr[j * n + i], 0) }
                j += 1
            }
        }
        return ((0..<n).map { Complex(wr[$0], wi[$0]) }, vectors)
    }

    package func svd(_ a: DenseMatrix, full: Bool) -> SingularValueDecomposition? {
        gesdd(a, job: full ? "A" : "S")
    }

    package func singularValues(_ a: DenseMatrix) -> [Double]? { gesdd(a, job: "N")?.s }

    private func gesdd(_ a: DenseMatrix, job: String) -> SingularValueDecomposition? {
        let (m, n) = (a.rows, a.columns)
        let k = Swift.min(m, n)
        let uColumns = job == "A" ? m : k, vtRows = job == "A" ? n : k
        if k == 0 {
            return BuiltInKernels.jacobiSVD(a, full: job == "A")
        }
        var av = a.columnMajor
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: job == "N" ? 1 : m * uColumns)
        var vt = [Double](repeating: 0, count: job == "N" ? 1 : vtRows * n)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var (mm, nn, lda, ldu, ldvt, lwork, info) = (Int32(m), Int32(n), Int32(m), Int32(m), Int32(job == "N" ? 1 : vtRows), Int32(-1), Int32(0))
        var query = 0.0
        withCharacter(job) { library.dgesdd($0, &mm, &nn, &av, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &iwork, &info, 1) }
        var work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        lwork = Int32(work.count)
        withCharacter(job) { library.dgesdd($0, &mm, &nn, &av, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info, 1) }
        guard info == 0 else { return nil }
        if job == "N" { return SingularValueDecomposition(u: DenseMatrix(zeros: 0, 0), s: s, vt: DenseMatrix(zeros: 0, 0)) }
        return SingularValueDecomposition(u: DenseMatrix(columnMajor: u, rows: m, columns: uColumns), s: s,
                                          vt: DenseMatrix(columnMajor: vt, rows: vtRows, columns: n))
    }

    package func qr(_ a: DenseMatrix, complete: Bool) -> (q: DenseMatrix, r: DenseMatrix) {
        let (m, n) = (a.rows, a.columns)
        let k = Swift.min(m, n)
        guard k > 0 else { return BuiltInKernels.householderQR(a, complete: complete) }
        var av = a.columnMajor
        var tau = [Double](repeating: 0, count: k)
        var (mm, nn, lda, lwork, info) = (Int32(m), Int32(n), Int32(m), Int32(-1), Int32(0))
        var query = 0.0
        library.dgeqrf(&mm, &nn, &av, &lda, &tau, &query, &lwork, &info)
        var work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        lwork = Int32(work.count)
        library.dgeqrf(&mm, &nn, &av, &lda, &tau, &work, &lwork, &info)
        let factored = DenseMatrix(columnMajor: av, rows: m, columns: n)
        var r = DenseMatrix(zeros: complete ? m : k, n)
        for i in 0..<r.rows { for j in Swift.min(i, n)..<n { r[i, j] = factored[i, j] } }
        // Q from the reflectors: its first min(m, n) (or, complete, m) columns.
        let qColumns = complete ? m : k
        var q = [Double](repeating: 0, count: m * qColumns)
        for j in 0..<Swift.min(n, qColumns) { for i in 0..<m { q[j * m + i] = av[j * m + i] } }
        var (qm, qn, qk, ldq) = (Int32(m), Int32(qColumns), Int32(k), Int32(m))
        lwork = -1
        library.dorgqr(&qm, &qn, &qk, &q, &ldq, &tau, &query, &lwork, &info)
        work = [Double](repeating: 0, count: Swift.max(Int(query), 1))
        lwork = Int32(work.count)
        library.dorgqr(&qm, &qn, &qk, &q, &ldq, &tau, &work, &lwork, &info)
        return (DenseMatrix(columnMajor: q, rows: m, columns: qColumns), r)
    }
}
