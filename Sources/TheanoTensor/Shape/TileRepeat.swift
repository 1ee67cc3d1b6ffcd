/// numpy's `tile` and `repeat`, built from ops that have gradients: `tile` broadcasts `x` into a larger
/// tensor and reshapes it (as Theano's own `tile`), `repeat` takes the slices at repeated positions.

/// The positions `repeat` reads along its axis: each `i` in `0..<size` repeated `repeats[i]` times
/// (or `repeats` times when it is a scalar). Inputs: the repeats (int64 scalar or vector) and the size.
public struct RepeatPositions: Op {
    public var description: String { "RepeatPositions" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == 2 && inputs[0].ndim <= 1 && inputs[0].dtype.isInteger && inputs[1].ndim == 0 && inputs[1].dtype.isInteger,
                     "repeat: repeats must be an integer scalar or vector, got \(inputs.first.map(\.description) ?? "nothing")")
        return [TensorType(.int64, [false])]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let size = Int(inputs[1].item(as: Int64.self))
        var counts = inputs[0].scalars(as: Int64.self)
        if inputs[0].ndim == 0 || counts.count == 1 { counts = Array(repeating: counts[0], count: size) }
        guard counts.count == size else {
            throw OpFailure(.shapeMismatch, input: 0, "repeat: \(counts.count) repeats for an axis of size \(size) (expected \(size) or 1)")
        }
        if let bad = counts.first(where: { $0 < 0 }) {
            throw OpFailure(.badArgument, input: 0, "repeat: repeats must not be negative, got \(bad)")
        }
        // The total is a size from data: it must not overflow nor ask for more than the machine holds.
        var total = 0
        for c in counts {
            let (sum, overflow) = total.addingReportingOverflow(Int(c))
            guard !overflow else { throw OpFailure(.outOfMemory, input: 0, "repeat: the repeats add up to more than \(Int.max)") }
            total = sum
        }
        let out = try NDArray(checkedUninitialized: [total], dtype: .int64, op: "repeat", input: 0)
        let p = out.storage.pointer.assumingMemoryBound(to: Int64.self)
        var k = 0
        for (i, c) in counts.enumerated() {
            for _ in 0..<Int(c) { p[k] = Int64(i); k += 1 }
        }
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [nil, nil]
    }
}

/// numpy's `repeat`: each element (along `axis`, or of the flattened tensor when nil) repeated
/// `repeats` times, or `repeats[i]` times for element `i` when `repeats` is a vector.
///
/// Its gradient sums the gradient over each element's copies (vector repeats included, which Theano's
/// `RepeatOp` did not differentiate). Negative repeats, or a vector of the wrong length, throw.
public func `repeat`(_ x: TensorVariable, _ repeats: some TensorConvertible, axis: Int? = nil) -> TensorVariable {
    let r = repeats.asTensor()
    precondition(r.ndim <= 1 && r.dtype.isInteger, "repeat: repeats must be an integer scalar or vector, got \(r.type)")
    let source = axis == nil ? x.flatten() : x
    let a = axis.map { $0 < 0 ? $0 + x.ndim : $0 } ?? 0
    precondition(a >= 0 && a < source.ndim, "repeat: axis \(axis ?? 0) is out of range for a tensor of rank \(x.ndim)")
    let positions = RepeatPositions()(r.dtype == .int64 ? r : cast(r, .int64), shapeI(source, a))
    return take(source, positions, axis: a)
}

/// numpy's `tile`: `x` repeated `reps[i]` times along each axis. Shorter `reps` apply to the last axes;
/// longer ones give `x` leading axes of size 1 first. The repeats may be symbolic integer scalars.
public func tile(_ x: TensorVariable, _ reps: [any TensorConvertible]) -> TensorVariable {
    let r = reps.map { rep -> TensorVariable in
        let v = rep.asTensor()
        precondition(v.ndim == 0 && v.dtype.isInteger, "tile: each repeat must be an integer scalar, got \(v.type)")
        if let c = v as? TensorConstant, let value = c.uniformValue { precondition(value >= 0, "tile: repeats must not be negative, got \(value)") }
        return v.dtype == .int64 ? v : cast(v, .int64)
    }
    let d = Swift.max(r.count, x.ndim)
    let one = constant(Int64(1))
    let reps = Array(repeating: one, count: d - r.count) + r
    let padded = x.ndim == d ? x : x.dimshuffle(Array(repeating: nil, count: d - x.ndim) + (0..<x.ndim).map { $0 })
    let sizes = (0..<d).map { padded.broadcastable[$0] ? one : shapeI(padded, $0) }
    // reps[0], …, reps[d-1], sizes[0], …, sizes[d-1], then each repeat beside its axis, then merged.
    let big = alloc(padded, shape: reps + sizes)
    let interleaved = big.dimshuffle((0..<d).flatMap { [$0, d + $0] })
    return interleaved.reshape((0..<d).map { reps[$0] * sizes[$0] })
}

/// `tile(x, [2, 3])` with literal repeats.
public func tile(_ x: TensorVariable, _ reps: [Int]) -> TensorVariable { tile(x, reps.map { $0 as any TensorConvertible }) }

extension TensorVariable {
    /// numpy's `x.repeat(repeats, axis=)`: see `repeat(_:_:axis:)`.
    public func `repeat`(_ repeats: some TensorConvertible, axis: Int? = nil) -> TensorVariable { TheanoTensor.`repeat`(self, repeats, axis: axis) }
}
