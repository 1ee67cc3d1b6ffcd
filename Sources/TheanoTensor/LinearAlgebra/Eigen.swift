import ComplexModule

/// The eigenvalues and right eigenvectors of each square matrix of the last two axes (numpy's `eig`),
/// always complex: complex64 for float32 input, complex128 otherwise. Each eigenvector (a column of
/// `v`) has unit norm; their order is the solver's, not sorted. Not differentiable (complex results),
/// as in PyTensor: use ``eigh(_:_:lower:)`` for symmetric matrices.
public struct Eig: DenseKernelOp {
    public init() {}
    public var description: String { "Eig" }

    package static func complexDType(_ dtype: DType) -> DType {
        LinearAlgebra.outputDType([dtype], "eig") == .float32 ? .complex64 : .complex128
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "eig")
        let dtype = Eig.complexDType(inputs[0].dtype), batch = Array(inputs[0].broadcastable.dropLast(2))
        return [TensorType(dtype, batch + [false]), TensorType(dtype, batch + [false, false])]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "Eig")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let n = x.shape[x.ndim - 1]
        var values: [Complex<Double>] = [], vectors: [Complex<Double>] = []
        for (i, m) in LinearAlgebra.matrices(x, batch: batch).enumerated() {
            guard let (w, v) = kernels.generalEigen(m) else {
                throw OpFailure(.numericalError, input: 0, "Eig: the eigenvalue iteration did not converge for the matrix\(LinearAlgebra.position(i, in: batch)) (expected finite entries)")
            }
            values += w
            vectors += v
        }
        let dtype = Eig.complexDType(x.dtype)
        if batch.reduce(1, *) * n == 0 {
            return [NDArray(zeros: batch + [n], dtype: dtype), NDArray(zeros: batch + [n, n], dtype: dtype)]
        }
        return [NDArray(values, shape: batch + [n]).astype(dtype), NDArray(vectors, shape: batch + [n, n]).astype(dtype)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [Array(inputShapes[0].dropLast()), inputShapes[0]]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        throw TheanoError(.unsupported, "grad of eig: the eigenvalues and eigenvectors are complex, which grad does not differentiate; for a symmetric matrix use eigh, whose results are real")
    }
}

/// Eigenvalues and eigenvectors of the symmetric problem A·v = w·v, or the generalized B·v = w·B·v
/// with B positive definite, solved as LAPACK's `syevd`/`sygvd` do: only the triangle `lower` names is
/// read from each matrix.
package enum SymmetricEigen {
    package static func solve(_ a: DenseMatrix, _ b: DenseMatrix?, lower: Bool, vectors: Bool, _ kernels: any DenseLinearAlgebra,
                      op: String, position: String) throws -> (values: [Double], vectors: DenseMatrix) {
        guard let b else {
            guard let result = kernels.symmetricEigen(a, lower: lower, vectors: vectors) else {
                throw OpFailure(.numericalError, input: 0, "\(op): the eigenvalue iteration did not converge for the matrix\(position) (expected finite entries)")
            }
            return result
        }
        // B = L·Lᵀ; the eigenvectors of C = L⁻¹·A·L⁻ᵀ, mapped back by L⁻ᵀ, satisfy Vᵀ·B·V = I.
        guard let factor = kernels.cholesky(b, lower: lower) else {
            throw OpFailure(.numericalError, input: 1, "\(op): expected a symmetric positive definite B, got one that is not positive definite\(position)")
        }
        let l = lower ? factor : factor.transposed
        let full = a.symmetrized(fromLower: lower)
        guard let x = kernels.triangularSolve(l, full, lower: true, transposed: false, unitDiagonal: false),
              let c0 = kernels.triangularSolve(l, x.transposed, lower: true, transposed: false, unitDiagonal: false) else {
            throw OpFailure(.numericalError, input: 1, "\(op): the Cholesky factor of B is singular\(position)")
        }
        let c = 0.5 * (c0 + c0.transposed)
        guard let (w, y) = kernels.symmetricEigen(c, lower: true, vectors: vectors) else {
            throw OpFailure(.numericalError, input: 0, "\(op): the eigenvalue iteration did not converge for the matrix\(position)")
        }
        guard vectors, let v = kernels.triangularSolve(l, y, lower: true, transposed: true, unitDiagonal: false) else { return (w, y) }
        return (w, v)
    }
}

