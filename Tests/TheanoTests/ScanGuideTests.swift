import Foundation
import Testing
@testable import Theano

/// The programs of Theano's scan guide (doc/library/scan.txt), in order, with the guide's numbers
/// (numpy's where the guide prints none).
@Suite struct ScanGuideTests {
    /// "Simple loop with accumulation: Computing A^k".
    @Test func powerOfAVector() throws {
        let k = iscalar("k")
        let A = dvector("A")
        let (result, updates) = try scan({ s in [s[0] * s[1]] }, outputsInfo: [ScanOutput(initial: onesLike(A))],
                                         nonSequences: [A], nSteps: k)
        let finalResult = result[0][-1]
        let power = try function([A, k], finalResult, updates: updates)
        let range10 = (0..<10).map(Double.init)
        #expect(try power(range10, 2).doubles == [0, 1, 4, 9, 16, 25, 36, 49, 64, 81])
        #expect(try power(range10, 4).doubles == [0, 1, 16, 81, 256, 625, 1296, 2401, 4096, 6561])
        #expect(updates.isEmpty)
    }

    /// "Iterating over the first dimension of a tensor: Calculating a polynomial". The second
    /// sequence is 10,000 long: scan runs over the shortest one.
    @Test func polynomialOverTheShortestSequence() throws {
        let coefficients = vector("coefficients", dtype: .float32)
        let x = scalar("x", dtype: .float32)
        let maxCoefficientsSupported = 10000
        let (components, _) = try scan({ s in [s[0] * (s[2] ** s[1])] },
                                       sequences: [coefficients, arange(maxCoefficientsSupported)], nonSequences: [x])
        let polynomial = components[0].sum()
        let calculatePolynomial = try function([coefficients, x], polynomial)
        #expect(try calculatePolynomial(NDArray([1, 0, 2] as [Float]), Float(3)).item() == 19.0)
        let byHand: Double = 1.0 * 1 + 0.0 * 3 + 2.0 * 9  // 1·3⁰ + 0·3¹ + 2·3²
        #expect(byHand == 19.0)
    }

    /// "Simple accumulation into a scalar, ditching lambda": the initial state has the sequence's dtype.
    @Test func triangularSequence() throws {
        let upTo = iscalar("up_to")
        func accumulateByAdding(_ arangeVal: TensorVariable, _ sumToDate: TensorVariable) -> TensorVariable { sumToDate + arangeVal }
        let seq = arange(upTo)
        let outputsInfo = ScanOutput(initial: constant(NDArray(scalar: 0).astype(seq.dtype)))
        let (scanResult, _) = try scan({ s in [accumulateByAdding(s[0], s[1])] }, sequences: [seq], outputsInfo: [outputsInfo])
        let triangularSequence = try function([upTo], scanResult[0])
        let someNum = 15
        #expect(try triangularSequence(Int32(someNum)).scalars(as: Int64.self) == (0..<someNum).map { Int64($0 * ($0 + 1) / 2) })
        #expect(try triangularSequence(Int32(someNum)).scalars(as: Int64.self) == [0, 1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 66, 78, 91, 105])
    }

    /// "Another simple example": one matrix per step, zero but at the given position.
    @Test func setValueAtPosition() throws {
        let location = imatrix("location")
        let values = vector("values", dtype: .float32)
        let outputModel = matrix("output_model", dtype: .float32)
        func setValueAtPosition(_ aLocation: TensorVariable, _ aValue: TensorVariable, _ outputModel: TensorVariable) -> TensorVariable {
            let zeros = zerosLike(outputModel)
            let zerosSubtensor = zeros[.at(aLocation[0]), .at(aLocation[1])]
            return setSubtensor(zerosSubtensor, aValue)
        }
        let (result, _) = try scan({ s in [setValueAtPosition(s[0], s[1], s[2])] }, sequences: [location, values], nonSequences: [outputModel])
        let assignValuesAtPositions = try function([location, values, outputModel], result[0])
        let out = try assignValuesAtPositions(NDArray([[1, 1], [2, 3]] as [[Int32]]), NDArray([42, 50] as [Float]), NDArray(zeros: [5, 5], dtype: .float32))
        var expected = [Double](repeating: 0, count: 50)
        expected[1 * 5 + 1] = 42
        expected[25 + 2 * 5 + 3] = 50
        #expect(out.shape == [2, 5, 5] && out.doubles == expected)
    }

