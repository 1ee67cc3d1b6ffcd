/// A Swift value that can stand in an expression beside a tensor: `1 / (1 + exp(-x))`, `0.1 * g`.
///
/// Each becomes a constant typed by Theano's rules: an `Int` takes the smallest integer dtype that holds
/// it, a `Double` becomes float32 when float32 holds it exactly (or when `floatX` is float32) and
/// float64 otherwise, and sized Swift types and NDArrays keep their dtype.
public protocol TensorConvertible {
    /// The value as a symbolic tensor: a variable itself, anything else a typed constant.
    func asTensor() -> TensorVariable
}

extension TensorVariable: TensorConvertible {
    public func asTensor() -> TensorVariable { self }
}

extension Int: TensorConvertible {
    public func asTensor() -> TensorVariable {
        let value = Int64(self)
        if let v = Int8(exactly: value) { return constant(v) }
        if let v = Int16(exactly: value) { return constant(v) }
        if let v = Int32(exactly: value) { return constant(v) }
        return constant(value)
    }
}

extension Double: TensorConvertible {
    public func asTensor() -> TensorVariable {
        if config.floatX == .float32 || Double(Float(self)) == self || isNaN { return constant(Float(self)) }
        return constant(self)
    }
}

extension Float: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension Int8: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension Int16: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension Int32: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension Int64: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension UInt8: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension UInt16: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension UInt32: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension UInt64: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }
extension Bool: TensorConvertible { public func asTensor() -> TensorVariable { constant(self) } }

extension NDArray: TensorConvertible {
    public func asTensor() -> TensorVariable { TensorConstant(self) }
}

extension Array: TensorConvertible where Element: NDArrayConvertible {
    /// A nested Swift array as a constant: its natural dtype, with `Double` arrays following floatX.
    public func asTensor() -> TensorVariable {
        var value = NDArray(self)
        if value.dtype == .float64 && config.floatX == .float32 { value = value.astype(.float32) }
        return TensorConstant(value)
    }
}

/// A constant from a Swift scalar of a fixed element type.
public func constant<T: TensorElement>(_ value: T, name: String? = nil) -> TensorVariable {
    TensorConstant(NDArray(scalar: value), name: name)
}

/// A constant from an array value.
public func constant(_ value: NDArray, name: String? = nil) -> TensorVariable {
    TensorConstant(value, name: name)
}

/// Theano's `as_tensor_variable`.
public func asTensorVariable(_ x: some TensorConvertible) -> TensorVariable { x.asTensor() }
