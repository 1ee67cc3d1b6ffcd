/// A private, mutable copy of the user's graph that the optimizer rewrites and the backends run.
///
/// It tracks clients (who reads each variable) so that replacing a variable updates every reader.
public final class FunctionGraph {
    /// The graph's inputs: the explicit ones, then shared variables.
    public private(set) var inputs: [TensorVariable]
    /// The graph's outputs: the function's, then the updates' new values.
    public private(set) var outputs: [TensorVariable]
    /// Readers of each variable: (node, input position); a node of nil means "graph output at that index".
    package private(set) var clients: [TensorVariable: [(node: Apply?, index: Int)]] = [:]
    package private(set) var nodeSet = Set<ObjectIdentifier>()
    /// Which rewrite produced a node, for the debug mode's report.
    package var producedBy: [ObjectIdentifier: String] = [:]
    /// In-place plan, filled by the `inplace` pass (see `InplaceMarking`): node → index of the input
    /// whose buffer the node may overwrite with its output 0.
    ///
    /// Contract for backends: when `inplace[ObjectIdentifier(node)] == i`, input `i` and output 0 have the
    /// same type (dtype and broadcast pattern, hence the same shape at run time); no later node, no graph
    /// output and no view still reads that buffer; it is never a graph input, shared value or constant;
    /// and no other input of the node reads it. A backend may write the output into that input's buffer
    /// (if the buffer is contiguous and owned by the executor) or ignore the entry. The plan is valid only
    /// for `toposort` as it is when the optimizer finishes.
    public package(set) var inplace: [ObjectIdentifier: Int] = [:]

    /// Clones the graph between `inputs` and `outputs`, substituting `replacements` (givens) on the way.
    /// Shared variables and constants are kept as they are; every other leaf must be among `inputs`.
    /// With `keepingInputs`, the inputs themselves (not copies) stay in the graph and cloning stops at
    /// them, so the rewritten graph still depends on the caller's variables (used by `grad`).
    package init(inputs: [TensorVariable], outputs: [TensorVariable], replacements: [TensorVariable: TensorVariable] = [:],
         keepingInputs: Bool = false) {
        var map: [TensorVariable: TensorVariable] = [:]
        var newInputs: [TensorVariable] = []
        for input in inputs {
            let clone = keepingInputs ? input : input.cloneAsInput()
            map[input] = clone
            newInputs.append(clone)
        }
        let replaced = Set(replacements.keys).union(keepingInputs ? Set(inputs) : [])
        // Replacement expressions (givens) are copied first, so they may use the function's inputs.
        GraphClone.copy(Array(replacements.values), into: &map, stopAt: replaced, everyNode: true)
        func resolved(_ v: TensorVariable) -> TensorVariable {
            if let r = replacements[v], r !== v { return resolved(r) }
            return map[v] ?? v
        }
        for key in replacements.keys { map[key] = resolved(key) }
        GraphClone.copy(outputs, into: &map, stopAt: replaced, everyNode: true)
        func lookup(_ v: TensorVariable) -> TensorVariable { map[v] ?? v }
        self.inputs = newInputs
        self.outputs = outputs.map(lookup)
        rebuildClients()
    }

    /// The nodes in an order where each follows the nodes it reads.
    public var toposort: [Apply] { GraphWalk.topologicalNodes(outputs: outputs) }

    /// Leaves the graph reads besides its declared inputs: constants and shared variables.
    package var implicitLeaves: [TensorVariable] {
        let declared = Set(inputs)
        return GraphWalk.inputs(of: outputs).filter { !declared.contains($0) }
    }

    package func rebuildClients() {
        clients = [:]
        nodeSet = []
        for node in toposort {
            nodeSet.insert(ObjectIdentifier(node))
            for (i, input) in node.inputs.enumerated() { clients[input, default: []].append((node, i)) }
        }
        for (i, out) in outputs.enumerated() { clients[out, default: []].append((nil, i)) }
    }

    package func clientsOf(_ v: TensorVariable) -> [(node: Apply?, index: Int)] { clients[v] ?? [] }

    /// Replaces every use of `old` by `new`. The types must match exactly (broadcastable included), or the
    /// replacement is refused: a rewrite that changes a type is a bug in the rewrite.
    @discardableResult
    package func replace(_ old: TensorVariable, with new: TensorVariable, reason: String) -> Bool {
        guard old !== new else { return false }
        guard old.type == new.type else { return false }
        let uses = clientsOf(old)
        for (node, index) in uses {
            if let node { node.inputs[index] = new } else { outputs[index] = new }
        }
        if let owner = new.owner, producedBy[ObjectIdentifier(owner)] == nil {
            producedBy[ObjectIdentifier(owner)] = reason
            if owner.origin == nil { owner.origin = old.owner?.origin ?? old.owner }
        }
        rebuildClientsIncrementally(old: old, new: new, uses: uses)
        return true
    }

    private func rebuildClientsIncrementally(old: TensorVariable, new: TensorVariable, uses: [(node: Apply?, index: Int)]) {
        clients[old] = nil
        clients[new, default: []].append(contentsOf: uses)
        // New nodes introduced by the replacement need their own client entries.
        var stack = [new]
        while let v = stack.popLast() {
            guard let owner = v.owner, nodeSet.insert(ObjectIdentifier(owner)).inserted else { continue }
            for (i, input) in owner.inputs.enumerated() {
                clients[input, default: []].append((owner, i))
                stack.append(input)
            }
        }
    }

    /// Drops client entries of nodes no longer reachable; call after a batch of rewrites.
    package func pruneUnreachable() { rebuildClients() }
}