    static let wValues = NDArray([[0.2, -0.5], [0.7, 0.1]]), bvisValues = NDArray([0.1, -0.3]), bhidValues = NDArray([-0.2, 0.4])

    /// "Using shared variables - Gibbs sampling": the random streams drawn in the step advance at every
    /// step, and the updates carry them from call to call.
    @Test func gibbsSampling() throws {
        let W = shared(Self.wValues, name: "W"), bvis = shared(Self.bvisValues, name: "bvis"), bhid = shared(Self.bhidValues, name: "bhid")
        let trng = RandomStreams(seed: 1234)
        func oneStep(_ vsample: TensorVariable) -> TensorVariable {
            let hmean = sigmoid(dot(vsample, W) + bhid)
            let hsample = trng.binomial(size: hmean.shape, n: 1, p: hmean)
            let vmean = sigmoid(dot(hsample, W.T) + bvis)
            return trng.binomial(size: vsample.shape, n: 1, p: vmean, dtype: config.floatX)
        }
        let sample = dvector()
        let (values, updates) = try scan({ s in [oneStep(s[0])] }, outputsInfo: [ScanOutput(initial: sample)], nSteps: 10)
        let gibbs10 = try function([sample], values[0][-1], updates: updates)
        // The two streams of the step, each with its state after ten steps.
        #expect(updates.count == 2 && Set(updates.map { ObjectIdentifier($0.0) }) == Set(trng.states.map(ObjectIdentifier.init)))
        let before = trng.states.map { $0.getValue().scalars(as: Int64.self) }
        let first = try gibbs10([1.0, 0.0])
        #expect(first.shape == [2] && first.doubles.allSatisfy { $0 == 0 || $0 == 1 })
        let after = trng.states.map { $0.getValue().scalars(as: Int64.self) }
        // Ten steps, each drawing two numbers (one block) from each stream.
        #expect(zip(before, after).allSatisfy { $0[0] == $1[0] && $1[1] - $0[1] == 10 })

        // The same chain with the shared variables passed as non-sequences, from the same seed, gives
        // the same samples.
        let trng2 = RandomStreams(seed: 1234)
        func oneStepExplicit(_ s: [TensorVariable]) -> [TensorVariable] {
            let (vsample, W, bvis, bhid) = (s[0], s[1], s[2], s[3])
            let hmean = sigmoid(dot(vsample, W) + bhid)
            let hsample = trng2.binomial(size: hmean.shape, n: 1, p: hmean)
            let vmean = sigmoid(dot(hsample, W.T) + bvis)
            return [trng2.binomial(size: vsample.shape, n: 1, p: vmean, dtype: config.floatX)]
        }
        let (values2, updates2) = try scan(oneStepExplicit, outputsInfo: [ScanOutput(initial: sample)], nonSequences: [W, bvis, bhid], nSteps: 10, strict: true)
        let gibbs10Explicit = try function([sample], values2[0][-1], updates: updates2)
        let chains = try (0..<20).map { _ in try gibbs10Explicit([1.0, 0.0]).doubles }
        for state in trng.states { try state.setValue(NDArray([state.getValue().scalars(as: Int64.self)[0], 0], shape: [2])) }
        let again = try (0..<20).map { _ in try gibbs10([1.0, 0.0]).doubles }
        #expect(again == chains && first.doubles == chains[0])
        // Twenty chains of ten steps do not all end alike.
        #expect(Set(chains).count > 1)
    }

