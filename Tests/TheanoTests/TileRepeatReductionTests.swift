import Testing
@testable import Theano

/// `tile`, `repeat`, argmax/argmin over several axes and `var`/`std` with `ddof` (cases after PyTensor's
/// test_extra_ops.py and test_math.py; expected values from numpy).
@Suite struct TileRepeatReductionTests {
    let m = dmatrix("m")
    let value: [[Double]] = [[1, 2, 3], [4, 5, 6]]

    // MARK: tile

    @Test func tileFollowsNumpy() throws {
        for mode in [Mode.reference, .fastRun] {
            let f = try function([m], [tile(m, [2, 1]), tile(m, [2]), tile(m, [1, 2, 1])], mode: mode)
            let out = try f.call([value])
            #expect(out[0].shape == [4, 3] && out[0].doubles == [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], "\(mode)")
            #expect(out[1].shape == [2, 6] && out[1].doubles == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], "\(mode)")
            #expect(out[2].shape == [1, 4, 3], "\(mode)")
        }
        let v = dvector("v")
        #expect(try evaluate([v], tile(v, [2, 2]), [[1.0, 2]]).doubles == [1, 2, 1, 2, 1, 2, 1, 2])
        #expect(try evaluate([v], tile(v, [2, 1, 2]), [[1.0, 2]]).shape == [2, 1, 4])
        #expect(try evaluate([v], tile(v, [0]), [[1.0, 2]]).shape == [0])
        // A symbolic repeat count.
        let n = lscalar("n")
        #expect(try evaluate([v, n], tile(v, [n]), [[1.0, 2], Int64(3)]).doubles == [1, 2, 1, 2, 1, 2])
    }

