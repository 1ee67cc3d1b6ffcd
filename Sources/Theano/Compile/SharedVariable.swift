import Synchronization

/// A variable whose value lives between calls: model parameters, counters, random state.
///
/// Compiled functions read it as an implicit input and write it through `updates`. Its type comes
/// from its first value (a Swift `Double` array gives float64), with no broadcastable dimensions.
public final class SharedVariable: TensorVariable, @unchecked Sendable {
    private let container: Mutex<NDArray>
    /// The update a function applies when none is given (random streams use this).
    public var defaultUpdate: TensorVariable?

    init(value: NDArray, type: TensorType, name: String?) {
        container = Mutex(value)
        super.init(type: type, name: name)
    }

    /// The current value. Arrays have value semantics, so the caller's copy never changes under it.
    public var value: NDArray { container.withLock { $0 } }

    /// Theano's `get_value()`.
    public func getValue() -> NDArray { value }

    /// Replaces the value. It must have the variable's rank; its dtype converts when nothing is lost.
    public func setValue(_ newValue: some NDArrayConvertible) throws {
        let array = try newValue.makeNDArray()
        let filtered = try type.filter(array, byValue: newValue.convertsByValue, allowDowncast: false) {
            "setValue of shared variable \(name ?? "<unnamed>")"
        }
        container.withLock { $0 = filtered }
    }

    /// Stores an already filtered value: used by compiled functions when they commit updates.
    func store(_ newValue: NDArray) { container.withLock { $0 = newValue } }

    /// Exclusive access to the stored value, so a function can commit several updates at one moment.
    func withLockedValue<R>(_ body: (inout NDArray) throws -> R) rethrows -> R {
        try container.withLock { try body(&$0) }
    }

    override func cloneAsInput() -> TensorVariable { self }
}

/// A shared variable from a Swift value or array: `shared([0.1, 0.25, 0.15, 0.3], name: "W")`, `shared(0)`.
public func shared(_ value: some NDArrayConvertible, name: String? = nil, dtype: DType? = nil) -> SharedVariable {
    var array = NDArray(value)
    if let dtype { array = array.astype(dtype) }
    return SharedVariable(value: array.copy(), type: TensorType(array.dtype, [Bool](repeating: false, count: array.ndim)), name: name)
}

/// A shared variable with an explicit broadcast pattern (a bias `row`, for example).
public func shared(_ value: some NDArrayConvertible, name: String? = nil, broadcastable: [Bool]) -> SharedVariable {
    let array = NDArray(value)
    precondition(broadcastable.count == array.ndim, "shared: broadcastable has \(broadcastable.count) flags for rank \(array.ndim)")
    return SharedVariable(value: array.copy(), type: TensorType(array.dtype, broadcastable), name: name)
}
