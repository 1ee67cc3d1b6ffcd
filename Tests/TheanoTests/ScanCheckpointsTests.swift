import Foundation
import Testing
@testable import Theano

/// Deterministic values in [-1, 1).
private func values(_ shape: [Int], seed: UInt64, scale: Double = 1) -> NDArray {
    var generator = SplitMix64(seed: seed)
    return NDArray((0..<shape.reduce(1, *)).map { _ in (2 * generator.nextUnit() - 1) * scale }, shape: shape)
}

/// Theano's `scan_checkpoints`: the states of every saveEveryN-th step, with scan's gradients.
@Suite struct ScanCheckpointsTests {
    /// h_t = tanh(W · h_{t-1} + x_t).
    private func step(_ s: [TensorVariable]) -> [TensorVariable] { [tanh(dot(s[2], s[1]) + s[0])] }

    private let xs = values([10, 3], seed: 1), h = values([3], seed: 2), w = values([3, 3], seed: 3, scale: 0.8)

    @Test func theCheckpointsAreEveryNthStateAndTheLast() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let all = try scan(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W]).outputs[0]
        // Ten steps in blocks of three: the states after steps 3, 6, 9 and 10.
        let saved = try scanCheckpoints(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W], saveEveryN: 3).outputs[0]
        let f = try function([x, h0, W], [saved, all])
        let (checkpoints, states) = try { let r = try f(xs, h, w); return (r[0], r[1]) }()
        #expect(checkpoints.shape == [4, 3])
        let expected = [2, 5, 8, 9].flatMap { t in Array(states.doubles[(t * 3)..<(t * 3 + 3)]) }
        #expect(close(checkpoints.doubles, expected, tolerance: 1e-14), "\(checkpoints.doubles) vs \(expected)")
        // Five divides ten: steps 5 and 10, exactly scan's states[4::5].
        let halves = try scanCheckpoints(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W], saveEveryN: 5).outputs[0]
        #expect(close(try function([x, h0, W], halves)(xs, h, w).doubles, try function([x, h0, W], all[.slice(4, nil, 5)])(xs, h, w).doubles, tolerance: 1e-14))
    }

    @Test func gradientsAreScansGradients() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let all = try scan(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W]).outputs[0]
        let saved = try scanCheckpoints(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W], saveEveryN: 4).outputs[0]
        // The same cost both ways: the last state and the square of the state after step 4.
        let cost = saved[-1].sum() + (saved[0] * saved[0]).sum()
        let reference = all[-1].sum() + (all[3] * all[3]).sum()
        let f = try function([x, h0, W], try grad(cost, wrt: [x, h0, W]))
        let g = try function([x, h0, W], try grad(reference, wrt: [x, h0, W]))
        for (a, b) in zip(try f(xs, h, w), try g(xs, h, w)) {
            #expect(a.shape == b.shape)
            #expect(close(a.doubles, b.doubles, tolerance: 1e-12), "\(a.doubles) vs \(b.doubles)")
        }
        try verifyGrad({ v in
            try! scanCheckpoints(step, sequences: [v[0]], outputsInfo: [ScanOutput(initial: v[1])], nonSequences: [v[2]], saveEveryN: 3).outputs[0]
        }, at: [values([7, 3], seed: 4), h, w])
    }

    @Test func theForwardLoopKeepsOneStatePerBlock() throws {
        // Inside each block, scan_save_mem keeps only the inner loop's last state.
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        let saved = try scanCheckpoints(step, sequences: [x], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W], saveEveryN: 5).outputs[0]
        let outer = try #require(saved.owner?.op as? Scan)
        let innerScans = outer.inner.graph.toposort.compactMap { $0.op as? Scan }
        #expect(innerScans.count == 1)
        #expect(innerScans.first?.lastStepOnly == [0])
    }

    @Test func backwardsWithNStepsAndNoSequences() throws {
        // A loop without sequences: z_t = 0.5 · z_{t-1} + 1 for seven steps, saved every third.
        let z0 = dscalar("z0")
        let saved = try scanCheckpoints({ [$0[0] * 0.5 + 1] }, outputsInfo: [ScanOutput(initial: z0)], nSteps: 7, saveEveryN: 3).outputs[0]
        var z = 4.0, expected: [Double] = []
        for t in 1...7 { z = z * 0.5 + 1; if t % 3 == 0 || t == 7 { expected.append(z) } }
        #expect(close(try function([z0], saved)(4.0).doubles, expected))
        // Backwards over a sequence: the same as scan backwards.
        let v = dvector("v")
        let back = try scanCheckpoints({ [$0[1] * 0.9 + $0[0]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))], saveEveryN: 2, goBackwards: true).outputs[0]
        let plain = try scan({ [$0[1] * 0.9 + $0[0]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))], goBackwards: true).outputs[0]
        let vs: [Double] = [1, 2, 3, 4, 5]
        #expect(close(try function([v], back)(vs).doubles, try function([v], plain[.slice(1, nil, 2)])(vs).doubles + [try function([v], plain[-1])(vs).item()]))
    }

    @Test func badArgumentsAreRefused() throws {
        let v = dvector("v")
        let zero = try #require(throws: TheanoError.self) {
            try scanCheckpoints({ [$0[0] + $0[1]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))], saveEveryN: 0)
        }
        #expect(zero.message == "scanCheckpoints: saveEveryN must be at least 1, got 0")
        let mapped = try #require(throws: TheanoError.self) { try scanCheckpoints({ [$0[0] * 2] }, sequences: [v], outputsInfo: [nil]) }
        #expect(mapped.message.hasPrefix("scanCheckpoints: output 0 has no initial state"), "\(mapped.message)")
        let taps = try #require(throws: TheanoError.self) {
            try scanCheckpoints({ [$0[0] + $0[1]] }, outputsInfo: [ScanOutput(initial: v, taps: [-2, -1])], nSteps: 4)
        }
        #expect(taps.message == "scanCheckpoints: output 0 reads taps [-2, -1]; only the single tap [-1] is supported")
    }
}
