/// Basic indexing: integers and slices, giving a view. Index values are extra int scalar inputs, so they
/// may be symbolic.
public struct Subtensor: Op {
    /// What each index or slice reads: an integer, or which of start, stop and step are given.
    public let items: [SubtensorItem]
    public var description: String { "Subtensor{\(items.map(\.description).joined(separator: ", "))}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        precondition(items.count <= x.ndim, "indexing: \(items.count) indices for a tensor of rank \(x.ndim)")
        precondition(inputs.count == 1 + items.reduce(0) { $0 + $1.inputCount } && inputs.dropFirst().allSatisfy { $0.ndim == 0 && $0.dtype.isInteger },
                     "indexing: indices must be integer scalars")
        var pattern: [Bool] = []
        for (axis, item) in items.enumerated() where item != .index {
            // A slice keeps the dimension; only a broadcastable one stays broadcastable.
            pattern.append(x.broadcastable[axis])
        }
        pattern += x.broadcastable.dropFirst(items.count)
        return [TensorType(x.dtype, pattern)]
    }

    /// An index drops its axis, a slice has Python's `slice.indices` length, the rest stay. The bounds
    /// check is `perform`'s: a shape alone does not make it.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        var values = inputs.dropFirst().makeIterator()
        var shape: [TensorVariable] = []
        for (axis, item) in items.enumerated() {
            guard case .slice(let hasStart, let hasStop, let hasStep) = item else { _ = values.next(); continue }
            let start = hasStart ? values.next() : nil, stop = hasStop ? values.next() : nil, step = hasStep ? values.next() : nil
            shape.append(SymbolicShape.sliceLength(start: start, stop: stop, step: step, size: inputShapes[0][axis]))
        }
        return [shape + inputShapes[0].dropFirst(items.count)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        let (ranges, dropped) = try IndexResolution.resolve(items, inputs.dropFirst().map { Int($0.item(as: Int64.self)) }, shape: x.shape)
        return [x.sliced(ranges, dropping: dropped)]
    }

    public var viewMap: [Int: Int] { [0: 0] }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return inputs.map { _ in nil } }
        let gx = IncSubtensor(items: items, setInstead: false)([zerosLike(inputs[0]), gz] + Array(inputs.dropFirst()))
        return [gx] + inputs.dropFirst().map { _ in nil }
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        "\(inputs[0])[\(IndexPrinting.render(items, Array(inputs.dropFirst())))]"
    }
}

package enum IndexPrinting {
    package static func render(_ items: [SubtensorItem], _ values: [String]) -> String {
        var next = 0
        func take() -> String { defer { next += 1 }; return values[next] }
        return items.map { item -> String in
            switch item {
            case .index: return take()
            case .slice(let a, let b, let c):
                let start = a ? take() : "", stop = b ? take() : ""
                return c ? "\(start):\(stop):\(take())" : "\(start):\(stop)"
            }
        }.joined(separator: ", ")
    }
}

/// `x[idx] = y` (set) or `x[idx] += y` (increment) as a new tensor; `x` itself never changes.
public struct IncSubtensor: Op {
    /// What each index or slice reads: an integer, or which of start, stop and step are given.
    public let items: [SubtensorItem]
    /// Whether the value replaces the selection instead of adding to it.
    public let setInstead: Bool
    public var description: String { "\(setInstead ? "SetSubtensor" : "IncSubtensor"){\(items.map(\.description).joined(separator: ", "))}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let region = Subtensor(items: items).outputTypes([inputs[0]] + Array(inputs.dropFirst(2)))[0]
        precondition(inputs[1].ndim <= region.ndim, "\(setInstead ? "setSubtensor" : "incSubtensor"): the value of rank \(inputs[1].ndim) does not fit a region of rank \(region.ndim)")
        return [inputs[0]]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0].copy()
        let (ranges, dropped) = try IndexResolution.resolve(items, inputs.dropFirst(2).map { Int($0.item(as: Int64.self)) }, shape: x.shape)
        let regionView = x.sliced(ranges, dropping: dropped)
        let shape = try Elemwise.broadcastShape([regionView.shape, Array(repeating: 1, count: regionView.ndim - inputs[1].ndim) + inputs[1].shape])
        guard shape == regionView.shape else {
            throw OpFailure(.shapeMismatch, input: 1, "cannot put a value of shape \(inputs[1].shape) into a region of shape \(regionView.shape)")
        }
        let y = inputs[1].reshaped(Array(repeating: 1, count: regionView.ndim - inputs[1].ndim) + inputs[1].shape).broadcast(to: shape)
        var region = regionView
        // An increment adds in the wider of the two dtypes, then casts: an int tensor plus 0.7 truncates
        // the sum, as numpy's `x[idx] = x[idx] + y`, not the increment.
        region.assign(from: setInstead ? y.astype(x.dtype).copy() : try ScalarEvaluation.evaluate(.add, [regionView, y], shape: shape).astype(x.dtype))
        return [x]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        let indices = Array(inputs.dropFirst(2))
        let gx = setInstead ? IncSubtensor(items: items, setInstead: true)([gz, zerosLike(inputs[1])] + indices) : gz
        var gy = Subtensor(items: items)([gz] + indices)
        let y = inputs[1]
        // Sum over dimensions the value was broadcast along.
        let extra = gy.ndim - y.ndim
        if extra > 0 { gy = gy.sum(axes: Array(0..<extra)) }
        let axes = (0..<y.ndim).filter { y.broadcastable[$0] && !gy.broadcastable[$0] }
        if !axes.isEmpty { gy = gy.sum(axes: axes, keepdims: true) }
        if gy.dtype != y.dtype { gy = cast(gy, y.dtype) }
        return [inputs[0].dtype.isDiscrete ? nil : gx, y.dtype.isDiscrete ? nil : gy] + indices.map { _ in nil }
    }
}

