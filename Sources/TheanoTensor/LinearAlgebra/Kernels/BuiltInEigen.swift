import ComplexModule
import Foundation

extension BuiltInKernels {
    // MARK: - Symmetric eigenproblems: cyclic Jacobi

    /// Eigenvalues (ascending) and eigenvectors of a symmetric matrix by cyclic Jacobi rotations, each of
    /// which zeroes one off-diagonal pair. Converges quadratically; accurate to a few ulps of ‖A‖.
    package static func jacobiEigen(_ symmetric: DenseMatrix) -> (values: [Double], vectors: DenseMatrix)? {
        let n = symmetric.rows
        var a = symmetric
        var v = DenseMatrix.identity(n)
        guard a.isFinite else { return nil }
        var converged = false
        for _ in 0..<100 {
            var rotated = false
            for p in 0..<Swift.max(n - 1, 0) {
                for q in (p + 1)..<n {
                    let apq = a[p, q]
                    if apq == 0 { continue }
                    let (app, aqq) = (a[p, p], a[q, q])
                    // NOTE: an entry too small to change either diagonal entry is dropped, which is what
                    // lets the sweeps stop.
                    let g = 100 * Swift.abs(apq)
                    if Swift.abs(app) + g == Swift.abs(app) && Swift.abs(aqq) + g == Swift.abs(aqq) {
                        a[p, q] = 0
                        a[q, p] = 0
                        continue
                    }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let (akp, akq) = (a[k, p], a[k, q])
                        a[k, p] = c * akp - s * akq
                        a[k, q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let (apk, aqk) = (a[p, k], a[q, k])
                        a[p, k] = c * apk - s * aqk
                        a[q, k] = s * apk + c * aqk
                    }
                    a[p, q] = 0
                    a[q, p] = 0
                    for k in 0..<n {
                        let (vkp, vkq) = (v[k, p], v[k, q])
                        v[k, p] = c * vkp - s * vkq
                        v[k, q] = s * vkp + c * vkq
                    }
                }
            }
            if !rotated { converged = true; break }
        }
        guard converged else { return nil }
        let order = (0..<n).sorted { a[$0, $0] < a[$1, $1] }
        var vectors = DenseMatrix(zeros: n, n)
        for (column, source) in order.enumerated() { for k in 0..<n { vectors[k, column] = v[k, source] } }
        return (order.map { a[$0, $0] }, vectors)
    }

    // MARK: - SVD: one-sided Jacobi

