// Second derivatives through scan: the backward loop's own gradient.

/// ``ScanGrad`` runs backpropagation through time as one op. For its gradient, the same loop is written
/// as an ordinary ``Scan`` over the reversed time steps (Theano's form of a scan's gradient), whose
/// value equals the op's outputs, and that scan is differentiated: so `hessian`, `grad` of a gradient
/// and `rop` work for a cost computed by scan, as far as the step's own ops
/// are twice differentiable.
///
/// The reversed scan carries, for each recurrent output, the gradient still pending for the states its
/// taps read (one state for the single tap -1, a window of `depth` states otherwise), and the gradients
/// of the non-sequences summed so far; its step is the step function's gradient graph.
package enum ScanGradAsScan {
    package static func grad(_ op: ScanGrad, _ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard op.forward.truncateGradient <= 0 else {
            throw TheanoError(.unsupported, "grad of ScanGrad: second derivatives through a scan with truncateGradient (\(op.forward.truncateGradient)) are not defined")
        }
        // Built on stand-ins, so the gradient stops at the op's inputs: the forward outputs among them
        // depend on the other inputs too, and the caller's backward pass carries that part.
        let standIns = inputs.map { TensorVariable(type: $0.type, name: $0.name) }
        let equivalent = try backwardLoop(op, standIns)
        let seeds = zip(equivalent, outputGrads).map { v, g in g ?? zerosLike(v) }
        let grads = try Gradient.backward(outputs: equivalent, outputGrads: seeds, wrt: standIns)
        var back: [TensorVariable: TensorVariable] = [:]
        for (standIn, input) in zip(standIns, inputs) { back[standIn] = input }
        return zip(inputs, ROpPropagation.replacing(grads, back)).map { x, g in x.dtype.isDiscrete ? nil : g }
    }

    /// The backward loop of `op` on `inputs` as a ``Scan``: one value per output of the op.
    package static func backwardLoop(_ op: ScanGrad, _ inputs: [TensorVariable]) throws -> [TensorVariable] {
        let forward = op.forward
        let count = forward.outputTaps.count, s = forward.sequenceCount, recurrent = forward.recurrentIndices
        let scanInputs = Array(inputs[0..<(inputs.count - 2 * count)])
        let outs = Array(inputs[(inputs.count - 2 * count)..<(inputs.count - count)])
        let gouts = Array(inputs[(inputs.count - count)...])
        let sequences = Array(scanInputs[1..<(1 + s)])
        let initials = Array(scanInputs[(1 + s)..<(1 + s + recurrent.count)])
        let rest = Array(scanInputs[(1 + s + recurrent.count)...])
        let taps = recurrent.map { forward.outputTaps[$0] }
        let depths = taps.map { -$0[0] }
        let single = taps.map { $0 == [-1] }
        let stateSlotCount = taps.reduce(0) { $0 + $1.count }
        // A loop with an until condition ran as many steps as its outputs have rows.
        let n = forward.hasUntil ? shapeI(outs[0], 0) : cast(scanInputs[0], .int64)
        let reversed = TensorIndex.slice(nil, nil, -1)
        func firstSteps(_ v: TensorVariable, from start: TensorVariable? = nil) -> TensorVariable {
            let stop = start.map { $0 + n } ?? n
            return v[.slice(start, stop, nil)]
        }

        // The sequences of the reversed loop, in its time order (the forward loop's last step first).
        var loopSequences: [TensorVariable] = sequences.map { forward.goBackwards ? firstSteps($0) : firstSteps($0)[reversed] }
        for (r, k) in recurrent.enumerated() {
            // The history z: the initial states, then the outputs; tap τ at step t reads z[depth + t + τ].
            let head = single[r] ? initials[r].dimshuffle(Array<Int?>([nil]) + (0..<initials[r].ndim).map { Optional($0) })
                                 : initials[r][.slice(0, depths[r])]
            let history = concatenate([head, outs[k]], axis: 0)
            for tap in taps[r] { loopSequences.append(firstSteps(history, from: constant(Int64(depths[r] + tap)))[reversed]) }
        }
        loopSequences += gouts.map { firstSteps($0)[reversed] }

        let gradGraph = op.box.graph
        let inner = forward.inner
        let wrtCount = inner.inputs.count + inner.freeVariables.count
        func floatType(_ v: TensorVariable) -> DType { v.dtype.isDiscrete ? .float64 : v.dtype }
        let pendingInitials = recurrent.indices.map { r in
            single[r] ? zerosLike(initials[r]) : zerosLike(initials[r][.slice(0, depths[r])])
        }
        let sumInitials = rest.map { zerosLike($0, dtype: floatType($0)) }
        let outputsInfo: [ScanOutput?] = Array(repeating: nil, count: s)
            + pendingInitials.map { ScanOutput(initial: $0) } + sumInitials.map { ScanOutput(initial: $0) }

        let (loop, _) = try scan({ slots -> [TensorVariable] in
            var at = 0
            func take(_ k: Int) -> [TensorVariable] { defer { at += k }; return Array(slots[at..<(at + k)]) }
            let sequenceRows = take(s), stateRows = take(stateSlotCount), gradientRows = take(count)
            let pending = take(recurrent.count), sums = take(rest.count), outer = take(rest.count)
            var map: [TensorVariable: TensorVariable] = [:]
            let wrtValues = sequenceRows + stateRows + outer
            for (slot, value) in zip(gradGraph.inputs.prefix(wrtCount), wrtValues) { map[slot] = value }
            var seeds = gradientRows
            for (r, k) in recurrent.enumerated() {
                // The output's gradient at this step: its own, plus what later steps sent back to it.
                seeds[k] = seeds[k] + (single[r] ? pending[r] : pending[r][0])
            }
            for (slot, seed) in zip(gradGraph.inputs.dropFirst(wrtCount), seeds) { map[slot] = seed }
            let results = GraphClone.clone(gradGraph.outputs, replacing: map)
            var next: [TensorVariable] = Array(results.prefix(s))
            var slot = s
            for r in recurrent.indices {
                let stateGrads = Array(results[slot..<(slot + taps[r].count)])
                slot += taps[r].count
                if single[r] { next.append(stateGrads[0]); continue }
                // The window moves one step back: row i is the state depth + t - 1 - i.
                let rows = (0..<depths[r]).map { i -> TensorVariable in
                    var row = i < depths[r] - 1 ? pending[r][.index(i + 1)] : zerosLike(pending[r][0])
                    for (tap, g) in zip(taps[r], stateGrads) where tap == -1 - i { row = row + g }
                    return row
                }
                next.append(stack(rows))
            }
            for j in rest.indices { next.append(sums[j] + results[s + stateSlotCount + j]) }
            return next
        }, sequences: loopSequences, outputsInfo: outputsInfo, nonSequences: rest, nSteps: n)

        var grads: [TensorVariable] = []
        for i in 0..<s {
            let inOrder = forward.goBackwards ? loop[i] : loop[i][reversed]
            grads.append(concatenate([inOrder, zerosLike(sequences[i][.slice(n, nil, nil)], dtype: floatType(sequences[i]))], axis: 0))
        }
        for r in recurrent.indices {
            let last = loop[s + r][-1]
            if single[r] { grads.append(last); continue }
            // The last window holds states depth - 1 … 0; rows past depth are never read.
            grads.append(concatenate([last[reversed], zerosLike(initials[r][.slice(depths[r], nil)])], axis: 0))
        }
        for j in rest.indices { grads.append(loop[s + recurrent.count + j][-1]) }
        let types = op.outputTypes(inputs.map(\.type))
        return zip(grads, types).map { g, type in ROpPropagation.matched(g.dtype == type.dtype ? g : cast(g, type.dtype), type) }
    }
}

extension ScanGrad {
    /// The backward loop's R-operator: that of the same loop written as a ``Scan``, so Theano's
    /// Hessian-times-vector recipe `rop(grad(cost, wrt: x), wrt: x, evalPoint: v)` works through scan.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard forward.truncateGradient <= 0 else {
            throw ROpUnavailable.error(for: self, reason: "the backward loop of a scan with truncateGradient has none")
        }
        let standIns = inputs.map { TensorVariable(type: $0.type, name: $0.name) }
        let equivalent = try ScanGradAsScan.backwardLoop(self, standIns)
        var seeds: [TensorVariable: TensorVariable] = [:], back: [TensorVariable: TensorVariable] = [:]
        for (standIn, (input, point)) in zip(standIns, zip(inputs, evalPoints)) {
            back[standIn] = input
            if let point { seeds[standIn] = point }
        }
        return ROpPropagation.replacing(try ROpPropagation.forward(equivalent, seeds: seeds), back)
    }
}
