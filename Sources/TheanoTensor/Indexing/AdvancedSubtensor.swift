/// `x[indices]` with an integer vector: the rows of `x` at those positions, repeats allowed (numpy's
/// integer-array indexing on the first axis; Theano's `AdvancedSubtensor1`).
public struct AdvancedSubtensor1: Op {
    /// The axis of the tensor as the user indexed it, for messages: `take` along another axis moves
    /// that axis first.
    public var axis = 0
    public var description: String { "AdvancedSubtensor1" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim >= 1 && inputs[1].ndim == 1 && inputs[1].dtype.isInteger,
                     "x[indices]: needs a tensor of rank ≥ 1 and an integer vector, got \(inputs[0]) and \(inputs[1])")
        return [TensorType(inputs[0].dtype, [false] + inputs[0].broadcastable.dropFirst())]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[inputShapes[1][0]] + inputShapes[0].dropFirst()] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0].contiguous()
        let rows = try RowIndices.resolve(inputs[1], size: x.shape[0], input: 1, axis: axis)
        let rowSize = x.count / Swift.max(x.shape[0], 1), bytes = rowSize * x.dtype.itemSize
        // Many indices into large rows can ask for more than the machine holds.
        let out = try NDArray(checkedUninitialized: [rows.count] + x.shape.dropFirst(), dtype: x.dtype, op: "AdvancedSubtensor1", input: 1)
        for (k, r) in rows.enumerated() {
            (out.storage.pointer + k * bytes).copyMemory(from: x.baseAddress + r * bytes, byteCount: bytes)
        }
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil, nil] }
        return [AdvancedIncSubtensor1(setInstead: false, axis: axis)(zerosLike(inputs[0]), gz, inputs[1]), nil]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "\(inputs[0])[\(inputs[1])]" }
}

/// A copy of `x` with rows `indices` set to, or incremented by, the rows of `y`. Repeated indices
/// accumulate when incrementing (numpy's `add.at`), and the last one wins when setting.
public struct AdvancedIncSubtensor1: Op {
    /// Whether the values replace the selected elements instead of adding to them.
    public let setInstead: Bool
    /// The axis the user indexed, for messages (see ``AdvancedSubtensor1/axis``).
    public var axis = 0
    public var description: String { setInstead ? "AdvancedSetSubtensor1" : "AdvancedIncSubtensor1" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[2].ndim == 1 && inputs[2].dtype.isInteger && inputs[1].ndim <= inputs[0].ndim,
                     "\(setInstead ? "setSubtensor" : "incSubtensor")(x[indices], y): y of rank \(inputs[1].ndim) does not fit rows of \(inputs[0])")
        return [inputs[0]]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        // An increment accumulates in the wider dtype and casts once at the end (see `IncSubtensor`).
        let wide = setInstead ? inputs[0].dtype : DType.upcast(inputs[0].dtype, inputs[1].dtype)
        let x = wide == inputs[0].dtype ? inputs[0].copy() : inputs[0].astype(wide).contiguous()
        let rows = try RowIndices.resolve(inputs[2], size: x.shape[0], input: 2, axis: axis)
        let regionShape = [rows.count] + x.shape.dropFirst()
        let padded = Array(repeating: 1, count: regionShape.count - inputs[1].ndim) + inputs[1].shape
        _ = try Elemwise.broadcastShape([regionShape, padded])
        guard zip(regionShape, padded).allSatisfy({ $0 == $1 || $1 == 1 }) else {
            throw OpFailure(.shapeMismatch, input: 1, "cannot put a value of shape \(inputs[1].shape) into rows of shape \(regionShape)")
        }
        let y = inputs[1].astype(x.dtype).reshaped(padded).broadcast(to: regionShape).contiguous()
        let rowSize = x.count / Swift.max(x.shape[0], 1)
        func update<T: TensorElement>(_: T.Type, _ combine: (T, T) -> T) {
            let dst = x.storage.pointer.assumingMemoryBound(to: T.self)
            let src = y.storage.pointer.assumingMemoryBound(to: T.self) + y.offset
            for (k, r) in rows.enumerated() {
                for j in 0..<rowSize { dst[r * rowSize + j] = setInstead ? src[k * rowSize + j] : combine(dst[r * rowSize + j], src[k * rowSize + j]) }
            }
        }
        switch x.dtype {
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
        default: throw OpFailure(.dtypeMismatch, input: 0, "\(description) is not defined for \(x.dtype)")
        }
        return [x.dtype == inputs[0].dtype ? x : x.astype(inputs[0].dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil, nil] }
        let idx = inputs[2]
        let gx = setInstead ? AdvancedIncSubtensor1(setInstead: true, axis: axis)(gz, zerosLike(inputs[1]), idx) : gz
        var gy = AdvancedSubtensor1(axis: axis)(gz, idx)
        let y = inputs[1]
        let extra = gy.ndim - y.ndim
        if extra > 0 { gy = gy.sum(axes: Array(0..<extra)) }
        let axes = (0..<y.ndim).filter { y.broadcastable[$0] && !gy.broadcastable[$0] }
        if !axes.isEmpty { gy = gy.sum(axes: axes, keepdims: true) }
        return [inputs[0].dtype.isDiscrete ? nil : gx, y.dtype.isDiscrete ? nil : cast(gy, y.dtype), nil]
    }
}

