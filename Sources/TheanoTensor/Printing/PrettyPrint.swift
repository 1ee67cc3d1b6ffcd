/// `pp(expr)`: the expression in infix form, as the user would write it: `(x + y)`, `sigmoid(x)`.
public func pp(_ variable: TensorVariable) -> String {
    var memo: [ObjectIdentifier: String] = [:]
    // Render nodes in topological order so deep graphs do not recurse.
    for node in GraphWalk.topologicalNodes(outputs: [variable]) {
        let args = node.inputs.map { input -> String in
            if let owner = input.owner, input.name == nil { return memo[ObjectIdentifier(owner)].map { owner.outputCount > 1 ? "\($0)[\(input.index)]" : $0 } ?? "?" }
            return leafName(input)
        }
        memo[ObjectIdentifier(node)] = node.op.prettyPrint(args)
    }
    if let owner = variable.owner {
        let text = memo[ObjectIdentifier(owner)] ?? "?"
        return owner.outputCount > 1 ? "\(text)[\(variable.index)]" : text
    }
    return leafName(variable)
}

/// The printed name of an input, constant or named variable.
package func leafName(_ v: TensorVariable) -> String {
    if let name = v.name { return name }
    if let c = v as? TensorConstant {
        if c.value.count == 1 { return NumpyFormat.scalar(c.value.reshaped([])) }
        return c.value.count <= 8 ? c.value.description.replacingNewlines() : "<constant \(c.type)>"
    }
    return "<\(v.type)>"
}

extension String {
    package func replacingNewlines() -> String {
        split(separator: "\n").map { String($0.drop { $0 == " " }) }.joined(separator: " ")
    }
}
