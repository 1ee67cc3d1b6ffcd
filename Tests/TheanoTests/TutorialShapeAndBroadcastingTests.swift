import Testing
@testable import Theano

/// Theano's tutorials "How Shape Information is Handled by Theano" (doc/tutorial/shape_info.txt) and
/// "Broadcasting" (doc/tutorial/broadcasting.txt). `ShapeFeatureTests` covers the shape feature op by op.
@Suite struct TutorialShapeInfoTests {
    private func random(_ rows: Int, _ cols: Int) -> NDArray { NDArray((0..<rows * cols).map { Double($0 % 7) / 7 }, shape: [rows, cols]) }

    /// The opening example: the compiled `(x ** 2).shape` holds no multiplication or power, only
    /// `MakeVector(Shape_i{0}(x), Shape_i{1}(x))`.
    @Test func theShapeOfASquareComputesNoSquare() throws {
        let x = matrix("x")
        let f = try function([x], (x ** 2).shape)
        let printed = debugprint(f)
        let lines = printed.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("MakeVector"), "\(printed)")
        #expect(lines.contains { $0.contains("Shape_i{0}") } && lines.contains { $0.contains("Shape_i{1}") }, "\(printed)")
        #expect(!printed.contains("pow") && !printed.contains("sqr") && !printed.contains("mul"), "\(printed)")
        #expect(try f(random(5, 4)).scalars(as: Int64.self) == [5, 4])
    }

    /// "Shape Inference Problem": the shape of `join(0, x, y)` adds the rows and takes x's columns,
    /// so a 5×4 and a 3×3 give `[8, 4]` "(DOES NOT RAISE AN ERROR AS SHOULD BE)"; the join itself raises.
    @Test func theShapeOfAJoinDoesNotCheckTheJoin() throws {
        let x = matrix("x")
        let y = matrix("y")
        let z = concatenate([x, y], axis: 0)
        let (xv, yv) = (random(5, 4), random(3, 3))
        let f = try function([x, y], z.shape)
        let printed = debugprint(f)
        #expect(!printed.contains("Join"), "\(printed)")
        #expect(try f(xv, yv).scalars(as: Int64.self) == [8, 4])
        let g = try function([x, y], z)  // Do not take the shape.
        #expect(debugprint(g).hasPrefix("Join"), "\(debugprint(g))")
        let error = try #require(throws: TheanoError.self) { try g(xv, yv) }
        #expect(error.message.contains("Join") || error.message.contains("concatenate"), "\(error.message)")
        // The flag the tutorial names, optimizer_excluding=local_shape_to_shape_i, and FAST_COMPILE bring the check back.
        #expect(throws: TheanoError.self) { try function([x, y], z.shape, mode: .fastCompile)(xv, yv) }
    }

    /// "Specifying Exact Shape": with `specify_shape(x, (2, 2))` the shape of `x ** 2` is a constant.
    @Test func aSpecifiedShapeMakesTheShapeAConstant() throws {
        let x = matrix()
        let xSpecifyShape = specifyShape(x, [2, 2])
        let f = try function([x], (xSpecifyShape ** 2).shape)
        #expect(!f.graph.toposort.contains { $0.op is Elemwise || $0.op is ShapeOp || $0.op is SpecifyShape }, "\(debugprint(f))")
        #expect(try f(random(2, 2)).scalars(as: Int64.self) == [2, 2])
    }
}

@Suite struct TutorialBroadcastingTests {
    /// A row is broadcastable along its first dimension, a matrix along none; `r + mtr` adds the row
    /// to every row.
    @Test func aRowIsAddedToEveryRow() throws {
        let r = row()
        #expect(r.broadcastable == [true, false])
        let mtr = matrix()
        #expect(mtr.broadcastable == [false, false])
        let fRow = try function([r, mtr], [r + mtr])
        let R = NDArray([0, 1, 2] as [Int64], shape: [1, 3])  // np.arange(3).reshape(1, 3)
        let M = NDArray((0..<9).map(Int64.init), shape: [3, 3])  // np.arange(9).reshape(3, 3)
        #expect(R.description == "[[0 1 2]]" && M.description == "[[0 1 2]\n [3 4 5]\n [6 7 8]]")
        let sum = try fRow(R, M)
        #expect(sum.count == 1 && sum[0].description == "[[ 0.  2.  4.]\n [ 3.  5.  7.]\n [ 6.  8. 10.]]")
    }

    /// A column is broadcastable along its second dimension: `c + mtr` adds it to every column.
    @Test func aColumnIsAddedToEveryColumn() throws {
        let c = col()
        #expect(c.broadcastable == [false, true])
        let mtr = matrix()
        let fCol = try function([c, mtr], [c + mtr])
        let C = NDArray([0, 1, 2] as [Int64], shape: [3, 1])
        #expect(C.description == "[[0]\n [1]\n [2]]")
        let M = NDArray((0..<9).map(Int64.init), shape: [3, 3])
        #expect(try fCol(C, M)[0].description == "[[ 0.  1.  2.]\n [ 4.  5.  6.]\n [ 8.  9. 10.]]")
    }

    /// "a vector ... would be automatically expanded to the left": shape (2,) acts as (1, 2).
    @Test func aVectorIsExpandedToTheLeft() throws {
        let v = vector(), mtr = matrix()
        #expect((v + mtr).broadcastable == [false, false])
        #expect(v.dimshuffle(nil, 0).broadcastable == [true, false])
        #expect(try function([v, mtr], v + mtr)([10, 20], [[1, 2], [3, 4]]).doubles == [11, 22, 13, 24])
        // A row given a matrix of several rows where it said one is an error, not a broadcast.
        let r = row()
        #expect(throws: TheanoError.self) { try function([r], r * 1)([[1.0, 2], [3, 4]]) }
    }
}
