import Testing
@testable import Theano

@Suite struct DotTests {
    @Test func everyRankCombination() throws {
        let v = dvector("v"), m = dmatrix("m"), t = dtensor3("t")
        let vv: [Double] = [1, 2, 3]
        let mm: [[Double]] = [[1, 0, 2], [0, 1, -1], [3, 1, 0]]
        #expect(try evaluate([v], dot(v, v), [vv]).item() == 14)
        #expect(try evaluate([m, v], dot(m, v), [mm, vv]).doubles == [7, -1, 5])
        #expect(try evaluate([m, v], dot(v, m), [mm, vv]).doubles == [10, 5, 0])
        #expect(try evaluate([m], dot(m, m), [mm]).doubles == [7, 2, 2, -3, 0, -1, 3, 1, 5])
        let cube = NDArray((0..<12).map(Double.init), shape: [2, 2, 3])
        let out = try evaluate([t, m], dot(t, m), [cube, mm])
        #expect(out.shape == [2, 2, 3])
        #expect(Array(out.doubles.prefix(3)) == [6, 3, -1])
        #expect(try evaluate([v], outer(v, v), [vv]).shape == [3, 3])
        #expect(try evaluate([v], v.dot(v), [vv]).item() == 14)
    }

    @Test func gradientsOfEveryCombination() throws {
        let a = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]]), b = NDArray([[0.5, 1.0], [-0.3, 0.2], [0.9, -1.1]])
        let v = NDArray([0.2, -0.5, 1.5]), u = NDArray([1.3, -0.6])
        try verifyGrad({ dot($0[0], $0[1]) }, at: [a, b])
        try verifyGrad({ dot($0[0], $0[1]) }, at: [a, v])
        try verifyGrad({ dot($0[0], $0[1]) }, at: [u, a])
        try verifyGrad({ dot($0[0], $0[1]) }, at: [v, v])
        try verifyGrad({ outer($0[0], $0[1]) }, at: [u, v])
        try verifyGrad({ dot($0[0], $0[1]) }, at: [NDArray((0..<12).map { Double($0) / 7 }, shape: [2, 2, 3]), b])
    }

    @Test(arguments: [DType.float32, .float64])
    func builtInGemmMatchesTheLoopOnOddSizesAndViews(_ dtype: DType) throws {
        var generator = SplitMix64(seed: 4)
        for (m, k, n) in [(1, 1, 1), (7, 13, 5), (33, 65, 17), (130, 70, 260)] {
            let a = NDArray((0..<m * k).map { _ in generator.nextUnit() - 0.5 }, shape: [m, k]).astype(dtype)
            let b = NDArray((0..<k * n).map { _ in generator.nextUnit() - 0.5 }, shape: [n, k]).astype(dtype).T
            let fast = matrixMultiply(a, b), slow = referenceMatrixMultiply(a, b.contiguous())
            #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12))
        }
    }

    @Test func misalignedShapesNameBothShapes() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let error = try #require(throws: TheanoError.self) { try evaluate([a, b], dot(a, b), [[[1.0, 2.0]], [[1.0, 2.0]]]) }
        #expect(error.message.contains("[1, 2]") && error.message.contains("Dot"))
    }
}
