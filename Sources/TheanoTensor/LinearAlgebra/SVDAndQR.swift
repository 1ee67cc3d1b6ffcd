/// The singular value decomposition A = U·diag(s)·Vᵀ of each matrix of the last two axes (numpy's
/// `svd`): `[u, s, vt]`, or `[s]` alone when `computeUV` is false. Singular values are descending; with
/// `fullMatrices` U is m×m and Vᵀ n×n, else m×k and k×n (k = min(m, n)).
public struct SVD: DenseKernelOp {
    public let fullMatrices: Bool
    public let computeUV: Bool
    public init(fullMatrices: Bool = true, computeUV: Bool = true) { (self.fullMatrices, self.computeUV) = (fullMatrices, computeUV) }
    public var description: String { "SVD{full_matrices=\(fullMatrices), compute_uv=\(computeUV)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "svd")
        let dtype = LinearAlgebra.outputDType([inputs[0].dtype], "svd"), batch = Array(inputs[0].broadcastable.dropLast(2))
        let s = TensorType(dtype, batch + [false]), matrix = TensorType(dtype, batch + [false, false])
        return computeUV ? [matrix, s, matrix] : [s]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let x = inputShapes[0], batch = Array(x.dropLast(2))
        let (m, n) = (x[x.count - 2], x[x.count - 1])
        let k = SymbolicShape.min(m, n)
        guard computeUV else { return [batch + [k]] }
        return fullMatrices ? [batch + [m, m], batch + [k], batch + [n, n]] : [batch + [m, k], batch + [k], batch + [k, n]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let (m, n) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        let k = Swift.min(m, n)
        let dtype = LinearAlgebra.outputDType([x.dtype], "SVD")
        var us: [DenseMatrix] = [], ss: [[Double]] = [], vts: [DenseMatrix] = []
        for (i, matrix) in LinearAlgebra.matrices(x, batch: batch).enumerated() {
            func failure() -> OpFailure {
                OpFailure(.numericalError, input: 0, "SVD: the iteration did not converge for the matrix\(LinearAlgebra.position(i, in: batch)) (expected finite entries)")
            }
            if computeUV {
                guard let d = kernels.svd(matrix, full: fullMatrices) else { throw failure() }
                us.append(d.u)
                ss.append(d.s)
                vts.append(d.vt)
            } else {
                guard let s = kernels.singularValues(matrix) else { throw failure() }
                ss.append(s)
            }
        }
        let s = LinearAlgebra.assemble(ss, batch: batch, core: [k], dtype: dtype)
        guard computeUV else { return [s] }
        let (uColumns, vtRows) = fullMatrices ? (m, n) : (k, k)
        return [LinearAlgebra.assemble(us, batch: batch, rows: m, columns: uColumns, dtype: dtype), s,
                LinearAlgebra.assemble(vts, batch: batch, rows: vtRows, columns: n, dtype: dtype)]
    }

    /// Singular values alone: Ā = U·diag(s̄)·Vᵀ with the reduced factors. With U or Vᵀ in the cost
    /// (reduced factors only, as in PyTensor): the formula of Seeger et al., "Auto-differentiating linear
    /// algebra" (arXiv:1710.08717), with E = 1/((sⱼ − sᵢ)(sⱼ + sᵢ)) off the diagonal, whose
    /// differences are kept at least 1e-8 in size, and the extra terms of a non-square matrix.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let a = inputs[0]
        let batchAxes = Array(0..<(a.ndim - 2))
        func asRow(_ s: TensorVariable) -> TensorVariable { s.dimshuffle(batchAxes + [nil, a.ndim - 2]) }
        func asColumn(_ s: TensorVariable) -> TensorVariable { s.dimshuffle(batchAxes + [a.ndim - 2, nil]) }
        let (gu, gs, gvt) = computeUV ? (outputGrads[0], outputGrads[1], outputGrads[2]) : (nil, outputGrads[0], nil)
        if gu == nil && gvt == nil {
            guard let gs else { return [nil] }
            let reduced = computeUV && !fullMatrices ? outputs : SVD(fullMatrices: false, computeUV: true).apply([a]).outputs
            return [LinearAlgebra.reduced(batchedProduct(reduced[0] * asRow(gs), reduced[2]), to: a)]
        }
        guard !fullMatrices else {
            throw TheanoError(.unsupported, "grad of svd: the gradient through U or Vᵀ needs fullMatrices: false (the extra columns of full factors are not unique)")
        }
        let (u, s, vt) = (outputs[0], outputs[1], outputs[2])
        let du = gu ?? zerosLike(u), ds = gs ?? zerosLike(s), dvt = gvt ?? zerosLike(vt)
        let (v, dv) = (vt.mT, dvt.mT)
        let (m, n, k) = (shapeI(a, a.ndim - 2), shapeI(a, a.ndim - 1), shapeI(s, s.ndim - 1))
        let identity = eye(k, dtype: s.dtype)
        /// t with its magnitude kept ≥ 1e-8 (the sign of 0 taken as +), so E stays finite for equal values.
        func guarded(_ t: TensorVariable) -> TensorVariable {
            maximum(abs(t), 1e-8) * `switch`(eq(t, 0), 1.0, sgn(t))
        }
        let e = (1 - identity) / (guarded(asRow(s) - asColumn(s)) * guarded(asRow(s) + asColumn(s)))
        let utgu = batchedProduct(u.mT, du), vtgv = batchedProduct(vt, dv)
        var core = (e * (utgu - utgu.mT)) * asRow(s)
        core = core + identity * asColumn(ds)
        core = core + asColumn(s) * (e * (vtgv - vtgv.mT))
        let square = batchedProduct(batchedProduct(u, core), vt)
        // A wide matrix (m < n) also moves Vᵀ off its row space, a tall one U off its column space.
        let wide = square + batchedProduct(batchedProduct(u / asRow(s), dvt), eye(n, dtype: s.dtype) - batchedProduct(v, v.mT))
        let tall = square + batchedProduct(batchedProduct(v / asRow(s), du.mT), eye(m, dtype: s.dtype) - batchedProduct(u, u.mT)).mT
        return [LinearAlgebra.reduced(`switch`(eq(m, n), square, `switch`(lt(m, n), wide, tall)), to: a)]
    }
}

