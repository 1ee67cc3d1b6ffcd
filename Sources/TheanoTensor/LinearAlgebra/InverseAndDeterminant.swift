import Foundation

/// The inverse of each square matrix of the last two axes, from an LU factorization with partial
/// pivoting (numpy's `inv`). A singular matrix (an exactly zero pivot) is an error naming the op.
public struct MatrixInverse: DenseKernelOp {
    public init() {}
    public var description: String { "MatrixInverse" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "matrixInverse")
        return [TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "matrixInverse"), inputs[0].broadcastable)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "MatrixInverse")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let n = x.shape[x.ndim - 1]
        let inverses = try LinearAlgebra.matrices(x, batch: batch).enumerated().map { i, m in
            let f = kernels.luFactor(m)
            if let zero = f.firstZeroPivot {
                throw OpFailure(.numericalError, input: 0, "MatrixInverse: expected an invertible matrix, got a singular one\(LinearAlgebra.position(i, in: batch)): its LU factorization has a zero pivot in column \(zero)")
            }
            return kernels.luSolve(f, .identity(n))
        }
        return [LinearAlgebra.assemble(inverses, batch: batch, rows: n, columns: n, dtype: LinearAlgebra.outputDType([x.dtype], "MatrixInverse"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    /// d(X⁻¹) = −X⁻¹·dX·X⁻¹, so X̄ = −X⁻ᵀ·Ḡ·X⁻ᵀ.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        let xi = outputs[0]
        return [LinearAlgebra.reduced(-batchedProduct(batchedProduct(xi.mT, gz), xi.mT), to: inputs[0])]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "matrixInverse(\(inputs[0]))" }
}

/// The determinant of each square matrix of the last two axes: the signed product of U's diagonal in
/// P·A = L·U (numpy's `det`). A singular matrix has determinant 0.
public struct Det: DenseKernelOp {
    public init() {}
    public var description: String { "Det" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "det")
        return [TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "det"), Array(inputs[0].broadcastable.dropLast(2)))]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "Det")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let dets = LinearAlgebra.matrices(x, batch: batch).map { m -> [Double] in
            let f = kernels.luFactor(m)
            return [f.diagonal.reduce(f.permutationSign, *)]
        }
        return [LinearAlgebra.assemble(dets, batch: batch, core: [], dtype: LinearAlgebra.outputDType([x.dtype], "Det"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [Array(inputShapes[0].dropLast(2))]
    }

    /// ∂det(X)/∂X = adj(X)ᵀ. The adjugate (``Adjugate``) is finite and exact for singular matrices too,
    /// where det(X)·X⁻ᵀ cannot be formed.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        return [LinearAlgebra.reduced(LinearAlgebra.asMatrices(gz) * Adjugate()(inputs[0]).mT, to: inputs[0])]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "det(\(inputs[0]))" }
}

/// The sign and the natural logarithm of the absolute value of each determinant (numpy's `slogdet`),
/// from the same LU factorization as ``Det`` but summing logarithms: finite where the determinant
/// itself overflows or underflows. A singular matrix gives sign 0 and −∞.
public struct SLogDet: DenseKernelOp {
    public init() {}
    public var description: String { "SLogDet" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "slogdet")
        let type = TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "slogdet"), Array(inputs[0].broadcastable.dropLast(2)))
        return [type, type]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "SLogDet")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        var signs: [[Double]] = [], logs: [[Double]] = []
        for m in LinearAlgebra.matrices(x, batch: batch) {
            let f = kernels.luFactor(m)
            if f.isSingular {
                signs.append([0])
                logs.append([-Double.infinity])
                continue
            }
            let d = f.diagonal
            signs.append([d.reduce(f.permutationSign) { $1 < 0 ? -$0 : $0 }])
            logs.append([d.reduce(0) { $0 + Foundation.log(Swift.abs($1)) }])
        }
        let dtype = LinearAlgebra.outputDType([x.dtype], "SLogDet")
        return [LinearAlgebra.assemble(signs, batch: batch, core: [], dtype: dtype), LinearAlgebra.assemble(logs, batch: batch, core: [], dtype: dtype)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let batch = Array(inputShapes[0].dropLast(2))
        return [batch, batch]
    }

    /// ∂log|det X|/∂X = X⁻ᵀ, with no determinant formed (so nothing overflows); the sign is piecewise
    /// constant, so its gradient is zero.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let x = inputs[0]
        guard let g = outputGrads[1] else { return [outputGrads[0] == nil ? nil : zerosLike(x, dtype: x.dtype.isFloat ? x.dtype : outputs[1].dtype)] }
        return [LinearAlgebra.reduced(LinearAlgebra.asMatrices(g) * MatrixInverse()(x).mT, to: x)]
    }
}