    /// The SVD by one-sided (Hestenes) Jacobi: rotations orthogonalize the columns of A·V, whose norms are
    /// then the singular values. U's columns for zero singular values, and the extra columns of a full U,
    /// are completed to an orthonormal basis.
    package static func jacobiSVD(_ a: DenseMatrix, full: Bool) -> SingularValueDecomposition? {
        guard a.isFinite else { return nil }
        if a.rows < a.columns {
            // A = (Aᵀ)ᵀ = (U' S V'ᵀ)ᵀ = V' S U'ᵀ.
            guard let t = jacobiSVD(a.transposed, full: full) else { return nil }
            return SingularValueDecomposition(u: t.vt.transposed, s: t.s, vt: t.u.transposed)
        }
        let (m, n) = (a.rows, a.columns)
        // Columns stored contiguously: w[j] is column j of A·V.
        var w = (0..<n).map { j in (0..<m).map { a[$0, j] } }
        var v = (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } }
        let eps = Double.ulpOfOne
        // NOTE: a column whose norm is below ε·‖A‖ is rounding noise; rotating it against the others never
        // settles (each rotation changes it by as much as it measures), so it is left alone.
        let frobenius = a.values.reduce(0) { hypot($0, $1) }
        let negligible = (eps * frobenius) * (eps * frobenius)
        var converged = n < 2
        for _ in 0..<80 where !converged {
            var rotated = false
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m {
                        alpha += w[p][i] * w[p][i]
                        beta += w[q][i] * w[q][i]
                        gamma += w[p][i] * w[q][i]
                    }
                    if gamma == 0 || alpha <= negligible || beta <= negligible || Swift.abs(gamma) <= eps * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let (x, y) = (w[p][i], w[q][i])
                        w[p][i] = c * x - s * y
                        w[q][i] = s * x + c * y
                    }
                    for i in 0..<n {
                        let (x, y) = (v[p][i], v[q][i])
                        v[p][i] = c * x - s * y
                        v[q][i] = s * x + c * y
                    }
                }
            }
            if !rotated { converged = true }
        }
        guard converged else { return nil }
        let norms = w.map { column in column.reduce(0) { hypot($0, $1) } }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        let s = order.map { norms[$0] }
        let largest = s.first ?? 0
        // Columns of U: w[j] / s[j] where s[j] is not negligible; the rest are completed below.
        var columns: [[Double]?] = order.map { j in
            norms[j] > largest * Double(Swift.max(m, n)) * eps && norms[j] > 0 ? w[j].map { $0 / norms[j] } : nil
        }
        if full { columns += [[Double]?](repeating: nil, count: m - n) }
        let u = orthonormalized(columns, dimension: m)
        var vt = DenseMatrix(zeros: n, n)
        for (row, j) in order.enumerated() { for i in 0..<n { vt[row, i] = v[j][i] } }
        var um = DenseMatrix(zeros: m, u.count)
        for (j, column) in u.enumerated() { for i in 0..<m { um[i, j] = column[i] } }
        return SingularValueDecomposition(u: um, s: s, vt: vt)
    }

    /// Modified Gram–Schmidt (applied twice) over `columns` in order; a missing column, or one that has
    /// no part left orthogonal to the others, becomes the basis vector most orthogonal to those kept.
    package static func orthonormalized(_ columns: [[Double]?], dimension m: Int) -> [[Double]] {
        var kept: [[Double]] = []
        func residual(_ x: [Double]) -> [Double] {
            var r = x
            for _ in 0..<2 {
                for b in kept {
                    var d = 0.0
                    for i in 0..<m { d += b[i] * r[i] }
                    for i in 0..<m { r[i] -= d * b[i] }
                }
            }
            return r
        }
        func norm(_ x: [Double]) -> Double { x.reduce(0) { hypot($0, $1) } }
        for column in columns {
            if let column {
                let r = residual(column)
                let size = norm(r)
                if size > 0.5 {
                    kept.append(r.map { $0 / size })
                    continue
                }
            }
            var best: [Double] = [], bestSize = -1.0
            for e in 0..<m {
                var basis = [Double](repeating: 0, count: m)
                basis[e] = 1
                let r = residual(basis)
                let size = norm(r)
                if size > bestSize { (best, bestSize) = (r, size) }
            }
            kept.append(best.map { $0 / bestSize })
        }
        return kept
    }

    // MARK: - General eigenproblems

    /// Eigenvalues by reduction to upper Hessenberg form (Gaussian similarity transforms with pivoting)
    /// and the Francis double-shift QR iteration; eigenvectors by inverse iteration on A − λI, one
    /// eigenvalue at a time. Vectors have unit norm and their largest component real and positive.
    ///
    /// NOTE: no balancing is done, so badly scaled matrices lose accuracy that LAPACK's `geev` keeps;
    /// for a repeated eigenvalue, vectors are orthogonalized against the earlier ones of the same value
    /// when that still leaves an eigenvector, else (a defective matrix) they repeat, as LAPACK's nearly do.
    package static func generalEigen(_ a: DenseMatrix) -> (values: [Complex<Double>], vectors: [Complex<Double>])? {
        let n = a.rows
        guard a.isFinite else { return nil }
        if n == 0 { return ([], []) }
        var h = a
        hessenberg(&h)
        guard let (wr, wi) = hessenbergQR(h) else { return nil }
        let values = (0..<n).map { Complex(wr[$0], wi[$0]) }
        let anorm = Swift.max(a.values.reduce(0) { Swift.max($0, Swift.abs($1)) }, Double.leastNormalMagnitude)
        var vectors = [[Complex<Double>]](repeating: [], count: n)
        for j in 0..<n {
            if wi[j] < 0, j > 0, wi[j - 1] > 0, wr[j - 1] == wr[j] {
                vectors[j] = vectors[j - 1].map { $0.conjugate }
                continue
            }
            let cluster = (0..<j).filter { (values[$0] - values[j]).length <= 1e-8 * anorm && wi[$0] >= 0 }
            vectors[j] = inverseIteration(a, values[j], seed: j, orthogonalTo: cluster.map { vectors[$0] }, scale: anorm)
            if wi[j] == 0 { vectors[j] = vectors[j].map { Complex($0.real, 0) } }
        }
        var flat = [Complex<Double>](repeating: .zero, count: n * n)
        for j in 0..<n { for i in 0..<n { flat[i * n + j] = vectors[j][i] } }
        return (values, flat)
    }

    /// Reduction to upper Hessenberg form by stabilized elementary similarity transforms.
    package static func hessenberg(_ a: inout DenseMatrix) {
        let n = a.rows
        guard n > 2 else { return }
        for m in 1..<(n - 1) {
            var x = 0.0, pivot = m
            for j in m..<n where Swift.abs(a[j, m - 1]) > Swift.abs(x) {
                x = a[j, m - 1]
                pivot = j
            }
            if pivot != m {
                for j in (m - 1)..<n { let t = a[pivot, j]; a[pivot, j] = a[m, j]; a[m, j] = t }
                for j in 0..<n { let t = a[j, pivot]; a[j, pivot] = a[j, m]; a[j, m] = t }
            }
            guard x != 0 else { continue }
            for i in (m + 1)..<n {
                var y = a[i, m - 1]
                guard y != 0 else { continue }
                y /= x
                a[i, m - 1] = y
                for j in m..<n { a[i, j] -= y * a[m, j] }
                for j in 0..<n { a[j, m] += y * a[j, i] }
            }
        }
        // The multipliers stored below the subdiagonal are not part of the Hessenberg matrix.
        for i in 2..<n { for j in 0..<(i - 1) { a[i, j] = 0 } }
    }

    /// Eigenvalues of an upper Hessenberg matrix by the Francis double-shift QR iteration with deflation
    /// (the EISPACK `hqr` algorithm). Complex pairs come positive imaginary part first.
    package static func hessenbergQR(_ input: DenseMatrix) -> (wr: [Double], wi: [Double])? {
        let n = input.rows
        var a = input
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var anorm = 0.0
        for i in 0..<n { for j in Swift.max(i - 1, 0)..<n { anorm += Swift.abs(a[i, j]) } }
        var nn = n - 1
        var t = 0.0
        while nn >= 0 {
            var its = 0
            var l = 0
            repeat {
                // Look for a single small subdiagonal element to split the matrix.
                l = nn
                while l >= 1 {
                    var s = Swift.abs(a[l - 1, l - 1]) + Swift.abs(a[l, l])
                    if s == 0 { s = anorm }
                    if Swift.abs(a[l, l - 1]) + s == s {
                        a[l, l - 1] = 0
                        break
                    }
                    l -= 1
                }
                var x = a[nn, nn]
                if l == nn {
                    // One root found.
                    wr[nn] = x + t
                    wi[nn] = 0
                    nn -= 1
                } else {
                    var y = a[nn - 1, nn - 1]
                    var w = a[nn, nn - 1] * a[nn - 1, nn]
                    if l == nn - 1 {
                        // Two roots found.
                        let p = 0.5 * (y - x)
                        let q = p * p + w
                        var z = Swift.abs(q).squareRoot()
                        x += t
                        if q >= 0 {
                            z = p + (p >= 0 ? z : -z)
                            wr[nn - 1] = x + z
                            wr[nn] = z != 0 ? x - w / z : x + z
                            wi[nn - 1] = 0
                            wi[nn] = 0
                        } else {
                            wr[nn - 1] = x + p
                            wr[nn] = x + p
                            wi[nn - 1] = z
                            wi[nn] = -z
                        }
                        nn -= 2
                    } else {
                        // No roots found yet: one double-shift QR step.
                        if its == 60 { return nil }
                        if its == 10 || its == 20 || its == 40 {
                            // An exceptional shift breaks cycles.
                            t += x
                            for i in 0...nn { a[i, i] -= x }
                            let s = Swift.abs(a[nn, nn - 1]) + Swift.abs(a[nn - 1, nn - 2])
                            x = 0.75 * s
                            y = x
                            w = -0.4375 * s * s
                        }
                        its += 1
                        var m = nn - 2
                        var p = 0.0, q = 0.0, r = 0.0, z = 0.0
                        while m >= l {
                            z = a[m, m]
                            r = x - z
                            let s0 = y - z
                            p = (r * s0 - w) / a[m + 1, m] + a[m, m + 1]
                            q = a[m + 1, m + 1] - z - r - s0
                            r = a[m + 2, m + 1]
                            let s = Swift.abs(p) + Swift.abs(q) + Swift.abs(r)
                            p /= s
                            q /= s
                            r /= s
                            if m == l { break }
                            let u = Swift.abs(a[m, m - 1]) * (Swift.abs(q) + Swift.abs(r))
                            let v = Swift.abs(p) * (Swift.abs(a[m - 1, m - 1]) + Swift.abs(z) + Swift.abs(a[m + 1, m + 1]))
                            if u + v == v { break }
                            m -= 1
                        }
                        for i in (m + 2)...nn {
                            a[i, i - 2] = 0
                            if i != m + 2 { a[i, i - 3] = 0 }
                        }
                        var k = m
                        while k <= nn - 1 {
                            if k != m {
                                p = a[k, k - 1]
                                q = a[k + 1, k - 1]
                                r = k != nn - 1 ? a[k + 2, k - 1] : 0
                                x = Swift.abs(p) + Swift.abs(q) + Swift.abs(r)
                                if x != 0 {
                                    p /= x
                                    q /= x
                                    r /= x
                                }
                            }
                            let magnitude = (p * p + q * q + r * r).squareRoot()
                            let s = p >= 0 ? magnitude : -magnitude
                            if s != 0 {
                                if k == m {
                                    if l != m { a[k, k - 1] = -a[k, k - 1] }
                                } else {
                                    a[k, k - 1] = -s * x
                                }
                                p += s
                                x = p / s
                                y = q / s
                                z = r / s
                                q /= p
                                r /= p
                                for j in k...nn {
                                    p = a[k, j] + q * a[k + 1, j]
                                    if k != nn - 1 {
                                        p += r * a[k + 2, j]
                                        a[k + 2, j] -= p * z
                                    }
                                    a[k + 1, j] -= p * y
                                    a[k, j] -= p * x
                                }
                                let last = Swift.min(nn, k + 3)
                                for i in l...last {
                                    p = x * a[i, k] + y * a[i, k + 1]
                                    if k != nn - 1 {
                                        p += z * a[i, k + 2]
                                        a[i, k + 2] -= p * r
                                    }
                                    a[i, k + 1] -= p * q
                                    a[i, k] -= p
                                }
                            }
                            k += 1
                        }
                    }
                }
            } while nn >= 0 && l < nn - 1
        }
        guard wr.allSatisfy(\.isFinite), wi.allSatisfy(\.isFinite) else { return nil }
        return (wr, wi)
    }

    /// An eigenvector for `lambda` by inverse iteration: solves (A − λI)·x = b a few times from a fixed
    /// start, with zero pivots nudged to ε‖A‖ (λ is an eigenvalue, so A − λI is singular by design).
    package static func inverseIteration(_ a: DenseMatrix, _ lambda: Complex<Double>, seed: Int, orthogonalTo others: [[Complex<Double>]],
                                 scale: Double) -> [Complex<Double>] {
        let n = a.rows
        var m = [Complex<Double>](repeating: .zero, count: n * n)
        for i in 0..<n { for j in 0..<n { m[i * n + j] = Complex(a[i, j]) } }
        for i in 0..<n { m[i * n + i] = m[i * n + i] - lambda }
        let factors = complexLU(m, n, minimumPivot: Double.ulpOfOne * scale)
        var generator = SplitMix64(seed: UInt64(seed) &+ 0x9E37)
        func start() -> [Complex<Double>] {
            (0..<n).map { _ in Complex(generator.nextUnit() + 0.5) }
        }
        func normalized(_ x: [Complex<Double>]) -> [Complex<Double>] {
            let size = x.reduce(0.0) { hypot($0, $1.length) }
            return size > 0 && size.isFinite ? x.map { $0 / Complex(size) } : x
        }
        func project(_ x: [Complex<Double>]) -> [Complex<Double>] {
            var r = x
            for b in others {
                var d = Complex<Double>.zero
                for i in 0..<n { d = d + b[i].conjugate * r[i] }
                for i in 0..<n { r[i] = r[i] - d * b[i] }
            }
            return r
        }
        func iterate(orthogonal: Bool) -> [Complex<Double>] {
            var x = normalized(orthogonal ? project(start()) : start())
            for _ in 0..<3 {
                x = complexLUSolve(factors, x, n)
                if orthogonal { x = project(x) }
                x = normalized(x)
            }
            return x
        }
        func residual(_ x: [Complex<Double>]) -> Double {
            (0..<n).reduce(0.0) { worst, i in
                var s = -lambda * x[i]
                for j in 0..<n { s = s + Complex(a[i, j]) * x[j] }
                return Swift.max(worst, s.length)
            }
        }
        var x = iterate(orthogonal: !others.isEmpty)
        if !others.isEmpty && !(residual(x) <= 1e-6 * scale * Double(n)) { x = iterate(orthogonal: false) }
        // Largest component real and positive, as LAPACK scales complex vectors.
        if let big = x.indices.max(by: { x[$0].length < x[$1].length }), x[big].length > 0 {
            let phase = x[big].conjugate / Complex(x[big].length)
            x = x.map { $0 * phase }
            x[big] = Complex(x[big].real, 0)
        }
        return x
    }

    /// LU with partial pivoting of a complex row-major n×n matrix; pivots smaller than `minimumPivot` are
    /// raised to it.
    package static func complexLU(_ input: [Complex<Double>], _ n: Int, minimumPivot: Double) -> (lu: [Complex<Double>], pivots: [Int]) {
        var x = input
        var pivots = [Int](repeating: 0, count: n)
        for k in 0..<n {
            var p = k, best = x[k * n + k].length
            for i in (k + 1)..<n where x[i * n + k].length > best {
                best = x[i * n + k].length
                p = i
            }
            pivots[k] = p
            if p != k { for j in 0..<n { x.swapAt(k * n + j, p * n + j) } }
            if !(x[k * n + k].length >= minimumPivot) { x[k * n + k] = Complex(minimumPivot) }
            let pivot = x[k * n + k]
            for i in (k + 1)..<n {
                let l = x[i * n + k] / pivot
                x[i * n + k] = l
                if l == .zero { continue }
                for j in (k + 1)..<n { x[i * n + j] = x[i * n + j] - l * x[k * n + j] }
            }
        }
        return (x, pivots)
    }

    package static func complexLUSolve(_ f: (lu: [Complex<Double>], pivots: [Int]), _ b: [Complex<Double>], _ n: Int) -> [Complex<Double>] {
        var x = b
        for (i, p) in f.pivots.enumerated() where p != i { x.swapAt(i, p) }
        for i in 0..<n { for k in 0..<i { x[i] = x[i] - f.lu[i * n + k] * x[k] } }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { x[i] = x[i] - f.lu[i * n + k] * x[k] }
            x[i] = x[i] / f.lu[i * n + i]
        }
        return x
    }
}
