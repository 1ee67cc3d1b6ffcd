import Foundation

/// A rewrite of one node: given the node, it returns replacements for its outputs, or nil to leave it.
/// Replacements must have exactly the outputs' types; the graph refuses any other.
public struct LocalRewrite: Sendable {
    /// The name a mode can include or exclude, and the report counts.
    public let name: String
    /// Groups a mode can switch on or off: canonicalize, stabilize, specialize, useless, fusion, inplace…
    public let tags: Set<String>
    let transform: @Sendable (Apply, FunctionGraph) -> [TensorVariable]?

    /// A rewrite that looks at one node at a time.
    public init(_ name: String, tags: Set<String>, _ transform: @escaping @Sendable (Apply) -> [TensorVariable]?) {
        self.init(name, tags: tags, inGraph: { node, _ in transform(node) })
    }

    /// A rewrite that also reads the graph, to ask who else uses a variable.
    init(_ name: String, tags: Set<String>, inGraph transform: @escaping @Sendable (Apply, FunctionGraph) -> [TensorVariable]?) {
        self.name = name
        self.tags = tags
        self.transform = transform
    }

    func isEnabled(in mode: Mode) -> Bool {
        if mode.excluding.contains(name) || !mode.excluding.isDisjoint(with: tags) { return false }
        return true
    }
}

/// Applies local rewrites over the graph until none fires (Theano's equilibrium optimizer), walking
/// nodes from inputs to outputs. A budget stops a rewrite set that keeps growing the graph.
struct EquilibriumPass {
    let rewrites: [LocalRewrite]

    /// Returns how many rewrites fired.
    @discardableResult
    func run(_ graph: FunctionGraph, report: inout RewriteReport, record: Bool) -> Int {
        var fired = 0
        var nodeBudget = 16 * (graph.toposort.count + 64)
        var changed = true
        var rounds = 0
        while changed && rounds < 32 && nodeBudget > 0 {
            changed = false
            rounds += 1
            for node in graph.toposort {
                for rewrite in rewrites {
                    guard graph.contains(node) else { break }
                    let start = record ? Date() : Date.distantPast
                    guard let replacements = rewrite.transform(node, graph) else { continue }
                    let outputs = node.outputs
                    var applied = false
                    for (old, new) in zip(outputs, replacements) where old !== new {
                        let fitted = new.type == old.type ? new : new.fitted(to: old.type)
                        if let fitted, graph.replace(old, with: fitted, reason: rewrite.name) { applied = true }
                    }
                    if applied {
                        changed = true
                        fired += 1
                        nodeBudget -= 1
                        if record { report.record(rewrite.name, seconds: Date().timeIntervalSince(start)) }
                        break
                    }
                }
            }
            graph.pruneUnreachable()
        }
        return fired
    }
}

extension TensorVariable {
    /// This variable adjusted to `type` when only the dtype or broadcast flags differ in a safe way.
    func fitted(to type: TensorType) -> TensorVariable? {
        guard ndim == type.ndim else { return nil }
        var v = self
        if v.dtype != type.dtype { v = cast(v, type.dtype) }
        // Rebroadcast checks at run time that newly flagged dimensions have size 1.
        if v.broadcastable != type.broadcastable { v = Rebroadcast(pattern: type.broadcastable)(v) }
        return v.type == type ? v : nil
    }
}

extension FunctionGraph {
    func contains(_ node: Apply) -> Bool { nodeSet.contains(ObjectIdentifier(node)) }
}
