/// The one way the package copies graphs: every copy is an `Apply` of the same op on the copied inputs,
/// remembering the user's node (`origin`) for error messages and keeping variable names.
package enum GraphClone {
    /// Copies the nodes above `outputs` (stopping at `stopAt`) into `map`, which starts with the
    /// replacements and collects every copy, so several calls can share it. Only nodes that read a
    /// replaced or copied variable are copied, unless `everyNode`: untouched parts are shared.
    package static func copy(_ outputs: [TensorVariable], into map: inout [TensorVariable: TensorVariable],
                             stopAt: Set<TensorVariable>, everyNode: Bool = false) {
        for node in GraphWalk.topologicalNodes(outputs: outputs, stopAt: stopAt) where map[node.outputs[0]] == nil {
            let inputs = node.inputs.map { map[$0] ?? $0 }
            guard everyNode || zip(inputs, node.inputs).contains(where: { $0 !== $1 }) else { continue }
            let copy = Apply(node.op, inputs)
            copy.origin = node.origin ?? node
            for (old, new) in zip(node.outputs, copy.outputs) { map[old] = new; new.name = old.name }
        }
    }

    /// The graph above `outputs` with `replacements` substituted; parts that read none are shared.
    package static func clone(_ outputs: [TensorVariable], replacing replacements: [TensorVariable: TensorVariable]) -> [TensorVariable] {
        var map = replacements
        copy(outputs, into: &map, stopAt: Set(replacements.keys))
        return outputs.map { map[$0] ?? $0 }
    }
}
