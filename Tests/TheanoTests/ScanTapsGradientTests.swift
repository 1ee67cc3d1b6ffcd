import Foundation
import Testing
@testable import Theano

/// Deterministic values in [-1, 1).
private func values(_ shape: [Int], seed: UInt64, scale: Double = 1) -> NDArray {
    var generator = SplitMix64(seed: seed)
    return NDArray((0..<shape.reduce(1, *)).map { _ in (2 * generator.nextUnit() - 1) * scale }, shape: shape)
}

/// Gradients through scan's taps, and second derivatives through scan.
@Suite struct ScanTapsGradientTests {
    // MARK: Taps other than -1

    @Test func fibonacciGradientOfTheLastTermIsTwoFibonacciNumbers() throws {
        // z_t = z_{t-2} + z_{t-1} from [x0, x1]: step t gives F(t+1)·x0 + F(t+2)·x1, so after
        // eight steps the last term is 21·x0 + 34·x1.
        let start = dvector("start")
        let (outs, _) = try scan({ [$0[0] + $0[1]] }, outputsInfo: [ScanOutput(initial: start, taps: [-2, -1])], nSteps: 8)
        let g = try grad(outs[0][-1], wrt: start)
        #expect(try function([start], g)([0.5, -1.5]).doubles == [21, 34])
        // The sum of all eight terms: F(1) + … + F(8) = 54 for x0, F(2) + … + F(9) = 87 for x1.
        #expect(try function([start], try grad(outs[0].sum(), wrt: start))([0.5, -1.5]).doubles == [54, 87])
    }

    @Test func aNonlinearRecurrenceOverTwoTapsMatchesFiniteDifferences() throws {
        // z_t = a · z_{t-2} + tanh(z_{t-1}), on vectors, with a non-sequence a.
        try verifyGrad({ v in
            try! scan({ s in [s[2] * s[0] + tanh(s[1])] }, outputsInfo: [ScanOutput(initial: v[0], taps: [-2, -1])],
                      nonSequences: [v[1]], nSteps: 5).outputs[0]
        }, at: [values([2, 3], seed: 1), values([3], seed: 2)])
    }

    @Test func tapsThatSkipAStateAndAMapLikeOutputBesideThem() throws {
        // z_t = sin(z_{t-3}) · w + z_{t-1}, reading three initial states of which the middle one only at
        // the first step's tap -1 … and a map-like output y_t = z_{t-3} · z_{t-1} beside it.
        try verifyGrad({ v in
            let (outs, _) = try! scan({ s in [sin(s[0]) * s[2] + s[1], s[0] * s[1]] },
                                      outputsInfo: [ScanOutput(initial: v[0], taps: [-3, -1]), nil], nonSequences: [v[1]], nSteps: 6)
            return outs[0].sum() + (outs[1] * outs[1]).sum()
        }, at: [values([3, 2], seed: 3), values([2], seed: 4)])
    }

    @Test func extraInitialRowsBeyondTheDeepestTapGetNoGradient() throws {
        // Taps [-2, -1] read the first two rows of a three-row initial state; the third has no effect.
        let start = dvector("start")
        let (outs, _) = try scan({ [$0[0] * $0[1]] }, outputsInfo: [ScanOutput(initial: start, taps: [-2, -1])], nSteps: 2)
        // z = [a, b, ·], then a·b, then b·(a·b): the sum's gradient is [b + b², a + 2ab, 0].
        let g = try function([start], try grad(outs[0].sum(), wrt: start))([2.0, 3.0, 7.0]).doubles
        #expect(g == [3 + 9, 2 + 12, 0])
    }

    @Test func aBackwardsLoopOverTwoTaps() throws {
        try verifyGrad({ v in
            try! scan({ s in [s[0] * s[1] + s[2] * 0.5] }, sequences: [v[0]],
                      outputsInfo: [ScanOutput(initial: v[1], taps: [-2, -1])], goBackwards: true).outputs[0]
        }, at: [values([4], seed: 5), values([2], seed: 6)])
    }

