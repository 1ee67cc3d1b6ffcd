import Foundation
import Testing
@testable import Theano

/// Deterministic sample values of a shape.
private func sample(_ shape: [Int], _ seed: Int = 0) -> NDArray {
    let count = shape.reduce(1, *)
    return NDArray((0..<count).map { Double(($0 * 5 + seed * 3) % 7) * 0.2 - 0.6 }, shape: shape)
}

/// Theano's `Scan.infer_shape`: the shape of a scan's outputs is known from its inputs' shapes, so asking
/// for it does not run the loop.
@Suite struct ScanShapeTests {
    /// Compiles `outputs`, checks no scan is left in the optimized graph, and returns the values.
    private func shapesWithoutTheLoop(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ args: [NDArray]) throws -> [[Int]] {
        let f = try function(inputs, outputs.map(\.shape), onUnusedInput: .ignore)
        #expect(!f.graph.toposort.contains { $0.op is Scan }, "the shape graph still runs the loop: \(f.graph.toposort.map { "\($0.op)" })")
        return try f.call(args).map { $0.scalars(as: Int64.self).map(Int.init) }
    }

    private func shapesByRunning(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ args: [NDArray]) throws -> [[Int]] {
        try function(inputs, outputs, mode: .reference, onUnusedInput: .ignore).call(args).map(\.shape)
    }

    @Test func anRNNsStatesAndMappedOutputsHaveTheirShapeWithoutRunningTheLoop() throws {
        let x = dmatrix("x"), h0 = dvector("h0"), W = dmatrix("W")
        // h_t = tanh(W · h_{t-1} + x_t), and y_t = [x_t, h_{t-1}] joined: 3 + 3 = 6 per step.
        let (outs, _) = try scan({ s in [tanh(dot(s[2], s[1]) + s[0]), concatenate([s[0], s[1]])] }, sequences: [x],
                                 outputsInfo: [ScanOutput(initial: h0), nil], nonSequences: [W])
        let args = [sample([5, 3]), sample([3], 1), sample([3, 3], 2)]
        let shapes = try shapesWithoutTheLoop([x, h0, W], outs, args)
        #expect(shapes == [[5, 3], [5, 6]])
        #expect(try shapes == shapesByRunning([x, h0, W], outs, args))
        // The node's inferShape alone says the same, from symbolic input shapes.
        let node = try #require(outs[0].owner)
        let inferred = try #require(node.op.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)))
        #expect(inferred.map(\.count) == [2, 2])
    }

    @Test func statesReadAtSeveralTapsStoreOneRowPerStep() throws {
        // Fibonacci: the initial states are two rows, the output has one row per step.
        let start = dmatrix("start"), n = lscalar("n")
        let (outs, _) = try scan({ [$0[0] + $0[1]] }, outputsInfo: [ScanOutput(initial: start, taps: [-2, -1])], nSteps: n)
        let args = [sample([2, 4]), NDArray(scalar: Int64(7))]
        let shapes = try shapesWithoutTheLoop([start, n], outs, args)
        #expect(shapes == [[7, 4]])
        #expect(try shapes == shapesByRunning([start, n], outs, args))
    }

    @Test func aSequenceReadAtSeveralTapsGivesItsLengthLessTheSpan() throws {
        let u = dvector("u")
        let (outs, _) = try scan({ s in [s[0] - 2 * s[1] + s[2]] }, sequences: [ScanSequence(u, taps: [-1, 0, 1])])
        let args = [sample([9])]
        let shapes = try shapesWithoutTheLoop([u], outs, args)
        #expect(shapes == [[7]])
        #expect(try shapes == shapesByRunning([u], outs, args))
    }

    @Test func aSizeReadFromANonSequencesValueIsKnown() throws {
        // Each step allocates a row of k zeros: k is a non-sequence, known outside the loop.
        let v = dvector("v"), k = lscalar("k")
        let (outs, _) = try scan({ s in [alloc(s[0], s[1])] }, sequences: [v], nonSequences: [k])
        let args = [sample([4]), NDArray(scalar: Int64(3))]
        let shapes = try shapesWithoutTheLoop([v, k], outs, args)
        #expect(shapes == [[4, 3]])
        #expect(try shapes == shapesByRunning([v, k], outs, args))
    }

    @Test func aSizeComputedInsideTheStepRunsTheLoop() throws {
        // The row length is a sequence's value: only running the step tells it.
        let v = dvector("v"), lengths = lvector("lengths")
        let (outs, _) = try scan({ s in [alloc(s[0], s[1])] }, sequences: [v, lengths])
        let node = try #require(outs[0].owner)
        let inferred = try #require(node.op.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)))
        #expect(inferred == [[]], "an unknown shape is an empty list")
        let f = try function([v, lengths], outs[0].shape)
        #expect(f.graph.toposort.contains { $0.op is Scan })
        #expect(try f(sample([3]), NDArray([Int64(2), 2, 2])).scalars(as: Int64.self) == [3, 2])
    }

    @Test func aLoopWithAnUntilConditionRunsForItsShape() throws {
        // Doubling until past 40: 1 → 2, 4, …, 64 is six steps of the twenty allowed.
        let start = dscalar("start")
        let (outs, _) = try scan({ s in
            let next = s[0] * 2
            return ScanStep([next], until: gt(next, 40.0))
        }, outputsInfo: [ScanOutput(initial: start)], nSteps: 20)
        let node = try #require(outs[0].owner)
        #expect(node.op.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)) == [[]])
        let f = try function([start], outs[0].shape)
        #expect(f.graph.toposort.contains { $0.op is Scan })
        #expect(try f(1.0).scalars(as: Int64.self) == [6])
    }

    @Test func anOutputKeepingOnlyItsLastStepHasOneRow() throws {
        // What `scan_save_mem` makes of `states[-1]`: the loop stores one row.
        let v = dvector("v")
        let states = try scan({ [$0[0] + $0[1]] }, sequences: [v], outputsInfo: [ScanOutput(initial: constant(0.0))]).outputs[0]
        var lean = try #require(states.owner?.op as? Scan)
        lean.lastStepOnly = [0]
        let node = lean.apply(try #require(states.owner).inputs)
        let inferred = try #require(lean.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)))
        #expect(inferred[0].count == 1 && SymbolicShape.value(inferred[0][0]) == 1)
        #expect(try function([v], node.outputs[0], mode: .reference)(sample([5])).shape == [1])
    }

    /// Theano's documented consequence: the shape is found without running the loop, so the loop's own
    /// checks do not run. A sequence shorter than nSteps is an error only when the loop runs.
    @Test func aShapeFoundWithoutTheLoopDoesNotCheckWhatTheLoopChecks() throws {
        let v = dvector("v")
        let (outs, _) = try scan({ s in [s[0] * 2] }, sequences: [v], nSteps: 5)
        #expect(throws: TheanoError.self) { try function([v], outs[0])(sample([3])) }
        #expect(try function([v], outs[0].shape)(sample([3])).scalars(as: Int64.self) == [5])
    }
}
