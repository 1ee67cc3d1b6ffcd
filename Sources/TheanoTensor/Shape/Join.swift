/// Concatenation along an axis (Theano's `join`). Inputs are upcast to one dtype.
public struct Join: Op {
    /// The axis along which inputs are joined.
    public let axis: Int
    public var description: String { "Join{axis=\(axis)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let ndim = inputs[0].ndim
        precondition(!inputs.isEmpty && inputs.allSatisfy { $0.ndim == ndim } && axis >= 0 && axis < ndim,
                     "concatenate: needs tensors of one rank ≥ 1 and an axis inside it, got \(inputs) with axis \(axis)")
        let pattern = (0..<ndim).map { d in d == axis ? (inputs.count == 1 && inputs[0].broadcastable[d]) : inputs.contains { $0.broadcastable[d] } }
        return [TensorType(DType.upcast(inputs.map(\.dtype)), pattern)]
    }

    /// The sizes along the axis add up; the other sizes are the first input's (the check that they match
    /// is the join's, which does not run for the shape alone).
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [inputShapes[0].indices.map { d in d == axis ? inputShapes.map { $0[d] }.dropFirst().reduce(inputShapes[0][d], SymbolicShape.add) : inputShapes[0][d] }]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let dtype = DType.upcast(inputs.map(\.dtype))
        var shape = inputs[0].shape
        for (i, x) in inputs.enumerated() {
            for d in 0..<shape.count where d != axis && x.shape[d] != shape[d] {
                throw OpFailure(.shapeMismatch, input: i, "all dimensions except \(axis) must match: input 0 has shape \(inputs[0].shape), input \(i) has shape \(x.shape)")
            }
        }
        shape[axis] = inputs.reduce(0) { $0 + $1.shape[axis] }
        let out = NDArray(uninitialized: shape, dtype: dtype)
        var start = 0
        for x in inputs {
            let size = x.shape[axis]
            var region = out.sliced((0..<shape.count).map { d in d == axis ? (start, size, 1) : (0, shape[d], 1) })
            region.assign(from: x.astype(dtype))
            start += size
        }
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        var start: TensorVariable = constant(Int64(0))
        return inputs.map { x in
            let stop = start + shapeI(x, axis)
            var items = [TensorIndex](repeating: .all, count: x.ndim)
            items[axis] = .slice(start, stop, nil)
            start = stop
            var g = gz[items].restoringBroadcast(x.broadcastable)
            if g.dtype != x.dtype { g = cast(g, x.dtype) }
            return x.dtype.isDiscrete ? nil : g
        }
    }

    public func prettyPrint(_ inputs: [String]) -> String { "concatenate([\(inputs.joined(separator: ", "))], axis=\(axis))" }
}

/// Joins tensors along an existing axis: `concatenate([x, b])`.
public func concatenate(_ tensors: [any TensorConvertible], axis: Int = 0) -> TensorVariable {
    let xs = tensors.map { $0.asTensor() }
    precondition(!xs.isEmpty, "concatenate: needs at least one tensor")
    let ndim = xs[0].ndim
    let axis = axis < 0 ? axis + ndim : axis
    return Join(axis: axis)(xs)
}

/// Joins tensors along a new axis: `stack([a, b])` of vectors is a 2-row matrix.
public func stack(_ tensors: [any TensorConvertible], axis: Int = 0) -> TensorVariable {
    let xs = tensors.map { $0.asTensor() }
    precondition(!xs.isEmpty, "stack: needs at least one tensor")
    let ndim = xs[0].ndim + 1
    let axis = axis < 0 ? axis + ndim : axis
    let lifted = xs.map { x in x.dimshuffle((0..<ndim).map { d in d == axis ? nil : (d < axis ? d : d - 1) }) }
    return Join(axis: axis)(lifted)
}
