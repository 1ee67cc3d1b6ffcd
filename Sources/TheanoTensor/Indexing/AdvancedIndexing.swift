/// numpy's advanced indexing in full: integer arrays of any rank on any axes, broadcast together, mixed
/// with integers and slices (Theano's `AdvancedSubtensor` and `AdvancedIncSubtensor`).
///
/// numpy's rules, which these ops follow:
/// - The index arrays broadcast to one shape B. Once there is an array, an integer index counts as a
///   0-d array too.
/// - When the arrays (and such integers) sit next to each other, B replaces them where they are:
///   `x[:, [0, 1], [1, 0]]` of a 3×4×5 tensor is 3×2. Otherwise B comes first: `x[[0, 1], :, [1, 0]]` is
///   2×4, and so is `x[0, :, [1, 0]]`.
/// - Slices keep their axes, and axes past the last index are whole.

/// One item of an advanced index, without its values (those are the op's extra inputs).
public enum AdvancedIndexItem: Hashable, Sendable, CustomStringConvertible {
    /// An integer scalar.
    case index
    /// A slice with optional start, stop and step.
    case slice(start: Bool, stop: Bool, step: Bool)
    /// An integer array of this rank.
    case array(ndim: Int)

    package var inputCount: Int {
        switch self {
        case .index, .array: return 1
        case .slice(let a, let b, let c): return [a, b, c].filter { $0 }.count
        }
    }

    package var isAdvanced: Bool { if case .slice = self { return false }; return true }

    public var description: String {
        switch self {
        case .index: return "int"
        case .array(let n): return "array\(n)d"
        case .slice(let a, let b, let c): return SubtensorItem.slice(start: a, stop: b, step: c).description
        }
    }
}

/// Where each output axis of an advanced index comes from.
package struct AdvancedIndexLayout {
    /// The item positions that are advanced (arrays, and integers beside them).
    package let advanced: [Int]
    /// Whether the advanced items are adjacent, so the broadcast block stays in their place.
    package let adjacent: Bool
    /// The rank of the broadcast block.
    package let blockRank: Int

    package init(_ items: [AdvancedIndexItem]) {
        advanced = items.indices.filter { items[$0].isAdvanced }
        adjacent = advanced.isEmpty || advanced.last! - advanced.first! + 1 == advanced.count
        blockRank = items.map { if case .array(let n) = $0 { return n }; return 0 }.max() ?? 0
    }

    /// The output's axes in order: nil for the broadcast block, else the sliced axis of x.
    package func order(rank: Int) -> [Int?] {
        let sliced = (0..<rank).filter { !advanced.contains($0) }
        guard let first = advanced.first else { return sliced.map { $0 } }
        if !adjacent { return [nil] + sliced.map { $0 } }
        return sliced.filter { $0 < first }.map { $0 } + [nil] + sliced.filter { $0 > first }.map { $0 }
    }
}

