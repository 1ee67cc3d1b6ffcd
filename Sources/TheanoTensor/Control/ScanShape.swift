// Shape inference for scan (Theano's `Scan.infer_shape`).

extension Scan {
    /// The shapes of the loop's outputs without running it: nSteps rows (one with `scan_save_mem`'s
    /// last step only) of the step's output shape. A recurrent output keeps its state's shape, which is
    /// its initial state's (without the first axis of stacked initial states when it has several taps).
    /// A map-like output's row shape follows from the shapes of the sequences' rows, the states and the
    /// non-sequences through the step's own `inferShape`s.
    ///
    /// An output whose size needs a value computed inside the step, or every output of a loop with an
    /// `until` condition (which may stop early), gets no shape here (an empty list, which the shape
    /// feature reads as "unknown"), so asking for it runs the loop.
    ///
    /// As for every shape found this way, the loop's own checks do not run: a sequence shorter than
    /// nSteps, or a step that changes its state's shape, is an error only when the loop runs.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let count = outputTaps.count
        guard !hasUntil else { return Array(repeating: [], count: count) }
        let s = sequenceCount, recurrent = recurrentIndices
        let inner = self.inner
        let stateSlotCount = recurrent.reduce(0) { $0 + outputTaps[$1].count }
        let restStart = 1 + s + recurrent.count
        let rest = Array(inner.inputs.dropFirst(s + stateSlotCount)) + inner.freeVariables
        guard inputs.count == 1 + s + recurrent.count + rest.count, inputShapes.count == inputs.count else { return nil }

        // The shape of each state, from its initial state.
        var stateShape: [Int: [TensorVariable]] = [:]
        for (r, k) in recurrent.enumerated() {
            let initial = inputShapes[1 + s + r]
            stateShape[k] = outputTaps[k] == [-1] ? initial : Array(initial.dropFirst())
        }
        // The step's leaves, each with its outer shape; non-sequences and free variables also with their
        // outer variable, for a size that reads one's value (a reshape to a non-sequence's sizes).
        var known: [TensorVariable: [TensorVariable]] = [:]
        var slots = Set<TensorVariable>()
        for i in 0..<s { known[inner.inputs[i]] = Array(inputShapes[1 + i].dropFirst()) }
        var slot = s
        for k in recurrent {
            for _ in outputTaps[k] { known[inner.inputs[slot]] = stateShape[k]; slot += 1 }
        }
        slots.formUnion(inner.inputs.prefix(s + stateSlotCount))
        var outerValue: [TensorVariable: TensorVariable] = [:]
        for (j, v) in rest.enumerated() {
            known[v] = inputShapes[restStart + j]
            outerValue[v] = inputs[restStart + j]
        }
        let leaves = Set(inner.inputs + inner.freeVariables)
        let stepOutputs = Array(inner.outputs.prefix(count))
        let nodes = GraphWalk.topologicalNodes(outputs: stepOutputs, stopAt: leaves)
        let stepNodes = Set(nodes.map(ObjectIdentifier.init))
        func shape(_ v: TensorVariable) -> [TensorVariable]? {
            if let dims = known[v] { return dims }
            return v is TensorConstant ? SymbolicShape.of(v) : nil
        }
        for node in nodes {
            let shapes = node.inputs.compactMap(shape)
            guard shapes.count == node.inputs.count,
                  let out = node.op.inferShape(node.inputs, shapes), out.count == node.outputCount else { continue }
            for (v, dims) in zip(node.outputs, out) where dims.count == v.ndim { known[v] = dims.map(SymbolicShape.int64) }
        }
        // A size may read outer shapes, outer variables and arithmetic made for the shapes; never a value
        // computed in the step, nor a sequence row or a state.
        let outer = Set(inputShapes.flatMap { $0 } + inputs)
        var outside: [TensorVariable: Bool] = [:]
        func readsOnlyOutside(_ v: TensorVariable) -> Bool {
            if outer.contains(v) || outerValue[v] != nil { return true }
            if slots.contains(v) { return false }
            if let memo = outside[v] { return memo }
            guard let owner = v.owner else { return true }
            let result = !stepNodes.contains(ObjectIdentifier(owner)) && owner.inputs.allSatisfy(readsOnlyOutside)
            outside[v] = result
            return result
        }

        let rows = SymbolicShape.int64(inputs[0])
        return (0..<count).map { k -> [TensorVariable] in
            let leading = lastStepOnly.contains(k) ? SymbolicShape.constant(1) : rows
            if let dims = stateShape[k] { return [leading] + dims }
            guard let dims = known[stepOutputs[k]], dims.allSatisfy(readsOnlyOutside) else { return [] }
            let outerDims = ROpPropagation.replacing(dims, outerValue).map { $0! }
            return [leading] + outerDims
        }
    }
}
