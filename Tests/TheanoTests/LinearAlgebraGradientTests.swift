import Foundation
import Testing
@testable import Theano

/// Every differentiable linear-algebra op against finite differences (`verifyGrad`), on single
/// matrices and on batches. Ops that read one triangle have the gradient of what they compute: zero on
/// the other triangle, which finite differences confirm because they perturb every entry.
@Suite struct LinearAlgebraGradientTests {
    static func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> NDArray {
        var generator = SplitMix64(seed: seed)
        return NDArray((0..<shape.reduce(1, *)).map { _ in (generator.nextUnit() * 2 - 1) * scale }, shape: shape)
    }

    /// A well-conditioned general matrix: random plus a multiple of the identity.
    static func wellConditioned(_ n: Int, seed: UInt64) -> NDArray {
        let r = random([n, n], seed: seed).doubles
        return NDArray((0..<(n * n)).map { r[$0] + ($0 % (n + 1) == 0 ? 3 : 0) }, shape: [n, n])
    }

    /// A symmetric positive definite matrix R·Rᵀ + n·I.
    static func positiveDefinite(_ n: Int, seed: UInt64) -> NDArray {
        let r = random([n, n], seed: seed).doubles
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { values[i * n + j] = (0..<n).reduce(i == j ? Double(n) : 0) { $0 + r[i * n + $1] * r[j * n + $1] } } }
        return NDArray(values, shape: [n, n])
    }

    static func stacked(_ matrices: [NDArray]) -> NDArray {
        NDArray(matrices.flatMap(\.doubles), shape: [matrices.count] + matrices[0].shape)
    }

    @Test func inverseDeterminantAndLogDeterminant() throws {
        let a = Self.wellConditioned(3, seed: 1)
        try verifyGrad({ matrixInverse($0[0]) }, at: [a])
        try verifyGrad({ det($0[0]) }, at: [a])
        try verifyGrad({ slogdet($0[0]).logAbsDet }, at: [a])
        try verifyGrad({ slogdet($0[0]).logAbsDet }, at: [NDArray(a.doubles.map { -$0 }, shape: [3, 3])])
        try verifyGrad({ log(abs(det($0[0]))) }, at: [a])
        // Second derivatives of det go through the adjugate's own gradient.
        try verifyGrad({ Adjugate()($0[0]) }, at: [a])
        // Batches, and the CPU backend's kernels (LAPACK when loaded).
        let batch = Self.stacked([a, Self.wellConditioned(3, seed: 2)])
        try verifyGrad({ det($0[0]) }, at: [batch], mode: .fastRun)
        try verifyGrad({ matrixInverse($0[0]) }, at: [batch])
        try verifyGrad({ slogdet($0[0]).logAbsDet }, at: [batch], mode: .fastRun)
    }

    /// The determinant's gradient is the transposed adjugate, which exists at singular matrices too:
    /// finite differences of det at a rank-deficient matrix agree with it.
    @Test func determinantGradientIsFiniteAtSingularMatrices() throws {
        let rankTwo = NDArray([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
        try verifyGrad({ det($0[0]) }, at: [rankTwo])
        try verifyGrad({ det($0[0]) }, at: [NDArray([[1.0, 2, 3], [2, 4, 6], [3, 6, 9]])])
        let a = dmatrix("a")
        let g = try function([a], try grad(det(a), wrt: a)).call([rankTwo])
        // adj(A)ᵀ for this A, from numpy: the cofactor matrix.
        #expect(close(g.doubles, [4, 4, -4, -2, -2, 2, 0, 0, 0], tolerance: 1e-12))
    }

    /// grad(log(det(A))) goes through slogdet (the stabilizing rewrite), so it is A⁻ᵀ even where det(A)
    /// overflows to ∞.
    @Test func logDeterminantGradientDoesNotOverflow() throws {
        let a = dmatrix("a")
        let cost = log(det(a))
        let g = try function([a], try grad(cost, wrt: a)).call([[[1e200, 0, 0], [0, 1e200, 0], [0, 0, 2e200]]])
        #expect(close(g.doubles, [1e-200, 0, 0, 0, 1e-200, 0, 0, 0, 5e-201], tolerance: 1e-14))
    }

    @Test func choleskyAndTheSolves() throws {
        let spd = Self.positiveDefinite(3, seed: 3), g = Self.wellConditioned(3, seed: 4)
        let b = Self.random([3], seed: 5), bm = Self.random([3, 2], seed: 6)
        try verifyGrad({ cholesky($0[0]) }, at: [spd])
        try verifyGrad({ cholesky($0[0], lower: false) }, at: [spd])
        try verifyGrad({ solve($0[0], $0[1]) }, at: [g, b])
        try verifyGrad({ solve($0[0], $0[1]) }, at: [g, bm])
        try verifyGrad({ solve($0[0], $0[1], transposed: true) }, at: [g, bm])
        for lower in [false, true] {
            try verifyGrad({ solve($0[0], $0[1], assumeA: .symmetric, lower: lower) }, at: [g, b])
            try verifyGrad({ solve($0[0], $0[1], assumeA: .positiveDefinite, lower: lower) }, at: [spd, bm])
            try verifyGrad({ solveTriangular($0[0], $0[1], lower: lower) }, at: [g, bm])
            try verifyGrad({ solveTriangular($0[0], $0[1], lower: lower, unitDiagonal: true) }, at: [g, b])
            try verifyGrad({ solveTriangular($0[0], $0[1], lower: lower, transposed: true) }, at: [g, b])
            try verifyGrad({ choSolve($0[0], $0[1], lower: lower) }, at: [cholesky(constant(spd), lower: lower).eval(), bm])
        }
        // Batches with a shared right-hand side (its gradient sums over the batch) and the CPU backend.
        let batch = Self.stacked([spd, Self.positiveDefinite(3, seed: 7)])
        try verifyGrad({ cholesky($0[0]) }, at: [batch], mode: .fastRun)
        try verifyGrad({ solve($0[0], $0[1]) }, at: [batch, bm])
        try verifyGrad({ solve($0[0], $0[1], assumeA: .positiveDefinite) }, at: [batch, bm], mode: .fastRun)
        try verifyGrad({ solveTriangular($0[0], $0[1], lower: true) }, at: [batch, bm])
    }

    @Test func symmetricEigenproblems() throws {
        let a = Self.positiveDefinite(3, seed: 8), b = Self.positiveDefinite(3, seed: 9)
        // Eigenvectors are unique up to sign; the cost squares them away, as any meaningful cost must.
        try verifyGrad({ eigh($0[0]).w }, at: [a])
        try verifyGrad({ eigh($0[0], lower: false).w }, at: [a])
        try verifyGrad({ sqr(eigh($0[0]).v) }, at: [a])
        try verifyGrad({ sqr(eigh($0[0]).v) * eigh($0[0]).w }, at: [a], mode: .fastRun)
        try verifyGrad({ eigvalsh($0[0]) }, at: [a])
        try verifyGrad({ eigvalsh($0[0], $0[1]) }, at: [a, b])
        try verifyGrad({ eigh($0[0], $0[1]).w }, at: [a, b])
        try verifyGrad({ sqr(eigh($0[0], $0[1]).v) }, at: [a, b])
        try verifyGrad({ eigvalsh($0[0]) }, at: [Self.stacked([a, b])])
    }

    /// The limits of eigh's gradient: with a repeated eigenvalue, a cost of the eigenvalues has a finite
    /// gradient; one of the eigenvectors (which are not unique there) gets NaN.
    @Test func eighGradientAtRepeatedEigenvalues() throws {
        let a = dmatrix("a")
        let repeated: [[Double]] = [[2, 0, 0], [0, 2, 0], [0, 0, 5]]
        let (w, v) = eigh(a)
        let values = try function([a], try grad(w.sum() + (w * w).sum(), wrt: a)).call([repeated])
        #expect(values.doubles.allSatisfy { $0.isFinite })
        #expect(close(values.doubles, [5, 0, 0, 0, 5, 0, 0, 0, 11], tolerance: 1e-12))
        let vectors = try function([a], try grad(v[0, 1], wrt: a)).call([repeated])
        #expect(vectors.doubles.contains { $0.isNaN })
    }

    @Test func singularValuesAndQR() throws {
        let tall = Self.random([4, 3], seed: 10), wide = Self.random([2, 4], seed: 11), square = Self.wellConditioned(3, seed: 12)
        for (point, label) in [(tall, "tall"), (wide, "wide"), (square, "square")] {
            try verifyGrad({ svdvals($0[0]) }, at: [point])
            try verifyGrad({ svd($0[0]).s }, at: [point])
            // U and Vᵀ through a cost invariant to their paired signs: U·diag(s)·Vᵀ, and squares.
            try verifyGrad({
                let (u, s, vt) = svd($0[0], fullMatrices: false)
                return matmul(u * s.dimshuffle(nil, 0), vt) + sqr(u).sum() + sqr(vt).sum() * 0.5
            }, at: [point])
            try verifyGrad({ sqr(svd($0[0], fullMatrices: false).u) }, at: [point])
            try verifyGrad({ qr($0[0]).q }, at: [point])
            try verifyGrad({ qr($0[0]).r }, at: [point])
            try verifyGrad({ qrR($0[0]) }, at: [point])
            _ = label
        }
        try verifyGrad({ qr($0[0], mode: .complete).q }, at: [square])
        try verifyGrad({ qr($0[0], mode: .complete).r }, at: [wide])
        try verifyGrad({ qr($0[0]).q + qr($0[0]).r.sum() }, at: [Self.stacked([tall, Self.random([4, 3], seed: 13)])], mode: .fastRun)
        try verifyGrad({ svdvals($0[0]) }, at: [Self.stacked([tall, tall])], mode: .fastRun)
    }

    @Test func pseudoInverseExponentialAndProducts() throws {
        let tall = Self.random([4, 3], seed: 14), square = Self.wellConditioned(3, seed: 15), spd = Self.positiveDefinite(3, seed: 16)
        try verifyGrad({ pinv($0[0]) }, at: [tall])
        try verifyGrad({ pinv($0[0]) }, at: [Self.random([2, 4], seed: 17)])
        try verifyGrad({ pinv($0[0], hermitian: true) }, at: [spd])
        try verifyGrad({ expm($0[0]) }, at: [Self.random([3, 3], seed: 18)])
        try verifyGrad({ expm($0[0]) }, at: [Self.stacked([square, square])], mode: .fastRun)
        try verifyGrad({ matmul($0[0], $0[1]) }, at: [Self.random([2, 3, 4], seed: 19), Self.random([4, 2], seed: 20)])
        try verifyGrad({ matmul($0[0], $0[1]) }, at: [Self.random([3], seed: 21), Self.random([2, 3, 4], seed: 22)])
        try verifyGrad({ kron($0[0], $0[1]) }, at: [Self.random([2, 2], seed: 23), Self.random([3, 1], seed: 24)])
        try verifyGrad({ matrixPower($0[0], 3) }, at: [square])
        try verifyGrad({ matrixPower($0[0], -2) }, at: [square])
        try verifyGrad({ matrixDot($0[0], $0[1], $0[0]) }, at: [square, spd])
        try verifyGrad({ tensorinv($0[0]) }, at: [NDArray(Self.wellConditioned(4, seed: 25).doubles, shape: [2, 2, 2, 2])])
        try verifyGrad({ tensorsolve($0[0], $0[1]) }, at: [NDArray(Self.wellConditioned(4, seed: 26).doubles, shape: [2, 2, 2, 2]), Self.random([2, 2], seed: 27)])
    }

    @Test func diagonalsTrianglesAndNorms() throws {
        let cube = Self.random([2, 3, 4], seed: 28), m = Self.wellConditioned(3, seed: 29)
        try verifyGrad({ tril($0[0]) }, at: [cube])
        try verifyGrad({ triu($0[0], k: 1) }, at: [cube])
        try verifyGrad({ extractDiag($0[0], offset: 1, axis1: 0, axis2: 2) }, at: [cube])
        try verifyGrad({ allocDiag($0[0], offset: -1, axis1: 0, axis2: 2) }, at: [Self.random([2, 3], seed: 30)])
        try verifyGrad({ trace($0[0]) }, at: [m])
        try verifyGrad({ diag($0[0]) }, at: [Self.random([3], seed: 31)])
        try verifyGrad({ DiagonalScatter(offset: 0, axis1: 0, axis2: 1)($0[0], $0[1]) }, at: [m, Self.random([3], seed: 32)])
        for order in [NormOrder.frobenius, .nuclear, .p(2), .p(-2), .infinity, .p(1)] {
            try verifyGrad({ norm($0[0], ord: order) }, at: [m])
        }
        for order in [NormOrder.p(2), .p(1), .p(3), .infinity] {
            try verifyGrad({ norm($0[0], ord: order, axis: [1]) }, at: [m])
        }
    }
}