    @Test func tileGradientSumsTheCopies() throws {
        try verifyGrad({ tile($0[0], [2, 3]) }, at: [NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])])
        try verifyGrad({ tile($0[0], [3, 1, 2]) }, at: [NDArray([0.3, -1.2])])
        let g = try grad(tile(m, [2, 3]).sum(), wrt: m)
        #expect(try evaluate([m], g, [value]).doubles == [6, 6, 6, 6, 6, 6])
    }

    @Test func tileRejectsNegativeRepeats() async throws {
        let v = dvector("v"), n = lscalar("n")
        let error = try #require(throws: TheanoError.self) { try evaluate([v, n], tile(v, [n]), [[1.0, 2], Int64(-1)]) }
        #expect(error.message.contains("alloc") && error.message.contains("-1"))
        await #expect(processExitsWith: .failure) { _ = tile(dvector("v"), [-2]) }
    }

    // MARK: repeat

    @Test func repeatFollowsNumpy() throws {
        for mode in [Mode.reference, .fastRun] {
            let f = try function([m], [`repeat`(m, 2), m.repeat([1, 0, 2], axis: 1), m.repeat(2, axis: 0), m.repeat(2, axis: -1)], mode: mode)
            let out = try f.call([value])
            #expect(out[0].doubles == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6], "\(mode)")
            #expect(out[1].shape == [2, 3] && out[1].doubles == [1, 3, 3, 4, 6, 6], "\(mode)")
            #expect(out[2].shape == [4, 3] && out[2].doubles == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], "\(mode)")
            #expect(out[3].shape == [2, 6], "\(mode)")
        }
        // Symbolic repeats, a one-element vector broadcasting as numpy's does.
        let r = lvector("r")
        #expect(try evaluate([m, r], m.repeat(r, axis: 0), [value, [Int64(3)]]).shape == [6, 3])
        #expect(try evaluate([m, r], m.repeat(r, axis: 0), [value, [Int64(0), 2]]).doubles == [4, 5, 6, 4, 5, 6])
    }

    @Test func repeatGradientSumsEachElementsCopies() throws {
        let v = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])
        try verifyGrad({ `repeat`($0[0], 3) }, at: [v])
        try verifyGrad({ $0[0].repeat([2, 0, 3], axis: 1) }, at: [v])
        let g = try grad((m.repeat([2, 0, 3], axis: 1) * m.repeat([2, 0, 3], axis: 1)).sum(), wrt: m)
        // d/dx Σ copies² = 2·count·x.
        #expect(try evaluate([m], g, [value]).doubles == [4, 0, 18, 16, 0, 36])
    }

    @Test func repeatRejectsBadRepeats() throws {
        let r = lvector("r")
        let wrongLength = try #require(throws: TheanoError.self) { try evaluate([m, r], m.repeat(r, axis: 1), [value, [Int64(1), 2]]) }
        #expect(wrongLength.message.contains("repeat") && wrongLength.message.contains("2 repeats for an axis of size 3"))
        let negative = try #require(throws: TheanoError.self) { try evaluate([m, r], m.repeat(r, axis: 0), [value, [Int64(1), -1]]) }
        #expect(negative.kind == .badArgument && negative.message.contains("-1"))
        let huge = try #require(throws: TheanoError.self) { try evaluate([m, r], m.repeat(r, axis: 0), [value, [Int64.max, Int64.max]]) }
        #expect(huge.kind == .outOfMemory)
    }

    // MARK: argmax and argmin over several axes

    @Test func argmaxOverSeveralAxesIndexesTheFlattenedBlock() throws {
        let t = dtensor3("t")
        let data = NDArray([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4], shape: [2, 3, 4])
        for mode in [Mode.reference, .fastRun] {
            let f = try function([t], [t.argmax(axes: [0, 2]), t.argmin(axes: [2, 0]), t.argmax(axes: [1, 2]), t.argmin(axes: [0, 1]),
                                       t.argmax(axes: [0, 2], keepdims: true), argmax(t, axis: nil)], mode: mode)
            let out = try f.call([data])
            #expect(out[0].scalars(as: Int64.self) == [4, 1, 3], "\(mode)")
            #expect(out[1].scalars(as: Int64.self) == [1, 2, 5], "\(mode)")
            #expect(out[2].scalars(as: Int64.self) == [5, 0], "\(mode)")
            #expect(out[3].scalars(as: Int64.self) == [4, 0, 1, 0], "\(mode)")
            #expect(out[4].shape == [1, 3, 1] && out[4].scalars(as: Int64.self) == [4, 1, 3], "\(mode)")
            #expect(out[5].scalars(as: Int64.self) == [5], "\(mode)")
        }
        #expect(t.argmax(axes: [0, 1, 2]).ndim == 0 && t.argmax(axes: [0, 1, 2], keepdims: true).broadcastable == [true, true, true])
    }

    @Test func argmaxOverAnEmptyBlockThrows() async throws {
        let t = dtensor3("t")
        let error = try #require(throws: TheanoError.self) { try evaluate([t], t.argmax(axes: [0, 2]), [NDArray(zeros: [0, 2, 3], dtype: .float64)]) }
        #expect(error.message.contains("Argmax") && error.message.contains("empty"))
        await #expect(processExitsWith: .failure) { _ = dtensor3("t").argmax(axes: [0, 0]) }
        await #expect(processExitsWith: .failure) { _ = dtensor3("t").argmin(axes: [0, 3]) }
    }

    // MARK: var and std with ddof

    let sample: [[Double]] = [[0.3, -1.2, 2.0, 0.9], [1.1, 0.7, -0.4, 2.5], [0.0, 1.5, -2.2, 0.6]]

    @Test func varianceWithDdofFollowsNumpy() throws {
        for mode in [Mode.reference, .fastRun] {
            let f = try function([m], [m.var(ddof: 1), m.var(axis: 0, ddof: 1), m.std(axis: 1, ddof: 1), m.var(axes: [0, 1], ddof: 2),
                                       `var`(m, axis: 1), std(m, axis: 0, ddof: 1, keepdims: true)], mode: mode)
            let out = try f.call([sample])
            #expect(close(out[0].doubles, [1.736060606060606]), "\(mode)")
            #expect(close(out[1].doubles, [0.32333333333333336, 1.9233333333333333, 4.44, 1.0433333333333334]), "\(mode)")
            #expect(close(out[2].doubles, [1.3341664064126333, 1.1982626312012459, 1.5755951256588732]), "\(mode)")
            #expect(close(out[3].doubles, [1.9096666666666668]), "\(mode)")
            #expect(close(out[4].doubles, [1.335, 1.076875, 1.861875]), "\(mode)")
            #expect(out[5].shape == [1, 4] && close(out[5].doubles, [0.32333333333333336, 1.9233333333333333, 4.44, 1.0433333333333334].map { $0.squareRoot() }), "\(mode)")
        }
    }

    @Test func correctedVarianceRemovesTheMeansRoundingError() throws {
        // Exact in float64 arithmetic, the corrected form equals the plain one; in float32 around 1e4 the
        // plain two-pass form keeps the mean's rounding error and the corrected one is closer.
        let corrected = try evaluate([m], m.var(axis: 1, ddof: 1, corrected: true), [sample]).doubles
        #expect(close(corrected, [1.78, 1.435833333333333, 2.4825000000000004], tolerance: 1e-12))
        // The float32 mean of these values is 1.6e-4 off, so the plain form is 2.6e-8 too large.
        let f = fvector("f")
        let shifted = NDArray((0..<1000).map { Float(10_000) + Float($0 % 7) * Float(0.1) }, shape: [1000])
        let exact = 0.03994459829711914 // numpy, in float64
        let plain = try evaluate([f], f.var(), [shifted]).doubles[0]
        let better = try evaluate([f], f.var(corrected: true), [shifted]).doubles[0]
        #expect(Swift.abs(better - exact) < Swift.abs(plain - exact) && Swift.abs(better - exact) < 1e-8,
                "plain \(plain), corrected \(better), exact \(exact)")
    }

    @Test func varianceGradients() throws {
        let v = NDArray(sample)
        try verifyGrad({ $0[0].var(axis: 0, ddof: 1) }, at: [v])
        try verifyGrad({ $0[0].std(axes: [0, 1], ddof: 1) }, at: [v])
        try verifyGrad({ $0[0].var(axis: 1, ddof: 1, corrected: true) }, at: [v])
    }

    @Test func varianceRejectsBadAxes() async {
        await #expect(processExitsWith: .failure) { _ = dmatrix("m").var(axes: [1, 1], ddof: 1) }
        await #expect(processExitsWith: .failure) { _ = dmatrix("m").std(axis: 2, ddof: 1) }
    }
}
