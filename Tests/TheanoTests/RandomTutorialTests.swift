import Foundation
import Testing
@testable import Theano

/// The programs of Theano's "Using Random Numbers" tutorial (doc/tutorial/examples.txt), in order.
/// The generator is Philox rather than numpy's Mersenne Twister, so the tests assert what the tutorial
/// says of the numbers (new, the same, equal to another's) rather than its digits.
@Suite struct RandomTutorialTests {
    /// "Brief Example".
    @Test func briefExample() throws {
        let srng = RandomStreams(seed: 234)
        let rvU = srng.uniform(size: [2, 2])
        let rvN = srng.normal(size: [2, 2])
        let f = try function([], rvU)
        let g = try function([], rvN, noDefaultUpdates: true)  // Not updating rvN.rng
        let nearlyZeros = try function([], rvU + rvU - 2 * rvU)

        let fVal0 = try f()
        let fVal1 = try f()  // different numbers from fVal0
        #expect(fVal0.doubles != fVal1.doubles)
        let gVal0 = try g()  // different numbers from fVal0 and fVal1
        let gVal1 = try g()  // same numbers as gVal0!
        #expect(gVal0.doubles == gVal1.doubles && gVal0.doubles != fVal0.doubles)
        #expect(try nearlyZeros().doubles.allSatisfy { Swift.abs($0) < 1e-15 })
    }

    /// "Seeding Streams": one random variable through its `rng`, or all of them through the streams.
    @Test func seedingStreams() throws {
        let srng = RandomStreams(seed: 234)
        let rvU = srng.uniform(size: [2, 2])
        let rvN = srng.normal(size: [2, 2])
        let f = try function([], rvU), g = try function([], rvN)
        let rng = try #require(rvU.rng)
        try rng.seed(89234)  // seeds the generator of rvU alone
        let seeded = try f()
        _ = try f()
        try rng.seed(89234)
        #expect(try f().doubles == seeded.doubles)
        // rvN's stream is untouched by seeding rvU's.
        let nBefore = rvN.rng!.getValue().scalars(as: Int64.self)
        try rng.seed(1)
        #expect(rvN.rng!.getValue().scalars(as: Int64.self) == nBefore)

        try srng.seed(902340)  // seeds rvU and rvN with different seeds each
        let (u0, n0) = (try f().doubles, try g().doubles)
        try srng.seed(902340)
        #expect(try f().doubles == u0 && (try g().doubles) == n0)
        #expect(rvU.rng!.getValue().scalars(as: Int64.self)[0] != rvN.rng!.getValue().scalars(as: Int64.self)[0])
        // Seeding is not for other shared variables.
        let error = try #require(throws: TheanoError.self) { try shared([1.0, 2.0], name: "W").seed(3) }
        #expect(error.message.contains("W") && error.message.contains("not a random generator state"), "\(error)")
    }

    /// "Sharing Streams Between Functions".
    @Test func sharingStreamsBetweenFunctions() throws {
        let srng = RandomStreams(seed: 234)
        let rvU = srng.uniform(size: [2, 2])
        let f = try function([], rvU)
        let nearlyZeros = try function([], rvU + rvU - 2 * rvU)
        let stateAfterV0 = rvU.rng!.getValue()
        #expect(try nearlyZeros().doubles.allSatisfy { Swift.abs($0) < 1e-15 })  // this affects rvU's generator
        let v1 = try f()
        try rvU.rng!.setValue(stateAfterV0)
        let v2 = try f()  // v2 != v1
        let v3 = try f()  // v3 == v1
        #expect(v2.doubles != v1.doubles && v3.doubles == v1.doubles)
    }

    /// "Copying Random State Between Theano Graphs".
    @Test func copyingRandomStateBetweenGraphs() throws {
        final class Graph {
            let rng: RandomStreams
            let y: TensorVariable
            init(seed: UInt64 = 123) {
                rng = RandomStreams(seed: seed)
                y = rng.uniform(size: [1])
            }
        }
        let g1 = Graph(seed: 123)
        let f1 = try function([], g1.y)
        let g2 = Graph(seed: 987)
        let f2 = try function([], g2.y)
        // By default, the two functions are out of sync.
        #expect(try f1().doubles != (try f2().doubles))
        func copyRandomState(_ g1: Graph, _ g2: Graph) throws {
            for (su1, su2) in zip(g1.rng.stateUpdates, g2.rng.stateUpdates) { try su2.0.setValue(su1.0.getValue()) }
        }
        // We now copy the state of the random number generators.
        try copyRandomState(g1, g2)
        let (a, b) = (try f1().doubles, try f2().doubles)
        #expect(a == b && a.count == 1 && a[0] >= 0 && a[0] < 1)
        #expect(try f1().doubles == (try f2().doubles))
        #expect(g1.rng.stateUpdates.count == 1 && g1.rng.stateUpdates[0].1.owner?.op is RandomDraw)
    }
}

