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
        func random(_ rows: Int, _ columns: Int) -> NDArray {
            NDArray((0..<rows * columns).map { _ in generator.nextUnit() - 0.5 }, shape: [rows, columns]).astype(dtype)
        }
        // Edge tiles, k beyond one packed panel (256), n beyond one column block, vectors, and the
        // layouts the packing reads: row-major, transposed, every other row, and a broadcast row.
        for (m, k, n) in [(1, 1, 1), (7, 13, 5), (33, 65, 17), (130, 70, 260), (1, 300, 40), (40, 300, 1), (13, 600, 1030)] {
            let a = random(m, k)
            let layouts: [(String, NDArray)] = [
                ("row-major", random(k, n)), ("transposed", random(n, k).T), ("every other row", random(2 * k, n).sliced([(0, k, 2), (0, n, 1)])),
                ("broadcast row", random(1, n).broadcast(to: [k, n])),
            ]
            for (layout, b) in layouts {
                let fast = matrixMultiply(a, b), slow = referenceMatrixMultiply(a, b.contiguous())
                #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12), "\(m)×\(k)×\(n), \(layout)")
                let fastT = matrixMultiply(b.T, a.T), slowT = referenceMatrixMultiply(b.T.contiguous(), a.T.contiguous())
                #expect(close(fastT.doubles, slowT.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12), "transposed \(m)×\(k)×\(n), \(layout)")
            }
        }
    }

    /// Matrix·vector and vector·matrix go straight to GEMV (or to the CBLAS when one is loaded);
    /// strided views and sizes on both sides of the parallel split must match the plain loop.
    @Test(arguments: [DType.float32, .float64])
    func matrixVectorProductsMatchTheLoop(_ dtype: DType) throws {
        var generator = SplitMix64(seed: 8)
        func random(_ shape: [Int]) -> NDArray {
            NDArray((0..<shape.reduce(1, *)).map { _ in generator.nextUnit() - 0.5 }, shape: shape).astype(dtype)
        }
        for (m, k) in [(1, 1), (3, 5), (64, 64), (17, 300), (400, 784)] {
            let matrices = [("row-major", random([m, k])), ("transposed", random([k, m]).T), ("every other row", random([2 * m, k]).sliced([(0, m, 2), (0, k, 1)]))]
            let x = random([2 * k]).sliced([(0, k, 2)]), y = random([m])
            for (layout, a) in matrices {
                let column = try Dot().perform([a, x])[0]
                let expectedColumn = referenceMatrixMultiply(a.contiguous(), x.contiguous().reshaped([k, 1]))
                #expect(column.shape == [m] && close(column.doubles, expectedColumn.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12), "\(m)×\(k) \(layout) · x")
                let row = try Dot().perform([y, a])[0]
                let expectedRow = referenceMatrixMultiply(y.reshaped([1, m]), a.contiguous())
                #expect(row.shape == [k] && close(row.doubles, expectedRow.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12), "y · \(m)×\(k) \(layout)")
            }
        }
    }

    @Test func misalignedShapesNameBothShapes() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let error = try #require(throws: TheanoError.self) { try evaluate([a, b], dot(a, b), [[[1.0, 2.0]], [[1.0, 2.0]]]) }
        #expect(error.message.contains("[1, 2]") && error.message.contains("Dot"))
    }

    @Test func aScaledProductPlusAMatrixBecomesOneGemm() throws {
        let a = dmatrix("a"), b = dmatrix("b"), c = dmatrix("c")
        let args: [any NDArrayConvertible] = [[[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]
        let noFusion = Mode.fastRun.excluding("fusion")
        for (expr, expected) in [(dot(a, b) * 2 + c * 3, [12.0, 5, 22, 5]), (c - dot(a, b), [-3.5, 0, -8.5, 0]), (dot(a, b) + c, [5.5, 2, 10.5, 2])] {
            let f = try function([a, b, c], expr, mode: noFusion)
            #expect(f.graph.toposort.map { "\($0.op)" }.allSatisfy { $0.hasPrefix("Gemm") })
            #expect(try f.call(args).doubles == expected)
            #expect(try function([a, b, c], expr, mode: .reference).call(args).doubles == expected)
        }
        // A product that is also an output is not computed twice.
        let p = dot(a, b)
        let both = try function([a, b, c], [p, p + c], mode: noFusion)
        #expect(!both.graph.toposort.contains { $0.op is Gemm })
        // The gradient of Gemm itself, for graphs built after optimization.
        let m = NDArray([[0.3, -1.2], [2.0, 1.1]])
        try verifyGrad({ Gemm(alpha: 2, beta: -0.5)($0[0], $0[1], $0[2]) }, at: [m, m, m.T.contiguous()])
        let f = try function([a, b, c], dot(a, b) + c)
        #expect(throws: TheanoError.self) { try f.call([[[1.0, 2.0]], [[1.0], [2.0]], [[1.0, 2.0]]]) }
    }
}
