import Testing
@testable import Theano

@Suite struct BasicIndexingTests {
    let m = dmatrix("m")
    let value: [[Double]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    func run(_ e: TensorVariable) throws -> NDArray { try evaluate([m], e, [value]) }

    @Test func integersSlicesAndNegatives() throws {
        #expect(try run(m[1]).doubles == [4, 5, 6])
        #expect(try run(m[-1]).doubles == [7, 8, 9])
        #expect(try run(m[1..<3]).shape == [2, 3])
        #expect(try run(m[.all, 0]).doubles == [1, 4, 7])
        #expect(try run(m[.slice(nil, nil, -1), 2]).doubles == [9, 6, 3])
        #expect(try run(m[1...]).doubles == [4, 5, 6, 7, 8, 9])
        #expect(try run(m[..<1]).doubles == [1, 2, 3])
        #expect(try run(m[0, .slice(0, nil, 2)]).doubles == [1, 3])
        let i = lscalar("i")
        #expect(try evaluate([m, i], m[i], [value, 2]).doubles == [7, 8, 9])
    }

    @Test func setAndIncrementReturnNewTensors() throws {
        #expect(try run(setSubtensor(m[0], constant(NDArray([0.0, 0, 0])))).doubles == [0, 0, 0, 4, 5, 6, 7, 8, 9])
        #expect(try run(incSubtensor(m[.all, 1], 10)).doubles == [1, 12, 3, 4, 15, 6, 7, 18, 9])
    }

    @Test func gradients() throws {
        let v = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])
        try verifyGrad({ $0[0][1] * 2 }, at: [v])
        try verifyGrad({ $0[0][.all, .slice(0, nil, 2)] }, at: [v])
        try verifyGrad({ incSubtensor($0[0][0], $0[1]) }, at: [v, NDArray([1.0, 2.0, 3.0])])
        try verifyGrad({ setSubtensor($0[0][.all, 1], $0[1]) }, at: [v, NDArray([5.0, 6.0])])
    }

    @Test func outOfRangeIndicesThrow() throws {
        let error = try #require(throws: TheanoError.self) { try run(m[5]) }
        #expect(error.kind == .indexOutOfRange && error.message.contains("5"))
    }
}

@Suite struct ShapeOpTests {
    @Test func reshapeFlattenConcatenateStack() throws {
        let v = dvector("v"), w = dvector("w")
        let args: [any NDArrayConvertible] = [[1.0, 2, 3, 4, 5, 6], [7.0, 8]]
        #expect(try evaluate([v, w], v.reshape([2, -1]), args).shape == [2, 3])
        #expect(try evaluate([v, w], v.reshape([3, 2]).flatten(), args).doubles == [1, 2, 3, 4, 5, 6])
        #expect(try evaluate([v, w], concatenate([v, w]), args).doubles == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try evaluate([v, w], stack([w, w * 2]), args).doubles == [7, 8, 14, 16])
        #expect(try evaluate([v, w], stack([w, w * 2], axis: 1), args).doubles == [7, 14, 8, 16])
        #expect(throws: TheanoError.self) { try evaluate([v, w], v.reshape([4, -1]), args) }
        #expect(throws: TheanoError.self) { try evaluate([v, w], concatenate([v.reshape([2, 3]), w.reshape([1, 2])]), args) }
    }

    @Test func allocArangeEye() throws {
        let n = lscalar("n")
        #expect(try evaluate([n], alloc(1.5, n, 2), [2]).doubles == [1.5, 1.5, 1.5, 1.5])
        #expect(try evaluate([n], arange(n), [4]).scalars(as: Int64.self) == [0, 1, 2, 3])
        #expect(try arange(1.0, 2.0, 0.25).eval().doubles == [1, 1.25, 1.5, 1.75])
        #expect(try evaluate([n], eye(n), [2]).doubles == [1, 0, 0, 1])
        #expect(try eye(2, m: 3, k: 1).eval().doubles == [0, 1, 0, 0, 0, 1])
    }

    @Test func shapeOpGradients() throws {
        let v = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])
        try verifyGrad({ $0[0].reshape([3, 2]) * constant(NDArray([1.0, 2.0])) }, at: [v])
        try verifyGrad({ concatenate([$0[0], $0[0] * 2], axis: 1) }, at: [v])
        try verifyGrad({ stack([$0[0], $0[0]]) }, at: [v])
        try verifyGrad({ $0[0].flatten() }, at: [v])
        try verifyGrad({ alloc($0[0].sum(), 2, 2) }, at: [v])
    }

    @Test func transposeAndDimshuffleAreViews() throws {
        let m = dmatrix("m")
        #expect(try evaluate([m], m.T, [[[1.0, 2.0], [3.0, 4.0]]]).doubles == [1, 3, 2, 4])
        #expect(try evaluate([m], m.dimshuffle(nil, 1, 0), [[[1.0, 2.0], [3.0, 4.0]]]).shape == [1, 2, 2])
        try verifyGrad({ $0[0].T * constant(NDArray([[1.0, 2.0, 3.0]])).T }, at: [NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])])
    }
}

@Suite struct AdvancedIndexingTests {
    let m = dmatrix("m")
    let value: [[Double]] = [[1, 2], [3, 4], [5, 6]]

