/// What a factorization or solve does with a matrix it cannot handle (not positive definite, singular).
public enum LinearAlgebraFailure: String, Sendable, Hashable {
    /// Throw an error naming the op and the matrix (the default).
    case raise
    /// Return NaNs in place of that matrix's result, as PyTensor's `on_error="nan"` does.
    case nan
}

/// The Cholesky factor of each symmetric positive definite matrix of the last two axes: lower L with
/// A = L·Lᵀ (`lower`, the default, as in PyTensor), or upper U with A = Uᵀ·U. Only that triangle of A
/// is read, as LAPACK's `potrf` does.
public struct Cholesky: DenseKernelOp {
    public let lower: Bool
    public let onError: LinearAlgebraFailure
    public init(lower: Bool = true, onError: LinearAlgebraFailure = .raise) { (self.lower, self.onError) = (lower, onError) }
    public var description: String { "Cholesky{lower=\(lower)\(onError == .nan ? ", onError=nan" : "")}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "cholesky")
        return [TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "cholesky"), inputs[0].broadcastable)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "Cholesky")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let n = x.shape[x.ndim - 1]
        let factors = try LinearAlgebra.matrices(x, batch: batch).enumerated().map { i, m in
            if let factor = kernels.cholesky(m, lower: lower) { return factor }
            guard onError == .nan else {
                throw OpFailure(.numericalError, input: 0, "Cholesky: expected a symmetric positive definite matrix, got one that is not positive definite\(LinearAlgebra.position(i, in: batch)) (reading its \(lower ? "lower" : "upper") triangle); pass onError: .nan to get NaNs instead")
            }
            return DenseMatrix(rows: n, columns: n, values: [Double](repeating: .nan, count: n * n))
        }
        return [LinearAlgebra.assemble(factors, batch: batch, rows: n, columns: n, dtype: LinearAlgebra.outputDType([x.dtype], "Cholesky"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    /// I. Murray, "Differentiation of the Cholesky decomposition" (arXiv:1602.07527):
    /// with Φ(X) the lower triangle of X with its diagonal halved, S = L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹ and
    /// Ā = tril(S + Sᵀ) − diag(S), the gradient with respect to the triangle that was read.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard var gz = outputGrads[0] else { return [nil] }
        var l = outputs[0]
        if !lower { (l, gz) = (l.mT, gz.mT) }
        let identity = eye(shapeI(l, l.ndim - 1), dtype: l.dtype)
        func halvedLowerTriangle(_ x: TensorVariable) -> TensorVariable { tril(x) - 0.5 * (x * identity) }
        let p = halvedLowerTriangle(batchedProduct(l.mT, gz))
        // L⁻ᵀ·P·L⁻¹ as two solves with the upper triangle Lᵀ.
        let solveUpper = { (a: TensorVariable, b: TensorVariable) in
            SolveTriangular(lower: false, unitDiagonal: false, bNdim: 2, batchFlags: LinearAlgebra.batchFlags([a.type, b.type], core: [2, 2]))(a, b)
        }
        let s = solveUpper(l.mT, solveUpper(l.mT, p.mT).mT)
        var g = tril(s + s.mT) - s * identity
        if !lower { g = g.mT }
        return [LinearAlgebra.reduced(g, to: inputs[0])]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "cholesky(\(inputs[0])\(lower ? "" : ", lower: false"))" }
}

/// The Cholesky factor of a symmetric positive definite matrix, or of each matrix of a batch: lower L
/// with `a = L·Lᵀ` (the default, as in PyTensor), or upper U with `a = Uᵀ·U`. Only that triangle of
/// `a` is read.
///
/// A matrix that is not positive definite makes the call throw an error naming `Cholesky`;
/// `onError: .nan` returns NaNs for it instead (PyTensor's `on_error="nan"`).
///
/// ```swift
/// let a = dmatrix("a")
/// let l = cholesky(a)
/// let f = try function([a], l)
/// print(try f([[4.0, 2.0], [2.0, 5.0]]))   // [[2. 0.] [1. 2.]]
/// ```
public func cholesky(_ a: some TensorConvertible, lower: Bool = true, onError: LinearAlgebraFailure = .raise) -> TensorVariable {
    Cholesky(lower: lower, onError: onError)(a.asTensor())
}
