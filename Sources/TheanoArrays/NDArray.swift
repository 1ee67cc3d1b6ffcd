/// An n-dimensional array: the value that compiled functions take and return and that shared variables hold.
///
/// Row-major with element strides, so `transpose` and `dimshuffle` are views that share storage.
/// It has value semantics: a write copies the storage first when anyone else can see it.
public struct NDArray: @unchecked Sendable {
    /// The element type.
    public let dtype: DType
    /// The size of each dimension.
    public private(set) var shape: [Int]
    /// Strides in elements, not bytes. A stride of 0 marks a broadcast dimension.
    public private(set) var strides: [Int]
    /// Offset of the first element, in elements.
    package var offset: Int
    package var storage: Storage

    /// The number of dimensions.
    public var ndim: Int { shape.count }
    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// A zero-filled array.
    ///
    /// - Precondition: every dimension is ≥ 0 and the size in bytes fits `Int`, as for
    ///   `Array(repeating:count:)`. Shapes that come from data are checked by `ShapeCheck`, which throws.
    public init(zeros shape: [Int], dtype: DType) {
        let n = ShapeCheck.preconditionedCount(shape, dtype: dtype, "NDArray(zeros:)")
        self.init(storage: Storage(zeroedBytes: n * dtype.itemSize), dtype: dtype, shape: shape,
                  strides: NDArray.contiguousStrides(shape), offset: 0)
    }

    /// An uninitialised array, for kernels that write every element.
    package init(uninitialized shape: [Int], dtype: DType) {
        let n = ShapeCheck.preconditionedCount(shape, dtype: dtype, "NDArray")
        self.init(storage: Storage(byteCount: n * dtype.itemSize), dtype: dtype, shape: shape,
                  strides: NDArray.contiguousStrides(shape), offset: 0)
    }

    package init(storage: Storage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// An array from flat row-major values and a shape.
    public init<T: TensorElement>(_ values: [T], shape: [Int]) {
        precondition(values.count == ShapeCheck.preconditionedCount(shape, dtype: T.dtype, "NDArray(_:shape:)"),
                     "NDArray: \(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: T.dtype)
        let p = storage.pointer.bindMemory(to: T.self, capacity: values.count)
        values.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: values.count) }
    }

    private static let unitStride = [1]

    /// A 0-d array holding one value.
    public init<T: TensorElement>(scalar value: T) {
        // Directly, without a one-element array: scalars are converted on every call of a function.
        self.init(storage: Storage(byteCount: T.dtype.itemSize), dtype: T.dtype, shape: [], strides: [], offset: 0)
        storage.pointer.bindMemory(to: T.self, capacity: 1).initialize(to: value)
    }

    /// A zero-filled array of `T`.
    public static func zeros<T: TensorElement>(_ shape: [Int], of: T.Type = Double.self) -> NDArray {
        NDArray(zeros: shape, dtype: T.dtype)
    }

    /// An array filled with one value.
    public init<T: TensorElement>(repeating value: T, shape: [Int]) {
        self.init([T](repeating: value, count: ShapeCheck.preconditionedCount(shape, dtype: T.dtype, "NDArray(repeating:shape:)")), shape: shape)
    }

    package static func contiguousStrides(_ shape: [Int]) -> [Int] {
        // Scalars and vectors share one strides array: most small arrays a call creates are these.
        if shape.count <= 1 { return shape.isEmpty ? [] : unitStride }
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= max(shape[axis], 1)
        }
        return strides
    }

    /// Whether the elements lie row-major and dense from `offset`.
    public var isContiguous: Bool {
        var step = 1
        for axis in stride(from: ndim - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != step { return false }
            step *= shape[axis]
        }
        return true
    }

    /// The array itself when contiguous, otherwise a contiguous copy.
    public func contiguous() -> NDArray {
        isContiguous ? self : copy()
    }

    /// A contiguous copy that shares nothing with `self`.
    public func copy() -> NDArray {
        var out = NDArray(uninitialized: shape, dtype: dtype)
        out.assign(from: self)
        return out
    }

    /// Copies elements of `source` (same shape, same dtype) into this array's storage, which must be unique.
    package mutating func assign(from source: NDArray) {
        precondition(source.shape == shape && source.dtype == dtype, "NDArray.assign: shape or dtype differs")
        let itemSize = dtype.itemSize
        let dst = storage.pointer, src = source.storage.pointer
        if isContiguous && source.isContiguous {
            (dst + offset * itemSize).copyMemory(from: src + source.offset * itemSize, byteCount: count * itemSize)
            return
        }
        // Copied as plain bits of the element's width: a concrete type per width keeps the loop specialised.
        func copyElements<T>(_: T.Type) {
            let d = dst.assumingMemoryBound(to: T.self), s = src.assumingMemoryBound(to: T.self)
            forEachIndexPair(shape, strides, offset, source.strides, source.offset) { a, b in d[a] = s[b] }
        }
        switch itemSize {
        case 1: copyElements(UInt8.self)
        case 2: copyElements(UInt16.self)
        case 4: copyElements(UInt32.self)
        case 8: copyElements(UInt64.self)
        default: copyElements((UInt64, UInt64).self)
        }
    }

    /// Makes the storage unique and contiguous so it can be written in place.
    package mutating func makeUniqueContiguous() {
        if !isKnownUniquelyReferenced(&storage) || !isContiguous || offset != 0 {
            self = copy()
        }
    }
}