/// The eigenvalues (ascending) and orthonormal eigenvectors (the columns of `v`) of each symmetric
/// matrix of the last two axes, reading only its `lower` (the default) or upper triangle; with a
/// second input B (positive definite), the generalized problem A·v = w·B·v with vᵀ·B·v = I.
public struct Eigh: DenseKernelOp {
    public let lower: Bool
    public init(lower: Bool = true) { self.lower = lower }
    public var description: String { "Eigh{lower=\(lower)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        for (i, input) in inputs.enumerated() { LinearAlgebra.requireRank(input, atLeast: 2, "eigh", i == 0 ? "matrix" : "matrix B") }
        let dtype = LinearAlgebra.outputDType(inputs.map(\.dtype), "eigh")
        let batch = LinearAlgebra.batchPattern(inputs, core: inputs.map { _ in 2 })
        return [TensorType(dtype, batch + [false]), TensorType(dtype, batch + [false, false])]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let n = inputShapes[0][inputShapes[0].count - 1]
        let batch = SymbolicShape.broadcast(inputShapes.map { Array($0.dropLast(2)) }, inputs.map { Array($0.broadcastable.dropLast(2)) })
        return [batch + [n], batch + [n, n]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        for i in inputs.indices { try LinearAlgebra.requireSquare(inputs[i], input: i, "Eigh") }
        let batch = try LinearAlgebra.batchShape(inputs, core: inputs.map { _ in 2 }, "Eigh")
        let n = inputs[0].shape[inputs[0].ndim - 1]
        if inputs.count == 2, inputs[1].shape[inputs[1].ndim - 1] != n {
            throw OpFailure(.shapeMismatch, input: 1, "Eigh: A is \(n)×\(n), so B must be too, got shape \(inputs[1].shape)")
        }
        let a = LinearAlgebra.matrices(inputs[0], batch: batch)
        let b: [DenseMatrix?] = inputs.count == 2 ? LinearAlgebra.matrices(inputs[1], batch: batch) : a.map { _ in nil }
        var values: [[Double]] = [], vectors: [DenseMatrix] = []
        for i in a.indices {
            let (w, v) = try SymmetricEigen.solve(a[i], b[i], lower: lower, vectors: true, kernels, op: "Eigh", position: LinearAlgebra.position(i, in: batch))
            values.append(w)
            vectors.append(v)
        }
        let dtype = LinearAlgebra.outputDType(inputs.map(\.dtype), "Eigh")
        return [LinearAlgebra.assemble(values, batch: batch, core: [n], dtype: dtype),
                LinearAlgebra.assemble(vectors, batch: batch, rows: n, columns: n, dtype: dtype)]
    }

    /// With F the matrix of 1/(wⱼ − wᵢ) off the diagonal (0 on it) and C = vᵀ·v̄:
    /// Ā = v·(diag(w̄) + F∘C)·vᵀ, and for the generalized problem B̄ = −v·((diag(w̄) + F∘C)∘w)·vᵀ −
    /// ½·v·diag(diag(C))·vᵀ; each folded onto the triangle that was read.
    ///
    /// NOTE: F is infinite for a repeated eigenvalue, where the eigenvectors are not unique: a cost that
    /// uses the eigenvectors of a matrix with repeated eigenvalues has no gradient and gets NaN. A cost
    /// of the eigenvalues alone never forms F, so its gradient is finite there too.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let (w, v) = (outputs[0], outputs[1])
        let (gw, gv) = (outputGrads[0], outputGrads[1])
        if gw == nil && gv == nil { return inputs.map { _ in nil } }
        var inner: TensorVariable? = gw.map { allocDiag($0, axis1: -2, axis2: -1) }
        var c: TensorVariable?
        if let gv {
            let n = shapeI(w, w.ndim - 1)
            let difference = w.dimshuffle(Array(0..<(w.ndim - 1)) + [nil, w.ndim - 1]) - w.dimshuffle(Array(0..<w.ndim) + [nil])
            let f = `switch`(eye(n, dtype: .bool), 0.0, 1 / difference)
            let product = batchedProduct(v.mT, gv)
            c = product
            inner = inner.map { $0 + f * product } ?? f * product
        }
        guard let inner else { return inputs.map { _ in nil } }
        let ga = LinearAlgebra.foldedOntoTriangle(batchedProduct(batchedProduct(v, inner), v.mT), lower: lower)
        guard inputs.count == 2 else { return [LinearAlgebra.reduced(ga, to: inputs[0])] }
        var gb = -batchedProduct(batchedProduct(v, inner * w.dimshuffle(Array(0..<(w.ndim - 1)) + [nil, w.ndim - 1])), v.mT)
        if let c {
            gb = gb - 0.5 * batchedProduct(batchedProduct(v, allocDiag(extractDiag(c, axis1: -2, axis2: -1), axis1: -2, axis2: -1)), v.mT)
        }
        return [LinearAlgebra.reduced(ga, to: inputs[0]), LinearAlgebra.reduced(LinearAlgebra.foldedOntoTriangle(gb, lower: lower), to: inputs[1])]
    }
}

