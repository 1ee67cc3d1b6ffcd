import ComplexModule

/// An LU factorization with partial pivoting, `P·A = L·U`, packed the way LAPACK's `getrf` leaves it.
package struct LUFactorization: Sendable {
    /// L below the diagonal (its unit diagonal implied), U on and above it.
    package var lu: DenseMatrix
    /// Row `i` was swapped with row `pivots[i]` (0-based), in order.
    package var pivots: [Int]
    /// The first exactly zero pivot, when the matrix is singular.
    package var firstZeroPivot: Int?

    package init(lu: DenseMatrix, pivots: [Int], firstZeroPivot: Int? = nil) { (self.lu, self.pivots, self.firstZeroPivot) = (lu, pivots, firstZeroPivot) }

    package var isSingular: Bool { firstZeroPivot != nil }

    /// The sign of the row permutation: +1 for an even number of swaps, −1 for odd.
    package var permutationSign: Double {
        pivots.enumerated().reduce(1.0) { $1.offset == $1.element ? $0 : -$0 }
    }

    /// The diagonal of U.
    package var diagonal: [Double] { (0..<lu.rows).map { lu[$0, $0] } }
}

/// A singular value decomposition `A = U·diag(s)·Vᵀ`, singular values in descending order.
package struct SingularValueDecomposition: Sendable {
    package var u: DenseMatrix
    package var s: [Double]
    package var vt: DenseMatrix

    package init(u: DenseMatrix, s: [Double], vt: DenseMatrix) { (self.u, self.s, self.vt) = (u, s, vt) }
}

/// The dense kernels the linear-algebra ops are built on, one matrix at a time. Two implementations:
/// ``BuiltInLinearAlgebra`` (plain Swift: every op's `perform`, the reference) and the LAPACK found at
/// run time (the CPU backend's kernel table, when one is loaded).
///
/// A kernel that can fail on the data returns nil (a singular or non-positive-definite matrix, an
/// iteration that did not converge); the op turns that into an error naming itself.
package protocol DenseLinearAlgebra: Sendable {
    /// Who computes: "built-in" or the LAPACK library's name.
    var name: String { get }
    /// P·A = L·U of a square matrix; a zero pivot is recorded, not fatal (the determinant is then 0).
    func luFactor(_ a: DenseMatrix) -> LUFactorization
    /// A⁻¹·B from an LU factorization without a zero pivot.
    func luSolve(_ factorization: LUFactorization, _ b: DenseMatrix) -> DenseMatrix
    /// The Cholesky factor of the matrix whose `lower` (else upper) triangle `a` holds: L with A = L·Lᵀ,
    /// or U with A = Uᵀ·U. The other triangle of the result is zero. Nil when A is not positive definite;
    /// all NaN when that triangle holds a NaN.
    func cholesky(_ a: DenseMatrix, lower: Bool) -> DenseMatrix?
    /// T⁻¹·B (or T⁻ᵀ·B) reading only the `lower` (else upper) triangle of T; nil when a diagonal entry is 0.
    func triangularSolve(_ t: DenseMatrix, _ b: DenseMatrix, lower: Bool, transposed: Bool, unitDiagonal: Bool) -> DenseMatrix?
    /// A⁻¹·B for the symmetric matrix held in one triangle of `a`; nil when A is singular.
    func symmetricSolve(_ a: DenseMatrix, _ b: DenseMatrix, lower: Bool) -> DenseMatrix?
    /// Eigenvalues in ascending order (and eigenvectors as columns) of the symmetric matrix held in one
    /// triangle of `a`; nil when the iteration does not converge.
    func symmetricEigen(_ a: DenseMatrix, lower: Bool, vectors: Bool) -> (values: [Double], vectors: DenseMatrix)?
    /// Eigenvalues and right eigenvectors (columns of a row-major n×n array, each of unit norm) of a
    /// general square matrix; nil when the iteration does not converge.
    func generalEigen(_ a: DenseMatrix) -> (values: [Complex<Double>], vectors: [Complex<Double>])?
    /// The SVD, with U m×m and Vᵀ n×n when `full`, else m×k and k×n (k = min(m, n)).
    func svd(_ a: DenseMatrix, full: Bool) -> SingularValueDecomposition?
    /// The singular values alone, descending.
    func singularValues(_ a: DenseMatrix) -> [Double]?
    /// A = Q·R by Householder reflections: Q m×m and R m×n when `complete`, else m×k and k×n.
    func qr(_ a: DenseMatrix, complete: Bool) -> (q: DenseMatrix, r: DenseMatrix)
}

extension DenseLinearAlgebra {
    /// A⁻¹, or nil when A is singular.
    package func inverse(_ a: DenseMatrix) -> DenseMatrix? {
        let f = luFactor(a)
        return f.isSingular ? nil : luSolve(f, .identity(a.rows))
    }

    /// A⁻¹·B for a general square A, or nil when A is singular.
    package func solve(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix? {
        let f = luFactor(a)
        return f.isSingular ? nil : luSolve(f, b)
    }
}

/// The plain-Swift kernels: LU with partial pivoting, Cholesky, Householder QR, triangular solves, the
/// cyclic Jacobi method for symmetric eigenproblems, one-sided Jacobi for the SVD, and Hessenberg
/// reduction with the shifted QR iteration (then inverse iteration) for general eigenproblems.
/// Correct for every size, and slower than LAPACK on large matrices.
package struct BuiltInLinearAlgebra: DenseLinearAlgebra {
    package var name: String { "built-in" }

    package func luFactor(_ a: DenseMatrix) -> LUFactorization { BuiltInKernels.luFactor(a) }
    package func luSolve(_ factorization: LUFactorization, _ b: DenseMatrix) -> DenseMatrix { BuiltInKernels.luSolve(factorization, b) }
    package func cholesky(_ a: DenseMatrix, lower: Bool) -> DenseMatrix? { BuiltInKernels.cholesky(a, lower: lower) }
    package func triangularSolve(_ t: DenseMatrix, _ b: DenseMatrix, lower: Bool, transposed: Bool, unitDiagonal: Bool) -> DenseMatrix? {
        BuiltInKernels.triangularSolve(t, b, lower: lower, transposed: transposed, unitDiagonal: unitDiagonal)
    }
    package func symmetricSolve(_ a: DenseMatrix, _ b: DenseMatrix, lower: Bool) -> DenseMatrix? {
        solve(a.symmetrized(fromLower: lower), b)
    }
    package func symmetricEigen(_ a: DenseMatrix, lower: Bool, vectors: Bool) -> (values: [Double], vectors: DenseMatrix)? {
        BuiltInKernels.jacobiEigen(a.symmetrized(fromLower: lower))
    }
    package func generalEigen(_ a: DenseMatrix) -> (values: [Complex<Double>], vectors: [Complex<Double>])? {
        BuiltInKernels.generalEigen(a)
    }
    package func svd(_ a: DenseMatrix, full: Bool) -> SingularValueDecomposition? { BuiltInKernels.jacobiSVD(a, full: full) }
    package func singularValues(_ a: DenseMatrix) -> [Double]? { BuiltInKernels.jacobiSVD(a, full: false)?.s }
    package func qr(_ a: DenseMatrix, complete: Bool) -> (q: DenseMatrix, r: DenseMatrix) { BuiltInKernels.householderQR(a, complete: complete) }
}

/// Which kernels the CPU backend uses: LAPACK when one was loaded, else the built-in ones.
package enum LinearAlgebraKernels {
    package static let builtIn: any DenseLinearAlgebra = BuiltInLinearAlgebra()
}