/// Calls `body(i, j)` with the storage indices of every element of two arrays of one shape, row-major.
@inline(__always)
package func forEachIndexPair(_ shape: [Int], _ stridesA: [Int], _ offsetA: Int, _ stridesB: [Int], _ offsetB: Int,
                      _ body: (Int, Int) -> Void) {
    let n = shape.count
    if shape.contains(0) { return }
    if n == 0 { body(offsetA, offsetB); return }
    let inner = shape[n - 1], sa = stridesA[n - 1], sb = stridesB[n - 1]
    var index = [Int](repeating: 0, count: n)
    var a = offsetA, b = offsetB
    while true {
        var ia = a, ib = b
        for _ in 0..<inner { body(ia, ib); ia += sa; ib += sb }
        // Advance the outer index like an odometer.
        var axis = n - 2
        while axis >= 0 {
            index[axis] += 1
            a += stridesA[axis]; b += stridesB[axis]
            if index[axis] < shape[axis] { break }
            a -= stridesA[axis] * shape[axis]; b -= stridesB[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

/// Calls `body(i)` with the storage index of every element in row-major order.
@inline(__always)
package func forEachIndex(_ shape: [Int], _ strides: [Int], _ offset: Int, _ body: (Int) -> Void) {
    forEachIndexPair(shape, strides, offset, strides, offset) { a, _ in body(a) }
}

// MARK: Typed access

extension NDArray {
    /// Reads the elements in row-major order, converted to `T` the way numpy's `astype` does.
    public func scalars<T: TensorElement>(as: T.Type = T.self) -> [T] {
        if dtype == T.dtype {
            let base = storage.pointer.assumingMemoryBound(to: T.self)
            if isContiguous {
                return Array(UnsafeBufferPointer(start: base + offset, count: count))
            }
            var out = [T](); out.reserveCapacity(count)
            forEachIndex(shape, strides, offset) { out.append(base[$0]) }
            return out
        }
        return astype(T.dtype).scalars(as: T.self)
    }

    /// The elements as `Double`s, row-major.
    public var doubles: [Double] { scalars(as: Double.self) }

    /// The single element of a one-element array.
    public func item<T: TensorElement>(as: T.Type = Double.self) -> T {
        precondition(count == 1, "NDArray.item: the array has \(count) elements, not 1")
        return scalars(as: T.self)[0]
    }

    /// The element at a full index.
    public subscript<T: TensorElement>(index: [Int], as type: T.Type) -> T {
        precondition(index.count == ndim, "NDArray subscript: \(index.count) indices for rank \(ndim)")
        var position = offset
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "NDArray subscript: index \(i) out of range for axis \(axis)")
            position += i * strides[axis]
        }
        func read<E: TensorElement>(_: E.Type) -> T {
            T(converting: storage.pointer.assumingMemoryBound(to: E.self)[position])
        }
        return read(dtype.elementType)
    }

    /// A contiguous buffer of the elements, for kernels. `T` must be the dtype's element type.
    package func withUnsafeElements<T: TensorElement, R>(as: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "NDArray: reading \(dtype) as \(T.dtype)")
        let c = contiguous()
        return try withExtendedLifetime(c) {
            try body(UnsafeBufferPointer(start: c.storage.pointer.assumingMemoryBound(to: T.self) + c.offset, count: c.count))
        }
    }

    /// The address of the first element, for kernels that honour `strides`.
    package var baseAddress: UnsafeMutableRawPointer { storage.pointer + offset * dtype.itemSize }

    /// A copy converted to another dtype (numpy's `astype`).
    public func astype(_ target: DType) -> NDArray {
        if target == dtype { return self }
        if let fast = contiguousFloatConversion(to: target) { return fast }
        let out = NDArray(uninitialized: shape, dtype: target)
        func convert<S: TensorElement>(_: S.Type) {
            func into<D: TensorElement>(_: D.Type) {
                let s = storage.pointer.assumingMemoryBound(to: S.self)
                let d = out.storage.pointer.assumingMemoryBound(to: D.self)
                var k = 0
                forEachIndex(shape, strides, offset) { d[k] = D(converting: s[$0]); k += 1 }
            }
            into(target.elementType)
        }
        convert(dtype.elementType)
        return out
    }
}

extension NDArray {
    /// The common conversions into float32 and float64 as plain loops over dense memory; the generic
    /// path pays a witness call per element.
    fileprivate func contiguousFloatConversion(to target: DType) -> NDArray? {
        guard isContiguous, target.isFloat else { return nil }
        let out = NDArray(uninitialized: shape, dtype: target)
        func run<S, D>(_: S.Type, _: D.Type, _ convert: (S) -> D) {
            let source = (storage.pointer + offset * dtype.itemSize).assumingMemoryBound(to: S.self)
            let destination = out.storage.pointer.assumingMemoryBound(to: D.self)
            for i in 0..<count { destination[i] = convert(source[i]) }
        }
        switch (dtype, target) {
        case (.float32, .float64): run(Float.self, Double.self) { Double($0) }
        case (.float64, .float32): run(Double.self, Float.self) { Float($0) }
        case (.int64, .float64): run(Int64.self, Double.self) { Double($0) }
        case (.int32, .float64): run(Int32.self, Double.self) { Double($0) }
        case (.int64, .float32): run(Int64.self, Float.self) { Float($0) }
        case (.int32, .float32): run(Int32.self, Float.self) { Float($0) }
        default: return nil
        }
        return out
    }
}

// MARK: Views

extension NDArray {
    /// Reorders axes and inserts broadcastable axes: `pattern` lists source axes, `nil` inserts a size-1 axis.
    /// Dropped source axes must have size 1. The result is a view.
    package func dimshuffled(_ pattern: [Int?]) -> NDArray {
        var newShape: [Int] = [], newStrides: [Int] = []
        newShape.reserveCapacity(pattern.count)
        newStrides.reserveCapacity(pattern.count)
        for p in pattern {
            if let axis = p { newShape.append(shape[axis]); newStrides.append(strides[axis]) } else { newShape.append(1); newStrides.append(0) }
        }
        return NDArray(storage: storage, dtype: dtype, shape: newShape, strides: newStrides, offset: offset)
    }

    /// The transpose (axes reversed), as a view.
    public var T: NDArray { dimshuffled(Array((0..<ndim).reversed())) }

    /// A view with reversed-or-permuted axes.
    public func transposed(_ axes: [Int]) -> NDArray { dimshuffled(axes) }

    /// A view that repeats broadcastable (size-1) axes to `target`, left-padding missing axes.
    package func broadcast(to target: [Int]) -> NDArray {
        let pad = target.count - ndim
        var newStrides = [Int](repeating: 0, count: target.count)
        for axis in 0..<ndim where shape[axis] != 1 || target[axis + pad] == 1 {
            newStrides[axis + pad] = shape[axis] == 1 ? 0 : strides[axis]
        }
        return NDArray(storage: storage, dtype: dtype, shape: target, strides: newStrides, offset: offset)
    }

    /// The same elements in a new shape. Views when contiguous, copies otherwise.
    public func reshaped(_ newShape: [Int]) -> NDArray {
        precondition(ShapeCheck.problem(newShape, itemSize: dtype.itemSize) == nil && newShape.reduce(1, *) == count,
                     "NDArray.reshaped: \(shape) cannot become \(newShape)")
        let c = contiguous()
        return NDArray(storage: c.storage, dtype: dtype, shape: newShape,
                       strides: NDArray.contiguousStrides(newShape), offset: c.offset)
    }

    /// A view of a strided slice along every axis: `ranges[axis] = (start, count, step)`, with integer axes removed.
    package func sliced(_ ranges: [(start: Int, count: Int, step: Int)], dropping dropped: Set<Int> = []) -> NDArray {
        var newOffset = offset, newShape: [Int] = [], newStrides: [Int] = []
        for (axis, r) in ranges.enumerated() {
            newOffset += r.start * strides[axis]
            if dropped.contains(axis) { continue }
            newShape.append(r.count)
            newStrides.append(strides[axis] * r.step)
        }
        for axis in ranges.count..<ndim { newShape.append(shape[axis]); newStrides.append(strides[axis]) }
        return NDArray(storage: storage, dtype: dtype, shape: newShape, strides: newStrides, offset: newOffset)
    }
}

extension NDArray: Equatable {
    /// Equal shapes, dtypes and elements (NaN differs from NaN, as in numpy's `array_equal`).
    public static func == (a: NDArray, b: NDArray) -> Bool {
        guard a.shape == b.shape, a.dtype == b.dtype else { return false }
        func compare<T: TensorElement>(_: T.Type) -> Bool { a.scalars(as: T.self) == b.scalars(as: T.self) }
        return compare(a.dtype.elementType)
    }
}

extension NDArray {
    /// Writes one element, converting `value` to the array's dtype. Copies the storage first when another
    /// array shares it, so no other value changes.
    public mutating func set<T: TensorElement>(_ index: [Int], to value: T) {
        precondition(index.count == ndim, "NDArray.set: \(index.count) indices for rank \(ndim)")
        makeUniqueContiguous()
        var position = offset
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "NDArray.set: index \(i) out of range for axis \(axis) of size \(shape[axis])")
            position += i * strides[axis]
        }
        func write<E: TensorElement>(_: E.Type) { storage.pointer.assumingMemoryBound(to: E.self)[position] = E(converting: value) }
        write(dtype.elementType)
    }
}

extension NDArray {
    /// The elements' bytes in row-major order, for hashing and serialisation.
    package var rawBytes: [UInt8] {
        let c = contiguous()
        return Array(UnsafeRawBufferPointer(start: c.baseAddress, count: c.count * dtype.itemSize))
    }
}
