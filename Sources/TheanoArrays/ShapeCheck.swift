import Foundation

/// The one path from a size that came from a value (a graph input, an op's parameter, a file's header)
/// to an array. It refuses negative dimensions, shapes whose size in bytes overflows `Int`, and
/// allocations larger than the machine's memory or that `malloc` refuses, with an ``OpFailure`` that
/// names the operation and the shape, where `Array` and `UnsafeMutableRawPointer.allocate` would stop
/// the process.
///
/// Two kinds of shapes, two rules:
/// - A shape that Swift code writes (`NDArray(zeros: [2, 3], dtype: .float64)`) or that follows from
///   arrays that already exist is the programmer's: a negative or overflowing one stops with a
///   `precondition`, as `Array(repeating:count:)` does.
/// - A shape computed from data, by an op's `perform` or a file reader, goes through
///   ``elementCount(_:dtype:op:input:)`` and ``NDArray/init(checkedZeros:dtype:op:input:)`` (or its
///   uninitialised twin), which throw.
package enum ShapeCheck {
    /// The machine's physical memory in bytes: no single array may be larger.
    package static let memoryLimit: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// What is wrong with `shape` as the shape of an array of `itemSize`-byte elements, or nil.
    ///
    /// numpy's rule: every dimension is ≥ 0, and the product of the non-zero dimensions times the item
    /// size fits `Int` even when another dimension is 0 (`(2**32, 2**32, 0)` is refused).
    package static func problem(_ shape: [Int], itemSize: Int) -> (kind: TheanoError.Kind, reason: String)? {
        if let d = shape.first(where: { $0 < 0 }) {
            return (.badArgument, "negative dimension \(d) in shape \(shape)")
        }
        var bytes = itemSize
        for d in shape where d != 0 {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: d)
            if overflow { return (.outOfMemory, "shape \(shape) is too big: its size in bytes exceeds \(Int.max)") }
            bytes = product
        }
        return nil
    }

    /// The element count of `shape`, or an ``OpFailure`` naming `op` (as the user wrote it) when the
    /// shape cannot be an array of `dtype`.
    package static func elementCount(_ shape: [Int], dtype: DType, op: String, input: Int? = nil) throws -> Int {
        if let (kind, reason) = problem(shape, itemSize: dtype.itemSize) {
            throw OpFailure(kind, input: input, "\(op): \(reason) (dtype \(dtype))")
        }
        return shape.reduce(1, *)
    }

    /// The element count of a shape that Swift code wrote; a bad one is a programmer error.
    package static func preconditionedCount(_ shape: [Int], dtype: DType, _ function: String) -> Int {
        if let (_, reason) = problem(shape, itemSize: dtype.itemSize) { preconditionFailure("\(function): \(reason)") }
        return shape.reduce(1, *)
    }

    /// Memory for an array of a checked shape, or an ``OpFailure`` when the machine cannot hold it.
    package static func storage(_ shape: [Int], dtype: DType, zeroed: Bool, op: String, input: Int?) throws -> Storage {
        let count = try elementCount(shape, dtype: dtype, op: op, input: input)
        let bytes = count * dtype.itemSize
        func refuse(_ why: String) -> OpFailure {
            OpFailure(.outOfMemory, input: input, "\(op): cannot allocate \(describe(bytes)) for an array of shape \(shape) and dtype \(dtype): \(why)")
        }
        guard bytes <= memoryLimit else { throw refuse("the machine has \(describe(memoryLimit)) of memory") }
        guard let storage = Storage(tryByteCount: bytes, zeroed: zeroed) else { throw refuse("the allocation failed") }
        return storage
    }

    /// A byte count the way numpy's MemoryError writes it: `8.00 TiB`.
    package static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.2f", value) + " " + units[unit]
    }
}

extension NDArray {
    /// A zero-filled array whose shape came from data: throws, naming `op`, where the plain initialiser
    /// would stop the process (see ``ShapeCheck``).
    package init(checkedZeros shape: [Int], dtype: DType, op: String, input: Int? = nil) throws {
        let storage = try ShapeCheck.storage(shape, dtype: dtype, zeroed: true, op: op, input: input)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: NDArray.contiguousStrides(shape), offset: 0)
    }

    /// An uninitialised array whose shape came from data, for kernels that write every element.
    package init(checkedUninitialized shape: [Int], dtype: DType, op: String, input: Int? = nil) throws {
        let storage = try ShapeCheck.storage(shape, dtype: dtype, zeroed: false, op: op, input: input)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: NDArray.contiguousStrides(shape), offset: 0)
    }
}