/// The adjugate (classical adjoint) of each square matrix, adj(A) with A·adj(A) = det(A)·I: the
/// gradient of ``Det``. It is det(A)·A⁻¹ where the LU factorization has no zero pivot, and for a
/// singular matrix comes from the SVD A = U·S·Vᵀ as det(U)·det(V)·V·adj(S)·Uᵀ, adj(S) holding the
/// products of all singular values but one.
public struct Adjugate: DenseKernelOp {
    public init() {}
    public var description: String { "Adjugate" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "adjugate")
        return [TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "adjugate"), inputs[0].broadcastable)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "Adjugate")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let n = x.shape[x.ndim - 1]
        let adjugates = try LinearAlgebra.matrices(x, batch: batch).enumerated().map { i, m -> DenseMatrix in
            let f = kernels.luFactor(m)
            if !f.isSingular { return f.diagonal.reduce(f.permutationSign, *) * kernels.luSolve(f, .identity(n)) }
            guard let svd = kernels.svd(m, full: true) else {
                throw OpFailure(.numericalError, input: 0, "Adjugate: the SVD of the singular matrix\(LinearAlgebra.position(i, in: batch)) did not converge")
            }
            func determinant(_ q: DenseMatrix) -> Double {
                let g = kernels.luFactor(q)
                return g.diagonal.reduce(g.permutationSign) { $1 < 0 ? -$0 : $0 }
            }
            var middle = DenseMatrix(zeros: n, n)
            for j in 0..<n { middle[j, j] = svd.s.enumerated().reduce(1.0) { $1.offset == j ? $0 : $0 * $1.element } }
            return (determinant(svd.u) * determinant(svd.vt)) * (svd.vt.transposed * middle * svd.u.transposed)
        }
        return [LinearAlgebra.assemble(adjugates, batch: batch, rows: n, columns: n, dtype: LinearAlgebra.outputDType([x.dtype], "Adjugate"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    /// From adj(A) = det(A)·A⁻¹: Ā = det(A)·(⟨Ḡ, A⁻¹⟩·A⁻ᵀ − A⁻ᵀ·Ḡ·A⁻ᵀ), valid where A is invertible
    /// (second derivatives of `det` at a singular matrix are not available).
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil] }
        let x = inputs[0]
        let inverse = MatrixInverse()(x), d = LinearAlgebra.asMatrices(Det()(x))
        let n = x.ndim
        let inner = LinearAlgebra.asMatrices((g * inverse).sum(axes: [n - 2, n - 1]))
        let gx = d * (inner * inverse.mT - batchedProduct(batchedProduct(inverse.mT, g), inverse.mT))
        return [LinearAlgebra.reduced(gx, to: x)]
    }
}

// MARK: - API

/// The inverse of a square matrix, or of each matrix of a batch (the last two axes); numpy's `inv`.
///
/// A singular matrix makes the call throw an error naming `MatrixInverse`. Where the inverse only
/// multiplies something, `solve` is faster and more accurate, and the optimizer rewrites
/// `dot(matrixInverse(a), b)` into `solve(a, b)`.
///
/// ```swift
/// let a = dmatrix("a")
/// let f = try function([a], matrixInverse(a))
/// print(try f([[2.0, 1.0], [1.0, 1.0]]))   // [[ 1. -1.] [-1.  2.]]
/// ```
public func matrixInverse(_ a: some TensorConvertible) -> TensorVariable { MatrixInverse()(a.asTensor()) }

/// The inverse of a square matrix (or batch); another name for ``matrixInverse(_:)``.
public func inv(_ a: some TensorConvertible) -> TensorVariable { matrixInverse(a) }

/// The determinant of a square matrix, or of each matrix of a batch; numpy's `det`.
///
/// Its gradient is the adjugate (transposed), which stays finite and exact for singular matrices.
/// `log(det(a))` becomes `slogdet`'s logarithm under the optimizer (and in `grad`), so it does not
/// overflow.
public func det(_ a: some TensorConvertible) -> TensorVariable { Det()(a.asTensor()) }

/// The sign and the log of the absolute value of the determinant (numpy's `slogdet`), for each matrix
/// of a batch. The determinant is `sign * exp(logAbsDet)`; a singular matrix gives sign 0 and −∞.
///
/// ```swift
/// let (sign, logAbsDet) = slogdet(a)
/// ```
public func slogdet(_ a: some TensorConvertible) -> (sign: TensorVariable, logAbsDet: TensorVariable) {
    let outputs = SLogDet().apply([a.asTensor()]).outputs
    return (outputs[0], outputs[1])
}

extension TensorVariable {
    /// The inverse of this matrix (or of each matrix of a batch); see ``matrixInverse(_:)``.
    public var inverse: TensorVariable { matrixInverse(self) }
    /// The determinant of this matrix (or of each matrix of a batch); see ``det(_:)``.
    public var determinant: TensorVariable { det(self) }
}
