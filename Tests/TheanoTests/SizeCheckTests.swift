import Foundation
import Testing
@testable import Theano

/// A size that comes from a value (an argument, a constant, a file) is checked before anything is
/// allocated: an impossible or too-large one is a `TheanoError` that names the op, never a trap, an
/// abort in `malloc`, or a loop that does not end.
@Suite struct SizesFromDataTests {
    let n = lscalar("n")

    func failure(_ inputs: [TensorVariable], _ expr: TensorVariable, _ args: [any NDArrayConvertible]) throws -> TheanoError {
        try #require(throws: TheanoError.self) { try evaluate(inputs, expr, args) }
    }

    @Test func allocRefusesSizesTheMachineCannotHold() throws {
        let huge = try failure([n], alloc(constant(0.0), n), [1 << 50])
        #expect(huge.kind == .outOfMemory && huge.message.contains("alloc: cannot allocate 8.00 PiB"), "\(huge)")
        let overflowing = try failure([n], alloc(constant(0.0), n, n), [1 << 32])
        #expect(overflowing.kind == .outOfMemory && overflowing.message.contains("[4294967296, 4294967296] is too big"), "\(overflowing)")
        let negative = try failure([n], alloc(1.5, n, 2), [-1])
        #expect(negative.kind == .badArgument && negative.message.contains("negative dimension -1"), "\(negative)")
        // Zero-size arrays are fine, however large the other dimension.
        #expect(try evaluate([n], alloc(1.5, n, 0), [1 << 40]).shape == [1 << 40, 0])
    }

    /// Regression: a value larger than the shape was cut down to its first element instead of refused.
    @Test func allocRefusesAValueThatDoesNotBroadcastToTheShape() throws {
        let v = dvector("v")
        let error = try #require(throws: TheanoError.self) { try evaluate([v, n], alloc(v, n), [[1.0, 2.0, 3.0], 1]) }
        #expect(error.kind == .shapeMismatch && error.message.contains("a value of shape [3] cannot fill shape [1]"), "\(error)")
    }

    @Test func reshapeRefusesDimensionsWhoseProductOverflows() throws {
        let v = dvector("v")
        let error = try #require(throws: TheanoError.self) { try evaluate([v, n], v.reshape([n, n, constant(Int64(0))]), [[Double](), 1 << 32]) }
        #expect(error.message.contains("reshape: shape [4294967296, 4294967296, 0] is too big"), "\(error)")
        let inferred = try #require(throws: TheanoError.self) { try evaluate([v, n], v.reshape([n, constant(Int64(-1))]), [[1.0, 2.0], 1 << 62]) }
        #expect(inferred.message.contains("reshape"), "\(inferred)")
    }

    @Test func eyeOfAHugeSizeThrowsAndAHugeDiagonalOffsetIsEmpty() throws {
        let error = try failure([n], eye(n), [1 << 32])
        #expect(error.kind == .outOfMemory && error.message.contains("eye"), "\(error)")
        #expect(try eye(3, m: 2, k: Int.max).eval().doubles == [0, 0, 0, 0, 0, 0])
        #expect(try eye(3, m: 2, k: Int.min).eval().doubles == [0, 0, 0, 0, 0, 0])
        #expect(try eye(3, m: 2, k: -1).eval().doubles == [0, 0, 1, 0, 0, 1])
    }

    @Test func arangeToInfinityNaNOrAHugeStopThrows() throws {
        let stop = dscalar("stop")
        for bad in [Double.infinity, .nan, 1e300] {
            let error = try failure([stop], arange(0.0, stop), [bad])
            #expect(error.kind == .badArgument && error.message.contains("arange: cannot make"), "\(bad): \(error)")
        }
        let big = try failure([stop], arange(0.0, stop), [1e18])
        #expect(big.kind == .outOfMemory && big.message.contains("arange: cannot allocate"), "\(big)")
        // Nothing lies between 0 and -∞ going up.
        #expect(try evaluate([stop], arange(0.0, stop), [-Double.infinity]).count == 0)
        #expect(try evaluate([stop], arange(0.0, stop, 0.5), [2.0]).doubles == [0, 0.5, 1, 1.5])
    }

    /// Python's `a[::sys.maxsize]` is `[a[0]]` and `a[::-sys.maxsize - 1]` is `[a[-1]]`.
    @Test func slicesWithTheLargestStepsTakeOneElement() throws {
        let v = dvector("v"), step = lscalar("step")
        let values: [Double] = [1, 2, 3, 4]
        #expect(try evaluate([v, step], v[.slice(nil, nil, step)], [values, Int64.max]).doubles == [1])
        #expect(try evaluate([v, step], v[.slice(nil, nil, step)], [values, Int64.min]).doubles == [4])
        #expect(try evaluate([v, step], v[.slice(constant(Int64(1)), nil, step)], [values, Int64.min + 1]).doubles == [2])
        #expect(try evaluate([v, step], setSubtensor(v[.slice(nil, nil, step)], 0), [values, Int64.min]).doubles == [1, 2, 3, 0])
        #expect(try evaluate([v, step], v[.slice(nil, nil, step)], [values, -3]).doubles == [4, 1])
    }
}