/// The positions where a boolean mask is true, as an int64 vector (numpy's `flatnonzero`). Inputs: the
/// mask and the tensor it indexes, whose leading dimensions must be the mask's shape, as numpy requires.
public struct MaskPositions: Op {
    /// The axis of the user's tensor where the mask starts, for messages (the op sees those axes first).
    public var axisOffset = 0
    public var description: String { "MaskPositions" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == 2 && inputs[0].dtype == .bool && inputs[0].ndim <= inputs[1].ndim,
                     "x[mask]: needs a boolean mask and the tensor it indexes, of a rank at least the mask's, got \(inputs)")
        return [TensorType(.int64, [false])]
    }
    /// None: the length is the number of true elements, known only from the values.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { nil }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (mask, x) = (inputs[0], inputs[1])
        // numpy's IndexError: a mask of the wrong length, or a transposed one, is not read as another mask.
        if let axis = (0..<mask.ndim).first(where: { mask.shape[$0] != x.shape[$0] }) {
            throw OpFailure(.indexOutOfRange, input: 0,
                            "x[mask]: the boolean mask of shape \(mask.shape) does not match the indexed tensor\(axisOffset == 0 ? " of shape \(x.shape)" : "") along axis \(axis + axisOffset): size of axis is \(x.shape[axis]) but size of corresponding boolean axis is \(mask.shape[axis])")
        }
        let positions = mask.scalars(as: Bool.self).enumerated().filter(\.element).map { Int64($0.offset) }
        return [NDArray(positions, shape: [positions.count])]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil, nil] }
}

package enum RowIndices {
    /// The indices resolved against `size` (negative ones count from the end); an error names the
    /// op's input that holds them and the axis the user indexed.
    package static func resolve(_ indices: NDArray, size: Int, input: Int, axis: Int) throws -> [Int] {
        try indices.scalars(as: Int64.self).map { raw in
            let i = Int(raw) < 0 ? Int(raw) + size : Int(raw)
            guard i >= 0 && i < size else {
                throw OpFailure(.indexOutOfRange, input: input, "index \(raw) is out of bounds for axis \(axis) with size \(size)")
            }
            return i
        }
    }
}

/// numpy's `take`: the slices at `indices` along `axis` (an integer vector).
public func take(_ x: TensorVariable, _ indices: some TensorConvertible, axis: Int = 0) -> TensorVariable {
    let idx = indices.asTensor()
    let axis = axis < 0 ? axis + x.ndim : axis
    precondition(axis >= 0 && axis < x.ndim, "take: axis \(axis) is outside a tensor of rank \(x.ndim)")
    guard axis != 0 else { return AdvancedSubtensor1()(x, idx) }
    let order = [axis] + (0..<x.ndim).filter { $0 != axis }
    var back = [Int](repeating: 0, count: x.ndim)
    for (position, source) in order.enumerated() { back[source] = position }
    return AdvancedSubtensor1(axis: axis)(x.dimshuffle(order.map { $0 }), idx).dimshuffle(back.map { $0 })
}

extension TensorVariable {
    /// Advanced indexing: `x[ivector]` picks rows (repeats allowed), `x[imatrix]` a matrix of them; `x[mask]` with a boolean mask of x's
    /// shape picks the flagged elements as a vector, and a boolean vector picks rows.
    package func advancedIndex(_ index: TensorVariable) -> TensorVariable {
        if index.dtype == .bool {
            if index.ndim == ndim && ndim > 1 { return AdvancedSubtensor1()(flatten(), MaskPositions()(index, self)) }
            precondition(index.ndim == 1, "x[mask]: the mask must be a vector or have x's rank, got \(index.type) for \(type)")
            return AdvancedSubtensor1()(self, MaskPositions()(index, self))
        }
        return index.ndim == 1 ? AdvancedSubtensor1()(self, index) : advancedSubscript([.at(index)])
    }
}
