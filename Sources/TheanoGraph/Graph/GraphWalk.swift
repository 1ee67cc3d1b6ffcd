/// Traversals of the graph above some variables.
package enum GraphWalk {
    /// The nodes that compute `outputs`, each after the nodes it reads from. Iterative, so deep graphs
    /// (a 100,000-node chain) do not overflow the stack.
    package static func topologicalNodes(outputs: [TensorVariable], stopAt: Set<TensorVariable> = []) -> [Apply] {
        var order: [Apply] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Apply, Bool)] = []
        for out in outputs.reversed() {
            if let owner = out.owner, !stopAt.contains(out) { stack.append((owner, false)) }
        }
        while let (node, expanded) = stack.popLast() {
            let id = ObjectIdentifier(node)
            if expanded { if !visited.contains(id) { visited.insert(id); order.append(node) }; continue }
            if visited.contains(id) { continue }
            stack.append((node, true))
            for input in node.inputs.reversed() {
                if let owner = input.owner, !stopAt.contains(input), !visited.contains(ObjectIdentifier(owner)) {
                    stack.append((owner, false))
                }
            }
        }
        return order
    }

    /// The variables with no owner (inputs, constants, shared variables) that `outputs` depend on, in order of discovery.
    package static func inputs(of outputs: [TensorVariable]) -> [TensorVariable] {
        var seen = Set<TensorVariable>(), result: [TensorVariable] = []
        for out in outputs where out.owner == nil && seen.insert(out).inserted { result.append(out) }
        for node in topologicalNodes(outputs: outputs) {
            for input in node.inputs where input.owner == nil && seen.insert(input).inserted { result.append(input) }
        }
        return result
    }
}
