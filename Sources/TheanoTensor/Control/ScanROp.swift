// Scan's R-operator (Theano's `Scan.R_op`).

extension Scan {
    /// Theano's `Scan.R_op`: a second loop that runs the step and the step's R-operator together. The
    /// eval points of the sequences become sequences of tangents, those of the non-sequences (and of the
    /// variables the step reads freely) non-sequences, and each recurrent output whose tangent is carried
    /// gets a recurrent tangent with the same taps, starting at its initial state's eval point (zeros
    /// where there is none). A loop with an `until` condition has none.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        try ScanROp.rOp(self, inputs, outputs, evalPoints)
    }
}

package enum ScanROp {
    package static func rOp(_ scan: Scan, _ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard !scan.hasUntil else {
            throw ROpUnavailable.error(for: scan, reason: "scan's R-operator is not defined for a loop with an until condition")
        }
        let inner = scan.inner
        let count = scan.outputTaps.count, s = scan.sequenceCount, recurrent = scan.recurrentIndices
        let stateSlotCount = recurrent.reduce(0) { $0 + scan.outputTaps[$1].count }
        let restStart = 1 + s + recurrent.count
        let restSlots = Array(inner.inputs.dropFirst(s + stateSlotCount)) + inner.freeVariables
        precondition(inputs.count == restStart + restSlots.count, "\(scan): \(inputs.count) inputs for \(restStart + restSlots.count) slots")
        let stepOutputs = Array(inner.outputs.prefix(count))

        func tangentSlot(_ v: TensorVariable) -> TensorVariable { TensorVariable(type: v.type, name: v.name.map { "d\($0)" }) }
        func point(_ i: Int) -> TensorVariable? {
            guard let e = evalPoints[i], !inputs[i].dtype.isDiscrete else { return nil }
            return ROpPropagation.matched(e, inputs[i].type)
        }
        // Tangents of the sequences' rows and of the non-sequences: fixed for the whole loop.
        var fixedSeeds: [TensorVariable: TensorVariable] = [:]
        var sequenceTangents: [(slot: TensorVariable, outer: TensorVariable)] = []
        for i in 0..<s {
            guard let e = point(1 + i) else { continue }
            let slot = tangentSlot(inner.inputs[i])
            fixedSeeds[inner.inputs[i]] = slot
            sequenceTangents.append((slot, e))
        }
        var restTangents: [(slot: TensorVariable, outer: TensorVariable)] = []
        for (j, v) in restSlots.enumerated() {
            guard let e = point(restStart + j), fixedSeeds[v] == nil else { continue }
            let slot = tangentSlot(v)
            fixedSeeds[v] = slot
            restTangents.append((slot, e))
        }
        // The inner slots of each recurrent output's taps.
        var stateSlots: [Int: [TensorVariable]] = [:]
        var next = s
        for k in recurrent {
            stateSlots[k] = Array(inner.inputs[next..<(next + scan.outputTaps[k].count)])
            next += scan.outputTaps[k].count
        }
        // Which states carry a tangent: those with an eval point for their initial state, then, to a fixed
        // point, those whose new value gets a tangent from the others.
        var carried = Set(recurrent.enumerated().compactMap { r, k in point(1 + s + r) == nil || !stepOutputs[k].dtype.isFloat ? nil : k })
        var stateTangentSlots: [Int: [TensorVariable]] = [:]
        var tangents: [TensorVariable?]
        while true {
            var seeds = fixedSeeds
            for k in carried {
                let slots = stateTangentSlots[k] ?? stateSlots[k]!.map(tangentSlot)
                stateTangentSlots[k] = slots
                for (slot, t) in zip(stateSlots[k]!, slots) { seeds[slot] = t }
            }
            tangents = seeds.isEmpty ? stepOutputs.map { _ in nil } : try ROpPropagation.forward(stepOutputs, seeds: seeds)
            let grown = carried.union(recurrent.filter { tangents[$0] != nil && stepOutputs[$0].dtype.isFloat })
            if grown == carried { break }
            carried = grown
        }
        // The tangent outputs: the carried states, and the map-like outputs a tangent reaches.
        let tangentOutputs = (0..<count).filter { k in
            scan.outputTaps[k].isEmpty ? tangents[k] != nil && !stepOutputs[k].dtype.isDiscrete : carried.contains(k)
        }
        guard !tangentOutputs.isEmpty else { return outputs.map { _ in nil } }

        let carriedInOrder = tangentOutputs.filter { !scan.outputTaps[$0].isEmpty }
        let innerTangents = tangentOutputs.map { k in
            ROpPropagation.matched(tangents[k] ?? zerosLike(stepOutputs[k]), stepOutputs[k].type)
        }
        let stepInputs = Array(inner.inputs.prefix(s)) + sequenceTangents.map(\.slot)
            + Array(inner.inputs[s..<(s + stateSlotCount)]) + carriedInOrder.flatMap { stateTangentSlots[$0]! }
            + restSlots + restTangents.map(\.slot)
        let graph = try InnerGraph(inputs: stepInputs, outputs: stepOutputs + innerTangents)

        let initials = Array(inputs[(1 + s)..<restStart])
        let tangentInitials = carriedInOrder.map { k -> TensorVariable in
            let r = recurrent.firstIndex(of: k)!
            return point(1 + s + r) ?? zerosLike(initials[r])
        }
        var op = Scan(box: InnerGraphBox(graph), sequenceCount: s + sequenceTangents.count,
                      outputTaps: scan.outputTaps + tangentOutputs.map { scan.outputTaps[$0] },
                      goBackwards: scan.goBackwards, truncateGradient: scan.truncateGradient)
        op.lastStepOnly = scan.lastStepOnly.union(tangentOutputs.indices.filter { scan.lastStepOnly.contains(tangentOutputs[$0]) }.map { count + $0 })
        let node = op.apply([inputs[0]] + Array(inputs[1..<(1 + s)]) + sequenceTangents.map(\.outer)
                            + initials + tangentInitials
                            + Array(inputs[restStart...]) + restTangents.map(\.outer) + graph.freeVariables)
        return (0..<count).map { k in tangentOutputs.firstIndex(of: k).map { node.outputs[count + $0] } }
    }
}
