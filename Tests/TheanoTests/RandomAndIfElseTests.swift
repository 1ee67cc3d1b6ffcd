import Testing
@testable import Theano

@Suite struct RandomStreamTests {
    @Test func drawsAdvanceAndSeedsRepeat() throws {
        let srng = RandomStreams(seed: 234)
        let u = srng.uniform(size: [2, 2])
        let f = try function([], u)
        let first = try f(), second = try f()
        #expect(first.shape == [2, 2] && first != second)
        #expect(first.doubles.allSatisfy { $0 >= 0 && $0 < 1 })
        let again = RandomStreams(seed: 234)
        let g = try function([], again.uniform(size: [2, 2]))
        #expect(try g() == first)
        #expect(try g() == second)
    }

    @Test func oneDrawIsOneValueWithinACall() throws {
        let srng = RandomStreams(seed: 1)
        let u = srng.uniform(size: [5])
        let f = try function([], u + u - 2 * u)
        #expect(try f().doubles.allSatisfy { Swift.abs($0) < 1e-12 })
    }

    @Test func noDefaultUpdatesFreezesTheStream() throws {
        let srng = RandomStreams(seed: 3)
        let n = srng.normal(size: [3])
        let frozen = try function([], n, noDefaultUpdates: true)
        #expect(try frozen() == (try frozen()))
    }

    @Test func distributionsHaveTheirRanges() throws {
        let srng = RandomStreams(seed: 9)
        let normal = try function([], srng.normal(size: [4000], avg: 2, std: 3))().doubles
        let mean = normal.reduce(0, +) / 4000
        #expect(Swift.abs(mean - 2) < 0.2)
        let ints = try function([], srng.integers(size: [1000], low: 3, high: 7))().scalars(as: Int64.self)
        #expect(Set(ints) == [3, 4, 5, 6])
        let coins = try function([], srng.binomial(size: [1000], n: 4, p: 0.5))().scalars(as: Int64.self)
        #expect(coins.allSatisfy { (0...4).contains($0) })
        let perm = try function([], srng.permutation(n: 10))().scalars(as: Int64.self)
        #expect(perm.sorted() == Array(0..<10))
        let picks = try function([], srng.choice(size: [500], a: 3, p: [0.0, 0.5, 0.5]))().scalars(as: Int64.self)
        #expect(!picks.contains(0) && Set(picks) == [1, 2])
        let unique = try function([], srng.choice(size: [5], a: 5, replace: false))().scalars(as: Int64.self)
        #expect(Set(unique).count == 5)
    }

    @Test func philoxMatchesItsKnownAnswer() {
        // The Random123 known-answer test for Philox4x32-10 with a zero counter and key.
        let b = Philox(key: (0, 0)).block(0)
        #expect([b.0, b.1, b.2, b.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
    }

    @Test func badParametersThrow() throws {
        let srng = RandomStreams(seed: 2)
        #expect(throws: TheanoError.self) { try function([], srng.integers(size: [2], low: 5, high: 5))() }
    }
}

@Suite struct IfElseTests {
    @Test func onlyTheTakenBranchRuns() throws {
        let a = dscalar("a"), b = dscalar("b"), v = dvector("v")
        // The else branch would fail on a 2-element v (index 5), but it is never run when a < b.
        let out = try ifelse(lt(a, b), v.sum(), v[5])
        let f = try function([a, b, v], out)
        #expect(try f(1, 2, [1.0, 2.0]).item() == 3)
        #expect(throws: TheanoError.self) { try f(2, 1, [1.0, 2.0]) }
    }

    @Test func gradientFollowsTheTakenBranch() throws {
        let x = dscalar("x"), c = dscalar("c")
        let y = try ifelse(gt(c, 0), x * x, x * 3)
        let g = try grad(y, wrt: x)
        let f = try function([x, c], g)
        #expect(try f(2, 1).item() == 4)
        #expect(try f(2, -1).item() == 3)
    }

    @Test func branchTypesMustAgree() {
        #expect(throws: TheanoError.self) { try ifelse(constant(1.0), dvector(), dmatrix()) }
    }
}