    /// A stream drawn in a step gives, step after step, the numbers it would give call after call.
    @Test func aStreamInAStepAdvancesAtEveryStep() throws {
        let inside = RandomStreams(seed: 5)
        let (rows, updates) = try scan({ _ in [inside.uniform(size: [3])] }, nSteps: 4)
        let drawRows = try function([], rows[0], updates: updates)
        let outside = RandomStreams(seed: 5)
        let oneDraw = try function([], outside.uniform(size: [3]))
        let calls = try (0..<8).flatMap { _ in try oneDraw().doubles }
        #expect(try drawRows().doubles == Array(calls[0..<12]))
        // The debug mode, which checks the loop against the unoptimized graph on the reference executor,
        // draws the same numbers.
        let again = RandomStreams(seed: 5)
        let (debugRows, debugUpdates) = try scan({ _ in [again.uniform(size: [3])] }, nSteps: 4)
        #expect(try function([], debugRows[0], updates: debugUpdates, mode: .debug)().doubles == Array(calls[0..<12]))
        // Without the updates the default updates, set by scan, still advance the stream.
        let withoutUpdates = try function([], rows[0])
        #expect(try withoutUpdates().doubles == Array(calls[12..<24]))
        // A variable drawn outside the step keeps one value in every step when passed as a non-sequence
        // (doc/tutorial/loop.txt); read from outside, it is drawn again at each step, as in Theano.
        let noise = inside.normal(size: [2])
        let (same, _) = try scan({ s in [s[0] * 1] }, nonSequences: [noise], nSteps: 3)
        let out = try function([], [same[0], noise])()
        #expect(out[0].rows() == [out[1].doubles, out[1].doubles, out[1].doubles])
        let (redrawn, redrawUpdates) = try scan({ _ in [noise * 1] }, nSteps: 3)
        #expect(redrawUpdates.count == 1 && redrawUpdates[0].0 === noise.rng)
        let rowsRedrawn = try function([], redrawn[0], updates: redrawUpdates)().rows()
        #expect(Set(rowsRedrawn).count == 3, "\(rowsRedrawn)")
    }

