/// Marks elementwise nodes that may overwrite a dead input buffer (see `FunctionGraph.inplace`).
///
/// Buffers are tracked by alias root: a view (`Op.viewMap`) and an in-place output share their
/// input's root. A node may destroy input `i` only if that root was made by a node (not a graph input,
/// shared value or constant), no graph output aliases it, this node is its last reader, and this node
/// reads it through one input only.
package enum InplaceMarking {
    package static func run(_ graph: FunctionGraph, report: inout RewriteReport) {
        graph.inplace = plan(graph)
        if !graph.inplace.isEmpty { report.record("inplace", count: graph.inplace.count, seconds: 0) }
    }

    package static func plan(_ graph: FunctionGraph) -> [ObjectIdentifier: Int] {
        let order = graph.toposort
        let never = order.count
        // The last step reading each variable; graph outputs live past the end.
        var lastUse: [TensorVariable: Int] = [:]
        for (k, node) in order.enumerated() { for input in node.inputs { lastUse[input] = k } }
        for out in graph.outputs { lastUse[out] = never + 1 }

        var root: [TensorVariable: TensorVariable] = [:]
        var rootLastUse: [TensorVariable: Int] = [:]
        func rootOf(_ v: TensorVariable) -> TensorVariable { root[v] ?? v }
        func join(_ v: TensorVariable, _ r: TensorVariable) {
            root[v] = r
            rootLastUse[r] = max(rootLastUse[r] ?? -1, lastUse[v] ?? -1)
        }
        var plan: [ObjectIdentifier: Int] = [:]
        for (k, node) in order.enumerated() {
            var destroyed: Int?
            if node.op is Elemwise, node.outputCount == 1 {
                let out = node.outputs[0]
                let roots = node.inputs.map(rootOf)
                destroyed = node.inputs.indices.first { i in
                    let r = roots[i]
                    // Only buffers made fresh by an elementwise node or a matrix product qualify: other ops
                    // (ifelse, reshape of an input, …) may hand back memory the caller owns.
                    return (r.owner?.op is Elemwise || r.owner?.op is Dot) && node.inputs[i].type == out.type
                        && (rootLastUse[r] ?? -1) == k && roots.filter({ $0 === r }).count == 1
                }
            }
            for (j, out) in node.outputs.enumerated() {
                if let i = node.op.viewMap[j] {
                    join(out, rootOf(node.inputs[i]))
                } else if j == 0, let i = destroyed {
                    join(out, rootOf(node.inputs[i]))
                } else {
                    join(out, out)
                }
            }
            if let i = destroyed { plan[ObjectIdentifier(node)] = i }
        }
        return plan
    }
}
