import Testing
@testable import Theano

/// numpy's advanced indexing in full (cases after PyTensor's test_subtensor.py); each expected value is
/// numpy's for `x = np.arange(24.).reshape(2, 3, 4)`.
@Suite struct NumpyAdvancedIndexingTests {
    let x = dtensor3("x")
    let value = NDArray((0..<24).map(Double.init), shape: [2, 3, 4])

    func check(_ e: TensorVariable, _ shape: [Int], _ values: [Double], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for mode in [Mode.reference, .fastRun] {
            let out = try function([x], e, mode: mode)(value)
            #expect(out.shape == shape && out.doubles == values, "\(mode): \(out.shape) \(out.doubles)", sourceLocation: sourceLocation)
        }
    }

    @Test func arraysSeparatedBySlicesPutTheirAxesFirst() throws {
        // x[[0, 1], :, [1, 0]]
        try check(x[.array([0, 1]), .all, .array([1, 0])], [2, 3], [1, 5, 9, 12, 16, 20])
        // x[0, :, [3, 0]]: the integer counts as an index array, so the two are not adjacent.
        try check(x[0, .all, .array([3, 0])], [2, 3], [3, 7, 11, 0, 4, 8])
        #expect(x[.array([0, 1]), .all, .array([1, 0])].broadcastable == [false, false])
    }

    @Test func adjacentArraysStayInPlace() throws {
        try check(x[.all, .array([0, 2]), .array([1, 0])], [2, 2], [1, 8, 13, 20])
        try check(x[.all, 1, .array([3, 0])], [2, 2], [7, 4, 19, 16])
        try check(x[.slice(0, 2), .at(constant(NDArray([Int64(0), 1, 2, 2], shape: [2, 2]))), .slice(nil, nil, 2)], [2, 2, 2, 2],
                  [0, 2, 4, 6, 8, 10, 8, 10, 12, 14, 16, 18, 20, 22, 20, 22])
        try check(x[.all, .all, .at(constant(NDArray([Int64(3)], shape: [1, 1])))], [2, 3, 1, 1], [3, 7, 11, 15, 19, 23])
    }

