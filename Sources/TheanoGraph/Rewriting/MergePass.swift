/// Common-subexpression elimination: equal constants become one, and nodes with equal ops and
/// identical inputs become one. Matters most after `grad`, which repeats forward expressions.
package struct MergePass {
    package init() {}

    package func run(_ graph: FunctionGraph, report: inout RewriteReport) {
        var merged = 0
        // Constants: merge by type and value.
        var constants: [ConstantKey: TensorConstant] = [:]
        for node in graph.toposort {
            for (i, input) in node.inputs.enumerated() {
                guard let c = input as? TensorConstant, c.value.count <= 64 else { continue }
                let key = ConstantKey(type: c.type, bytes: c.value.rawBytes)
                if let existing = constants[key] {
                    if existing !== c { node.inputs[i] = existing; merged += 1 }
                } else {
                    constants[key] = c
                }
            }
        }
        if merged > 0 { graph.pruneUnreachable() }
        // Nodes: hash-cons in topological order so inputs are already canonical.
        var seen: [NodeKey: Apply] = [:]
        for node in graph.toposort {
            let key = NodeKey(op: AnyHashable(node.op), inputs: node.inputs.map(ObjectIdentifier.init))
            if let existing = seen[key], existing !== node {
                for (old, new) in zip(node.outputs, existing.outputs) where graph.replace(old, with: new, reason: "merge") { merged += 1 }
            } else {
                seen[key] = node
            }
        }
        if merged > 0 { report.record("merge", count: merged, seconds: 0) }
    }

    package struct ConstantKey: Hashable {
        package let type: TensorType
        package let bytes: [UInt8]
    }

    package struct NodeKey: Hashable {
        package let op: AnyHashable
        package let inputs: [ObjectIdentifier]
    }
}