    @Test func sequenceTapsAroundTheCurrentRow() throws {
        // y_t = u[t-1] · w + u[t]² − sin(u[t+1]): the loop runs len(u) − 2 times.
        try verifyGrad({ v in
            try! scan({ s in [s[0] * s[3] + s[1] * s[1] - sin(s[2])] }, sequences: [ScanSequence(v[0], taps: [-1, 0, 1])],
                      nonSequences: [v[1]]).outputs[0]
        }, at: [values([6], seed: 7), values([], seed: 8)])
    }

    @Test func sequenceTapsAndStateTapsTogether() throws {
        // A second-order filter: z_t = 0.5·z_{t-2} − 0.25·z_{t-1} + u[t-2] + w·u[t], over rows of a matrix.
        try verifyGrad({ v in
            try! scan({ s in [s[2] * 0.5 - s[3] * 0.25 + s[0] + s[4] * s[1]] }, sequences: [ScanSequence(v[0], taps: [-2, 0])],
                      outputsInfo: [ScanOutput(initial: v[1], taps: [-2, -1])], nonSequences: [v[2]]).outputs[0]
        }, at: [values([6, 2], seed: 9), values([2, 2], seed: 10), values([2], seed: 11)])
    }

    // MARK: Second derivatives

    @Test func theHessianOfAProductComputedByFoldl() throws {
        // P = x0·x1·x2·x3: ∂²P/∂xi∂xj = P / (xi·xj) off the diagonal, 0 on it.
        let x = dvector("x")
        let product = try foldl({ s in s[1] * s[0] }, sequences: [x], initial: constant(1.0))
        let H = try hessian(product, wrt: x)
        let xv: [Double] = [2, -1, 0.5, 3]
        let p = xv.reduce(1, *)
        var expected: [Double] = []
        for i in 0..<4 { for j in 0..<4 { expected.append(i == j ? 0 : p / (xv[i] * xv[j])) } }
        let value = try function([x], H)(xv)
        #expect(value.shape == [4, 4])
        #expect(close(value.doubles, expected, tolerance: 1e-12), "\(value.doubles)")
        // The Hessian times a vector, as the gradient of the projected gradient: Theano's Lop recipe.
        let v = dvector("v")
        let hv = try grad((try grad(product, wrt: x) * v).sum(), wrt: x)
        let vv: [Double] = [1, 2, -1, 0.5]
        let expectedHv = (0..<4).map { i in (0..<4).reduce(0.0) { $0 + expected[i * 4 + $1] * vv[$1] } }
        #expect(close(try function([x, v], hv)(xv, vv).doubles, expectedHv, tolerance: 1e-12))
    }