/// The element of x that each element of the result reads, resolved numpy's way.
package struct AdvancedIndexPlan {
    package let outShape: [Int]
    /// Per element of the result (C order), the element offset in contiguous x.
    package let sources: [Int]

    package init(_ items: [AdvancedIndexItem], _ values: [NDArray], shape: [Int], op: String) throws {
        let layout = AdvancedIndexLayout(items)
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for a in stride(from: rank - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * shape[a + 1] }
        // Each item's values, in order; then the broadcast shape of the advanced ones.
        var next = 0
        var arrays: [(axis: Int, value: NDArray, input: Int)] = []
        var ranges: [Int: (start: Int, count: Int, step: Int)] = [:]
        for (axis, item) in items.enumerated() {
            switch item {
            case .index, .array:
                arrays.append((axis, values[next], next + 1)); next += 1
            case .slice(let hasStart, let hasStop, let hasStep):
                func take() -> Int { defer { next += 1 }; return Int(values[next].item(as: Int64.self)) }
                let start = hasStart ? take() : nil, stop = hasStop ? take() : nil, step = hasStep ? take() : 1
                guard step != 0 else { throw OpFailure(.badArgument, "\(op): slice step cannot be zero (axis \(axis))") }
                ranges[axis] = IndexResolution.sliceRange(start, stop, step, shape[axis])
            }
        }
        for axis in items.count..<rank { ranges[axis] = (0, shape[axis], 1) }
        var block = [Int](repeating: 1, count: layout.blockRank)
        for (_, value, _) in arrays {
            let padded = Array(repeating: 1, count: layout.blockRank - value.ndim) + value.shape
            for d in 0..<block.count where padded[d] != 1 {
                guard block[d] == 1 || block[d] == padded[d] else {
                    throw OpFailure(.shapeMismatch, "\(op): shape mismatch: indexing arrays could not be broadcast together with shapes "
                                    + arrays.map { "\($0.value.shape)" }.joined(separator: " "))
                }
                block[d] = padded[d]
            }
        }
        let order = layout.order(rank: rank)
        let outShape = order.flatMap { $0.map { [ranges[$0]!.count] } ?? block }
        let count = try ShapeCheck.elementCount(outShape, dtype: .int64, op: op)
        // The block's contribution to the source offset, per block element.
        let blockCount = block.reduce(1, *)
        var blockOffsets = [Int](repeating: 0, count: blockCount)
        for (axis, value, input) in arrays {
            let padded = Array(repeating: 1, count: layout.blockRank - value.ndim) + value.shape
            let raw = value.reshaped(padded).broadcast(to: block).scalars(as: Int64.self)
            for (b, r) in raw.enumerated() {
                let i = r < 0 ? Int(r) + shape[axis] : Int(r)
                guard i >= 0 && i < shape[axis] else {
                    throw OpFailure(.indexOutOfRange, input: input, "\(op): index \(r) is out of bounds for axis \(axis) with size \(shape[axis])")
                }
                blockOffsets[b] += i * strides[axis]
            }
        }
        // Walk the result in C order with an odometer over its axes.
        var sources = [Int](repeating: 0, count: count)
        if count > 0 {
            // Each output axis: its size, and how a step along it moves in x (block axes move within
            // the block, whose offsets come from the table).
            var axisSizes: [Int] = [], xSteps: [Int] = [], blockSteps: [Int] = []
            var blockStride = [Int](repeating: 1, count: block.count)
            for d in stride(from: block.count - 2, through: 0, by: -1) { blockStride[d] = blockStride[d + 1] * block[d + 1] }
            var base = 0
            for entry in order {
                if let axis = entry {
                    let r = ranges[axis]!
                    base += r.start * strides[axis]
                    axisSizes.append(r.count); xSteps.append(r.step * strides[axis]); blockSteps.append(0)
                } else {
                    for d in 0..<block.count { axisSizes.append(block[d]); xSteps.append(0); blockSteps.append(blockStride[d]) }
                }
            }
            var counter = [Int](repeating: 0, count: axisSizes.count)
            var offset = base, b = 0
            for o in 0..<count {
                sources[o] = offset + blockOffsets[b]
                var d = axisSizes.count - 1
                while d >= 0 {
                    counter[d] += 1; offset += xSteps[d]; b += blockSteps[d]
                    if counter[d] < axisSizes[d] { break }
                    offset -= xSteps[d] * counter[d]; b -= blockSteps[d] * counter[d]; counter[d] = 0
                    d -= 1
                }
            }
        }
        self.outShape = outShape
        self.sources = sources
    }

    /// The static type of the result.
    package static func outputType(_ items: [AdvancedIndexItem], x: TensorType, indices: [TensorType], what: String) -> TensorType {
        precondition(items.count <= x.ndim, "\(what): \(items.count) indices for a tensor of rank \(x.ndim)")
        precondition(indices.count == items.reduce(0) { $0 + $1.inputCount }, "\(what): wrong number of index inputs")
        var next = 0
        var arrays: [[Bool]] = []
        for item in items {
            switch item {
            case .index:
                precondition(indices[next].ndim == 0 && indices[next].dtype.isInteger, "\(what): an integer index must be an integer scalar, got \(indices[next])")
                arrays.append([]); next += 1
            case .array(let n):
                precondition(indices[next].ndim == n && indices[next].dtype.isInteger, "\(what): index arrays must be integers, got \(indices[next])")
                arrays.append(indices[next].broadcastable); next += 1
            case .slice:
                for _ in 0..<item.inputCount {
                    precondition(indices[next].ndim == 0 && indices[next].dtype.isInteger, "\(what): slice bounds must be integer scalars, got \(indices[next])")
                    next += 1
                }
            }
        }
        let layout = AdvancedIndexLayout(items)
        // A block axis broadcasts when every array broadcasts (or is missing) along it.
        let block = (0..<layout.blockRank).map { d in
            arrays.allSatisfy { pattern in
                let padded = Array(repeating: true, count: layout.blockRank - pattern.count) + pattern
                return padded[d]
            }
        }
        let pattern = layout.order(rank: x.ndim).flatMap { $0.map { [x.broadcastable[$0]] } ?? block }
        return TensorType(x.dtype, pattern)
    }
}

