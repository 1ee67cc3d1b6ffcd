/// A tensor of a given shape filled with a value (broadcast into it). Sizes are int scalar inputs.
public struct Alloc: Op {
    /// The rank of the result.
    public let ndim: Int
    /// Which dimensions are known to have size 1 (from constant sizes).
    public let broadcastable: [Bool]
    public var description: String { "Alloc" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == ndim + 1 && inputs[0].ndim <= ndim, "alloc: a value of rank \(inputs[0].ndim) cannot fill \(ndim) dimensions")
        return [TensorType(inputs[0].dtype, broadcastable)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [Array(inputs.dropFirst())] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let shape = inputs.dropFirst().map { Int($0.item(as: Int64.self)) }
        let v = inputs[0]
        _ = try ShapeCheck.elementCount(shape, dtype: v.dtype, op: "alloc")
        let padded = v.reshaped(Array(repeating: 1, count: ndim - v.ndim) + v.shape)
        // Each dimension of the value is 1 (repeated) or the size itself.
        guard zip(padded.shape, shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
            throw OpFailure(.shapeMismatch, input: 0, "alloc: a value of shape \(v.shape) cannot fill shape \(shape)")
        }
        var out = try NDArray(checkedUninitialized: shape, dtype: v.dtype, op: "alloc")
        out.assign(from: padded.broadcast(to: shape))
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return inputs.map { _ in nil } }
        let v = inputs[0]
        var g = gz
        let extra = ndim - v.ndim
        if extra > 0 { g = g.sum(axes: Array(0..<extra)) }
        let axes = (0..<v.ndim).filter { v.broadcastable[$0] && !g.broadcastable[$0] }
        if !axes.isEmpty { g = g.sum(axes: axes, keepdims: true) }
        if g.dtype != v.dtype { g = cast(g, v.dtype) }
        return [g] + inputs.dropFirst().map { _ in nil }
    }
}

/// A tensor of `shape` filled with `value`: `alloc(0.0, 3, n)`.
public func alloc(_ value: some TensorConvertible, _ shape: any TensorConvertible...) -> TensorVariable {
    alloc(value, shape: shape)
}

/// `value` broadcast to `shape`, Theano's `T.alloc`.
public func alloc(_ value: some TensorConvertible, shape: [any TensorConvertible]) -> TensorVariable {
    let sizes = shape.map { s -> TensorVariable in let v = s.asTensor(); return v.dtype == .int64 ? v : cast(v, .int64) }
    let pattern = sizes.map { ($0 as? TensorConstant)?.uniformValue == 1 }
    return Alloc(ndim: sizes.count, broadcastable: pattern)([value.asTensor()] + sizes)
}

/// Zeros of a shape.
public func zeros(_ shape: [Int], dtype: DType? = nil) -> TensorVariable {
    alloc(TensorConstant(NDArray(zeros: [], dtype: dtype ?? config.floatX)), shape: shape)
}

/// Ones of a shape.
public func ones(_ shape: [Int], dtype: DType? = nil) -> TensorVariable {
    alloc(TensorConstant(NDArray(scalar: 1.0).astype(dtype ?? config.floatX)), shape: shape)
}

