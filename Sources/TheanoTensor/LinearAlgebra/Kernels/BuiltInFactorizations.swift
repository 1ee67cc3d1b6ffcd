import Foundation

/// The built-in factorizations and solves (see ``BuiltInLinearAlgebra``). Every loop reads only the
/// part of its input that the matching LAPACK routine reads, so both give the same function of the data.
package enum BuiltInKernels {
    // MARK: - LU

    /// Doolittle elimination with partial pivoting (LAPACK's `getrf`): the largest remaining entry of each
    /// column becomes the pivot. A zero pivot leaves its column as it is and the factorization goes on.
    package static func luFactor(_ a: DenseMatrix) -> LUFactorization {
        precondition(a.isSquare, "luFactor: the matrix is \(a.rows)×\(a.columns)")
        let n = a.rows
        var m = a
        var pivots = [Int](repeating: 0, count: n)
        var firstZero: Int?
        m.values.withUnsafeMutableBufferPointer { x in
            for k in 0..<n {
                var p = k, best = Swift.abs(x[k * n + k])
                for i in (k + 1)..<n where Swift.abs(x[i * n + k]) > best {
                    best = Swift.abs(x[i * n + k])
                    p = i
                }
                pivots[k] = p
                if p != k { for j in 0..<n { x.swapAt(k * n + j, p * n + j) } }
                let pivot = x[k * n + k]
                if pivot == 0 {
                    if firstZero == nil { firstZero = k }
                    continue
                }
                for i in (k + 1)..<n {
                    let l = x[i * n + k] / pivot
                    x[i * n + k] = l
                    if l == 0 { continue }
                    for j in (k + 1)..<n { x[i * n + j] -= l * x[k * n + j] }
                }
            }
        }
        return LUFactorization(lu: m, pivots: pivots, firstZeroPivot: firstZero)
    }

    /// A⁻¹·B from P·A = L·U: permute B's rows, then forward (unit L) and back (U) substitution.
    package static func luSolve(_ f: LUFactorization, _ b: DenseMatrix) -> DenseMatrix {
        let n = f.lu.rows, r = b.columns
        var x = b
        for (i, p) in f.pivots.enumerated() where p != i {
            for j in 0..<r { x.values.swapAt(i * r + j, p * r + j) }
        }
        let lu = f.lu
        for i in 0..<n {
            for k in 0..<i where lu[i, k] != 0 {
                let l = lu[i, k]
                for j in 0..<r { x.values[i * r + j] -= l * x.values[k * r + j] }
            }
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n where lu[i, k] != 0 {
                let u = lu[i, k]
                for j in 0..<r { x.values[i * r + j] -= u * x.values[k * r + j] }
            }
            let d = lu[i, i]
            for j in 0..<r { x.values[i * r + j] /= d }
        }
        return x
    }

    // MARK: - Cholesky and triangular solves

    /// The Cholesky–Banachiewicz factorization of the matrix held in the `lower` (else upper) triangle.
    /// A non-positive pivot means A is not positive definite.
    package static func cholesky(_ a: DenseMatrix, lower: Bool) -> DenseMatrix? {
        precondition(a.isSquare, "cholesky: the matrix is \(a.rows)×\(a.columns)")
        if let nan = DenseMatrix.nanFactor(a, lower: lower) { return nan }
        // The upper factor U of A (reading A's upper triangle) is the transpose of the lower factor of Aᵀ.
        let source = lower ? a : a.transposed
        let n = a.rows
        var l = DenseMatrix(zeros: n, n)
        for j in 0..<n {
            var d = source[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0 else { return nil }
            let ljj = d.squareRoot()
            l[j, j] = ljj
            for i in (j + 1)..<n {
                var s = source[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / ljj
            }
        }
        return lower ? l : l.transposed
    }

    /// Forward or back substitution with the `lower` (else upper) triangle of T, or of Tᵀ when `transposed`.
    package static func triangularSolve(_ t: DenseMatrix, _ b: DenseMatrix, lower: Bool, transposed: Bool, unitDiagonal: Bool) -> DenseMatrix? {
        let n = t.rows, r = b.columns
        if !unitDiagonal, (0..<n).contains(where: { t[$0, $0] == 0 }) { return nil }
        // The system actually solved is E·X = B with E = T or Tᵀ; E is lower triangular when exactly one
        // of `lower` and `transposed` holds.
        func e(_ i: Int, _ j: Int) -> Double { transposed ? t[j, i] : t[i, j] }
        let forward = lower != transposed
        var x = b
        let order = forward ? Array(0..<n) : Array((0..<n).reversed())
        for i in order {
            let others = forward ? Array(0..<i) : Array((i + 1)..<n)
            for k in others {
                let c = e(i, k)
                if c == 0 { continue }
                for j in 0..<r { x.values[i * r + j] -= c * x.values[k * r + j] }
            }
            if !unitDiagonal {
                let d = e(i, i)
                for j in 0..<r { x.values[i * r + j] /= d }
            }
        }
        return x
    }

    // MARK: - QR

    /// Householder QR as LAPACK's `geqrf` and `orgqr` compute it: each reflector maps its column onto
    /// −sign(α)·‖x‖·e₁, so R's diagonal carries LAPACK's signs.
    package static func householderQR(_ a: DenseMatrix, complete: Bool) -> (q: DenseMatrix, r: DenseMatrix) {
        let (m, n) = (a.rows, a.columns)
        let k = Swift.min(m, n)
        var r = a
        var reflectors: [(v: [Double], tau: Double)] = []
        for j in 0..<k {
            let alpha = r[j, j]
            var xnorm = 0.0
            for i in (j + 1)..<m { xnorm = hypot(xnorm, r[i, j]) }
            guard xnorm != 0 else {
                reflectors.append(([1], 0))
                continue
            }
            let beta = -copysign(hypot(alpha, xnorm), alpha)
            let tau = (beta - alpha) / beta
            var v = [Double](repeating: 0, count: m - j)
            v[0] = 1
            for i in (j + 1)..<m { v[i - j] = r[i, j] / (alpha - beta) }
            r[j, j] = beta
            for i in (j + 1)..<m { r[i, j] = 0 }
            // Apply H = I − τ·v·vᵀ to the columns on the right.
            for c in (j + 1)..<n {
                var dotProduct = 0.0
                for i in j..<m { dotProduct += v[i - j] * r[i, c] }
                let s = tau * dotProduct
                if s == 0 { continue }
                for i in j..<m { r[i, c] -= s * v[i - j] }
            }
            reflectors.append((v, tau))
        }
        // Q = H₀·H₁·…·H_{k−1} applied to the first columns of the identity, last reflector first.
        let qColumns = complete ? m : k
        var q = DenseMatrix(zeros: m, qColumns)
        for i in 0..<Swift.min(m, qColumns) { q[i, i] = 1 }
        for j in stride(from: k - 1, through: 0, by: -1) {
            let (v, tau) = reflectors[j]
            if tau == 0 { continue }
            for c in 0..<qColumns {
                var dotProduct = 0.0
                for i in j..<m { dotProduct += v[i - j] * q[i, c] }
                let s = tau * dotProduct
                if s == 0 { continue }
                for i in j..<m { q[i, c] -= s * v[i - j] }
            }
        }
        for i in 0..<m { for j in 0..<Swift.min(i, n) { r[i, j] = 0 } }
        return (q, complete ? r : r.rows(0..<k))
    }

    // MARK: - Matrix exponential

    /// θₘ: the largest 1-norm for which the degree-m approximant is accurate to double precision.
    package static let thresholds: [(degree: Int, theta: Double)] = [
        (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1), (9, 2.097847961257068), (13, 5.371920351148152),
    ]

    /// The matrix exponential by scaling and squaring with a diagonal Padé approximant of degree 3, 5,
    /// 7, 9 or 13 chosen by the 1-norm (Higham 2005); nil for non-finite input. The one solve goes
    /// through `kernels`.
    package static func exponential(_ a: DenseMatrix, _ kernels: any DenseLinearAlgebra) -> DenseMatrix? {
        guard a.isFinite else { return nil }
        if a.rows == 0 { return a }
        let norm = a.oneNorm
        for (degree, theta) in thresholds.dropLast() where norm <= theta { return pade(a, degree, kernels) }
        let theta13 = thresholds[thresholds.count - 1].theta
        let squarings = norm > theta13 ? Int((Foundation.log2(norm / theta13)).rounded(.up)) : 0
        guard var r = pade(Foundation.pow(2, -Double(squarings)) * a, 13, kernels) else { return nil }
        for _ in 0..<squarings { r = r * r }
        return r
    }

    /// rₘ(A) = pₘ(−A)⁻¹·pₘ(A), pₘ(x) = Σ cⱼxʲ with cⱼ = (2m − j)!·m! / ((2m)!·j!·(m − j)!): with U the odd
    /// and V the even part of pₘ(A), rₘ(A) = (V − U)⁻¹·(V + U).
    package static func pade(_ a: DenseMatrix, _ m: Int, _ kernels: any DenseLinearAlgebra) -> DenseMatrix? {
        var c = [1.0]
        for j in 1...m { c.append(c[j - 1] * Double(m - j + 1) / Double(j * (2 * m - j + 1))) }
        let n = a.rows
        let a2 = a * a
        var evenPowers = [DenseMatrix.identity(n)]
        while evenPowers.count * 2 <= m { evenPowers.append(evenPowers[evenPowers.count - 1] * a2) }
        var odd = DenseMatrix(zeros: n, n), even = DenseMatrix(zeros: n, n)
        for j in 0...m {
            if j % 2 == 0 { even = even + c[j] * evenPowers[j / 2] } else { odd = odd + c[j] * evenPowers[j / 2] }
        }
        let u = a * odd
        return kernels.solve(even - u, even + u)
    }
}