/// `x[...]` with integer arrays among the indices: a new tensor (numpy's advanced indexing copies).
public struct AdvancedSubtensor: Op {
    /// What each index reads: an integer, a slice, or an integer array of some rank.
    public let items: [AdvancedIndexItem]
    public var description: String { "AdvancedSubtensor{\(items.map(\.description).joined(separator: ", "))}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        [AdvancedIndexPlan.outputType(items, x: inputs[0], indices: Array(inputs.dropFirst()), what: "x[...]")]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0].contiguous()
        let plan = try AdvancedIndexPlan(items, Array(inputs.dropFirst()), shape: x.shape, op: "AdvancedSubtensor")
        let out = try NDArray(checkedUninitialized: plan.outShape, dtype: x.dtype, op: "AdvancedSubtensor")
        let size = x.dtype.itemSize
        for (o, s) in plan.sources.enumerated() {
            (out.storage.pointer + o * size).copyMemory(from: x.baseAddress + s * size, byteCount: size)
        }
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return inputs.map { _ in nil } }
        let gx = AdvancedIncSubtensor(items: items, setInstead: false)([zerosLike(inputs[0]), gz] + Array(inputs.dropFirst()))
        return [gx] + inputs.dropFirst().map { _ in nil }
    }

    public func prettyPrint(_ inputs: [String]) -> String { "\(inputs[0])[\(AdvancedIndexPrinting.render(items, Array(inputs.dropFirst())))]" }
}

