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

    /// Regression: a value larger than the shape was cut down to its first element instead of refused,
    /// and a value of another size was reported as a mismatch of the first size (input 1), not the value.
    @Test func allocRefusesAValueThatDoesNotBroadcastToTheShape() throws {
        let v = dvector("v")
        for size in [1, 2] {
            let error = try #require(throws: TheanoError.self) { try evaluate([v, n], alloc(v, n), [[1.0, 2.0, 3.0], size]) }
            #expect(error.kind == .shapeMismatch && error.message.contains("a value of shape [3] cannot fill shape [\(size)]"), "\(error)")
            #expect(error.message.contains("input 0: v") && !error.message.contains("input 1: n"), "\(error)")
        }
        #expect(try evaluate([v, n], alloc(v, 2, n), [[1.0, 2.0, 3.0], 3]).doubles == [1, 2, 3, 1, 2, 3])
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

    @Test func oneHotAndIndexingCheckTheSizesTheyAllocate() throws {
        let y = lvector("y"), classes = lscalar("classes")
        let negative = try #require(throws: TheanoError.self) { try evaluate([y, classes], OneHot()(y, classes), [[Int64(0)], -1]) }
        #expect(negative.kind == .badArgument && negative.message.contains("OneHot: negative dimension -1") && negative.message.contains("input 1: classes"), "\(negative)")
        let huge = try #require(throws: TheanoError.self) { try evaluate([y, classes], OneHot()(y, classes), [[Int64(0), 1], 1 << 62]) }
        #expect(huge.kind == .outOfMemory, "\(huge)")
        // 2²⁰ copies of one 8 MiB row: 8 TiB from 16 MiB of input.
        let x = dmatrix("x"), idx = lvector("idx")
        let wide = NDArray(zeros: [1, 1 << 20], dtype: .float64), zeros = NDArray(zeros: [1 << 20], dtype: .int64)
        let rows = try #require(throws: TheanoError.self) { try evaluate([x, idx], x[idx], [wide, zeros]) }
        #expect(rows.kind == .outOfMemory && rows.message.contains("AdvancedSubtensor1: cannot allocate 8.00 TiB"), "\(rows)")
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

    @Test func randomDrawsWithImpossibleParametersThrow() throws {
        let srng = RandomStreams(seed: 5)
        let permutation = try #require(throws: TheanoError.self) { try function([], srng.permutation(n: -1))() }
        #expect(permutation.kind == .badArgument && permutation.message.contains("permutation needs n ≥ 0, got -1"), "\(permutation)")
        let uniform = try #require(throws: TheanoError.self) { try function([], srng.uniform(size: [-2]))() }
        #expect(uniform.kind == .badArgument && uniform.message.contains("uniform: negative dimension -2"), "\(uniform)")
        let normal = try #require(throws: TheanoError.self) { try function([], srng.normal(size: [1 << 40, 1 << 40]))() }
        #expect(normal.kind == .outOfMemory && normal.message.contains("normal"), "\(normal)")
    }

    @Test func integersCoverTheWholeInt64Range() throws {
        let srng = RandomStreams(seed: 6)
        let values = try function([], srng.integers(size: [1000], low: Int.min, high: Int.max))().scalars(as: Int64.self)
        #expect(values.allSatisfy { $0 < Int64.max })
        #expect(values.contains { $0 < Int64.min / 2 } && values.contains { $0 > Int64.max / 2 })
    }

    /// Sums of n trials would take n uniforms per draw; a huge n must finish, with the right moments.
    @Test(arguments: [(1 << 61, 0.5), (1 << 61, 1e-18), (1_000, 0.3), (1_000, 0.002), (100_000, 0.9), (3_000_000_000_000, 0.25)])
    func binomialWithALargeNIsFastAndHasTheRightMoments(_ n: Int, _ p: Double) throws {
        let srng = RandomStreams(seed: 7)
        let draws = try function([], srng.binomial(size: [4000], n: n, p: p))().scalars(as: Int64.self)
        let mean = Double(n) * p, sd = (Double(n) * p * (1 - p)).squareRoot()
        #expect(draws.allSatisfy { $0 >= 0 && $0 <= n })
        let sampleMean = draws.map(Double.init).reduce(0, +) / Double(draws.count)
        #expect(Swift.abs(sampleMean - mean) <= 5 * sd / Double(draws.count).squareRoot(), "mean \(sampleMean), expected \(mean)")
        let variance = draws.map { (Double($0) - sampleMean) * (Double($0) - sampleMean) }.reduce(0, +) / Double(draws.count - 1)
        #expect(Swift.abs(variance / (sd * sd) - 1) < 0.15, "variance \(variance), expected \(sd * sd)")
    }

    /// Inversion and BTRS are exact: a χ² test against the binomial's probabilities, with bins of at
    /// least 20 expected draws (the tails pooled), stays below its 10⁻⁶ quantile.
    @Test(arguments: [(1_000, 0.3), (200, 0.01), (5_000, 0.97)])
    func binomialDrawsFollowTheExactDistribution(_ n: Int, _ p: Double) throws {
        let draws = try function([], RandomStreams(seed: 8).binomial(size: [100_000], n: n, p: p))().scalars(as: Int64.self)
        func probability(_ k: Int) -> Double {
            let (n, k) = (Double(n), Double(k))
            return Foundation.exp(Foundation.lgamma(n + 1) - Foundation.lgamma(k + 1) - Foundation.lgamma(n - k + 1) + k * Foundation.log(p) + (n - k) * Foundation.log1p(-p))
        }
        var observed = [Int](repeating: 0, count: n + 1)
        for k in draws { observed[Int(k)] += 1 }
        // Bins from the left, each closed once it expects 20 draws; the remainder joins the last bin.
        var bins: [(expected: Double, observed: Int)] = [(0, 0)]
        for k in 0...n {
            if bins[bins.count - 1].expected >= 20 { bins.append((0, 0)) }
            bins[bins.count - 1].expected += probability(k) * Double(draws.count)
            bins[bins.count - 1].observed += observed[k]
        }
        if bins.count > 1 && bins[bins.count - 1].expected < 20 {
            let last = bins.removeLast()
            bins[bins.count - 1].expected += last.expected
            bins[bins.count - 1].observed += last.observed
        }
        let chiSquare = bins.map { (Double($0.observed) - $0.expected) * (Double($0.observed) - $0.expected) / $0.expected }.reduce(0, +)
        // The 10⁻⁶ upper quantile of χ² with d degrees of freedom is below d + 7·√(2d) + 25 for these d.
        let d = Double(bins.count - 1)
        #expect(chiSquare < d + 7 * (2 * d).squareRoot() + 25, "χ² \(chiSquare) over \(bins.count) bins")
    }

    /// The streams' contract: a draw of up to `Binomial.trialLimit` trials is the number of the next
    /// n uniforms below p, so seeded programs keep their numbers.
    @Test func smallBinomialDrawsAreSumsOfTrialsOfTheUniformStream() throws {
        let seed: UInt64 = 11, n = 4, p = 0.3, size = 7
        let draws = try function([], RandomStreams(seed: seed).binomial(size: [size], n: n, p: p))().scalars(as: Int64.self)
        var generator = SplitMix64(seed: seed)
        let key = generator.next()
        let u = Philox(key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))).uniforms(size * n, start: 0)
        #expect(draws == (0..<size).map { i in Int64((0..<n).filter { u[i * n + $0] < p }.count) })
    }
}