    /// A gradient through a step that draws (a dropout mask per step) sees the masks the loop drew.
    @Test func gradientThroughAStepThatDraws() throws {
        let srng = RandomStreams(seed: 4)
        let x = dvector("x"), w = dscalar("w")
        let (out, updates) = try scan({ s in [s[0] * s[1] * srng.binomial(size: [], n: 1, p: 0.5, dtype: .float64)] },
                                      sequences: [x], nonSequences: [w])
        let g = try grad(out[0].sum(), wrt: w)
        let f = try function([x, w], [out[0], g], updates: updates)
        for _ in 0..<3 {
            let r = try f([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2.0)
            // d/dw Σ x_t·w·mask_t = Σ x_t·mask_t = Σ out_t / w.
            #expect(r[1].item() == r[0].doubles.reduce(0, +) / 2)
            #expect(r[0].doubles.enumerated().allSatisfy { $1 == 0 || $1 == 2 * Double($0 + 1) })
        }
    }

    /// The guide's updates example: `scan(lambda: {a: a+1}, n_steps=10)`.
    @Test func updatesOfASharedVariable() throws {
        let a = shared(1)
        let (values, updates) = try scan({ _ in ScanStep(updates: [(a, a + 1)]) }, nSteps: 10)
        #expect(values.isEmpty && updates.count == 1 && updates[0].0 === a)
        let b = a + 1
        let c = updates[0].1 + 1
        let f = try function([], [b, c], updates: updates)
        var out = try f()
        #expect(out[0].item() == 2 && out[1].item() == 12 && a.getValue().item() == 11)
        out = try f()
        #expect(out[0].item() == 12 && out[1].item() == 22 && a.getValue().item() == 21)
        // Without the updates, a keeps its value.
        try a.setValue(1)
        let g = try function([], [b, c])
        for _ in 0..<2 {
            out = try g()
            #expect(out[0].item() == 2 && out[1].item() == 12 && a.getValue().item() == 1)
        }
    }

    /// The tutorial's accumulator (doc/tutorial/examples.txt, "Using Shared Variables"), inside a loop:
    /// each step adds one increment to the shared state.
    @Test func theTutorialsAccumulatorInsideScan() throws {
        let state = shared(0, name: "state")
        let incs = lvector("incs")
        let (runningTotals, updates) = try scan({ s in ScanStep([state + s[0]], updates: [(state, state + s[0])]) }, sequences: [incs])
        let accumulator = try function([incs], runningTotals[0], updates: updates)
        #expect(state.getValue().item() == 0)
        #expect(try accumulator([1, 10, 100] as [Int64]).scalars(as: Int64.self) == [1, 11, 111])
        #expect(state.getValue().item() == 111)
        #expect(try accumulator([300] as [Int64]).scalars(as: Int64.self) == [411])
        #expect(state.getValue().item() == 411)
        try state.setValue(-1)
        #expect(try accumulator([3] as [Int64]).scalars(as: Int64.self) == [2] && state.getValue().item() == 2)
    }

    /// A loop inside a step carries its streams through the outer loop too.
    @Test func streamsInANestedLoop() throws {
        let srng = RandomStreams(seed: 8)
        let (grid, updates) = try scan({ _ in
            [try scan({ _ in [srng.uniform(size: [], dtype: .float64)] }, nSteps: 2).outputs[0]]
        }, nSteps: 3)
        #expect(updates.count == 1)
        let f = try function([], grid[0], updates: updates)
        let oneDraw = try function([], RandomStreams(seed: 8).uniform(size: [], dtype: .float64))
        let calls = try (0..<12).map { _ in try oneDraw().item() }
        #expect(try f().doubles == Array(calls[0..<6]))
        #expect(try f().doubles == Array(calls[6..<12]))
    }

    /// "Using shared variables - the strict flag": a step reading a variable it was not given fails.
    @Test func strictRejectsAVariableTheStepWasNotGiven() throws {
        let W = shared(Self.wValues, name: "W"), bvis = shared(Self.bvisValues, name: "bvis"), bhid = shared(Self.bhidValues, name: "bhid")
        let trng = RandomStreams(seed: 1234)
        func oneStep(_ vsample: TensorVariable) -> TensorVariable {
            let hmean = sigmoid(dot(vsample, W) + bhid)
            let hsample = trng.binomial(size: hmean.shape, n: 1, p: hmean)
            let vmean = sigmoid(dot(hsample, W.T) + bvis)
            return trng.binomial(size: vsample.shape, n: 1, p: vmean, dtype: config.floatX)
        }
        let sample = dvector()
        let error = try #require(throws: TheanoError.self) {
            try scan({ s in [oneStep(s[0])] }, outputsInfo: [ScanOutput(initial: sample)], nSteps: 10, strict: true)
        }
        #expect(error.kind == .missingInput, "\(error)")
        for name in ["W", "bvis", "bhid"] { #expect(error.message.contains(name), "\(error)") }
        #expect(error.message.contains("scan (strict)") && error.message.contains("nonSequences"), "\(error)")
        // Without strict the same step is fine.
        _ = try scan({ s in [oneStep(s[0])] }, outputsInfo: [ScanOutput(initial: sample)], nSteps: 10)
    }

    /// "Multiple outputs, several taps values - Recurrent Neural Network with Scan".
    @Test func recurrentNetworkWithSeveralTaps() throws {
        func oneStep(_ s: [TensorVariable]) -> [TensorVariable] {
            let (uTm4, uT, xTm3, xTm1, yTm1) = (s[0], s[1], s[2], s[3], s[4])
            let (W, WIn1, WIn2, WFeedback, WOut) = (s[5], s[6], s[7], s[8], s[9])
            let xT = tanh(dot(xTm1, W) + dot(uT, WIn1) + dot(uTm4, WIn2) + dot(yTm1, WFeedback))
            let yT = dot(xTm3, WOut)
            return [xT, yT]
        }
        let W = dmatrix(), WIn1 = dmatrix(), WIn2 = dmatrix(), WFeedback = dmatrix(), WOut = dmatrix()
        let u = dmatrix()   // a sequence of vectors
        let x0 = dmatrix()  // x's initial state is a matrix, since it has to cover x[-3]
        let y0 = dvector()  // y0 is a vector: scan only provides y[-1]
        let (outputs, _) = try scan(oneStep, sequences: [ScanSequence(u, taps: [-4, 0])],
                                    outputsInfo: [ScanOutput(initial: x0, taps: [-3, -1]), ScanOutput(initial: y0)],
                                    nonSequences: [W, WIn1, WIn2, WFeedback, WOut], strict: true)
        let f = try function([u, x0, y0, W, WIn1, WIn2, WFeedback, WOut], outputs)
        let out = try f(NDArray([[0.96, 0.6], [-0.08, 0.56], [-0.76, 0.28], [-0.71, 0.89], [0.04, -0.17], [-0.47, 0.55], [-0.09, 0.14], [-0.96, 0.24], [0.22, 0.23]]),
                        NDArray([[0.89, 0.36], [-0.28, -0.13], [0.4, -0.88]]), NDArray([0.33, 0.34]),
                        NDArray([[0.05, 0.22], [0.1, 0.04]]), NDArray([[-0.08, 0.15], [-0.06, 0.39]]), NDArray([[0.46, -0.12], [0.29, 0.03]]),
                        NDArray([[0.07, 0.43], [-0.43, -0.41]]), NDArray([[-0.48, 0.33], [0.28, 0.37]]))
        // Nine rows of u, read at t-4 and t: five steps, from u[4] on (numpy's loop).
        #expect(out[0].shape == [5, 2] && out[1].shape == [5, 2])
        #expect(close(out[0].doubles, [0.40657411801946364, -0.10184565945585139, -0.06597488662661265, -0.059538020762449184,
                                        -0.20847597763280318, 0.2198980765662275, 0.05796097150014772, -0.08450278888318723,
                                        -0.12435154321189994, -0.013566472420307724]), "\(out[0])")
        #expect(close(out[1].doubles, [-0.3264, 0.4269, 0.098, -0.1405, -0.4384, -0.1936, -0.22367236129698095, 0.09648656494775801,
                                        0.014997299767288298, -0.043800780268888374]), "\(out[1])")
    }

    /// Taps on a sequence are differentiable: a moving filter over three neighbours.
    @Test func gradientThroughSequenceTaps() throws {
        let u = dvector("u"), w = dvector("w")
        let (smoothed, _) = try scan({ s in [s[3][0] * s[0] + s[3][1] * s[1] * s[2] + s[3][2] * s[2]] },
                                     sequences: [ScanSequence(u, taps: [-1, 0, 1])], outputsInfo: [nil], nonSequences: [w])
        // The step reads u[t-1], u[t], u[t+1]: 5 values give 3 steps.
        let value = try evaluate([u, w], smoothed[0], [[1.0, 2.0, 4.0, 8.0, 16.0], [0.5, 1.0, 0.25]])
        // 0.5·1 + 1·2·4 + 0.25·4, 0.5·2 + 1·4·8 + 0.25·8, 0.5·4 + 1·8·16 + 0.25·16
        #expect(value.doubles == [9.5, 35, 134])
        try verifyGrad({ v in
            try! scan({ s in [s[3][0] * s[0] + s[3][1] * s[1] * s[2] + s[3][2] * s[2]] },
                      sequences: [ScanSequence(v[0], taps: [-1, 0, 1])], nonSequences: [v[1]]).outputs[0]
        }, at: [NDArray([0.3, -0.2, 0.7, 0.1, 0.5]), NDArray([0.5, -1.0, 0.25])])
        // With a recurrent state and backwards: Theano reverses the sequence, then reads its taps.
        let (back, _) = try scan({ s in [s[0] - s[1] + s[2]] }, sequences: [ScanSequence(u, taps: [-2, 0])],
                                 outputsInfo: [ScanOutput(initial: constant(0.0))], goBackwards: true)
        // Reversed u is [16, 8, 4, 2, 1]: steps read (16, 4), (8, 2), (4, 1).
        #expect(try evaluate([u], back[0], [[1.0, 2.0, 4.0, 8.0, 16.0]]).doubles == [12, 18, 21])
        try verifyGrad({ v in
            try! scan({ s in [s[0] * s[2] - s[1]] }, sequences: [ScanSequence(v[0], taps: [-2, 0])],
                      outputsInfo: [ScanOutput(initial: v[1])], goBackwards: true).outputs[0]
        }, at: [NDArray([0.3, -0.2, 0.7, 0.1, 0.5]), NDArray(scalar: 0.4)])
    }

    /// "Conditional ending of Scan": powers of two up to the first past max_value.
    @Test func untilEndsTheLoop() throws {
        func powerOf2(_ previousPower: TensorVariable, _ maxValue: TensorVariable) -> ScanStep {
            ScanStep([previousPower * 2], until: gt(previousPower * 2, maxValue))
        }
        let maxValue = dscalar()
        let (values, _) = try scan({ s in powerOf2(s[0], s[1]) }, outputsInfo: [ScanOutput(initial: constant(1.0))],
                                   nonSequences: [maxValue], nSteps: 1024)
        let f = try function([maxValue], values[0])
        #expect(try f(45.0).doubles == [2, 4, 8, 16, 32, 64])
        #expect(try function([maxValue], values[0], mode: .reference)(45.0).doubles == [2, 4, 8, 16, 32, 64])
        #expect(try function([maxValue], values[0], mode: .debug)(45.0).doubles == [2, 4, 8, 16, 32, 64])
        // nSteps still bounds the loop.
        let (capped, _) = try scan({ s in powerOf2(s[0], s[1]) }, outputsInfo: [ScanOutput(initial: constant(1.0))],
                                   nonSequences: [maxValue], nSteps: 3)
        #expect(try function([maxValue], capped[0])(45.0).doubles == [2, 4, 8])
        // Only the last step read: the optimizer keeps one step, and it is still the one the loop stopped at.
        #expect(try function([maxValue], values[0][-1])(1000.0).item() == 1024)
    }

    /// The gradient of a loop that stops early runs back over the steps it ran.
    @Test func gradientThroughUntil() throws {
        let x = dvector("x"), a = dscalar("a")
        // h_t = a·h_{t-1} + x_t until h_t > 2.
        let (states, _) = try scan({ s in ScanStep([s[2] * s[1] + s[0]], until: gt(s[2] * s[1] + s[0], 2.0)) },
                                   sequences: [x], outputsInfo: [ScanOutput(initial: constant(0.0))], nonSequences: [a])
        let total = states[0].sum()
        let g = try grad(total, wrt: [x, a])
        let f = try function([x, a], [states[0], total] + g)
        let out = try f([1.0, 1.0, 1.0, 1.0, 1.0], 0.5)
        // h = 1, 1.5, 1.75, 1.875, 1.9375 never passes 2; with a = 1: 1, 2, 3 stops after three steps.
        #expect(out[0].doubles == [1, 1.5, 1.75, 1.875, 1.9375])
        let stopped = try f([1.0, 1.0, 1.0, 1.0, 1.0], 1.0)
        #expect(stopped[0].doubles == [1, 2, 3] && stopped[1].item() == 6)
        // d(total)/dx_t = number of later states including h_t (a = 1); steps never run get 0.
        #expect(stopped[2].doubles == [3, 2, 1, 0, 0])
        // d(total)/da = Σ_t d h_t/da: h_2 = a + 1 → 1, h_3 = a² + a + 1 → 2a + 1 = 3.
        #expect(stopped[3].item() == 4)
        try verifyGrad({ v in
            try! scan({ s in ScanStep([s[2] * s[1] + s[0]], until: gt(s[2] * s[1] + s[0], 2.0)) },
                      sequences: [v[0]], outputsInfo: [ScanOutput(initial: constant(0.0))], nonSequences: [v[1]]).outputs[0]
        }, at: [NDArray([1.0, 0.7, 0.9, 0.6, 0.3]), NDArray(scalar: 0.8)])
    }

    /// `map`, `reduce`, `foldl` and `foldr` take the same steps as `scan`: updates, until, taps.
    @Test func shorthandsHaveScansPower() throws {
        let v = dvector("v")
        let count = shared(0, name: "count")
        let (sums, updates) = try reduce({ s in ScanStep([s[0] + s[1]], updates: [(count, count + 1)]) },
                                         sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))])
        let total = try function([v], sums[0], updates: updates)
        #expect(try total([1.0, 2.0, 3.0, 4.0]).item() == 10 && count.getValue().item() == 4)
        #expect(try total([1.0, 2.0]).item() == 3 && count.getValue().item() == 6)
        // foldl stops with until; foldr reads the sequence from the right.
        let (untilFive, _) = try foldl({ s in ScanStep([s[0] + s[1]], until: gt(s[0] + s[1], 5.0)) },
                                       sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))])
        #expect(try evaluate([v], untilFive[0], [[1.0, 2.0, 3.0, 4.0]]).item() == 6)
        let (fromRight, _) = try foldr({ s in ScanStep([s[0] + 10 * s[1]]) }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))])
        #expect(try evaluate([v], fromRight[0], [[1.0, 2.0, 3.0]]).item() == 321)
        // map over taps, and map with a stream drawn in the step.
        let differences = try map({ s in s[1] - s[0] }, sequences: [ScanSequence(v, taps: [-1, 0])])
        #expect(try evaluate([v], differences, [[1.0, 4.0, 9.0, 16.0]]).doubles == [3, 5, 7])
        let srng = RandomStreams(seed: 11)
        let (noisy, noise) = try map({ s in ScanStep([s[0] + srng.uniform(size: [])]) }, sequences: [v])
        let f = try function([v], noisy[0], updates: noise)
        let zeros = try f([0.0, 0.0, 0.0]).doubles
        #expect(Set(zeros).count == 3 && zeros.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(try f([0.0, 0.0, 0.0]).doubles != zeros)
        // strict reaches the shorthands too.
        let w = dscalar("w")
        #expect(throws: TheanoError.self) { try map({ s in s[0] * w }, sequences: [v], strict: true) }
        #expect(try evaluate([v, w], try map({ s in s[0] * s[1] }, sequences: [v], nonSequences: [w], strict: true), [[1.0, 2.0], 3.0]).doubles == [3, 6])
    }

    @Test func badStepsAreErrors() throws {
        let v = dvector("v"), a = shared(1.0, name: "a")
        // until must be a scalar.
        var error = try #require(throws: TheanoError.self) { try scan({ s in ScanStep([s[0]], until: gt(s[0], 0.0).dimshuffle(nil)) }, sequences: [v]) }
        #expect(error.kind == .typeMismatch && error.message.contains("until condition must be a scalar"), "\(error)")
        // One update per shared variable, of its rank.
        error = try #require(throws: TheanoError.self) { try scan({ _ in ScanStep(updates: [(a, a + 1), (a, a * 2)]) }, nSteps: 2) }
        #expect(error.kind == .invalidUpdate && error.message.contains("updates shared variable a twice"), "\(error)")
        error = try #require(throws: TheanoError.self) { try scan({ s in ScanStep(updates: [(a, s[0])]) }, sequences: [dmatrix("m")]) }
        #expect(error.kind == .invalidUpdate && error.message.contains("update of a has type"), "\(error)")
        // A sequence shorter than the span of its taps.
        let (short, _) = try scan({ s in [s[0] + s[1]] }, sequences: [ScanSequence(v, taps: [-4, 0])])
        error = try #require(throws: TheanoError.self) { try evaluate([v], short[0], [[1.0, 2.0, 3.0]]) }
        #expect(error.kind == .badArgument && error.message.contains("nSteps is negative (-1)") && error.message.contains("span of its taps"), "\(error)")
        #expect(try evaluate([v], short[0], [[1.0, 2.0, 3.0, 4.0]]).shape == [0])
        // A loop of zero steps has no last state for its updates: an error, and nothing is committed.
        let n = iscalar("n")
        let (_, updates) = try scan({ _ in ScanStep(updates: [(a, a + 1)]) }, nSteps: n)
        let f = try function([n], updates: updates)
        #expect(throws: TheanoError.self) { try f(Int32(0)) }
        #expect(a.getValue().item() == 1)
        _ = try f(Int32(3))
        #expect(a.getValue().item() == 4)
    }
}

