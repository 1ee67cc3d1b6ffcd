import Foundation

/// A rewrite of one node: given the node, it returns replacements for its outputs, or nil to leave it.
/// Replacements must have exactly the outputs' types; the graph refuses any other.
public struct LocalRewrite: Sendable {
    /// The name a mode can include or exclude, and the report counts.
    public let name: String
    /// Groups a mode can switch on or off: canonicalize, stabilize, specialize, useless, fusion, inplace…
    public let tags: Set<String>
    package let transform: @Sendable (Apply, FunctionGraph) -> [TensorVariable]?

    /// A rewrite that looks at one node at a time.
    public init(_ name: String, tags: Set<String>, _ transform: @escaping @Sendable (Apply) -> [TensorVariable]?) {
        self.init(name, tags: tags, inGraph: { node, _ in transform(node) })
    }

    /// A rewrite that also reads the graph, to ask who else uses a variable.
    package init(_ name: String, tags: Set<String>, inGraph transform: @escaping @Sendable (Apply, FunctionGraph) -> [TensorVariable]?) {
        self.name = name
        self.tags = tags
        self.transform = transform
    }

    package func isEnabled(in mode: Mode) -> Bool {
        if mode.excluding.contains(name) || !mode.excluding.isDisjoint(with: tags) { return false }
        return true
    }
}

/// Turns a replacement into one of exactly the given type, or nil when it cannot be done safely.
package typealias TypeFitting = @Sendable (TensorVariable, TensorType) -> TensorVariable?

/// Applies local rewrites over the graph until none fires (Theano's equilibrium optimizer), walking
/// nodes from inputs to outputs. A budget stops a rewrite set that keeps growing the graph.
package struct EquilibriumPass {
    package let rewrites: [LocalRewrite]
    /// Adjusts a replacement whose type differs from the variable it replaces only in a safe way (a
    /// cast, a rebroadcast); the ops that do it belong to the tensor layer, which supplies this.
    package let fit: TypeFitting

    package init(rewrites: [LocalRewrite], fit: @escaping TypeFitting) {
        (self.rewrites, self.fit) = (rewrites, fit)
    }

    /// Returns how many rewrites fired.
    @discardableResult
    package func run(_ graph: FunctionGraph, report: inout RewriteReport, record: Bool) -> Int {
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
                        let fitted = new.type == old.type ? new : fit(new, old.type)
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

extension FunctionGraph {
    package func contains(_ node: Apply) -> Bool { nodeSet.contains(ObjectIdentifier(node)) }
}
