/// A Swift value that becomes an ``NDArray``: scalars, arrays, nested arrays, and NDArrays themselves.
///
/// Compiled functions take their arguments through this protocol, so `f([1, 1, 1, 1], 100.0)` works.
public protocol NDArrayConvertible {
    /// The value as an array of its natural dtype (`Int` gives int64, `Double` float64).
    func makeNDArray() throws -> NDArray
    /// Swift literals and arrays convert into any dtype that holds their values exactly;
    /// an NDArray converts only by a safe upcast of its dtype, as in Theano.
    var convertsByValue: Bool { get }
    /// Stores the value into `array` when that is a 0-d array of the value's own dtype that nothing
    /// else holds, so a function called again with a Swift scalar need not allocate; false otherwise.
    func overwriteScalar(_ array: inout NDArray) -> Bool
}

extension NDArrayConvertible {
    public var convertsByValue: Bool { true }
    public func overwriteScalar(_ array: inout NDArray) -> Bool { false }
}

extension NDArray: NDArrayConvertible {
    public func makeNDArray() throws -> NDArray { self }
    public var convertsByValue: Bool { false }
}

extension NDArrayConvertible where Self: TensorElement {
    public func makeNDArray() throws -> NDArray { NDArray(scalar: self) }

    public func overwriteScalar(_ array: inout NDArray) -> Bool {
        guard array.ndim == 0, array.dtype == Self.dtype, isKnownUniquelyReferenced(&array.storage) else { return false }
        (array.storage.pointer + array.offset * Self.dtype.itemSize).assumingMemoryBound(to: Self.self).pointee = self
        return true
    }
}

extension Bool: NDArrayConvertible {}
extension Int8: NDArrayConvertible {}
extension Int16: NDArrayConvertible {}
extension Int32: NDArrayConvertible {}
extension Int64: NDArrayConvertible {}
extension UInt8: NDArrayConvertible {}
extension UInt16: NDArrayConvertible {}
extension UInt32: NDArrayConvertible {}
extension UInt64: NDArrayConvertible {}
extension Float: NDArrayConvertible {}
extension Double: NDArrayConvertible {}

extension Int: NDArrayConvertible {
    public func makeNDArray() throws -> NDArray { NDArray(scalar: Int64(self)) }
}

extension Array: NDArrayConvertible where Element: NDArrayConvertible {
    public func makeNDArray() throws -> NDArray {
        if isEmpty { return NDArray(zeros: [0], dtype: .float64) }
        let rows = try map { try $0.makeNDArray() }
        let inner = rows[0].shape
        guard rows.allSatisfy({ $0.shape == inner }) else {
            throw TheanoError(.shapeMismatch, "NDArray: nested arrays are ragged; every row must have shape \(inner), got \(rows.map(\.shape))")
        }
        let dtype = DType.upcast(rows.map(\.dtype))
        let out = NDArray(uninitialized: [count] + inner, dtype: dtype)
        let rowBytes = inner.reduce(1, *) * dtype.itemSize
        for (i, row) in rows.enumerated() {
            let c = row.astype(dtype).contiguous()
            (out.storage.pointer + i * rowBytes).copyMemory(from: c.baseAddress, byteCount: rowBytes)
        }
        return out
    }

    public var convertsByValue: Bool { true }
}

extension NDArray {
    /// An array from a Swift scalar, array or nested array: `NDArray([[1, 2], [3, 4]])`.
    /// Stops with a clear message on a ragged literal, like a bad `Array` index; for data that may be
    /// ragged, `try value.makeNDArray()` throws instead.
    public init(_ value: some NDArrayConvertible) {
        do { self = try value.makeNDArray() } catch { preconditionFailure("\(error)") }
    }

    /// An array of a chosen dtype from a Swift value: `NDArray([1, 2], dtype: .float32)`.
    public init(_ value: some NDArrayConvertible, dtype: DType) {
        self = NDArray(value).astype(dtype)
    }

    /// The array converted to `target` when no value changes, else nil.
    package func losslessConverted(to target: DType) -> NDArray? {
        if target == dtype { return self }
        let converted = astype(target)
        let back = converted.astype(dtype)
        func same<T: TensorElement>(_: T.Type) -> Bool {
            zip(back.scalars(as: T.self), scalars(as: T.self)).allSatisfy { a, b in a == b || (a != a && b != b) }
        }
        return same(dtype.elementType) ? converted : nil
    }

    /// The elements as a nested Swift array of rows (rank 2).
    public func rows<T: TensorElement>(as: T.Type = Double.self) -> [[T]] {
        precondition(ndim == 2, "NDArray.rows needs a matrix, not rank \(ndim)")
        let flat = scalars(as: T.self)
        return (0..<shape[0]).map { Array(flat[$0 * shape[1]..<($0 + 1) * shape[1]]) }
    }
}
