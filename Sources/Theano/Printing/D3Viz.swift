import Foundation

/// Writes an interactive view of a compiled function's graph to one self-contained HTML file, as
/// Theano's `d3viz` did.
///
/// The page needs no network: its script and style are inline. It shows the optimized graph in
/// Theano's colours; clicking a node shows its op, type and shape, and the rewrite that produced it.
/// A button switches to the graph as written, before optimization.
///
/// ```swift
/// let f = try function([x, y], (x + y) * 2)
/// try d3viz(f, to: "graph.html")
/// ```
/// - Throws: `.io` when the file cannot be written.
public func d3viz<Output>(_ f: Function<Output>, to path: String) throws {
    do { try d3vizHTML(f).write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw TheanoError(.io, "d3viz: cannot write \(path): \(error.localizedDescription)")
    }
}

/// The page ``d3viz(_:to:)`` writes, as text.
public func d3vizHTML<Output>(_ f: Function<Output>, title: String? = nil) -> String {
    let optimizedUpdates = zip(f.updates.map(\.0), f.graph.outputs.dropFirst(f.outputCount)).map { ($0, $1) }
    let data = GraphViewData(
        title: title ?? f.name ?? "Theano function",
        optimized: GraphViewData.View(outputs: Array(f.graph.outputs.prefix(f.outputCount)), updates: optimizedUpdates, graph: f.graph),
        original: GraphViewData.View(outputs: f.userOutputs, updates: f.updates, graph: nil))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // `</` inside a script element would end it; JSON allows `<\/`.
    let json = String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self)
        .replacingOccurrences(of: "</", with: "<\\/")
    return D3VizPage.html(title: data.title, json: json)
}

/// What the page draws: both views of the function, as plain nodes and edges.
struct GraphViewData: Encodable {
    struct Node: Encodable {
        let id: String
        /// input, constant, shared, output, update or apply.
        let kind: String
        let label: String
        let color: String
        /// Rows of the details panel: (what, value).
        let details: [[String]]
        /// The rewrite that produced this node, in the optimized view.
        let rewrite: String?
    }

    struct Edge: Encodable {
        let source: String
        let target: String
        let label: String
        let update: Bool
    }

    struct View: Encodable {
        var nodes: [Node] = []
        var edges: [Edge] = []

        /// Nodes come out in an order where each follows those it reads, which the page's layout uses.
        init(outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)], graph: FunctionGraph?) {
            var ids: [ObjectIdentifier: String] = [:]
            func leaf(_ v: TensorVariable) -> String {
                if let id = ids[ObjectIdentifier(v)] { return id }
                let id = "v\(ids.count)"
                ids[ObjectIdentifier(v)] = id
                let kind = v is SharedVariable ? "shared" : v is TensorConstant ? "constant" : "input"
                var details = [["kind", kind], ["type", "\(v.type)"], ["shape", GraphViewData.shape(of: v)]]
                if let c = v as? TensorConstant, c.value.count <= 16 { details.append(["value", c.value.description]) }
                if let s = v as? SharedVariable, s.value.count <= 16 { details.append(["value", s.value.description]) }
                nodes.append(Node(id: id, kind: kind, label: GraphViewData.short(leafLabel(v)), color: GraphStyle.leafColor(v),
                                  details: details, rewrite: nil))
                return id
            }
            func source(_ v: TensorVariable) -> String {
                guard let owner = v.owner else { return leaf(v) }
                return ids[ObjectIdentifier(owner)] ?? leaf(v)
            }
            for node in GraphWalk.topologicalNodes(outputs: outputs + updates.map(\.1)) {
                for input in node.inputs where input.owner == nil { _ = leaf(input) }
                let id = "n\(ids.count)"
                ids[ObjectIdentifier(node)] = id
                var details = [["op", "\(node.op)"], ["op type", String(describing: type(of: node.op))]]
                for (k, out) in node.outputs.enumerated() {
                    let which = node.outputCount > 1 ? "output \(k) " : ""
                    details.append(["\(which)type", "\(out.type)"])
                    details.append(["\(which)shape", GraphViewData.shape(of: out)])
                }
                details.append(["inputs", node.inputs.map { "\($0.type)" }.joined(separator: ", ")])
                let rewrite = graph?.producedBy[ObjectIdentifier(node)]
                if let rewrite { details.append(["produced by", "the rewrite \(rewrite)"]) }
                if graph != nil, let origin = node.origin, origin !== node {
                    details.append(["written as", GraphViewData.short(pp(origin.outputs[0]), limit: 200)])
                }
                if let i = graph?.inplace[ObjectIdentifier(node)] { details.append(["in place", "writes its output over input \(i)"]) }
                nodes.append(Node(id: id, kind: "apply", label: GraphViewData.short("\(node.op)"), color: GraphStyle.applyColor(node.op),
                                  details: details, rewrite: rewrite))
                for (i, input) in node.inputs.enumerated() {
                    let label = node.inputs.count > 1 ? "\(i) \(input.type.shortName)" : input.type.shortName
                    edges.append(Edge(source: source(input), target: id, label: label, update: false))
                }
            }
            for (k, out) in outputs.enumerated() {
                let id = "o\(k)"
                nodes.append(Node(id: id, kind: "output", label: GraphViewData.short(out.name ?? "output \(k)"), color: GraphStyle.output,
                                  details: [["kind", "output \(k)"], ["type", "\(out.type)"], ["shape", GraphViewData.shape(of: out)]],
                                  rewrite: nil))
                edges.append(Edge(source: source(out), target: id, label: out.type.shortName, update: false))
            }
            for (k, (target, value)) in updates.enumerated() {
                let id = "u\(k)"
                nodes.append(Node(id: id, kind: "update", label: "\(target.name ?? "shared") ← update", color: GraphStyle.shared,
                                  details: [["kind", "update of the shared variable \(target.name ?? "(unnamed)")"],
                                            ["type", "\(target.type)"], ["shape", GraphViewData.shape(of: target)]],
                                  rewrite: nil))
                edges.append(Edge(source: source(value), target: id, label: "UPDATE", update: true))
            }
        }
    }

    let title: String
    let optimized: View
    let original: View

    /// What is known of a variable's shape without running the function: a constant's or shared
    /// value's actual shape, else 1 for broadcastable dimensions and ? for the others.
    static func shape(of v: TensorVariable) -> String {
        func tuple(_ dims: [String]) -> String { dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))" }
        if let c = v as? TensorConstant { return tuple(c.value.shape.map(String.init)) }
        if let s = v as? SharedVariable { return tuple(s.value.shape.map(String.init)) + " (its value now)" }
        return tuple(v.broadcastable.map { $0 ? "1" : "?" })
    }

    static func short(_ text: String, limit: Int = 40) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

extension TensorType {
    /// `float64 matrix`: the dtype and Theano's pattern name, for edge labels.
    var shortName: String { "\(dtype) \(patternName)" }
}
