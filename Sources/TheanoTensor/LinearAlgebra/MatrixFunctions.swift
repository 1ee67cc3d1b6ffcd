import Foundation

/// The Moore–Penrose pseudo-inverse of each matrix of the last two axes (numpy's `pinv`), from its SVD
/// with singular values below `rcond`·max(s) dropped; for `hermitian` matrices, from the symmetric
/// eigendecomposition of the lower triangle.
public struct MatrixPinv: DenseKernelOp {
    public let hermitian: Bool
    public let rcond: Double
    public init(hermitian: Bool = false, rcond: Double = 1e-15) { (self.hermitian, self.rcond) = (hermitian, rcond) }
    public var description: String { "MatrixPinv{hermitian=\(hermitian)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "pinv")
        let x = inputs[0]
        return [TensorType(LinearAlgebra.outputDType([x.dtype], "pinv"), Array(x.broadcastable.dropLast(2)) + [x.broadcastable[x.ndim - 1], x.broadcastable[x.ndim - 2]])]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let x = inputShapes[0]
        return [Array(x.dropLast(2)) + [x[x.count - 1], x[x.count - 2]]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        if hermitian { try LinearAlgebra.requireSquare(x, "MatrixPinv") }
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let (m, n) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        let results = try LinearAlgebra.matrices(x, batch: batch).enumerated().map { i, a -> DenseMatrix in
            let failure = OpFailure(.numericalError, input: 0, "MatrixPinv: the decomposition did not converge for the matrix\(LinearAlgebra.position(i, in: batch)) (expected finite entries)")
            if hermitian {
                guard let (w, v) = kernels.symmetricEigen(a, lower: true, vectors: true) else { throw failure }
                let cutoff = rcond * (w.map(Swift.abs).max() ?? 0)
                var scaled = v
                for j in 0..<n { for i in 0..<n { scaled[i, j] = Swift.abs(w[j]) > cutoff ? v[i, j] / w[j] : 0 } }
                return scaled * v.transposed
            }
            guard let d = kernels.svd(a, full: false) else { throw failure }
            let cutoff = rcond * (d.s.first ?? 0)
            var vScaled = d.vt.transposed
            for j in 0..<d.s.count { for i in 0..<n { vScaled[i, j] = d.s[j] > cutoff ? vScaled[i, j] / d.s[j] : 0 } }
            return vScaled * d.u.transposed
        }
        return [LinearAlgebra.assemble(results, batch: batch, rows: n, columns: m, dtype: LinearAlgebra.outputDType([x.dtype], "MatrixPinv"))]
    }

    /// With Z = X⁺: X̄ = (−Z·Ḡᵀ·Z + Z·Zᵀ·Ḡ·(I − X·Z) + (I − Z·X)·Ḡ·Zᵀ·Z)ᵀ (the derivative of the
    /// pseudo-inverse, valid where the rank does not change); folded onto the lower triangle for
    /// `hermitian`, which reads only that triangle.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        let (x, z) = (inputs[0], outputs[0])
        func product(_ factors: TensorVariable...) -> TensorVariable { factors.dropFirst().reduce(factors[0]) { batchedProduct($0, $1) } }
        let xz = batchedProduct(x, z), zx = batchedProduct(z, x)
        let im = eye(shapeI(x, x.ndim - 2), dtype: z.dtype), inn = eye(shapeI(x, x.ndim - 1), dtype: z.dtype)
        var g = (-product(z, gz.mT, z) + product(z, z.mT, gz, im - xz) + product(inn - zx, gz, z.mT, z)).mT
        if hermitian { g = LinearAlgebra.foldedOntoTriangle(g, lower: true) }
        return [LinearAlgebra.reduced(g, to: x)]
    }
}

/// The matrix exponential of each square matrix of the last two axes (scipy's `expm`), by scaling and
/// squaring with a diagonal Padé approximant of degree 3, 5, 7, 9 or 13 chosen by the 1-norm
/// (Higham, "The scaling and squaring method for the matrix exponential revisited", 2005).
public struct Expm: DenseKernelOp {
    public init() {}
    public var description: String { "Expm" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "expm")
        return [TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "expm"), inputs[0].broadcastable)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        try LinearAlgebra.requireSquare(x, "Expm")
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let n = x.shape[x.ndim - 1]
        let results = try LinearAlgebra.matrices(x, batch: batch).enumerated().map { i, a in
            guard let e = BuiltInKernels.exponential(a, kernels) else {
                throw OpFailure(.numericalError, input: 0, "Expm: expected finite entries, got a matrix with NaN or infinite entries\(LinearAlgebra.position(i, in: batch))")
            }
            return e
        }
        return [LinearAlgebra.assemble(results, batch: batch, rows: n, columns: n, dtype: LinearAlgebra.outputDType([x.dtype], "Expm"))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    /// The adjoint of the Fréchet derivative, read off one exponential of twice the size (Mathias 1996):
    /// exp([[Aᵀ, Ḡ], [0, Aᵀ]]) has Ā as its upper-right block.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        let a = inputs[0]
        let at = a.dtype == outputs[0].dtype ? a.mT : cast(a.mT, outputs[0].dtype)
        let g = gz.dtype == at.dtype ? gz : cast(gz, at.dtype)
        let (rows, columns) = (a.ndim - 2, a.ndim - 1)
        let top = concatenate([at, g], axis: columns)
        let bottom = concatenate([zerosLike(at), at], axis: columns)
        let augmented = Expm()(concatenate([top, bottom], axis: rows))
        let n = shapeI(a, columns)
        let leading = [TensorIndex](repeating: .all, count: rows)
        let block = augmented[leading + [.slice(nil as TensorVariable?, n, nil as TensorVariable?), .slice(n, nil as TensorVariable?, nil as TensorVariable?)]]
        return [LinearAlgebra.reduced(block, to: a)]
    }
}

