/// Moves loop-invariant work out of a scan's step (Theano's `scan_pushout_non_seq_operations`).
///
/// A node of the step whose inputs depend on neither a sequence slice nor a recurrent state (only on
/// non-sequences, outer variables and constants) computes the same value at every step. The largest
/// such subexpressions that the loop reads become new non-sequences, computed once before the loop.
/// Random draws stay inside: each step must draw afresh.
package enum ScanPushout {
    package struct Result {
        /// The step's outputs, reading the new slots instead of the hoisted expressions.
        package let outputs: [TensorVariable]
        /// New inner slots, and the outer expressions that feed them.
        package let slots: [TensorVariable]
        package let outerValues: [TensorVariable]
    }

    package static func hoist(outputs: [TensorVariable], variantSlots: [TensorVariable],
                      nonSequenceSlots: [TensorVariable], nonSequences: [TensorVariable]) -> Result {
        let nodes = GraphWalk.topologicalNodes(outputs: outputs)
        var variant = Set(variantSlots)
        var invariantNodes = Set<ObjectIdentifier>()
        for node in nodes {
            if node.op is any StatefulOp || node.inputs.contains(where: variant.contains) {
                variant.formUnion(node.outputs)
            } else {
                invariantNodes.insert(ObjectIdentifier(node))
            }
        }
        // The boundary: invariant results read by a variant node or returned by the step.
        var boundary: [TensorVariable] = []
        var seen = Set<TensorVariable>()
        func consider(_ v: TensorVariable) {
            guard let owner = v.owner, invariantNodes.contains(ObjectIdentifier(owner)), seen.insert(v).inserted else { return }
            boundary.append(v)
        }
        for node in nodes where !invariantNodes.contains(ObjectIdentifier(node)) { node.inputs.forEach(consider) }
        outputs.forEach(consider)
        // Hoisting a lone cheap view or cast would only add an input.
        boundary.removeAll { v in v.owner!.op is DimShuffle || v.owner!.op is Rebroadcast }
        guard !boundary.isEmpty else { return Result(outputs: outputs, slots: [], outerValues: []) }

        let toOuter = Dictionary(uniqueKeysWithValues: zip(nonSequenceSlots, nonSequences))
        let outerValues = GraphClone.clone(boundary, replacing: toOuter)
        let slots = boundary.map { TensorVariable(type: $0.type, name: $0.name) }
        let newOutputs = GraphClone.clone(outputs, replacing: Dictionary(uniqueKeysWithValues: zip(boundary, slots)))
        return Result(outputs: newOutputs, slots: slots, outerValues: outerValues)
    }
}