/// A copy of `x` with the elements an advanced index selects set to, or incremented by, `y` (broadcast
/// to the selection). Repeated positions accumulate when incrementing (numpy's `add.at`); when setting,
/// the last one wins. An increment adds in the wider dtype, then casts to x's.
public struct AdvancedIncSubtensor: Op {
    /// What each index reads (see `AdvancedSubtensor.items`).
    public let items: [AdvancedIndexItem]
    /// Whether the values replace the selected elements instead of adding to them.
    public let setInstead: Bool
    public var description: String {
        "\(setInstead ? "AdvancedSetSubtensor" : "AdvancedIncSubtensor"){\(items.map(\.description).joined(separator: ", "))}"
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let what = setInstead ? "setSubtensor" : "incSubtensor"
        let region = AdvancedIndexPlan.outputType(items, x: inputs[0], indices: Array(inputs.dropFirst(2)), what: what)
        precondition(inputs[1].ndim <= region.ndim, "\(what): the value of rank \(inputs[1].ndim) does not fit a selection of rank \(region.ndim)")
        return [inputs[0]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let wide = setInstead ? inputs[0].dtype : DType.upcast(inputs[0].dtype, inputs[1].dtype)
        let x = wide == inputs[0].dtype ? inputs[0].copy().contiguous() : inputs[0].astype(wide).contiguous()
        let plan = try AdvancedIndexPlan(items, Array(inputs.dropFirst(2)), shape: x.shape, op: description)
        let padded = Array(repeating: 1, count: plan.outShape.count - inputs[1].ndim) + inputs[1].shape
        guard zip(plan.outShape, padded).allSatisfy({ $0 == $1 || $1 == 1 }) else {
            throw OpFailure(.shapeMismatch, input: 1, "\(description): cannot put a value of shape \(inputs[1].shape) into a selection of shape \(plan.outShape)")
        }
        let y = inputs[1].astype(wide).reshaped(padded).broadcast(to: plan.outShape).contiguous()
        func update<T: TensorElement>(_: T.Type, _ combine: (T, T) -> T) {
            let dst = x.baseAddress.assumingMemoryBound(to: T.self)
            let src = y.baseAddress.assumingMemoryBound(to: T.self)
            for (o, s) in plan.sources.enumerated() { dst[s] = setInstead ? src[o] : combine(dst[s], src[o]) }
        }
        switch wide {
        case .float32: update(Float.self, +)
        case .float64: update(Double.self, +)
        case .int8: update(Int8.self, &+)
        case .int16: update(Int16.self, &+)
        case .int32: update(Int32.self, &+)
        case .int64: update(Int64.self, &+)
        case .uint8: update(UInt8.self, &+)
        case .uint16: update(UInt16.self, &+)
        case .uint32: update(UInt32.self, &+)
        case .uint64: update(UInt64.self, &+)
        case .bool: update(Bool.self) { $0 || $1 }
        default: throw OpFailure(.dtypeMismatch, input: 0, "\(description) is not defined for \(wide)")
        }
        return [x.dtype == inputs[0].dtype ? x : x.astype(inputs[0].dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        let indices = Array(inputs.dropFirst(2))
        let y = inputs[1]
        let gx = setInstead ? AdvancedIncSubtensor(items: items, setInstead: true)([gz, zerosLike(y)] + indices) : gz
        var gy = AdvancedSubtensor(items: items)([gz] + indices)
        let extra = gy.ndim - y.ndim
        if extra > 0 { gy = gy.sum(axes: Array(0..<extra)) }
        let axes = (0..<y.ndim).filter { y.broadcastable[$0] && !gy.broadcastable[$0] }
        if !axes.isEmpty { gy = gy.sum(axes: axes, keepdims: true) }
        if gy.dtype != y.dtype { gy = cast(gy, y.dtype) }
        return [inputs[0].dtype.isDiscrete ? nil : gx, y.dtype.isDiscrete ? nil : gy] + indices.map { _ in nil }
    }
}

package enum AdvancedIndexPrinting {
    package static func render(_ items: [AdvancedIndexItem], _ values: [String]) -> String {
        var next = 0
        func take() -> String { defer { next += 1 }; return values[next] }
        return items.map { item -> String in
            switch item {
            case .index, .array: return take()
            case .slice(let a, let b, let c):
                let start = a ? take() : "", stop = b ? take() : ""
                return c ? "\(start):\(stop):\(take())" : "\(start):\(stop)"
            }
        }.joined(separator: ", ")
    }
}

extension TensorIndex {
    /// An integer-array index of constant positions: `x[.array([0, 1]), .all, .array([1, 0])]` is numpy's
    /// `x[[0, 1], :, [1, 0]]`. `.at(v)` with an integer tensor of any rank is the same, symbolically.
    public static func array(_ positions: [Int]) -> TensorIndex {
        .at(constant(NDArray(positions.map { Int64($0) }, shape: [positions.count])))
    }

    /// Whether this item is an index array rather than a scalar or a slice.
    package var isArray: Bool { if case .at(let v) = self { return v.ndim > 0 }; return false }
}

extension TensorVariable {
    /// Indexing where some items are integer arrays: numpy's advanced indexing (see `AdvancedSubtensor`).
    package func advancedSubscript(_ items: [TensorIndex]) -> TensorVariable {
        // x[vector] alone keeps Theano's AdvancedSubtensor1, which has a faster form.
        if items.count == 1, case .at(let v) = items[0], v.ndim == 1, v.dtype.isInteger { return AdvancedSubtensor1()(self, v) }
        var kinds: [AdvancedIndexItem] = []
        var values: [TensorVariable] = []
        var axis = 0
        for item in items {
            switch item {
            case .at(let v) where v.dtype == .bool:
                // numpy reads a k-d mask as the k vectors of its true positions' coordinates (`nonzero`).
                precondition(v.ndim >= 1 && axis + v.ndim <= ndim, "x[...]: a boolean mask of rank \(v.ndim) at axis \(axis) does not fit a tensor of rank \(ndim)")
                for coordinate in maskCoordinates(v, axis: axis) {
                    kinds.append(.array(ndim: 1))
                    values.append(coordinate)
                }
                axis += v.ndim
            case .at(let v):
                precondition(v.dtype.isInteger, "x[...]: indices must be integers or boolean masks, got \(v.type)")
                kinds.append(v.ndim == 0 ? .index : .array(ndim: v.ndim))
                values.append(v.dtype == .int64 ? v : cast(v, .int64))
                axis += 1
            case .slice(let a, let b, let c):
                kinds.append(.slice(start: a != nil, stop: b != nil, step: c != nil))
                values += [a, b, c].compactMap { $0 }.map { $0.dtype == .int64 ? $0 : cast($0, .int64) }
                axis += 1
            }
        }
        return AdvancedSubtensor(items: kinds)([self] + values)
    }

    /// The coordinates of a mask's true positions, one int64 vector per mask axis. The mask must match
    /// this tensor's axes `axis ..< axis + mask.ndim` (checked when it runs, as numpy's IndexError).
    package func maskCoordinates(_ mask: TensorVariable, axis: Int) -> [TensorVariable] {
        let covered = Array(axis..<(axis + mask.ndim))
        let moved = dimshuffle((covered + (0..<ndim).filter { !covered.contains($0) }).map { $0 })
        let flat = MaskPositions(axisOffset: axis)(mask, moved)
        var coordinates: [TensorVariable] = []
        var inner: TensorVariable = constant(Int64(1))
        for j in stride(from: mask.ndim - 1, through: 0, by: -1) {
            let size = shapeI(mask, j)
            coordinates.insert(j == 0 ? intDiv(flat, inner) : mod(intDiv(flat, inner), size), at: 0)
            inner = inner * size
        }
        return coordinates
    }
}
