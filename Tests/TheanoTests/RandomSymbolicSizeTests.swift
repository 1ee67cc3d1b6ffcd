import Testing
@testable import Theano

/// `choice` and `permutation` with sizes that are graph variables, like the other distributions
/// (Theano's `RandomStreams.choice(size=x.shape, ...)`, `permutation(size=..., n=x.shape[0])`).
@Suite struct RandomSymbolicSizeTests {
    private func sample(_ shape: [Int]) -> NDArray { NDArray((0..<shape.reduce(1, *)).map(Double.init), shape: shape) }

    @Test func choiceTakesItsShapeFromAGraphVariable() throws {
        let x = dmatrix("x")
        let draw = RandomStreams(seed: 7).choice(size: x.shape, a: 5)
        #expect(draw.ndim == 2 && draw.dtype == .int64)
        let f = try function([x], draw)
        for shape in [[2, 3], [4, 1], [0, 2]] {
            let value = try f(sample(shape))
            #expect(value.shape == shape)
            #expect(value.scalars(as: Int64.self).allSatisfy { (0..<5).contains($0) })
        }
        // Each call advances the stream.
        #expect(try f(sample([3, 3])).scalars(as: Int64.self) != f(sample([3, 3])).scalars(as: Int64.self))
    }

    /// From the same state, a symbolic size draws the numbers of the fixed size it evaluates to.
    @Test func symbolicAndFixedSizesDrawTheSameNumbers() throws {
        let x = dmatrix("x")
        for (replace, p) in [(true, nil), (true, [0.1, 0.2, 0.3, 0.4, 0.0]), (false, nil)] as [(Bool, [Double]?)] {
            let fixed = try function([], RandomStreams(seed: 11).choice(size: [2, 2], a: 5, replace: replace, p: p))()
            let symbolic = try function([x], RandomStreams(seed: 11).choice(size: x.shape, a: 5, replace: replace, p: p))(sample([2, 2]))
            #expect(symbolic.scalars(as: Int64.self) == fixed.scalars(as: Int64.self), "replace=\(replace) p=\(String(describing: p))")
        }
        let n = lscalar("n")
        let fixed = try function([], RandomStreams(seed: 3).permutation(n: 6))()
        let symbolic = try function([n], RandomStreams(seed: 3).permutation(n: n))(Int64(6))
        #expect(symbolic.scalars(as: Int64.self) == fixed.scalars(as: Int64.self))
        #expect(fixed.scalars(as: Int64.self).sorted() == [0, 1, 2, 3, 4, 5])
    }

    /// The common use: shuffle the rows of a minibatch whatever its length.
    @Test func permutationOfTheRowsOfAMatrix() throws {
        let x = dmatrix("x")
        let order = RandomStreams(seed: 5).permutation(n: x.shape[0])
        #expect(order.ndim == 1)
        let f = try function([x], [order, x[order]])
        for rows in [1, 4, 9] {
            let out = try f.call([sample([rows, 2])])
            let perm = out[0].scalars(as: Int64.self)
            #expect(perm.sorted() == (0..<Int64(rows)).map { $0 })
            #expect(out[1].doubles == perm.flatMap { [Double(2 * $0), Double(2 * $0 + 1)] })
        }
    }

    /// Theano's `permutation(size, n)`: one ordering per position of `size`, shape `size + [n]`.
    @Test func severalPermutationsInAShapeThatIsAGraphVariable() throws {
        let x = dmatrix("x"), n = iscalar("n")
        let perms = RandomStreams(seed: 9).permutation(size: x.shape, n: n)
        #expect(perms.ndim == 3)
        let value = try function([x, n], perms)(sample([2, 3]), Int32(4))
        #expect(value.shape == [2, 3, 4])
        let rows = value.scalars(as: Int64.self)
        let orderings: [[Int64]] = (0..<6).map { (r: Int) -> [Int64] in Array(rows[4 * r..<4 * r + 4]) }
        for ordering in orderings { #expect(ordering.sorted() == [0, 1, 2, 3]) }
        // Not six copies of one ordering.
        #expect(Set(orderings).count > 1)
        // A constant n without a size is the plain fixed draw.
        let constantLength: any TensorConvertible = 4
        let plain = RandomStreams(seed: 9).permutation(n: constantLength)
        #expect(plain.owner?.op is RandomDraw)
    }

    @Test func badSizesAreNamed() throws {
        let n = lscalar("n"), k = lvector("k")
        let negative = try #require(throws: TheanoError.self) { try function([n], RandomStreams(seed: 1).permutation(n: n))(Int64(-2)) }
        #expect(negative.kind == .badArgument && negative.message.contains("permutation needs n ≥ 0, got -2"), "\(negative.message)")
        let tooMany = try #require(throws: TheanoError.self) {
            try function([k], RandomStreams(seed: 1).choice(size: k, a: 3, replace: false, ndim: 1))(NDArray([4] as [Int64], shape: [1]))
        }
        #expect(tooMany.message.contains("choice without replacement needs size ≤ 3"), "\(tooMany.message)")
        let wrongLength = try #require(throws: TheanoError.self) {
            try function([k], RandomStreams(seed: 1).choice(size: k, a: 3, ndim: 2))(NDArray([4] as [Int64], shape: [1]))
        }
        #expect(wrongLength.message.contains("choice: size has 1 entries, but the draw has 2 dimensions"), "\(wrongLength.message)")
        let badP = try #require(throws: TheanoError.self) {
            try function([k], RandomStreams(seed: 1).choice(size: k, a: 2, p: [0.5, 0.6], ndim: 1))(NDArray([4] as [Int64], shape: [1]))
        }
        #expect(badP.message.contains("choice: p must hold 2 non-negative probabilities summing to 1"), "\(badP.message)")
    }
}
