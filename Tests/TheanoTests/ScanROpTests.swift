import Foundation
import Testing
@testable import Theano

/// Deterministic values in [-1, 1).
private func values(_ shape: [Int], seed: UInt64, scale: Double = 1) -> NDArray {
    var generator = SplitMix64(seed: seed)
    return NDArray((0..<shape.reduce(1, *)).map { _ in (2 * generator.nextUnit() - 1) * scale }, shape: shape)
}

/// Central finite differences of `f` at `points` along `directions`.
private func directionalDerivative(_ f: Function<NDArray>, _ points: [NDArray], _ directions: [NDArray], eps: Double = 1e-6) throws -> [Double] {
    func shifted(_ sign: Double) -> [NDArray] {
        zip(points, directions).map { p, d in NDArray(zip(p.doubles, d.doubles).map { $0 + sign * eps * $1 }, shape: p.shape) }
    }
    return zip(try f.call(shifted(1)).doubles, try f.call(shifted(-1)).doubles).map { ($0 - $1) / (2 * eps) }
}

/// Theano's `Scan.R_op`: `rop` of a scan's outputs is a second scan, over the step and its R-operator.
@Suite struct ScanROpTests {
    /// h_t = tanh(W · h_{t-1} + x_t), a sequence, a recurrent state with tap -1 and a non-sequence; and a
    /// map-like output y_t = sum(h_{t-1} · x_t) beside it.
    private func rnn(_ x: TensorVariable, _ h0: TensorVariable, _ W: TensorVariable) throws -> [TensorVariable] {
        try scan({ s in [tanh(dot(s[2], s[1]) + s[0]), (s[1] * s[0]).sum()] }, sequences: [x],
                 outputsInfo: [ScanOutput(initial: h0), nil], nonSequences: [W]).outputs
    }

    private let points = [values([4, 3], seed: 1), values([3], seed: 2), values([3, 3], seed: 3, scale: 0.7)]
    private let directions = [values([4, 3], seed: 11), values([3], seed: 12), values([3, 3], seed: 13)]

    @Test func theRopOfAnRNNIsItsDirectionalDerivative() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let vx = dmatrix("vx"), vh = dvector("vh"), vW = dmatrix("vW")
        let outs = try rnn(x, h0, W)
        let tangents = try rop(outs, wrt: [x, h0, W], evalPoints: [vx, vh, vW])
        #expect(tangents.map(\.type) == outs.map(\.type))
        #expect(tangents.allSatisfy { $0.owner?.op is Scan }, "the R-operator is itself a scan")
        let jv = try function([x, h0, W, vx, vh, vW], tangents)
        let results = try jv.call(points + directions)
        for k in outs.indices {
            let numeric = try directionalDerivative(try function([x, h0, W], outs[k]), points, directions)
            #expect(results[k].shape == (k == 0 ? [4, 3] : [4]))
            #expect(close(results[k].doubles, numeric, tolerance: 1e-7), "output \(k): \(results[k].doubles) vs \(numeric)")
        }
        // The VM gives what the reference executor gives.
        let reference = try function([x, h0, W, vx, vh, vW], tangents, mode: .reference).call(points + directions)
        for (a, b) in zip(results, reference) { #expect(close(a.doubles, b.doubles, tolerance: 1e-12)) }
    }

