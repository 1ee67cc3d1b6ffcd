/// Softmax along an axis, computed stably (the maximum is subtracted first).
public struct Softmax: Op {
    /// The axis along which values sum to 1.
    public let axis: Int
    public var description: String { "Softmax{axis=\(axis)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(axis >= 0 && axis < inputs[0].ndim, "softmax: axis \(axis) is outside a tensor of rank \(inputs[0].ndim)")
        return [TensorType(inputs[0].dtype.upgradedToFloat, inputs[0].broadcastable)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [AxisKernels.softmax(inputs[0].astype(inputs[0].dtype.upgradedToFloat), axis: axis, log: false)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        return [cast(SoftmaxGrad(axis: axis)(gz, outputs[0]), inputs[0].dtype)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "softmax(\(inputs[0]))" }
}

/// The gradient of softmax, (gz − Σ gz·sm)·sm, as one node so the optimizer can recognise it
/// (cross-entropy on top of softmax collapses to sm − onehot).
public struct SoftmaxGrad: Op {
    package init(axis: Int) { self.axis = axis }
    /// The axis along which values sum to 1.
    public let axis: Int
    public var description: String { "SoftmaxGrad{axis=\(axis)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(DType.upcast(inputs[0].dtype, inputs[1].dtype), inputs[1].broadcastable)] }

    package static func expression(_ gz: TensorVariable, _ sm: TensorVariable, axis: Int) -> TensorVariable {
        (gz - (gz * sm).sum(axis: axis, keepdims: true)) * sm
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[1]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (gz, sm) = (inputs[0], inputs[1])
        guard gz.shape == sm.shape else { throw OpFailure(.shapeMismatch, input: 0, "softmax gradient of shape \(gz.shape) for an output of shape \(sm.shape)") }
        let dtype = DType.upcast(gz.dtype, sm.dtype)
        let products = try ScalarEvaluation.evaluate(.mul, [gz, sm], shape: sm.shape)
        let sums = try Reduce(.sum, axes: [axis]).perform([products])[0]
        var keptShape = sm.shape
        keptShape[axis] = 1
        let centered = try ScalarEvaluation.evaluate(.sub, [gz, sums.reshaped(keptShape).broadcast(to: sm.shape)], shape: sm.shape)
        return [try ScalarEvaluation.evaluate(.mul, [centered, sm], shape: sm.shape).astype(dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil, nil] }
        let expanded = SoftmaxGrad.expression(inputs[0], inputs[1], axis: axis)
        return try Gradient.backward(outputs: [expanded], outputGrads: [g], wrt: inputs)
    }
}

/// log(softmax(x)) without the overflow: x - max - log(sum(exp(x - max))).
public struct LogSoftmax: Op {
    /// The axis along which values sum to 1.
    public let axis: Int
    public var description: String { "LogSoftmax{axis=\(axis)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(axis >= 0 && axis < inputs[0].ndim, "logSoftmax: axis \(axis) is outside a tensor of rank \(inputs[0].ndim)")
        return [TensorType(inputs[0].dtype.upgradedToFloat, inputs[0].broadcastable)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [AxisKernels.softmax(inputs[0].astype(inputs[0].dtype.upgradedToFloat), axis: axis, log: true)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        return [cast(gz - exp(outputs[0]) * gz.sum(axis: axis, keepdims: true), inputs[0].dtype)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "logSoftmax(\(inputs[0]))" }
}

/// Softmax along `axis` (default: the last).
public func softmax(_ x: TensorVariable, axis: Int = -1) -> TensorVariable {
    Softmax(axis: axis < 0 ? axis + x.ndim : axis)(x)
}

/// log(softmax(x)) along `axis`, stable for large logits.
public func logSoftmax(_ x: TensorVariable, axis: Int = -1) -> TensorVariable {
    LogSoftmax(axis: axis < 0 ? axis + x.ndim : axis)(x)
}

package enum AxisKernels {
    /// Softmax or log-softmax over one axis, in float64 arithmetic, returned in the input's dtype.
    ///
    /// A row holding +∞ gets the limit: the +∞ entries share the whole mass (one of them: [∞, 1] →
    /// [1, 0], log [0, −∞]), where subtracting the maximum gives ∞ − ∞. PyTorch and JAX compute it that
    /// way and agree on [NaN, 0]; the limit is what softmax means, and it keeps the fused cross-entropy
    /// finite for a label at +∞. Ties among +∞ share equally, the limit as they grow together. NaN
    /// anywhere in a row still makes the row NaN, and a row of only −∞, which has no limit, stays NaN
    /// as in PyTorch and JAX.
    package static func softmax(_ x: NDArray, axis: Int, log: Bool) -> NDArray {
        let others = (0..<x.ndim).filter { $0 != axis }
        let moved = x.transposed(others + [axis]).contiguous()
        let n = x.shape[axis], rows = n == 0 ? 0 : moved.count / n
        var v = moved.doubles
        for r in 0..<rows {
            let base = r * n
            var m = -Double.infinity, hasNaN = false
            for j in 0..<n { m = Swift.max(m, v[base + j]); hasNaN = hasNaN || v[base + j].isNaN }
            if m == .infinity && !hasNaN {
                let share = Double((0..<n).filter { v[base + $0] == .infinity }.count)
                for j in 0..<n {
                    let top = v[base + j] == .infinity
                    v[base + j] = log ? (top ? -Double.log(share) : -.infinity) : (top ? 1 / share : 0)
                }
                continue
            }
            if !m.isFinite { m = 0 }
            var total = 0.0
            for j in 0..<n { total += Double.exp(v[base + j] - m) }
            let logTotal = Double.log(total)
            for j in 0..<n { v[base + j] = log ? v[base + j] - m - logTotal : Double.exp(v[base + j] - m - logTotal) }
        }
        var inverse = [Int](repeating: 0, count: x.ndim)
        for (position, source) in (others + [axis]).enumerated() { inverse[source] = position }
        return NDArray(v, shape: moved.shape).astype(x.dtype).transposed(inverse).contiguous()
    }
}