extension TensorVariable {
    /// Basic indexing: `x[0]`, `x[-1]`, `x[.all, 0]`, `x[.slice(nil, nil, 2)]`.
    public subscript(_ items: TensorIndex...) -> TensorVariable { self[items] }

    /// Basic indexing with a list of indices and slices, as `x[items...]`.
    public subscript(_ items: [TensorIndex]) -> TensorVariable {
        if items.contains(where: \.isArray) { return advancedSubscript(items) }
        let indices = items.flatMap(\.variables).map { $0.dtype == .int64 ? $0 : cast($0, .int64) }
        return Subtensor(items: items.map(\.kind))([self] + indices)
    }

    /// `x[1..<3]`.
    public subscript(_ r: Range<Int>) -> TensorVariable { self[.range(r)] }
    /// `x[1...2]`.
    public subscript(_ r: ClosedRange<Int>) -> TensorVariable { self[.slice(r.lowerBound, r.upperBound + 1)] }
    /// `x[1...]`.
    public subscript(_ r: PartialRangeFrom<Int>) -> TensorVariable { self[.slice(r.lowerBound, nil)] }
    /// `x[..<2]`.
    public subscript(_ r: PartialRangeUpTo<Int>) -> TensorVariable { self[.slice(nil, r.upperBound)] }
    /// `x[i]` with a symbolic integer scalar, `x[indices]` with an integer array of any rank, or `x[mask]`.
    public subscript(_ i: TensorVariable) -> TensorVariable {
        i.ndim == 0 && i.dtype.isInteger ? self[.at(i)] : advancedIndex(i)
    }
}

/// Theano's `set_subtensor(x[idx], y)`: a copy of x with the region replaced by y.
public func setSubtensor(_ region: TensorVariable, _ value: some TensorConvertible) -> TensorVariable {
    rebuildIndexed(region, value.asTensor(), setInstead: true)
}

/// Theano's `inc_subtensor(x[idx], y)`: a copy of x with y added to the region.
public func incSubtensor(_ region: TensorVariable, _ value: some TensorConvertible) -> TensorVariable {
    rebuildIndexed(region, value.asTensor(), setInstead: false)
}

package func rebuildIndexed(_ region: TensorVariable, _ value: TensorVariable, setInstead: Bool) -> TensorVariable {
    if let node = region.owner, node.op is AdvancedSubtensor1 {
        let updated = AdvancedIncSubtensor1(setInstead: setInstead)(node.inputs[0], value, node.inputs[1])
        // A full-shape mask indexes the flattened tensor; give the result its shape back.
        if let flattened = node.inputs[0].owner, flattened.op is Reshape { return updated.reshape(like: flattened.inputs[0]) }
        return updated
    }
    if let node = region.owner, let sub = node.op as? AdvancedSubtensor {
        return AdvancedIncSubtensor(items: sub.items, setInstead: setInstead)([node.inputs[0], value] + Array(node.inputs.dropFirst()))
    }
    guard let node = region.owner, let sub = node.op as? Subtensor else {
        preconditionFailure("\(setInstead ? "setSubtensor" : "incSubtensor"): the first argument must be an indexing expression like x[1..<3], got \(pp(region))")
    }
    return IncSubtensor(items: sub.items, setInstead: setInstead)([node.inputs[0], value] + Array(node.inputs.dropFirst()))
}