/// How much of the QR decomposition ``qr(_:mode:)`` returns (numpy's modes).
public enum QRMode: String, Sendable, Hashable {
    /// Q m×k with orthonormal columns and R k×n (k = min(m, n)); numpy's default.
    case reduced
    /// Q m×m orthogonal and R m×n.
    case complete
    /// R (k×n) alone.
    case r
}

/// The QR decomposition A = Q·R of each matrix of the last two axes by Householder reflections
/// (numpy's `qr`): Q with orthonormal columns and R upper triangular, R's diagonal carrying LAPACK's
/// signs. Outputs `[q, r]`, or `[r]` for mode `.r`.
public struct QR: DenseKernelOp {
    public let mode: QRMode
    public init(mode: QRMode = .reduced) { self.mode = mode }
    public var description: String { "QR{mode=\(mode)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, "qr")
        let matrix = TensorType(LinearAlgebra.outputDType([inputs[0].dtype], "qr"), Array(inputs[0].broadcastable.dropLast(2)) + [false, false])
        return mode == .r ? [matrix] : [matrix, matrix]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let x = inputShapes[0], batch = Array(x.dropLast(2))
        let (m, n) = (x[x.count - 2], x[x.count - 1])
        let k = SymbolicShape.min(m, n)
        switch mode {
        case .reduced: return [batch + [m, k], batch + [k, n]]
        case .complete: return [batch + [m, m], batch + [m, n]]
        case .r: return [batch + [k, n]]
        }
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }

    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let x = inputs[0]
        let batch = LinearAlgebra.batch(of: x, core: 2)
        let (m, n) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        let k = Swift.min(m, n)
        let complete = mode == .complete
        let factors = LinearAlgebra.matrices(x, batch: batch).map { kernels.qr($0, complete: complete) }
        let dtype = LinearAlgebra.outputDType([x.dtype], "QR")
        let r = LinearAlgebra.assemble(factors.map(\.r), batch: batch, rows: complete ? m : k, columns: n, dtype: dtype)
        guard mode != .r else { return [r] }
        return [LinearAlgebra.assemble(factors.map(\.q), batch: batch, rows: m, columns: complete ? m : k, dtype: dtype), r]
    }

    /// The reverse-mode rule of Liao, Liu, Wang and Xiang, "Differentiable Programming Tensor Networks"
    /// (arXiv:1903.09650), for tall (m ≥ n) and wide matrices, as PyTensor has it. Mode `.r` goes through
    /// the reduced factors; mode `.complete` of a tall matrix (m > n) has no gradient (Q's extra columns
    /// are not unique) and says so when run.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let a = inputs[0]
        var (q, r) = mode == .r ? (nil, outputs[0]) : (outputs[0], outputs[1])
        let (dq, dr) = mode == .r ? (nil, outputGrads[0]) : (outputGrads[0], outputGrads[1])
        if dq == nil && dr == nil { return [nil] }
        let (m, n) = (shapeI(a, a.ndim - 2), shapeI(a, a.ndim - 1))
        if mode == .r {
            let reduced = QR(mode: .reduced).apply([a]).outputs
            (q, r) = (reduced[0], reduced[1])
        }
        guard let q else { return [nil] }
        if mode == .complete {
            r = RuntimeCheck(message: "grad of qr: mode .complete has no gradient for a tall matrix (m > n), whose Q has extra columns that are not unique; use mode .reduced")(r, le(m, n))
        }
        let gq = dq ?? zerosLike(q), gr = dr ?? zerosLike(r)
        func copyLowerToUpper(_ x: TensorVariable) -> TensorVariable { tril(x) + tril(x, k: -1).mT }
        func solveUpper(_ t: TensorVariable, _ b: TensorVariable) -> TensorVariable {
            SolveTriangular(lower: false, bNdim: 2, batchFlags: LinearAlgebra.batchFlags([t.type, b.type], core: [2, 2]))(t, b)
        }
        // m ≥ n: M = R·R̄ᵀ − Q̄ᵀ·Q, Ā = (R⁻¹·(Q̄ + Q·copyltu(M))ᵀ)ᵀ.
        let mTall = batchedProduct(r, gr.mT) - batchedProduct(gq.mT, q)
        let tall = solveUpper(r, (gq + batchedProduct(q, copyLowerToUpper(mTall))).mT).mT
        // m < n: A = [X | Y] with R = [U | V]; X̄ as above with Q̄ + Y·V̄ᵀ for Q̄ and U for R, Ȳ = Q·V̄.
        let leading = [TensorIndex](repeating: .all, count: a.ndim - 1)
        let y = a[leading + [.slice(m, nil as TensorVariable?, nil as TensorVariable?)]]
        let uPart = r[leading + [.slice(nil as TensorVariable?, m, nil as TensorVariable?)]]
        let du = gr[leading + [.slice(nil as TensorVariable?, m, nil as TensorVariable?)]]
        let dv = gr[leading + [.slice(m, nil as TensorVariable?, nil as TensorVariable?)]]
        let dqYdv = gq + batchedProduct(y, dv.mT)
        let mWide = batchedProduct(uPart, du.mT) - batchedProduct(dqYdv.mT, q)
        let xBar = solveUpper(uPart, (dqYdv + batchedProduct(q, copyLowerToUpper(mWide))).mT).mT
        let wide = concatenate([xBar, batchedProduct(q, dv)], axis: a.ndim - 1)
        return [LinearAlgebra.reduced(try ifelse(ge(m, n), tall, wide), to: a)]
    }
}

