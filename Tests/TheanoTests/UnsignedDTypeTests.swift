import Foundation
import Testing
@testable import Theano

/// uint8 … uint64: numpy's promotion, Theano's float upgrade, and wraparound (values from numpy).
@Suite struct UnsignedDTypeTests {
    @Test func promotionFollowsNumpy() {
        let others: [DType] = [.bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64, .complex64]
        // np.promote_types(u, other) for each row.
        let expected: [DType: [DType]] = [
            .uint8: [.uint8, .int16, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64, .complex64],
            .uint16: [.uint16, .int32, .int32, .int32, .int64, .uint16, .uint16, .uint32, .uint64, .float32, .float64, .complex64],
            .uint32: [.uint32, .int64, .int64, .int64, .int64, .uint32, .uint32, .uint32, .uint64, .float64, .float64, .complex128],
            .uint64: [.uint64, .float64, .float64, .float64, .float64, .uint64, .uint64, .uint64, .uint64, .float64, .float64, .complex128],
        ]
        for (u, row) in expected {
            for (other, result) in zip(others, row) {
                #expect(DType.upcast(u, other) == result && DType.upcast(other, u) == result, "\(u) with \(other)")
            }
        }
        #expect(DType.uint8.upgradedToFloat == .float32 && DType.uint32.upgradedToFloat == .float64)
        #expect(DType.uint16.itemSize == 2 && DType.uint64.isInteger && DType.uint64.isUnsigned && !DType.uint64.isSigned && DType.uint8.isDiscrete)
    }

    @Test func everyDtypeConstructorTakesThem() throws {
        for dtype in [DType.uint8, .uint16, .uint32, .uint64] {
            #expect(vector("v", dtype: dtype).dtype == dtype && matrix(dtype: dtype).dtype == dtype && tensor3(dtype: dtype).ndim == 3)
            #expect(TensorType(dtype, [false, true])("t").dtype == dtype && tensor(dtype: dtype, broadcastable: [false]).dtype == dtype)
            #expect(zeros([2], dtype: dtype).dtype == dtype && NDArray(zeros: [2], dtype: dtype).dtype == dtype)
            #expect(cast(dvector("d"), dtype).dtype == dtype)
        }
        #expect(UInt8(3).asTensor().dtype == .uint8 && UInt64(3).asTensor().dtype == .uint64)
        // Theano's literal rule: 2 is int8, and uint8 with int8 is int16; 255.0 is float32, so images stay float32.
        let image = vector("image", dtype: .uint8)
        #expect((image * 2).dtype == .int16 && (image / 255.0).dtype == .float32 && sqrt(image).dtype == .float32)
        let s = shared(NDArray([UInt8(1), 2], shape: [2]), name: "s")
        #expect(s.dtype == .uint8 && s.getValue().scalars(as: UInt8.self) == [1, 2])
    }

    @Test func arithmeticWrapsAround() throws {
        let a = vector("a", dtype: .uint8)
        let args: [any NDArrayConvertible] = [NDArray([UInt8(200), 100, 0], shape: [3])]
        for mode in [Mode.reference, .fastRun] {
            let f = try function([a], [a + UInt8(100), a - UInt8(1), -a, a * UInt8(2), cast(a, .int8), a / 255.0], mode: mode)
            let out = try f.call(args)
            #expect(out[0].dtype == .uint8 && out[0].scalars(as: UInt8.self) == [44, 200, 100], "\(mode)")
            #expect(out[1].scalars(as: UInt8.self) == [199, 99, 255] && out[2].scalars(as: UInt8.self) == [56, 156, 0], "\(mode)")
            #expect(out[3].scalars(as: UInt8.self) == [144, 200, 0] && out[4].scalars(as: Int8.self) == [-56, 100, 0], "\(mode)")
            #expect(out[5].dtype == .float32 && out[5].doubles == [Double(Float(200) / 255), Double(Float(100) / 255), 0], "\(mode)")
        }
        let i = bvector("i")
        #expect(try function([i], cast(i, .uint8))(NDArray([Int8(-1), -56], shape: [2])).scalars(as: UInt8.self) == [255, 200])
        // Mixed with int8 it computes in int16.
        let mixed = try function([a, i], a + i).call([NDArray([UInt8(200), 100, 0], shape: [3]), NDArray([Int8(-100), -100, -100], shape: [3])])
        #expect(mixed.dtype == .int16 && mixed.scalars(as: Int16.self) == [100, 0, -100])
    }

