/// numpy's `dot`: vector·vector → scalar, matrix·vector, vector·matrix, matrix·matrix, and for higher
/// ranks a sum over the last axis of `a` and the second-to-last of `b`.
public struct Dot: Op {
    /// The dot product op.
    public init() {}
    public var description: String { "Dot" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let (a, b) = (inputs[0], inputs[1])
        precondition(a.ndim >= 1 && b.ndim >= 1, "dot: both operands need rank ≥ 1, got \(a) and \(b); use * for scalars")
        let dtype = DType.upcast(a.dtype, b.dtype)
        var pattern = Array(a.broadcastable.dropLast())
        if b.ndim >= 2 { pattern += b.broadcastable.prefix(b.ndim - 2) + [b.broadcastable[b.ndim - 1]] }
        return [TensorType(dtype, pattern)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try Dot.product(inputs, multiply: referenceMatrixMultiply)]
    }

    /// numpy's `dot` by way of one (m, k) × (k, n) product, computed by `multiply`; a backend may
    /// also pass a direct matrix·vector product for the rank-1 cases (nil when it declines).
    package static func product(_ inputs: [NDArray], multiply: (NDArray, NDArray) -> NDArray,
                        matrixVector: ((NDArray, NDArray) -> NDArray?)? = nil) throws -> NDArray {
        let dtype = DType.upcast(inputs[0].dtype, inputs[1].dtype)
        let a = inputs[0].astype(dtype), b = inputs[1].astype(dtype)
        let k = a.shape[a.ndim - 1]
        let kb = b.ndim == 1 ? b.shape[0] : b.shape[b.ndim - 2]
        guard k == kb else {
            throw OpFailure(.shapeMismatch, input: 1, "shapes \(a.shape) and \(b.shape) are not aligned: dimension \(a.ndim - 1) of the first (\(k)) differs from dimension \(max(b.ndim - 2, 0)) of the second (\(kb))")
        }
        if a.ndim + b.ndim == 3, let product = matrixVector?(a, b) { return product }
        // Flatten to one matrix product: a as (m, k), b as (k, n) with its other axes folded into n.
        let m = a.count / max(k, 1)
        // Vectors and matrices enter as views (a transpose stays a transpose); higher ranks are folded.
        let a2 = a.ndim == 1 ? a.matrixView(rows: 1, rowStride: 0, columnStride: a.strides[0])
            : a.ndim == 2 ? a : a.reshaped([a.count == 0 ? 0 : m, k])
        let bFront = b.ndim > 2 ? Array(b.shape.dropLast(2)) : []
        let n = b.ndim == 1 ? 1 : b.shape[b.ndim - 1]
        let b2: NDArray = b.ndim == 1 ? b.matrixView(rows: k, rowStride: b.strides[0], columnStride: 0)
            : b.ndim == 2 ? b
            : b.transposed([b.ndim - 2] + Array(0..<(b.ndim - 2)) + [b.ndim - 1]).reshaped([k, bFront.reduce(1, *) * n])
        let product = multiply(a2, b2)
        if a.ndim == 2 && b.ndim == 2 { return product }
        let outShape = Array(a.shape.dropLast()) + (b.ndim == 1 ? [] : bFront + [n])
        return product.reshaped(outShape)
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let b = inputs[1]
        return [Array(inputShapes[0].dropLast()) + (b.ndim == 1 ? [] : Array(inputShapes[1].dropLast(2)) + [inputShapes[1][b.ndim - 1]])]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        let (a, b) = (inputs[0], inputs[1])
        var ga: TensorVariable, gb: TensorVariable
        switch (a.ndim, b.ndim) {
        case (1, 1): ga = gz * b; gb = gz * a
        case (2, 1): ga = outer(gz, b); gb = dot(a.T, gz)
        case (1, 2): ga = dot(b, gz); gb = outer(a, gz)
        case (2, 2): ga = dot(gz, b.T); gb = dot(a.T, gz)
        default:
            guard b.ndim <= 2 else {
                throw TheanoError(.unsupported, "grad of dot: operands of rank \(a.ndim) and \(b.ndim) are not differentiable yet; reshape to matrices first")
            }
            // a (..., k) · b (k[, n]): fold a's leading axes into rows.
            let bMatrix = b.ndim == 1 ? b.dimshuffle(0, nil) : b
            let gzMatrix = (b.ndim == 1 ? gz.dimshuffle(Array(0..<gz.ndim) + [nil]) : gz).flattenTo2D()
            let aMatrix = a.flattenTo2D()
            ga = dot(gzMatrix, bMatrix.T).reshape(like: a)
            gb = dot(aMatrix.T, gzMatrix)
            if b.ndim == 1 { gb = gb.dimshuffle(0, nil).flattenTo1D() }
        }
        if ga.dtype != a.dtype { ga = cast(ga, a.dtype) }
        if gb.dtype != b.dtype { gb = cast(gb, b.dtype) }
        return [a.dtype.isDiscrete ? nil : ga, b.dtype.isDiscrete ? nil : gb]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "dot(\(inputs[0]), \(inputs[1]))" }
}

/// The matrix product, numpy's `dot`.
public func dot(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    Dot()(a.asTensor(), b.asTensor())
}

/// The outer product of two vectors.
public func outer(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    let (a, b) = (a.asTensor(), b.asTensor())
    precondition(a.ndim == 1 && b.ndim == 1, "outer: needs two vectors, got \(a.type) and \(b.type)")
    return a.dimshuffle(0, nil) * b.dimshuffle(nil, 0)
}

extension TensorVariable {
    /// `dot(self, other)`.
    public func dot(_ other: some TensorConvertible) -> TensorVariable { TheanoTensor.dot(self, other) }
}

extension NDArray {
    /// This vector as a one-row or one-column matrix view sharing its storage.
    fileprivate func matrixView(rows: Int, rowStride: Int, columnStride: Int) -> NDArray {
        NDArray(storage: storage, dtype: dtype, shape: rows == 1 ? [1, count] : [count, 1], strides: [rowStride, columnStride], offset: offset)
    }
}