/// The eigenvalues (ascending) of each symmetric matrix, or of the generalized problem A·v = w·B·v;
/// ``Eigh`` without the eigenvectors (scipy's `eigvalsh`).
public struct Eigvalsh: DenseKernelOp {
    public let lower: Bool
    public init(lower: Bool = true) { self.lower = lower }
    public var description: String { "Eigvalsh{lower=\(lower)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [Eigh(lower: lower).outputTypes(inputs)[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        for i in inputs.indices { try LinearAlgebra.requireSquare(inputs[i], input: i, "Eigvalsh") }
        let batch = try LinearAlgebra.batchShape(inputs, core: inputs.map { _ in 2 }, "Eigvalsh")
        let n = inputs[0].shape[inputs[0].ndim - 1]
        if inputs.count == 2, inputs[1].shape[inputs[1].ndim - 1] != n {
            throw OpFailure(.shapeMismatch, input: 1, "Eigvalsh: A is \(n)×\(n), so B must be too, got shape \(inputs[1].shape)")
        }
        let a = LinearAlgebra.matrices(inputs[0], batch: batch)
        let b: [DenseMatrix?] = inputs.count == 2 ? LinearAlgebra.matrices(inputs[1], batch: batch) : a.map { _ in nil }
        let values = try a.indices.map { i in
            try SymmetricEigen.solve(a[i], b[i], lower: lower, vectors: false, kernels, op: "Eigvalsh", position: LinearAlgebra.position(i, in: batch)).values
        }
        return [LinearAlgebra.assemble(values, batch: batch, core: [n], dtype: LinearAlgebra.outputDType(inputs.map(\.dtype), "Eigvalsh"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [Eigh(lower: lower).inferShape(inputs, inputShapes)![0]]
    }

    /// Ā = v·diag(w̄)·vᵀ and, generalized, B̄ = −v·diag(w̄∘w)·vᵀ, from ``Eigh``'s vectors; folded onto
    /// the triangle that was read. Finite for repeated eigenvalues.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gw = outputGrads[0] else { return inputs.map { _ in nil } }
        let eigh = Eigh(lower: lower).apply(inputs).outputs
        let (w, v) = (eigh[0], eigh[1])
        let ga = batchedProduct(batchedProduct(v, allocDiag(gw, axis1: -2, axis2: -1)), v.mT)
        let gaFolded = LinearAlgebra.reduced(LinearAlgebra.foldedOntoTriangle(ga, lower: lower), to: inputs[0])
        guard inputs.count == 2 else { return [gaFolded] }
        let gb = -batchedProduct(batchedProduct(v, allocDiag(gw * w, axis1: -2, axis2: -1)), v.mT)
        return [gaFolded, LinearAlgebra.reduced(LinearAlgebra.foldedOntoTriangle(gb, lower: lower), to: inputs[1])]
    }
}

// MARK: - API

/// The eigenvalues and right eigenvectors of a square matrix, or of each matrix of a batch (numpy's
/// `eig`). Both are complex (complex128, or complex64 for float32 input); eigenvector `j` is column
/// `v[.all, j]`, of unit norm. Not differentiable; for symmetric matrices use ``eigh(_:_:lower:)``.
///
/// Without a LAPACK the built-in solver (Hessenberg reduction, shifted QR, inverse iteration) runs; it
/// does not balance the matrix first, so badly scaled matrices lose some accuracy that LAPACK's `geev`
/// keeps, and its eigenvalues come in its own order (neither is sorted).
public func eig(_ a: some TensorConvertible) -> (w: TensorVariable, v: TensorVariable) {
    let outputs = Eig().apply([a.asTensor()]).outputs
    return (outputs[0], outputs[1])
}

/// The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, or of each matrix
/// of a batch, reading only the `lower` (default) or upper triangle; numpy's `eigh`. With `b`, the
/// generalized problem `a·v = w·b·v` for a positive definite `b` (scipy's `eigh(a, b)`).
///
/// Differentiable. The eigenvectors' gradient divides by differences of eigenvalues, so a cost that
/// uses the eigenvectors of a matrix with a repeated eigenvalue (where they are not unique) has no
/// gradient and gets NaN; costs of the eigenvalues alone have finite gradients everywhere.
///
/// ```swift
/// let a = dmatrix("a")
/// let (w, v) = eigh(a)
/// let f = try function([a], w)
/// print(try f([[2.0, 1.0], [1.0, 2.0]]))   // [1. 3.]
/// ```
public func eigh(_ a: some TensorConvertible, _ b: (any TensorConvertible)? = nil, lower: Bool = true) -> (w: TensorVariable, v: TensorVariable) {
    let outputs = Eigh(lower: lower).apply([a.asTensor()] + (b.map { [$0.asTensor()] } ?? [])).outputs
    return (outputs[0], outputs[1])
}

/// The eigenvalues (ascending) of a symmetric matrix or batch, or of the generalized problem
/// `a·v = w·b·v`; scipy's `eigvalsh`. Its gradient is finite for repeated eigenvalues too.
public func eigvalsh(_ a: some TensorConvertible, _ b: (any TensorConvertible)? = nil, lower: Bool = true) -> TensorVariable {
    Eigvalsh(lower: lower)([a.asTensor()] + (b.map { [$0.asTensor()] } ?? []))
}