/// Passes its first input through when its second (a boolean scalar) holds, else throws `message`:
/// for gradients whose validity depends on sizes known only when the function runs.
package struct RuntimeCheck: Op {
    package init(message: String) { self.message = message }
    package let message: String
    package var description: String { "RuntimeCheck" }
    package func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [inputs[0]] }
    /// The input's shape; the check itself does not run for the shape alone.
    package func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }
    package func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        guard inputs[1].item(as: Bool.self) else { throw OpFailure(.unsupported, message) }
        return [inputs[0]]
    }
    package var viewMap: [Int: Int] { [0: 0] }
    package func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [outputGrads[0], nil]
    }
}

// MARK: - API

/// The singular value decomposition `a = u·diag(s)·vt` of a matrix, or of each matrix of a batch
/// (numpy's `svd`), singular values descending. With `fullMatrices` (the default) `u` is m×m and `vt`
/// n×n; otherwise m×k and k×n, k = min(m, n).
///
/// Differentiable through `s` always, and through `u` and `vt` with `fullMatrices: false` (the
/// gradient assumes distinct singular values).
///
/// ```swift
/// let (u, s, vt) = svd(a, fullMatrices: false)
/// ```
public func svd(_ a: some TensorConvertible, fullMatrices: Bool = true) -> (u: TensorVariable, s: TensorVariable, vt: TensorVariable) {
    let outputs = SVD(fullMatrices: fullMatrices, computeUV: true).apply([a.asTensor()]).outputs
    return (outputs[0], outputs[1], outputs[2])
}

/// The singular values of a matrix (or batch), descending: numpy's `svd(a, compute_uv=False)`,
/// scipy's `svdvals`. Differentiable.
public func svdvals(_ a: some TensorConvertible) -> TensorVariable {
    SVD(fullMatrices: false, computeUV: false)(a.asTensor())
}

/// The QR decomposition `a = q·r` of a matrix (or batch), numpy's `qr`: mode `.reduced` (default)
/// gives q m×k and r k×n, `.complete` q m×m and r m×n. Differentiable (except `.complete` for a tall
/// matrix).
public func qr(_ a: some TensorConvertible, mode: QRMode = .reduced) -> (q: TensorVariable, r: TensorVariable) {
    precondition(mode != .r, "qr: mode .r returns only R; use qrR(_:)")
    let outputs = QR(mode: mode).apply([a.asTensor()]).outputs
    return (outputs[0], outputs[1])
}

/// The R factor alone (k×n) of the QR decomposition: numpy's `qr(a, mode='r')`.
public func qrR(_ a: some TensorConvertible) -> TensorVariable { QR(mode: .r)(a.asTensor()) }
