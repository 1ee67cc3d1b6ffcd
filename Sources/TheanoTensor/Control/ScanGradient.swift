/// Backpropagation through time: a second loop that runs the step function's gradient backwards,
/// carrying the gradient of each recurrent state from step to step.
package enum ScanGradient {
    package static func grad(_ scan: Scan, _ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let inner = scan.inner
        // The until condition, the step's last output when there is one, has no gradient.
        let stepOutputs = Array(inner.outputs.prefix(scan.outputTaps.count))
        let innerGrads = stepOutputs.map { TensorVariable(type: $0.type, name: "g_\($0.name ?? "out")") }
        let wrt = inner.inputs + inner.freeVariables
        // Inner inputs for the gradient graph: fresh stand-ins, so the free variables become plain inputs.
        let raw = try Gradient.backward(outputs: stepOutputs, outputGrads: innerGrads, wrt: wrt)
        let gradOutputs = zip(wrt, raw).map { v, g in g ?? zerosLike(v, dtype: v.dtype.isDiscrete ? .float64 : v.dtype) }
        let gradGraph = try InnerGraph(inputs: wrt + innerGrads, outputs: gradOutputs)
        let filledGrads = zip(outputs, outputGrads).map { out, g in g ?? zerosLike(out) }
        let op = ScanGrad(forward: scan, box: InnerGraphBox(gradGraph))
        let node = op.apply(inputs + outputs + filledGrads)
        let grads = node.outputs
        return [nil] + inputs.dropFirst().indices.map { i in
            inputs[i].dtype.isDiscrete ? nil : cast(grads[i - 1], inputs[i].dtype)
        }
    }
}

/// The backward loop of a ``Scan``. Inputs: the scan's inputs, its outputs, and the gradients of its
/// outputs. Outputs: one gradient per scan input after nSteps.
public struct ScanGrad: SubgraphOp {
    package let forward: Scan
    package let box: InnerGraphBox
    package var innerGraphs: [InnerGraph] { [box.graph] }
    public var description: String { "ScanGrad" }

    public static func == (a: ScanGrad, b: ScanGrad) -> Bool { a.box == b.box }
    public func hash(into h: inout Hasher) { h.combine(box) }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let count = inputs.count - 2 * forward.outputTaps.count
        return inputs[1..<count].map { TensorType($0.dtype.isDiscrete ? .float64 : $0.dtype, $0.broadcastable) }
    }

    /// Each gradient has the shape of the scan input it belongs to.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        Array(inputShapes[1..<(inputs.count - 2 * forward.outputTaps.count)])
    }

    package func perform(_ inputs: [NDArray], subgraphs: [any Program]) throws -> [NDArray] {
        let k = forward.outputTaps.count
        let scanInputs = Array(inputs[0..<(inputs.count - 2 * k)])
        let outs = Array(inputs[(inputs.count - 2 * k)..<(inputs.count - k)])
        let gouts = Array(inputs[(inputs.count - k)...])
        // A loop with an until condition ran as many steps as its outputs have rows.
        let steps = forward.hasUntil ? (outs.first?.shape.first ?? 0) : Int(scanInputs[0].item(as: Int64.self))
        let s = forward.sequenceCount, recurrent = forward.recurrentIndices
        let sequences = Array(scanInputs[1..<(1 + s)])
        let initials = Array(scanInputs[(1 + s)..<(1 + s + recurrent.count)])
        let rest = Array(scanInputs[(1 + s + recurrent.count)...])

        let sequenceGrads = sequences.map { NDArray(zeros: $0.shape, dtype: $0.dtype.isDiscrete ? .float64 : $0.dtype) }
        var restGrads = rest.map { NDArray(zeros: $0.shape, dtype: $0.dtype.isDiscrete ? .float64 : $0.dtype) }
        // Each recurrent output's history z: its `depth` initial states, then one row per step (step t
        // gives z[depth + t] and reads z[depth + t + tap]). zGrads[r] accumulates the gradient of each
        // row; a row's is complete once every later step that reads it has run.
        let taps = recurrent.map { forward.outputTaps[$0] }
        let depths = taps.map { -$0[0] }
        let single = taps.map { $0 == [-1] }
        let initialRows = initials.map(RowViews.init)
        let zGrads = recurrent.indices.map { r in
            let state = single[r] ? initials[r].shape : Array(initials[r].shape.dropFirst())
            return NDArray(zeros: [depths[r] + steps] + state, dtype: initials[r].dtype)
        }
        let zGradRows = zGrads.map(RowViews.init)
        let first = forward.truncateGradient > 0 ? Swift.max(0, steps - forward.truncateGradient) : 0
        let sequenceRows = sequences.map(RowViews.init), outRows = outs.map(RowViews.init), gradientRows = gouts.map(RowViews.init)
        let stateSlotCount = taps.reduce(0) { $0 + $1.count }
        for t in stride(from: steps - 1, through: first, by: -1) {
            let index = forward.goBackwards ? steps - 1 - t : t
            var args = sequenceRows.map { $0[index] }
            for (r, kOut) in recurrent.enumerated() {
                for tap in taps[r] {
                    let row = depths[r] + t + tap
                    args.append(row >= depths[r] ? outRows[kOut][row - depths[r]] : single[r] ? initials[r] : initialRows[r][row])
                }
            }
            args += rest
            var g = gradientRows.map { $0[t] }
            for (r, kOut) in recurrent.enumerated() {
                g[kOut] = try ScalarEvaluation.evaluate(.add, [g[kOut], zGradRows[r][depths[r] + t]], shape: g[kOut].shape).astype(zGrads[r].dtype)
            }
            let results = try subgraphs[0].run(args + g)
            for i in 0..<s {
                var row = sequenceGrads[i].sliced([(start: index, count: 1, step: 1)], dropping: [0])
                row.assign(from: try ScalarEvaluation.evaluate(.add, [row, results[i]], shape: row.shape).astype(row.dtype))
            }
            var slot = s
            for r in recurrent.indices {
                for tap in taps[r] {
                    var row = zGradRows[r][depths[r] + t + tap]
                    row.assign(from: try ScalarEvaluation.evaluate(.add, [row, results[slot]], shape: row.shape).astype(row.dtype))
                    slot += 1
                }
            }
            for j in rest.indices {
                restGrads[j] = try ScalarEvaluation.evaluate(.add, [restGrads[j], results[s + stateSlotCount + j]], shape: restGrads[j].shape).astype(restGrads[j].dtype)
            }
        }
        // The initial states' gradients: the rows before the first step run (row `first` with
        // truncation, as the gradient reaching the oldest state read).
        let initialGrads = recurrent.indices.map { r -> NDArray in
            if single[r] { return zGradRows[r][first].contiguous() }
            let grad = NDArray(zeros: initials[r].shape, dtype: initials[r].dtype)
            var head = grad.sliced([(start: 0, count: depths[r], step: 1)], dropping: [])
            head.assign(from: zGrads[r].sliced([(start: first, count: depths[r], step: 1)], dropping: []))
            return grad
        }
        return sequenceGrads + initialGrads + restGrads
    }

    /// The gradient of the backward loop, through the same loop written as a ``Scan`` (see `ScanGradAsScan`).
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        try ScanGradAsScan.grad(self, inputs, outputs, outputGrads)
    }
}