    @Test func theHessianOfAnRNNCostMatchesFiniteDifferencesOfItsGradient() throws {
        // cost = Σ_t sum(h_t), h_t = tanh(W · h_{t-1} + x_t): the Hessian with respect to h0.
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let (states, _) = try scan({ s in [tanh(dot(s[2], s[1]) + s[0])] }, sequences: [x],
                                   outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W])
        let cost = states[0].sum()
        let H = try hessian(cost, wrt: h0)
        let xs = values([4, 3], seed: 20), w = values([3, 3], seed: 21, scale: 0.8), h = values([3], seed: 22)
        let hessianValue = try function([x, h0, W], H)(xs, h, w)
        let gradient = try function([x, h0, W], try grad(cost, wrt: h0))
        let eps = 1e-6
        var numeric = [Double](repeating: 0, count: 9)
        for j in 0..<3 {
            var up = h.doubles, down = h.doubles
            up[j] += eps
            down[j] -= eps
            let gu = try gradient(xs, NDArray(up), w).doubles, gd = try gradient(xs, NDArray(down), w).doubles
            for i in 0..<3 { numeric[i * 3 + j] = (gu[i] - gd[i]) / (2 * eps) }
        }
        #expect(close(hessianValue.doubles, numeric, tolerance: 1e-7), "\(hessianValue.doubles) vs \(numeric)")
        // Symmetric, as a Hessian is.
        let hv: [Double] = hessianValue.doubles
        let transposed: [Double] = (0..<9).map { (k: Int) -> Double in hv[(k % 3) * 3 + k / 3] }
        #expect(close(hv, transposed, tolerance: 1e-12))
    }

    @Test func secondDerivativesThroughTwoTapsAndASequence() throws {
        // The gradient of a two-tap scan is itself differentiable: verifyGrad of the gradient.
        try verifyGrad({ v in
            let (outs, _) = try! scan({ s in [s[1] * sin(s[2]) + s[0] * s[3]] }, sequences: [v[0]],
                                      outputsInfo: [ScanOutput(initial: v[1], taps: [-2, -1])], nonSequences: [v[2]])
            let g = try! grad((outs[0] * outs[0]).sum(), wrt: [v[1], v[2]])
            return g[0].sum() + g[1] * 2
        }, at: [values([4], seed: 30), values([2], seed: 31), values([], seed: 32)])
    }

    @Test func secondDerivativesOfABackwardsLoopOverPartOfItsSequence() throws {
        // Three steps backwards over a five-row sequence: rows 3 and 4 are never read.
        try verifyGrad({ v in
            let (outs, _) = try! scan({ s in [tanh(s[0] * s[1] + s[2])] }, sequences: [v[0]], outputsInfo: [ScanOutput(initial: v[1])],
                                      nonSequences: [v[2]], nSteps: 3, goBackwards: true)
            let g = try! grad((outs[0] * outs[0]).sum(), wrt: [v[0], v[1], v[2]])
            return g[0] * 3 + g[1] + g[2]
        }, at: [values([5], seed: 40), values([], seed: 41), values([], seed: 42)])
    }

    @Test func secondDerivativesOfALoopThatEndsOnACondition() throws {
        // Multiplying by x until past 10: from 1 with x = 2.3, three steps (2.3, 5.29, 12.167); the gradient's gradient
        // runs over the steps the loop ran.
        try verifyGrad({ v in
            let (outs, _) = try! scan({ s in
                let next = s[0] * s[1]
                return ScanStep([next], until: gt(next, 10.0))
            }, outputsInfo: [ScanOutput(initial: constant(1.0))], nonSequences: [v[0]], nSteps: 20)
            return try! grad(outs[0].sum(), wrt: v[0])
        }, at: [NDArray(scalar: 2.3)])
        // x + x² + x³ at x = 2.3: its second derivative is 2 + 6x.
        let x = dscalar("x")
        let (outs, _) = try scan({ s in
            let next = s[0] * s[1]
            return ScanStep([next], until: gt(next, 10.0))
        }, outputsInfo: [ScanOutput(initial: constant(1.0))], nonSequences: [x], nSteps: 20)
        let second = try grad(try grad(outs[0].sum(), wrt: x), wrt: x)
        let expected: Double = 2 + 6 * 2.3
        let value: Double = try function([x], second)(2.3).item()
        #expect(abs(value - expected) < 1e-10)
    }

    @Test func truncatedGradientsHaveNoSecondDerivative() throws {
        let x = dvector("x"), h0 = dscalar("h0")
        let (outs, _) = try scan({ s in [s[0] * s[1]] }, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], truncateGradient: 2)
        let g = try grad(outs[0].sum(), wrt: x)
        let error = try #require(throws: TheanoError.self) { try grad(g.sum(), wrt: x) }
        #expect(error.kind == .unsupported)
        #expect(error.message.contains("grad of ScanGrad: second derivatives through a scan with truncateGradient (2)"), "\(error.message)")
        let hv = try #require(throws: TheanoError.self) { try rop(g, wrt: x, evalPoint: dvector("v")) }
        #expect(hv.message.hasPrefix("rop: ScanGrad has no R-operator (the backward loop of a scan with truncateGradient has none)"), "\(hv.message)")
    }
}