    @Test func uint64AboveInt64MaxOrdersAndDividesAsUnsigned() throws {
        let b = vector("b", dtype: .uint64)
        let big = NDArray([UInt64.max, (1 << 63) + 5, 3], shape: [3])
        let f = try function([b], [intDiv(b, UInt64(2)), mod(b, UInt64(10)), maximum(b, UInt64(1) << 63), b.max(), b.argmax(), gt(b, UInt64(4)),
                                   abs(b), sgn(b), cast(b, .float64), clip(b, UInt64(4), UInt64.max - 1)])
        let out = try f.call([big])
        #expect(out[0].scalars(as: UInt64.self) == [9_223_372_036_854_775_807, 4_611_686_018_427_387_906, 1])
        #expect(out[1].scalars(as: UInt64.self) == [5, 3, 3])
        #expect(out[2].scalars(as: UInt64.self) == [UInt64.max, (1 << 63) + 5, 1 << 63])
        #expect(out[3].scalars(as: UInt64.self) == [UInt64.max] && out[4].scalars(as: Int64.self) == [0])
        #expect(out[5].scalars(as: Bool.self) == [true, true, false])
        #expect(out[6].scalars(as: UInt64.self) == big.scalars(as: UInt64.self) && out[7].scalars(as: UInt64.self) == [1, 1, 1])
        #expect(out[8].doubles == [1.8446744073709552e19, 9.223372036854775808e18, 3])
        #expect(out[9].scalars(as: UInt64.self) == [UInt64.max - 1, (1 << 63) + 5, 4])
    }

    @Test func reductionsAccumulateInUint64() throws {
        let a = vector("a", dtype: .uint8)
        #expect(a.sum().dtype == .uint64)
        let out = try function([a], [a.sum(), a.max(), a.mean()]).call([NDArray([UInt8(200), 100, 0], shape: [3])])
        #expect(out[0].scalars(as: UInt64.self) == [300] && out[1].scalars(as: UInt8.self) == [200] && out[2].doubles == [100])
    }

    @Test func indexingAndIncrementsWrap() throws {
        let a = vector("a", dtype: .uint8)
        let v = NDArray([UInt8(200), 1], shape: [2])
        // 300 is int16: the sum 500 is taken in int16, then cast to uint8 (244), as numpy's x[0] = x[0] + 300.
        #expect(try function([a], incSubtensor(a[0], 300))(v).scalars(as: UInt8.self) == [244, 1])
        #expect(try function([a], incSubtensor(a[.array([1, 1])], UInt8(255)))(v).scalars(as: UInt8.self) == [200, 255])
        let positions = vector("p", dtype: .uint8)
        #expect(try function([a, positions], a[positions]).call([v, NDArray([UInt8(1), 0, 1], shape: [3])]).scalars(as: UInt8.self) == [1, 200, 1])
    }

    @Test func printingAndNpyRoundTrip() throws {
        // The same layout as the signed types', with numpy's dtype name.
        #expect(NDArray([UInt8(1), 2], shape: [2]).debugDescription == NDArray([Int8(1), 2], shape: [2]).debugDescription.replacingOccurrences(of: "int8", with: "uint8"))
        #expect(NDArray([UInt8(1), 2], shape: [2]).debugDescription.hasSuffix(", dtype=uint8)"))
        #expect(NDArray([UInt64.max], shape: [1]).description == "[18446744073709551615]")
        for array in [NDArray([UInt8(1), 255], shape: [2]), NDArray([UInt16(65535), 7], shape: [2]), NDArray([UInt32.max], shape: [1]), NDArray([UInt64.max], shape: [1])] {
            let data = NPY.encode(array)
            let back = try NPY.decode(data)
            #expect(back.dtype == array.dtype && back.scalars(as: UInt64.self) == array.scalars(as: UInt64.self))
        }
        #expect(String(decoding: NPY.encode(NDArray([UInt8(1)], shape: [1])).prefix(40), as: UTF8.self).contains("|u1"))
    }

    @Test func argumentsConvertOnlyWithoutLoss() throws {
        let a = vector("a", dtype: .uint8)
        let f = try function([a], a * UInt8(2))
        #expect(try f([1, 2]).scalars(as: UInt8.self) == [2, 4])
        let negative = try #require(throws: TheanoError.self) { try f([-1, 2]) }
        #expect(negative.kind == .typeMismatch || negative.kind == .dtypeMismatch, "\(negative)")
        #expect(throws: TheanoError.self) { try f([256]) }
        // An int64 array is no safe cast to uint8, whatever its values.
        #expect(throws: TheanoError.self) { try f(NDArray([Int64(1)], shape: [1])) }
        #expect(try f(NDArray([UInt8(7)], shape: [1])).scalars(as: UInt8.self) == [14])
    }

    @Test func roundOfAnUnsignedTensorIsATypeError() async {
        await #expect(processExitsWith: .failure) { _ = round(vector("v", dtype: .uint8)) }
    }
}