/// Theano's tutorial computes a Jacobian and a Hessian with `grad` inside a scan step
/// (doc/tutorial/gradients.txt): the step differentiates with respect to its non-sequences.
@Suite struct ScanGradientInsideTheStepTests {
    @Test func jacobianByHand() throws {
        let x = dvector("x")
        let y = x ** 2
        let (J, updates) = try scan({ s in [try grad(s[1][s[0]], wrt: s[2])] }, sequences: [arange(y.shape[0])], nonSequences: [y, x])
        let f = try function([x], J[0], updates: updates)
        #expect(try f([4.0, 4.0]).rows() == [[8, 0], [0, 8]])
        #expect(try f([1.0, 2.0, 3.0]).rows() == [[2, 0, 0], [0, 4, 0], [0, 0, 6]])
    }

    @Test func hessianByHand() throws {
        let x = dvector("x")
        let y = x ** 2
        let cost = y.sum()
        let gy = try grad(cost, wrt: x)
        let (H, updates) = try scan({ s in [try grad(s[1][s[0]], wrt: s[2])] }, sequences: [arange(gy.shape[0])], nonSequences: [gy, x])
        let f = try function([x], H[0], updates: updates)
        #expect(try f([4.0, 4.0]).rows() == [[2, 0], [0, 2]])
        // A cubic: the Hessian of Σ x³ is diag(6x).
        let cubic = try grad((x ** 3).sum(), wrt: x)
        let (H3, _) = try scan({ s in [try grad(s[1][s[0]], wrt: s[2])] }, sequences: [arange(cubic.shape[0])], nonSequences: [cubic, x])
        #expect(try evaluate([x], H3[0], [[1.0, -2.0]]).rows() == [[6, 0], [0, -12]])
    }

    /// The pitfall the tutorial names: a slice of a sequence is not a function of x.
    @Test func gradientWithRespectToASequenceSliceIsStillDisconnected() throws {
        let x = dvector("x")
        let y = x ** 2
        #expect(throws: TheanoError.self) { try scan({ s in [try grad(s[0], wrt: s[1])] }, sequences: [y], nonSequences: [x]) }
    }
}