/// The least-squares solution of a·x = b (numpy's `lstsq`): `[x, residuals, rank, s]`, from the SVD
/// with singular values below `rcond`·max(s) treated as zero (nil: machine ε·max(m, n), numpy's
/// default). `residuals` holds the squared residual norm of each column of b when a has full column
/// rank and more rows than columns, else it is empty; `rank` is an int32 scalar. Not batched, not
/// differentiable (as in PyTensor).
public struct Lstsq: DenseKernelOp {
    public let rcond: Double?
    public init(rcond: Double? = nil) { self.rcond = rcond }
    public var description: String { "Lstsq" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let (a, b) = (inputs[0], inputs[1])
        precondition(a.ndim == 2 && (b.ndim == 1 || b.ndim == 2), "lstsq: needs a matrix and a vector or matrix, got \(a) and \(b)")
        let dtype = LinearAlgebra.outputDType([a.dtype, b.dtype], "lstsq")
        return [TensorType(dtype, b.ndim == 1 ? [false] : [false, b.broadcastable[1]]), TensorType(dtype, [false]),
                TensorType(.int32, []), TensorType(dtype, [false])]
    }

    /// None: the residuals are empty or not depending on the rank, known only from the values.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { nil }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let (a, b) = (inputs[0], inputs[1])
        let (m, n) = (a.shape[0], a.shape[1])
        guard b.shape[0] == m else {
            throw OpFailure(.shapeMismatch, input: 1, "Lstsq: the matrix has \(m) rows, so b needs \(m) rows, got shape \(b.shape)")
        }
        let k = b.ndim == 1 ? 1 : b.shape[1]
        let matrix = DenseMatrix(rows: m, columns: n, values: a.astype(.float64).doubles)
        let rhs = DenseMatrix(rows: m, columns: k, values: b.astype(.float64).doubles)
        guard let d = kernels.svd(matrix, full: false) else {
            throw OpFailure(.numericalError, input: 0, "Lstsq: the SVD did not converge (expected finite entries)")
        }
        let cutoff = (rcond ?? Double.ulpOfOne * Double(Swift.max(m, n))) * (d.s.first ?? 0)
        let rank = d.s.filter { $0 > cutoff }.count
        // x = V·diag(1/s)·Uᵀ·b over the singular values kept.
        var projected = d.u.transposed * rhs
        for i in 0..<d.s.count { for j in 0..<k { projected[i, j] = d.s[i] > cutoff ? projected[i, j] / d.s[i] : 0 } }
        let x = d.vt.transposed * projected
        var residuals: [Double] = []
        if rank == n && m > n {
            let r = matrix * x - rhs
            residuals = (0..<k).map { j in (0..<m).reduce(0) { $0 + r[$1, j] * r[$1, j] } }
        }
        let dtype = LinearAlgebra.outputDType([a.dtype, b.dtype], "Lstsq")
        return [NDArray(x.values, shape: b.ndim == 1 ? [n] : [n, k]).astype(dtype), NDArray(residuals, shape: [residuals.count]).astype(dtype),
                NDArray(scalar: Int32(rank)), NDArray(d.s, shape: [d.s.count]).astype(dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        throw TheanoError(.unsupported, "grad of lstsq: not differentiable (as in PyTensor); for a full-rank least-squares problem differentiate solve(aᵀ·a, aᵀ·b) or dot(pinv(a), b)")
    }
}

// MARK: - API

/// The Moore–Penrose pseudo-inverse of a matrix, or of each matrix of a batch (numpy's `pinv`):
/// singular values below `rcond`·max(s) count as zero. `hermitian` uses the symmetric eigensolver on
/// the lower triangle. Differentiable where the rank does not change.
public func pinv(_ a: some TensorConvertible, hermitian: Bool = false, rcond: Double = 1e-15) -> TensorVariable {
    MatrixPinv(hermitian: hermitian, rcond: rcond)(a.asTensor())
}

/// The matrix exponential of a square matrix, or of each matrix of a batch (scipy's `expm`).
/// Differentiable.
public func expm(_ a: some TensorConvertible) -> TensorVariable { Expm()(a.asTensor()) }

/// The least-squares solution of `a·x = b` (numpy's `lstsq`) with its residuals, the rank of `a` and
/// its singular values. Singular values below `rcond`·max(s) count as zero; nil takes numpy's default,
/// machine ε·max(m, n).
public func lstsq(_ a: some TensorConvertible, _ b: some TensorConvertible, rcond: Double? = nil)
    -> (x: TensorVariable, residuals: TensorVariable, rank: TensorVariable, s: TensorVariable) {
    let outputs = Lstsq(rcond: rcond).apply([a.asTensor(), b.asTensor()]).outputs
    return (outputs[0], outputs[1], outputs[2], outputs[3])
}
