#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A variable whose value lives between calls: model parameters, counters, random state.
///
/// Compiled functions read it as an implicit input and write it through `updates`. Its type comes
/// from its first value (a Swift `Double` array gives float64), with no broadcastable dimensions.
///
/// Every access is thread-safe. `getValue` sees the value before or after any call, never half of a
/// call's updates; `setValue` waits for calls that are updating the variable and lands after them (see
/// ``Function/call(_:)`` for the guarantee calls give each other).
public final class SharedVariable: TensorVariable, @unchecked Sendable {
    /// The order in which calls take the locks of several shared variables: increasing `serial`.
    package let serial: UInt64
    /// Two mutexes (see the `MARK: Locking` section): `[0]`, the update lock, is held by whoever will
    /// write the value, from reading it to writing it; `[1]`, the value lock, guards `stored` itself and
    /// is held only while it is read or written.
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    /// Written only under both locks; read under either.
    private var stored: NDArray
    /// The update a function applies when none is given (random streams use this).
    public var defaultUpdate: TensorVariable?

    package init(value: NDArray, type: TensorType, name: String?) {
        serial = sharedVariableSerials.wrappingAdd(1, ordering: .relaxed).oldValue
        mutexes = .allocate(capacity: 2)
        for i in 0..<2 { pthread_mutex_init(mutexes + i, nil) }
        stored = value
        super.init(type: type, name: name)
    }

    deinit {
        for i in 0..<2 { pthread_mutex_destroy(mutexes + i) }
        mutexes.deallocate()
    }

    /// The current value. Arrays have value semantics, so the caller's copy never changes under it.
    public var value: NDArray {
        lockValue()
        defer { unlockValue() }
        return stored
    }

    /// Theano's `get_value()`.
    public func getValue() -> NDArray { value }

    /// Theano's `get_value(borrow=..., return_internal_type=...)`. With `borrow: false` (Theano's
    /// default) the result has storage of its own; with `true` it may be the stored array's storage,
    /// saving the copy. Either way it never changes afterwards: a write to it copies first (arrays are
    /// values), and calls and `setValue` replace the stored array rather than write into it. The
    /// internal type is always `NDArray` (there is no GPU array), so `returnInternalType` changes nothing.
    public func getValue(borrow: Bool, returnInternalType: Bool = false) -> NDArray {
        borrow ? value : value.copy()
    }

    /// Replaces the value. It must have the variable's rank; its dtype converts when nothing is lost.
    /// A call updating this variable in another thread finishes first, so its update is not lost
    /// and does not overwrite this value.
    ///
    /// Theano's `set_value(value, borrow=...)`: with `borrow: false` (the default) the variable keeps a
    /// copy; with `true` it may keep the given array's storage. The caller's array never changes
    /// either way, nor does the variable when the caller writes to its array later (arrays are values).
    public func setValue(_ newValue: some NDArrayConvertible, borrow: Bool = false) throws {
        let context = "setValue of shared variable \(name ?? "<unnamed>")"
        let array: NDArray
        do { array = try newValue.makeNDArray() } catch { throw TheanoError.converting(error, "\(context): the value") }
        var filtered = try type.filter(array, byValue: newValue.convertsByValue, allowDowncast: false) { context }
        if !borrow && filtered.storage === array.storage && !newValue.convertsByValue { filtered = filtered.copy() }
        lockForUpdate()
        defer { unlockForUpdate() }
        lockValue()
        defer { unlockValue() }
        stored = filtered
    }

    package override func cloneAsInput() -> TensorVariable { self }

    // MARK: Locking
    //
    // NOTE: every thread takes these locks in one global order, which is what makes deadlock impossible:
    // all update locks first, by increasing serial, then value locks, by increasing serial. A writer
    // (a call with updates, or setValue) takes the update locks of everything it reads or writes, reads
    // the values (no other writer can change them), computes, then takes the value locks of its targets
    // and stores the results together. A reader (a call without updates, or getValue) takes only value
    // locks, all of them at once, so it sees the state between two writers' commits and never waits
    // for a writer's computation.

    package func lockForUpdate() { pthread_mutex_lock(mutexes) }
    package func unlockForUpdate() { pthread_mutex_unlock(mutexes) }
    package func lockValue() { pthread_mutex_lock(mutexes + 1) }
    package func unlockValue() { pthread_mutex_unlock(mutexes + 1) }

    /// The value, for a caller that holds the update lock or the value lock.
    package var lockedValue: NDArray { stored }

    /// Stores a call's update; the caller holds both locks.
    package func commit(_ newValue: NDArray) { stored = newValue }
}

/// The next shared variable's `serial`.
private let sharedVariableSerials = Atomic<UInt64>(0)

/// A shared variable from a Swift value or array: `shared([0.1, 0.25, 0.15, 0.3], name: "W")`, `shared(0)`.
///
/// Theano's `borrow`: with `false` (the default) the variable stores a copy of an `NDArray` it is given;
/// with `true` it stores that array's storage itself. Nothing is observably shared either way: writing
/// to either array later copies it first (arrays are values).
public func shared(_ value: some NDArrayConvertible, name: String? = nil, dtype: DType? = nil, borrow: Bool = false) -> SharedVariable {
    var array = NDArray(value)
    if let dtype { array = array.astype(dtype) }
    return SharedVariable(value: borrow ? array : array.copy(), type: TensorType(array.dtype, [Bool](repeating: false, count: array.ndim)), name: name)
}

/// A shared variable with an explicit broadcast pattern (a bias `row`, for example).
public func shared(_ value: some NDArrayConvertible, name: String? = nil, broadcastable: [Bool]) -> SharedVariable {
    let array = NDArray(value)
    precondition(broadcastable.count == array.ndim, "shared: broadcastable has \(broadcastable.count) flags for rank \(array.ndim)")
    return SharedVariable(value: array.copy(), type: TensorType(array.dtype, broadcastable), name: name)
}
