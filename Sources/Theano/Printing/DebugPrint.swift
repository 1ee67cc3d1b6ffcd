/// `debugprint`: the graph as an indented tree, one line per node, with ids and types, as Theano prints it.
/// A node already printed is shown again by its id only.
public func debugprint(_ variables: [TensorVariable]) -> String {
    var lines: [String] = []
    var printed = Set<ObjectIdentifier>()
    // An explicit stack keeps deep graphs (long chains) from overflowing the call stack.
    var stack: [(TensorVariable, Int)] = variables.reversed().map { ($0, 0) }
    while let (v, depth) = stack.popLast() {
        let indent = String(repeating: " | ", count: depth)
        guard let node = v.owner else {
            lines.append("\(indent)\(leafLabel(v)) [id \(v.id)] <\(v.type)>")
            continue
        }
        let output = node.outputCount > 1 ? ".\(v.index)" : ""
        let label = "\(indent)\(node.op)\(output) [id \(v.id)] <\(v.type)>\(v.name.map { " '\($0)'" } ?? "")"
        if !printed.insert(ObjectIdentifier(node)).inserted {
            lines.append(label + " (printed above)")
            continue
        }
        lines.append(label)
        for input in node.inputs.reversed() { stack.append((input, depth + 1)) }
    }
    return lines.joined(separator: "\n")
}

/// `debugprint` of one variable's graph.
public func debugprint(_ variable: TensorVariable) -> String { debugprint([variable]) }

/// The optimized graph of a compiled function, with its updates and its topological order.
public func debugprint<Output>(_ f: Function<Output>) -> String {
    var text = debugprint(f.graph.outputs)
    if !f.updates.isEmpty {
        text += "\nUpdates:\n" + f.updates.enumerated().map { k, u in
            "  \(u.0.name ?? "shared") <- output \(f.outputCount + k)"
        }.joined(separator: "\n")
    }
    let order = f.graph.toposort.enumerated().map { "  \($0.offset): \($0.element.op)(\($0.element.inputs.map(leafOrNode).joined(separator: ", ")))" }
    return text + "\nTopological order:\n" + order.joined(separator: "\n")
}

func leafLabel(_ v: TensorVariable) -> String {
    if let c = v as? TensorConstant { return "TensorConstant{\(leafName(c))}" }
    if v is SharedVariable { return v.name ?? "<shared>" }
    return v.name ?? "<\(v.type)>"
}

func leafOrNode(_ v: TensorVariable) -> String {
    v.owner == nil ? leafLabel(v) : "[id \(v.id)]"
}