    @Test func integerVectorsAndTake() throws {
        let idx = lvector("idx")
        #expect(try evaluate([m, idx], m[idx], [value, [2, 0, 2]]).doubles == [5, 6, 1, 2, 5, 6])
        #expect(try evaluate([m, idx], take(m, idx, axis: 1), [value, [1]]).doubles == [2, 4, 6])
        #expect(throws: TheanoError.self) { try evaluate([m, idx], m[idx], [value, [3]]) }
    }

    @Test func booleanMasks() throws {
        #expect(try evaluate([m], m[m > 2.5], [value]).doubles == [3, 4, 5, 6])
        let rows = dvector("rows")
        #expect(try evaluate([m, rows], m[rows > 0], [value, [1.0, -1.0, 1.0]]).doubles == [1, 2, 5, 6])
        #expect(try evaluate([m], setSubtensor(m[m > 2.5], 0), [value]).doubles == [1, 2, 0, 0, 0, 0])
    }

    /// Regression: a mask of the wrong length picked rows anyway, and a transposed mask (same count of
    /// elements) was read in x's order; numpy raises IndexError for both.
    @Test func aMaskOfTheWrongShapeIsAnError() throws {
        let v = dvector("v"), k = tensor(dtype: .bool, broadcastable: [false], name: "k"), mask = tensor(dtype: .bool, broadcastable: [false, false], name: "mask")
        let short = try #require(throws: TheanoError.self) { try evaluate([v, k], v[k], [[1.0, 2.0, 3.0], [true, false]]) }
        #expect(short.kind == .indexOutOfRange, "\(short)")
        #expect(short.message.contains("the boolean mask of shape [2] does not match the indexed tensor of shape [3] along axis 0"), "\(short)")
        #expect(short.message.contains("input 0: k"), "\(short)")
        let transposed = try #require(throws: TheanoError.self) {
            try evaluate([m, mask], m[mask], [value, [[true, false, true], [false, true, false]]])
        }
        #expect(transposed.message.contains("mask of shape [2, 3] does not match the indexed tensor of shape [3, 2] along axis 0"), "\(transposed)")
        #expect(throws: TheanoError.self) { try evaluate([m, mask], setSubtensor(m[mask], 0), [value, [[true, false, true], [false, true, false]]]) }
        #expect(try evaluate([v, k], v[k], [[1.0, 2.0, 3.0], [true, false, true]]).doubles == [1, 3])
    }

    /// Regression: an out-of-range index in set/incSubtensor on x[indices] named the value (input 1),
    /// and take along axis 1 reported axis 0.
    @Test func outOfRangeIndicesNameTheIndicesAndTheAxisAsWritten() throws {
        let idx = lvector("idx"), v = dvector("v")
        for mode in [Mode.reference, .fastRun] {
            for (expr, op) in [(setSubtensor(m[idx], v), "AdvancedSetSubtensor1"), (incSubtensor(m[idx], v), "AdvancedIncSubtensor1")] {
                let error = try #require(throws: TheanoError.self) {
                    try function([m, idx, v], expr, mode: mode)(NDArray(value), NDArray([Int64(5)]), NDArray([1.0, 2.0]))
                }
                #expect(error.kind == .indexOutOfRange && error.message.contains("\(op) failed: index 5 is out of bounds for axis 0 with size 3"), "\(error)")
                #expect(error.message.contains("input 2: idx") && !error.message.contains("input 1: v"), "\(error)")
            }
            let taken = try #require(throws: TheanoError.self) { try function([m, idx], take(m, idx, axis: 1), mode: mode)(NDArray(value), NDArray([Int64(2)])) }
            #expect(taken.message.contains("index 2 is out of bounds for axis 1 with size 2"), "\(taken)")
            #expect(taken.message.contains("input 1: idx"), "\(taken)")
            // The gradient of take on axis 1 reads the same indices and reports the same axis.
            let g = try grad(take(m, idx, axis: 1).sum(), wrt: m)
            let backward = try #require(throws: TheanoError.self) { try function([m, idx], g, mode: mode)(NDArray(value), NDArray([Int64(-3)])) }
            #expect(backward.message.contains("index -3 is out of bounds for axis 1 with size 2"), "\(backward)")
        }
    }

    @Test func repeatedIndicesAccumulate() throws {
        let v = dvector("v"), idx = lvector("idx")
        #expect(try evaluate([v, idx], incSubtensor(v[idx], 1), [[0.0, 0.0, 0.0], [0, 2, 0]]).doubles == [2, 0, 1])
        #expect(try evaluate([v, idx], setSubtensor(v[idx], 5), [[0.0, 0.0, 0.0], [1]]).doubles == [0, 5, 0])
    }

    @Test func gradientsAccumulateOverRepeats() throws {
        try verifyGrad({ $0[0][constant(NDArray([0, 2, 0]))] }, at: [NDArray([[0.3, -1.2], [2.0, 1.1], [0.7, -0.4]])])
        try verifyGrad({ incSubtensor($0[0][constant(NDArray([1, 1]))], $0[1]) }, at: [NDArray([0.3, -1.2, 2.0]), NDArray([1.5, 2.5])])
    }
}