/// Draws whose size or parameters are graph variables.
@Suite struct SymbolicRandomDrawTests {
    @Test func aSizeFromTheGraphGivesTheFixedSizesNumbers() throws {
        let x = dmatrix("x")
        let symbolic = RandomStreams(seed: 7).uniform(size: x.shape, dtype: .float64)
        let fixed = RandomStreams(seed: 7).uniform(size: [2, 3], dtype: .float64)
        let value = try evaluate([x], symbolic, [NDArray(zeros: [2, 3], dtype: .float64)])
        let fixedValue = try fixed.eval()
        #expect(value.shape == [2, 3] && value.doubles == fixedValue.doubles)
        // A stacked size: n rows of 2.
        let n = lscalar("n")
        let normals = RandomStreams(seed: 7).normal(size: stack([n, constant(Int64(2))]), dtype: .float64)
        #expect(try evaluate([n], normals, [Int64(4)]).shape == [4, 2])
        #expect(try evaluate([n], normals, [Int64(0)]).shape == [0, 2])
    }

    @Test func probabilitiesFromTheGraph() throws {
        let p = dvector("p")
        let srng = RandomStreams(seed: 3)
        let coins = srng.binomial(size: p.shape, n: 1, p: p)
        let f = try function([p], coins)
        #expect(try f([0.0, 1.0, 0.0, 1.0]).scalars(as: Int64.self) == [0, 1, 0, 1])
        // Without a size, the draw takes the parameters' shape; n can be a tensor too.
        let n = lvector("n")
        let counts = srng.binomial(n: n, p: p)
        let g = try function([n, p], counts)
        let many = try g(NDArray([Int64](repeating: 10, count: 20000), shape: [20000]), NDArray([Double](repeating: 0.3, count: 20000), shape: [20000])).doubles
        let mean = many.reduce(0, +) / Double(many.count)
        #expect(Swift.abs(mean - 3) < 0.05, "\(mean)")
        // Large n takes the O(1) method per element, mixed with small ones.
        let mixed = try g(NDArray([5, 1_000_000, 0, 2_000] as [Int64]), NDArray([1.0, 0.5, 0.7, 0.0])).doubles
        #expect(mixed[0] == 5 && mixed[2] == 0 && mixed[3] == 0 && Swift.abs(mixed[1] - 500_000) < 5 * 500)
    }

    @Test func boundsAndMeansFromTheGraph() throws {
        let low = dvector("low"), high = dvector("high"), mu = dscalar("mu")
        let srng = RandomStreams(seed: 21)
        let u = srng.uniform(size: [1000, 2], low: low, high: high, dtype: .float64)
        let value = try evaluate([low, high], u, [[-1.0, 10.0], [0.0, 10.5]]).rows()
        #expect(value.allSatisfy { $0[0] >= -1 && $0[0] < 0 && $0[1] >= 10 && $0[1] < 10.5 })
        let z = srng.normal(size: [20000], avg: mu, std: 2.0, dtype: .float64)
        let draws = try evaluate([mu], z, [5.0]).doubles
        let mean = draws.reduce(0, +) / Double(draws.count)
        let sd = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)).squareRoot()
        #expect(Swift.abs(mean - 5) < 0.05 && Swift.abs(sd - 2) < 0.05, "\(mean) \(sd)")
        let lo = lscalar("lo")
        let ints = try evaluate([lo], srng.integers(size: [500], low: lo, high: lo + 3), [Int64(-7)]).scalars(as: Int64.self)
        #expect(Set(ints) == [-7, -6, -5])
        // The whole int64 range, as a tensor bound, neither traps nor sticks to one end.
        let hi = lscalar("hi")
        let wide = try evaluate([lo, hi], srng.integers(size: [200], low: lo, high: hi), [Int64.min, Int64.max]).scalars(as: Int64.self)
        #expect(wide.contains { $0 < 0 } && wide.contains { $0 > 0 })
        // A fractional n is no plain binomial: it fails when drawn.
        #expect(throws: TheanoError.self) { try function([], srng.binomial(size: [2], n: 2.5, p: 0.5))() }
    }

    @Test func badSymbolicDrawsThrow() throws {
        let p = dvector("p"), size = lvector("size")
        let srng = RandomStreams(seed: 1)
        var error = try #require(throws: TheanoError.self) { try evaluate([p], srng.binomial(size: p.shape, n: 1, p: p), [[0.5, 1.5]]) }
        #expect(error.kind == .badArgument && error.message.contains("binomial") && error.message.contains("p=1.5") && error.message.contains("element 1"), "\(error)")
        error = try #require(throws: TheanoError.self) { try evaluate([p, size], srng.uniform(size: size, low: p, ndim: 2), [[0.5, 0.1, 0.2], [Int64(2), 2]]) }
        #expect(error.kind == .shapeMismatch && error.message.contains("parameter low has shape [3]") && error.message.contains("[2, 2]"), "\(error)")
        error = try #require(throws: TheanoError.self) { try evaluate([size], srng.uniform(size: size, ndim: 2), [[Int64(2), 2, 2]]) }
        #expect(error.kind == .shapeMismatch && error.message.contains("size has 3 entries, but the draw has 2 dimensions"), "\(error)")
        error = try #require(throws: TheanoError.self) { try evaluate([size], srng.uniform(size: size, ndim: 2), [[Int64(2), -2]]) }
        #expect(error.message.contains("uniform"), "\(error)")
        let lo = lscalar("lo")
        error = try #require(throws: TheanoError.self) { try evaluate([lo], srng.integers(size: [2], low: lo, high: 3), [Int64(3)]) }
        #expect(error.message.contains("integers needs integer bounds low < high") && error.message.contains("low=3, high=3"), "\(error)")
        // A variable no draw computes has no rng.
        #expect(p.rng == nil)
    }
}
