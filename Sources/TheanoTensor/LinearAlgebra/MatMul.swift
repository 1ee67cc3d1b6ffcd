/// numpy's `matmul` on batches of matrices: `(…, m, k) @ (…, k, n) → (…, m, n)`, the leading axes
/// broadcast where the types allow it. The linear-algebra gradients are written with it, so they work
/// on batches too.
public struct MatMul: Op {
    /// Each input's batch flags, so `perform` refuses a runtime size-1 axis the type does not let
    /// broadcast; nil (for nodes built by rewrites) lets any size-1 batch axis broadcast.
    public let batchFlags: [[Bool]]?
    public init(batchFlags: [[Bool]]? = nil) { self.batchFlags = batchFlags }
    public var description: String { "MatMul" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let (a, b) = (inputs[0], inputs[1])
        precondition(a.ndim >= 2 && b.ndim >= 2, "matmul: both operands need rank ≥ 2 here (matmul(_:_:) promotes vectors), got \(a) and \(b)")
        let pattern = LinearAlgebra.batchPattern([a, b], core: [2, 2]) + [a.broadcastable[a.ndim - 2], b.broadcastable[b.ndim - 1]]
        return [TensorType(DType.upcast(a.dtype, b.dtype), pattern)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let (a, b) = (inputShapes[0], inputShapes[1])
        let batch = SymbolicShape.broadcast([Array(a.dropLast(2)), Array(b.dropLast(2))],
                                            batchFlags == nil ? nil : inputs.map { Array($0.broadcastable.dropLast(2)) })
        return [batch + [a[a.count - 2], b[b.count - 1]]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try product(inputs, multiply: referenceMatrixMultiply)]
    }

    /// The batched product, each (m, k) × (k, n) block computed by `multiply`.
    package func product(_ inputs: [NDArray], multiply: (NDArray, NDArray) -> NDArray) throws -> NDArray {
        let dtype = DType.upcast(inputs[0].dtype, inputs[1].dtype)
        let a = inputs[0].astype(dtype), b = inputs[1].astype(dtype)
        let (m, k) = (a.shape[a.ndim - 2], a.shape[a.ndim - 1])
        let (kb, n) = (b.shape[b.ndim - 2], b.shape[b.ndim - 1])
        guard k == kb else {
            throw OpFailure(.shapeMismatch, input: 1, "matmul: shapes \(a.shape) and \(b.shape) are not aligned: the last axis of the first (\(k)) differs from the second-to-last of the second (\(kb))")
        }
        let batch = try LinearAlgebra.batchShape([a, b], core: [2, 2], flags: batchFlags, "matmul")
        let count = batch.reduce(1, *)
        let out = NDArray(zeros: batch + [m, n], dtype: dtype)
        guard count > 0, m > 0, n > 0 else { return out }
        let a3 = a.broadcast(to: batch + [m, k]).reshaped([count, m, k])
        let b3 = b.broadcast(to: batch + [k, n]).reshaped([count, k, n])
        let o3 = out.reshaped([count, m, n])
        for i in 0..<count {
            var block = o3.sliced([(i, 1, 1)], dropping: [0])
            block.assign(from: multiply(a3.sliced([(i, 1, 1)], dropping: [0]), b3.sliced([(i, 1, 1)], dropping: [0])))
        }
        return withExtendedLifetime(o3) { out }
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        let (a, b) = (inputs[0], inputs[1])
        return [a.dtype.isDiscrete ? nil : LinearAlgebra.reduced(batchedProduct(gz, b.mT), to: a),
                b.dtype.isDiscrete ? nil : LinearAlgebra.reduced(batchedProduct(a.mT, gz), to: b)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "matmul(\(inputs[0]), \(inputs[1]))" }
}

/// `MatMul` of two tensors of rank ≥ 2, with the batch flags of their types.
package func batchedProduct(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
    MatMul(batchFlags: LinearAlgebra.batchFlags([a.type, b.type], core: [2, 2]))(a, b)
}

/// numpy's `matmul` (Python's `@`): the matrix product of the last two axes, broadcast over the
/// leading ones. A vector operand is promoted to a matrix (a row on the left, a column on the right)
/// and the added axis removed from the result, as numpy does.
///
/// ```swift
/// let a = dtensor3("a"), b = dmatrix("b")
/// let c = matmul(a, b)       // (batch, m, k) @ (k, n) → (batch, m, n)
/// ```
public func matmul(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    let (a, b) = (a.asTensor(), b.asTensor())
    precondition(a.ndim >= 1 && b.ndim >= 1, "matmul: operands need rank ≥ 1, got \(a.type) and \(b.type); use * for scalars")
    let left = a.ndim == 1 ? a.dimshuffle(nil, 0) : a
    let right = b.ndim == 1 ? b.dimshuffle(0, nil) : b
    let out = batchedProduct(left, right)
    let n = out.ndim
    return out.dimshuffle((0..<n).filter { !(a.ndim == 1 && $0 == n - 2) && !(b.ndim == 1 && $0 == n - 1) })
}

extension TensorVariable {
    /// numpy's `matmul` with `other` (`self @ other`).
    public func matmul(_ other: some TensorConvertible) -> TensorVariable { TheanoTensor.matmul(self, other) }
}
