/// Fuses chains of elementwise nodes into one `Composite` node, so a backend runs them as one loop
/// over memory. An inner node is absorbed only when its single reader is the node being fused and it has
/// the same broadcast pattern as the result (so the loop shape does not change).
package enum ElemwiseFusion {
    package static let maxInputs = 8

    package static func run(_ graph: FunctionGraph, report: inout RewriteReport) {
        var fused = 0
        for node in graph.toposort.reversed() {
            guard graph.contains(node), let elemwise = node.op as? Elemwise, case let out = node.outputs[0],
                  !out.dtype.isComplex, canFuse(elemwise.scalarOp) else { continue }
            var inputs: [TensorVariable] = []
            var steps: [Composite.Step] = []
            var absorbed = 0
            func slot(of v: TensorVariable, depth: Int) -> Int {
                if let owner = v.owner, let inner = owner.op as? Elemwise, canFuse(inner.scalarOp), depth < 16,
                   v.type.broadcastable == out.type.broadcastable, graph.clientsOf(v).count == 1, !v.dtype.isComplex,
                   inputs.count + owner.inputs.count <= maxInputs {
                    let args = owner.inputs.map { slot(of: $0, depth: depth + 1) }
                    steps.append(Composite.Step(op: inner.scalarOp, args: args, dtype: v.dtype))
                    absorbed += 1
                    return -steps.count
                }
                if let existing = inputs.firstIndex(where: { $0 === v }) { return existing }
                inputs.append(v)
                return inputs.count - 1
            }
            let rootArgs = node.inputs.map { slot(of: $0, depth: 1) }
            guard absorbed > 0 else { continue }
            steps.append(Composite.Step(op: elemwise.scalarOp, args: rootArgs, dtype: out.dtype))
            // Slots so far: inputs are 0..<n, steps are negative; renumber steps after the inputs.
            let n = inputs.count
            let renumbered = steps.map { step in
                Composite.Step(op: step.op, args: step.args.map { $0 < 0 ? n + (-$0 - 1) : $0 }, dtype: step.dtype)
            }
            let composite = Composite(inputCount: n, inputDTypes: inputs.map(\.dtype), steps: renumbered)
            let replacement = Elemwise(.composite(composite), inputBroadcastable: inputs.map(\.broadcastable))(inputs)
            if let fitted = replacement.fitted(to: out.type), graph.replace(out, with: fitted, reason: "elemwise_fusion") { fused += 1 }
        }
        if fused > 0 {
            graph.pruneUnreachable()
            report.record("elemwise_fusion", count: fused, seconds: 0)
        }
    }

    package static func canFuse(_ op: ScalarOp) -> Bool {
        if case .composite = op { return false }
        return true
    }
}
