import Foundation

/// The file `pydotprint` writes: Graphviz's DOT text, or a picture that Graphviz's `dot` renders from it.
public enum GraphFormat: String, Sendable {
    /// The DOT text only; needs no Graphviz.
    case dot
    /// A PNG picture.
    case png
    /// An SVG picture.
    case svg
}

/// The DOT text of the graph computing `outputs`, in Theano's colours: inputs green, constants spring
/// green, shared variables yellow-green, outputs blue, apply nodes as ellipses filled by op kind
/// (elementwise pink, subtensor purple, alloc orange, scan yellow, shape cyan, ifelse magenta), and
/// updates as dashed UPDATE edges.
public func dotGraph(_ outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)] = [], title: String = "theano") -> String {
    var lines = ["digraph \"\(title)\" {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];"]
    var ids: [ObjectIdentifier: String] = [:]
    func id(_ object: AnyObject, _ prefix: String) -> String {
        let key = ObjectIdentifier(object)
        if let existing = ids[key] { return existing }
        let name = "\(prefix)\(ids.count)"
        ids[key] = name
        return name
    }
    func escape(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "\\\"") }
    let allOutputs = outputs + updates.map(\.1)
    let outputSet = Set(outputs)
    var declared = Set<String>()
    func declareVariable(_ v: TensorVariable) -> String {
        let name = id(v, "v")
        guard declared.insert(name).inserted else { return name }
        let color = v.owner == nil ? GraphStyle.leafColor(v) : outputSet.contains(v) ? GraphStyle.output : GraphStyle.plainApply
        let label = v.owner == nil ? leafLabel(v) : (v.name ?? "\(v.type)")
        lines.append("  \(name) [label=\"\(escape(label))\", shape=box, style=filled, fillcolor=\"\(color)\"];")
        return name
    }
    for node in GraphWalk.topologicalNodes(outputs: allOutputs) {
        let nodeName = id(node, "n")
        lines.append("  \(nodeName) [label=\"\(escape("\(node.op)"))\", shape=ellipse, style=filled, fillcolor=\"\(GraphStyle.applyColor(node.op))\"];")
        for (i, input) in node.inputs.enumerated() {
            let source = input.owner.map { id($0, "n") } ?? declareVariable(input)
            lines.append("  \(source) -> \(nodeName)\(node.inputs.count > 1 ? " [label=\"\(i)\"]" : "");")
        }
        for out in node.outputs where outputSet.contains(out) {
            let target = declareVariable(out)
            lines.append("  \(nodeName) -> \(target);")
        }
    }
    // An output that is itself an input or a shared variable is drawn as that leaf.
    for out in outputs where out.owner == nil { _ = declareVariable(out) }
    for (target, value) in updates {
        let source = value.owner.map { id($0, "n") } ?? declareVariable(value)
        lines.append("  \(source) -> \(declareVariable(target)) [label=\"UPDATE\", style=dashed, color=blue];")
    }
    lines.append("}")
    return lines.joined(separator: "\n")
}

/// Writes the graph to `outfile` as DOT, and renders a PNG or SVG picture from it with Graphviz's `dot`.
///
/// The `.dot` file is always written. Without `dot` on PATH, asking for `.png` or `.svg` throws
/// `.missingDependency` with a message that names the Debian package to install, `graphviz`.
/// - Returns: The path of the file asked for.
@discardableResult
public func pydotprint(_ outputs: [TensorVariable], outfile: String, format: GraphFormat = .png,
                       updates: [(SharedVariable, TensorVariable)] = []) throws -> String {
    try pydotprint(outputs, outfile: outfile, format: format, updates: updates, graphviz: ExternalProgram.find("dot"))
}

/// `pydotprint` with Graphviz's `dot` given (nil: not installed), so tests can take either path.
func pydotprint(_ outputs: [TensorVariable], outfile: String, format: GraphFormat,
                updates: [(SharedVariable, TensorVariable)], graphviz: String?) throws -> String {
    let base = outfile.hasSuffix(".\(format.rawValue)") ? String(outfile.dropLast(format.rawValue.count + 1)) : outfile
    let dotPath = base + ".dot"
    do { try dotGraph(outputs, updates: updates).write(toFile: dotPath, atomically: true, encoding: .utf8) } catch {
        throw TheanoError(.io, "pydotprint: cannot write \(dotPath): \(error.localizedDescription)")
    }
    guard format != .dot else { return dotPath }
    guard let dot = graphviz else {
        throw TheanoError(.missingDependency, "pydotprint: rendering .\(format.rawValue) needs Graphviz's 'dot' program, which is not on PATH; install the Debian package graphviz (apt-get install graphviz), or use format: .dot. The DOT file was written to \(dotPath)")
    }
    let target = base + "." + format.rawValue
    let result: (status: Int32, output: String)
    do { result = try ExternalProgram.run(dot, ["-T\(format.rawValue)", dotPath, "-o", target]) } catch {
        throw TheanoError(.missingDependency, "pydotprint: cannot run \(dot): \(error.localizedDescription)")
    }
    guard result.status == 0 else { throw TheanoError(.io, "pydotprint: \(dot) failed with status \(result.status): \(result.output.suffix(500))") }
    return target
}

/// Writes the optimized graph of a compiled function, with its updates, as ``pydotprint(_:outfile:format:updates:)`` does.
@discardableResult
public func pydotprint<Output>(_ f: Function<Output>, outfile: String, format: GraphFormat = .png) throws -> String {
    try pydotprint(Array(f.graph.outputs.prefix(f.outputCount)), outfile: outfile, format: format,
                   updates: zip(f.updates.map(\.0), f.graph.outputs.dropFirst(f.outputCount)).map { ($0, $1) })
}