    @Test func theRopOfAnRNNIsItsJacobianTimesTheEvalPoint() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let vx = dmatrix("vx"), vh = dvector("vh"), vW = dmatrix("vW")
        let states = try rnn(x, h0, W)[0]
        let tangent = try rop([states], wrt: [x, h0, W], evalPoints: [vx, vh, vW])[0]
        // J·v summed over the three variables, each Jacobian of the flattened states.
        let flat = states.flatten()
        let jx = try jacobian(flat, wrt: x), jh = try jacobian(flat, wrt: h0), jW = try jacobian(flat, wrt: W)
        let jv = (jx * vx.dimshuffle(nil, 0, 1)).sum(axes: [1, 2]) + dot(jh, vh) + (jW * vW.dimshuffle(nil, 0, 1)).sum(axes: [1, 2])
        let f = try function([x, h0, W, vx, vh, vW], [tangent.flatten(), jv])
        let results = try f.call(points + directions)
        #expect(results[0].shape == [12])
        #expect(close(results[0].doubles, results[1].doubles, tolerance: 1e-12), "\(results[0].doubles) vs \(results[1].doubles)")
        // And one variable alone: only the non-sequence moves.
        let alone = try rop(states, wrt: W, evalPoint: vW)
        let g = try function([x, h0, W, vW], [alone.flatten(), (jW * vW.dimshuffle(nil, 0, 1)).sum(axes: [1, 2])])
        let pair = try g.call([points[0], points[1], points[2], directions[2]])
        #expect(close(pair[0].doubles, pair[1].doubles, tolerance: 1e-12))
        #expect(pair[0].doubles.contains { abs($0) > 1e-3 })
    }

    @Test func aStateReadAtTwoTapsCarriesItsTangentAtBothTaps() throws {
        // z_t = a · z_{t-2} + sin(z_{t-1}): the tangent loop reads the tangents at the same taps.
        let start = dvector("start"), a = dscalar("a"), vs = dvector("vs"), va = dscalar("va")
        let (outs, _) = try scan({ s in [s[2] * s[0] + sin(s[1])] }, outputsInfo: [ScanOutput(initial: start, taps: [-2, -1])],
                                 nonSequences: [a], nSteps: 6)
        let tangent = try rop([outs[0]], wrt: [start, a], evalPoints: [vs, va])[0]
        let at = [NDArray([0.3, -0.5]), NDArray(scalar: 0.8)], along = [NDArray([1.0, 0.5]), NDArray(scalar: -0.7)]
        let result = try function([start, a, vs, va], tangent).call(at + along)
        let numeric = try directionalDerivative(try function([start, a], outs[0]), at, along)
        #expect(result.shape == [6])
        #expect(close(result.doubles, numeric, tolerance: 1e-7), "\(result.doubles) vs \(numeric)")
    }

    @Test func theHessianTimesAVectorOfAScannedCost() throws {
        // Theano's recipe rop(grad(cost, x), x, v): the R-operator of the backward loop is that of the
        // same loop written as a scan. The double pull-back gets the same.
        let x = dvector("x"), v = dvector("v")
        let total = try foldl({ s in s[1] + sin(s[0]) * s[0] }, sequences: [x], initial: constant(0.0))
        let g = try grad(total, wrt: x)
        let hv = try rop(g, wrt: x, evalPoint: v)
        let pulled = try rop(g, wrt: x, evalPoint: v, method: .throughPullback)
        let xv: [Double] = [0.2, -0.4, 1.1], vv: [Double] = [1.0, 2.0, -1.0]
        // d²/dx² (x sin x) = 2 cos x - x sin x, diagonal.
        let expected = zip(xv, vv).map { (x: Double, v: Double) -> Double in (2 * Foundation.cos(x) - x * Foundation.sin(x)) * v }
        #expect(close(try function([x, v], hv)(xv, vv).doubles, expected, tolerance: 1e-10))
        #expect(close(try function([x, v], pulled)(xv, vv).doubles, expected, tolerance: 1e-10))
    }

    @Test func theHessianTimesAVectorOfAnRNNCostIsTheHessianTimesTheVector() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W"), v = dvector("v")
        let states = try rnn(x, h0, W)[0]
        let cost = (states * states).sum()
        let hv = try rop(try grad(cost, wrt: h0), wrt: h0, evalPoint: v)
        let product = dot(try hessian(cost, wrt: h0), v)
        let f = try function([x, h0, W, v], [hv, product])
        let results = try f.call(points + [directions[1]])
        #expect(close(results[0].doubles, results[1].doubles, tolerance: 1e-10), "\(results[0].doubles) vs \(results[1].doubles)")
        #expect(results[0].doubles.contains { abs($0) > 1e-3 })
    }

    @Test func aLoopWithAnUntilConditionHasNoROperator() throws {
        let x = dscalar("x"), v = dscalar("v")
        let (outs, _) = try scan({ s in
            let next = s[0] * s[1]
            return ScanStep([next], until: gt(next, 10.0))
        }, outputsInfo: [ScanOutput(initial: constant(1.0))], nonSequences: [x], nSteps: 20)
        let error = try #require(throws: TheanoError.self) { try rop(outs[0], wrt: x, evalPoint: v) }
        #expect(error.kind == .unsupported)
        #expect(error.message.hasPrefix("rop: Scan{1 outputs, until} has no R-operator (scan's R-operator is not defined for a loop with an until condition)"), "\(error.message)")
    }
}
