import Foundation
import Testing
@testable import Theano

@Suite struct ScanTests {
    @Test func cumulativeSumWithARecurrentState() throws {
        let v = dvector("v")
        let (outs, _) = try scan({ [$0[0] + $0[1]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))])
        #expect(try evaluate([v], outs[0], [[1.0, 2.0, 3.0]]).doubles == [1, 3, 6])
        let total = try foldl({ $0[0] * $0[1] }, sequences: [v], initial: constant(1.0))
        #expect(try evaluate([v], total, [[1.0, 2.0, 3.0, 4.0]]).item() == 24)
        let backwards = try scan({ [$0[0] + $0[1]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))], goBackwards: true).outputs[0]
        #expect(try evaluate([v], backwards, [[1.0, 2.0, 3.0]]).doubles == [3, 5, 6])
    }

    @Test func mapAndNonSequences() throws {
        let m = dmatrix("m"), w = dvector("w")
        let rows = try map({ ($0[0] * $0[1]).sum() }, sequences: [m], nonSequences: [w])
        #expect(try evaluate([m, w], rows, [[[1.0, 2.0], [3.0, 4.0]], [10.0, 1.0]]).doubles == [12, 34])
    }

    @Test func fibonacciWithTwoTaps() throws {
        let (outs, _) = try scan({ [$0[0] + $0[1]] }, outputsInfo: [ScanOutput(initial: constant(NDArray([0, 1])), taps: [-2, -1])], nSteps: 8)
        #expect(try outs[0].eval().scalars(as: Int64.self) == [1, 2, 3, 5, 8, 13, 21, 34])
    }

    /// A 1,000-step RNN forward and backward matches the same network unrolled into one graph.
    @Test func rnnMatchesTheUnrolledGraph() throws {
        let steps = 1000, n = 3
        var generator = SplitMix64(seed: 9)
        let xs = NDArray((0..<steps * n).map { _ in generator.nextUnit() - 0.5 }, shape: [steps, n])
        let wValue = NDArray((0..<n * n).map { _ in (generator.nextUnit() - 0.5) * 0.8 }, shape: [n, n])
        let uValue = NDArray((0..<n * n).map { _ in (generator.nextUnit() - 0.5) * 0.8 }, shape: [n, n])
        let x = dmatrix("x"), W = dmatrix("W"), U = dmatrix("U"), h0 = dvector("h0")
        let (states, _) = try scan({ s in [tanh(dot(s[2], s[0]) + dot(s[3], s[1]))] }, sequences: [x],
                                   outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W, U])
        let cost = states[0].sum()
        let scanned = try function([x, h0, W, U], [cost] + (try grad(cost, wrt: [W, U, h0])), mode: .reference)

        // The unrolled graph: the same step written out 1,000 times over constant slices.
        let xd = xs.doubles
        var h: TensorVariable = h0
        var unrolledCost: TensorVariable = constant(0.0)
        for t in 0..<steps {
            let xt = constant(NDArray(Array(xd[t * n..<(t + 1) * n]), shape: [n]))
            h = tanh(dot(W, xt) + dot(U, h))
            unrolledCost = unrolledCost + h.sum()
        }
        let unrolled = try function([h0, W, U], [unrolledCost] + (try grad(unrolledCost, wrt: [W, U, h0])), mode: .reference, onUnusedInput: .ignore)
        let h0Value = NDArray([0.1, -0.2, 0.3])
        let a = try scanned(xs, h0Value, wValue, uValue), b = try unrolled(h0Value, wValue, uValue)
        for (p, q) in zip(a, b) { #expect(close(p.doubles, q.doubles, tolerance: 1e-9)) }
        // The VM runs scan's step and its gradient on the VM too; it must agree with the reference.
        let onVM = try function([x, h0, W, U], [cost] + (try grad(cost, wrt: [W, U, h0])), mode: .fastRun)
        for (p, q) in zip(try onVM(xs, h0Value, wValue, uValue), a) { #expect(close(p.doubles, q.doubles, tolerance: 1e-12)) }
    }

    @Test func loopInvariantWorkMovesOutOfTheStep() throws {
        let xs = dmatrix("xs"), W = dmatrix("W")
        let (outs, _) = try scan({ s in [tanh(dot(exp(s[1]) * 2, s[0]))] }, sequences: [xs], nonSequences: [W])
        // The optimizer's scan_pushout moves exp(W) * 2 before the loop; the step as written keeps it.
        func stepOps(_ scan: Scan) -> [String] { GraphWalk.topologicalNodes(outputs: scan.inner.outputs).map { "\($0.op)" } }
        let built = try #require(outs[0].owner?.op as? Scan)
        #expect(stepOps(built).contains { $0.contains("exp") })
        var mode = Mode.fastRun
        mode.recordRewrites = true
        let compiled = try function([xs, W], outs[0], mode: mode)
        let optimized = try #require(compiled.graph.toposort.compactMap { $0.op as? Scan }.first)
        #expect(!stepOps(optimized).contains { $0.contains("exp") }, "\(stepOps(optimized))")
        #expect(compiled.rewriteReport.count("scan_pushout") == 1)
        let xsValue = NDArray([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]), wValue = NDArray([[0.1, -0.2], [0.3, 0.0]])
        let direct = tanh(dot(xs, (exp(W) * 2).T))
        #expect(close(try evaluate([xs, W], outs[0], [xsValue, wValue]).doubles, try evaluate([xs, W], direct, [xsValue, wValue]).doubles))
        try verifyGrad({ v in
            try! scan({ s in [tanh(dot(exp(s[1]) * 2, s[0]))] }, sequences: [v[0]], nonSequences: [v[1]]).outputs[0]
        }, at: [xsValue, wValue])
    }

    @Test func onlyTheLastStepIsKeptWhenOnlyItIsRead() throws {
        let v = dvector("v")
        let (outs, _) = try scan({ [$0[0] + $0[1]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))])
        let last = try function([v], outs[0][-1])
        let scans = last.graph.toposort.compactMap { $0.op as? Scan }
        #expect(scans.count == 1 && scans[0].lastStepOnly == [0])
        #expect(try last([1.0, 2.0, 3.0, 4.0]).item() == 10)
        #expect(try function([v], outs[0][-1], mode: .reference)([1.0, 2.0, 3.0, 4.0]).item() == 10)
        // When the whole history is read too, every step is kept.
        let both = try function([v], [outs[0], outs[0][-1]])
        #expect(both.graph.toposort.compactMap { $0.op as? Scan }.allSatisfy { $0.lastStepOnly.isEmpty })
        #expect(try both([1.0, 2.0, 3.0])[0].doubles == [1, 3, 6])
    }

    @Test func truncatedGradientStopsEarly() throws {
        let v = dvector("v"), w = dscalar("w")
        let states = try scan({ [$0[1] * $0[2] + $0[0]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))], nonSequences: [w], truncateGradient: 1).outputs[0]
        let g = try grad(states[-1], wrt: w)
        // Only the last step contributes: d(h_T)/dw through one step is h_{T-1}.
        #expect(try evaluate([v, w], g, [[1.0, 1.0, 1.0], 2.0]).item() == 3)
    }

    /// Regression: the state was read past its buffer, a crash for taps [-1, -4000000] and garbage for
    /// taps [-2, -1] over an empty initial state.
    @Test func anInitialStateShorterThanItsDeepestTapIsAnError() throws {
        let h0 = dvector("h0")
        for (taps, initial) in [([-1, -4_000_000], [1.0, 2.0]), ([-2, -1], [])] {
            let out = try scan({ [$0[0] + $0[1]] }, outputsInfo: [ScanOutput(initial: h0, taps: taps)], nSteps: 3).outputs[0]
            for mode in [Mode.reference, .fastRun] {
                let error = try #require(throws: TheanoError.self) { try function([h0], out, mode: mode)(initial) }
                #expect(error.kind == .shapeMismatch, "\(error)")
                #expect(error.message.contains("scan: output 0 reads taps \(taps.sorted())"), "\(error)")
                #expect(error.message.contains("needs \(-taps.min()!) steps on its first axis, but it has \(initial.count)"), "\(error)")
                #expect(error.message.contains("input 1: h0"), "\(error)")
            }
        }
    }

    @Test func sequenceTooShortIsAnError() throws {
        let v = dvector("v")
        let out = try scan({ [$0[0] * 2] }, sequences: [v], nSteps: 5).outputs[0]
        #expect(throws: TheanoError.self) { try evaluate([v], out, [[1.0, 2.0]]) }
    }
}

@Suite struct JacobianTests {
    @Test func jacobianOfAVectorFunction() throws {
        let x = dvector("x")
        let J = try jacobian(x ** 2, wrt: x)
        #expect(try evaluate([x], J, [[1.0, 2.0, 3.0]]).rows() == [[2, 0, 0], [0, 4, 0], [0, 0, 6]])
    }

    @Test func hessianOfAQuadratic() throws {
        let x = dvector("x")
        let A = constant(NDArray([[2.0, 1.0], [1.0, 3.0]]))
        let H = try hessian(0.5 * dot(x, dot(A, x)), wrt: x)
        #expect(try evaluate([x], H, [[0.3, -0.7]]).rows() == [[2, 1], [1, 3]])
    }
}
