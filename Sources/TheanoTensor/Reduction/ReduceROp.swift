// R-operators of the reductions.

extension Reduce {
    /// Sum: the sum of the eval point (Theano's `Sum.R_op`). Max and min: the eval point gathered at the
    /// extremum and summed over the reduced axes (PyTensor's `Max.pushforward`, the transpose of the
    /// gradient, which sums the tangents of ties). Prod has none in Theano; all and any are boolean.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[0] else { return [nil] }
        switch kind {
        case .sum: return [self(point)]
        case .max, .min:
            let mask = cast(eq(inputs[0], outputs[0].dimshuffle(restoreAxes(inputs[0].ndim))), point.dtype)
            return [Reduce(.sum, axes: axes)(mask * point)]
        case .prod: throw ROpUnavailable.error(for: self)
        case .all, .any: return [nil]
        }
    }
}

extension ArgReduce {
    /// An integer output: no tangent.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        outputs.map { _ in nil }
    }
}