    @Test func indexArraysBroadcastTogether() throws {
        // x[[[0], [1]], [1, 2]]: shapes (2, 1) and (2,) give (2, 2), then the whole last axis.
        try check(x[.at(constant(NDArray([Int64(0), 1], shape: [2, 1]))), .array([1, 2])], [2, 2, 4],
                  [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        try check(x[.array([-1]), .array([-2])], [1, 4], [16, 17, 18, 19])
    }

    @Test func anIntegerMatrixIndexesTheFirstAxis() throws {
        let m = lmatrix("m")
        let f = try function([x, m], x[m])
        let out = try f(value, NDArray([Int64(0), 1, 1, 1], shape: [2, 2]))
        #expect(out.shape == [2, 2, 3, 4] && Array(out.doubles[12..<24]) == (12..<24).map(Double.init) && out.doubles[24] == 12)
        #expect(x[m].ndim == 4 && x[m].broadcastable == [false, false, false, false])
        // A vector alone keeps Theano's AdvancedSubtensor1.
        #expect(x[lvector("v")].owner?.op is AdvancedSubtensor1)
        #expect(x[.array([0, 1]), .all].owner?.op is AdvancedSubtensor)
    }

    @Test func setAndIncrementThroughAdvancedIndices() throws {
        let y = dmatrix("y")
        let set = try function([x, y], setSubtensor(x[.array([0, 1]), .all, .array([1, 0])], y))(value, [[100.0, 101, 102], [200, 201, 202]])
        #expect(set.doubles == [0, 100, 2, 3, 4, 101, 6, 7, 8, 102, 10, 11, 200, 13, 14, 15, 201, 17, 18, 19, 202, 21, 22, 23])
        // Repeated positions accumulate, as numpy's add.at.
        for mode in [Mode.reference, .fastRun] {
            let inc = try function([x], incSubtensor(x[.array([0, 0]), .all, .array([1, 1])], 1.0), mode: mode)(value)
            #expect(inc.doubles == [0, 3, 2, 3, 4, 7, 6, 7, 8, 11, 10, 11] + (12..<24).map(Double.init), "\(mode)")
        }
        // An integer tensor incremented by floats adds first, then casts.
        let i = ltensor3("i")
        let ints = NDArray((0..<24).map(Int64.init), shape: [2, 3, 4])
        let out = try function([i], incSubtensor(i[.array([0, 1]), .all, .array([1, 0])], 0.5))(ints)
        #expect(out.dtype == .int64 && out.scalars(as: Int64.self) == (0..<24).map(Int64.init))
        let twice = try function([i], incSubtensor(i[.array([0, 0]), 0, .array([1, 1])], 0.5))(ints)
        #expect(twice.scalars(as: Int64.self)[1] == 2)
    }

    @Test func gradients() throws {
        let v = NDArray((0..<24).map { Double($0) * 0.1 - 1 }, shape: [2, 3, 4])
        try verifyGrad({ $0[0][.array([0, 1, 1]), .all, .array([1, 0, 1])] }, at: [v])
        try verifyGrad({ $0[0][.all, .array([0, 2]), .slice(1, nil)] * 2 }, at: [v])
        try verifyGrad({ $0[0][.at(constant(NDArray([Int64(0), 1, 1, 0], shape: [2, 2])))] }, at: [v])
        let y = NDArray([[0.5, -0.3, 0.2], [1.0, 2.0, -1.5]])
        try verifyGrad({ setSubtensor($0[0][.array([0, 1]), .all, .array([1, 0])], $0[1]) }, at: [v, y])
        try verifyGrad({ incSubtensor($0[0][.array([0, 0]), .all, .array([1, 1])], $0[1]) }, at: [v, NDArray([0.5, -0.3, 0.2])])
        // Repeats get the gradient of each copy.
        let g = try grad(x[.array([0, 0]), 1, .array([2, 2])].sum(), wrt: x)
        #expect(try function([x], g)(value).doubles[6] == 2)
    }

    @Test func outOfRangeAndMismatchedIndicesThrow() throws {
        let f = try function([x], x[.array([0, 2]), .all, .array([1, 0])])
        let range = try #require(throws: TheanoError.self) { try f(value) }
        #expect(range.kind == .indexOutOfRange && range.message.contains("index 2 is out of bounds for axis 0 with size 2"))
        let negative = try #require(throws: TheanoError.self) { try function([x], x[.all, .array([-4])])(value) }
        #expect(negative.kind == .indexOutOfRange && negative.message.contains("-4"))
        let shapes = try #require(throws: TheanoError.self) { try function([x], x[.array([0, 1]), .array([0, 1, 2])])(value) }
        #expect(shapes.kind == .shapeMismatch && shapes.message.contains("could not be broadcast together"))
        let y = dvector("y")
        let fit = try #require(throws: TheanoError.self) {
            try function([x, y], setSubtensor(x[.array([0, 1]), .all, .array([1, 0])], y))(value, [1.0, 2.0])
        }
        #expect(fit.kind == .shapeMismatch && fit.message.contains("[2]") && fit.message.contains("[2, 3]"))
    }

    @Test func booleanMasksAmongOtherIndicesAreTheirTruePositions() throws {
        let mask3 = constant(NDArray([true, false, true], shape: [3]))
        try check(x[.all, .at(mask3)], [2, 2, 4], [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23])
        try check(x[.at(constant(NDArray([true, false, false, false, true, true], shape: [2, 3]))), 1], [3], [1, 17, 21])
        try check(x[0, .at(constant(NDArray((0..<12).map { $0 % 5 == 0 }, shape: [3, 4])))], [3], [0, 5, 10])
        try check(x[.all, .at(mask3), .array([0, 3])], [2, 2], [0, 11, 12, 23])
        let set = try function([x], setSubtensor(x[.all, .at(mask3)], 0.0))(value)
        #expect(set.doubles == [0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 16, 17, 18, 19, 0, 0, 0, 0])
        try verifyGrad({ $0[0][.all, .at(mask3)] * 3 }, at: [NDArray((0..<24).map { Double($0) * 0.1 }, shape: [2, 3, 4])])
        // numpy's IndexError for a mask of the wrong length, naming the user's axis.
        let error = try #require(throws: TheanoError.self) { try function([x], x[.all, .at(constant(NDArray([true, false], shape: [2])))])(value) }
        #expect(error.kind == .indexOutOfRange && error.message.contains("along axis 1: size of axis is 3 but size of corresponding boolean axis is 2"))
    }

    @Test func staticallyInconsistentIndicesArePreconditions() async {
        await #expect(processExitsWith: .failure) { _ = dmatrix("m")[.array([0]), .all, .array([0])] }
        await #expect(processExitsWith: .failure) { _ = dmatrix("m")[.at(dvector("f")), .all] }
        await #expect(processExitsWith: .failure) { _ = dmatrix("m")[.all, .at(TensorType(.bool, [false, false])("b"))] }
    }
}

@Suite struct AdvancedIndexPrintingTests {
    @Test func ppWritesTheIndexAsNumpyDoes() {
        let (x, i, j) = (dtensor3("x"), lvector("i"), lmatrix("j"))
        #expect(pp(x[.at(i), .all, .at(j)]) == "x[i, :, j]")
        #expect(pp(x[.at(i), .slice(1, nil, 2)]) == "x[i, 1::2]")
        #expect(pp(incSubtensor(x[.at(i), 0], 1.0)).hasPrefix("AdvancedIncSubtensor"))
    }
}
