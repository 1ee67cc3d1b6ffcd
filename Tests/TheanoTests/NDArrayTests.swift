import Testing
@testable import Theano

@Suite struct NDArrayConversionTests {
    @Test func intoFloatsRoundToNearestAsNumpyDoes() {
        let big = NDArray([Int64(1) << 53 + 1, -3], shape: [2])
        #expect(big.astype(.float64).doubles == [9007199254740992, -3])
        #expect(NDArray([Int32(16_777_217), 7], shape: [2]).astype(.float32).scalars(as: Float.self) == [16_777_216, 7])
        #expect(NDArray([0.1, -2.5], shape: [2]).astype(.float32).scalars(as: Float.self) == [Float(0.1), -2.5])
        #expect(NDArray([Float(0.1)], shape: [1]).astype(.float64).doubles == [Double(Float(0.1))])
    }

    @Test func viewsConvertLikeDenseArrays() {
        let m = NDArray([1.5, 2.5, 3.5, 4.5, 5.5, 6.5], shape: [2, 3])
        #expect(m.T.astype(.float32).scalars(as: Float.self) == m.T.contiguous().astype(.float32).scalars(as: Float.self))
        #expect(m.T.astype(.float32).shape == [3, 2])
    }
}

@Suite struct NDArrayShapeTests {
    /// A shape written in Swift is the programmer's: a negative or overflowing one stops the
    /// program, as `Array(repeating:count: -1)` does, instead of making an array whose count is -1.
    @Test func aNegativeShapeLiteralIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) { _ = NDArray(zeros: [-1], dtype: .float64) }
        await #expect(processExitsWith: .failure) { _ = NDArray([1.0], shape: [-1, -1]) }
        await #expect(processExitsWith: .failure) { _ = NDArray(zeros: [1 << 32, 1 << 32], dtype: .float64) }
    }
}