/// Evenly spaced values in `[start, stop)`, numpy's `arange`.
public struct ARange: Op {
    /// The element type of the result.
    public let dtype: DType
    public var description: String { "ARange{\(dtype)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == 3 && inputs.allSatisfy { $0.ndim == 0 }, "arange: start, stop and step must be scalars")
        return [TensorType(dtype, [false])]
    }
    /// numpy's length, max(0, ceil((stop - start) / step)), computed in float64 as `perform` does.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let values = inputs.compactMap { ($0 as? TensorConstant)?.value.reshaped([]).item(as: Double.self) }
        if values.count == 3, values[2] != 0 {
            let (start, stop, step) = (values[0], values[1], values[2])
            let length = ((stop - start) / step).rounded(.up)
            if length.isFinite && length < 0x1p62 { return [[SymbolicShape.constant(length > 0 ? Int(length) : 0)]] }
        }
        let (start, stop, step) = (cast(inputs[0], .float64), cast(inputs[1], .float64), cast(inputs[2], .float64))
        return [[cast(maximum(ceil((stop - start) / step), constant(0.0)), .int64)]]
    }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (start, stop, step) = (inputs[0].item(as: Double.self), inputs[1].item(as: Double.self), inputs[2].item(as: Double.self))
        guard step != 0 else { throw OpFailure(.badArgument, input: 2, "arange: step cannot be zero") }
        // numpy's length, ceil((stop - start) / step), which is NaN or infinite for infinite or NaN bounds.
        let length = ((stop - start) / step).rounded(.up)
        guard !length.isNaN, length < 0x1p63 else {
            throw OpFailure(.badArgument, "arange: cannot make \(length) values from start \(start), stop \(stop), step \(step)")
        }
        let count = length > 0 ? Int(length) : 0
        let out = try NDArray(checkedUninitialized: [count], dtype: dtype, op: "arange")
        func fill<T: TensorElement>(_: T.Type) {
            let p = out.storage.pointer.assumingMemoryBound(to: T.self)
            for i in 0..<count { p[i] = T(converting: start + Double(i) * step) }
        }
        fill(dtype.elementType)
        return [out]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil, nil, nil] }
}

/// `arange(stop)`, `arange(start, stop, step)`; integer bounds give int64, as in numpy.
///
/// The dtype is Theano's: the upcast of the three bounds, each typed as a literal (the default start 0
/// and step 1 are int8), widened to int64 when integral. So `arange(2.5)` is float32, not numpy's float64.
public func arange(_ start: some TensorConvertible, _ stop: (any TensorConvertible)? = nil, _ step: (any TensorConvertible)? = nil, dtype: DType? = nil) -> TensorVariable {
    let (a, b) = stop.map { (start.asTensor(), $0.asTensor()) } ?? (0.asTensor(), start.asTensor())
    let c = step?.asTensor() ?? 1.asTensor()
    let natural = DType.upcast([a.dtype, b.dtype, c.dtype])
    return ARange(dtype: dtype ?? (natural.isDiscrete ? .int64 : natural))(a, b, c)
}

/// An `n × m` matrix with ones on the `k`-th diagonal.
public struct Eye: Op {
    /// The element type of the result.
    public let dtype: DType
    public var description: String { "Eye{\(dtype)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(dtype, [false, false])] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[inputs[0], inputs[1]]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (n, m, k) = (Int(inputs[0].item(as: Int64.self)), Int(inputs[1].item(as: Int64.self)), Int(inputs[2].item(as: Int64.self)))
        let out = try NDArray(checkedZeros: [n, m], dtype: dtype, op: "eye")
        // Row i holds its one at column i + k: rows max(0, -k) ..< min(n, m - k), none when k is off the
        // matrix (checked first, so a huge k cannot overflow).
        guard k < m && k > -n else { return [out] }
        func fill<T: TensorElement>(_: T.Type) {
            let p = out.storage.pointer.assumingMemoryBound(to: T.self)
            for i in Swift.max(0, -k)..<Swift.min(n, m - k) { p[i * m + i + k] = T.one }
        }
        fill(dtype.elementType)
        return [out]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil, nil, nil] }
}

/// The identity matrix, or ones on the `k`-th diagonal of an `n × m` matrix.
public func eye(_ n: some TensorConvertible, m: (any TensorConvertible)? = nil, k: Int = 0, dtype: DType? = nil) -> TensorVariable {
    let nv = cast(n.asTensor(), .int64)
    return Eye(dtype: dtype ?? config.floatX)(nv, m.map { cast($0.asTensor(), .int64) } ?? nv, constant(Int64(k)))
}
