import Foundation

/// Every graph transformation, in one database: local rewrites, which run to a fixed point within their
/// phase, and whole-graph passes, each registered with a name, tags and a phase. `function`'s optimizer,
/// the stabilization `grad` applies to a cost, and each backend's own fusion policy all read it, and
/// `Mode.recordRewrites` reports every entry that changed the graph.
///
/// The phases follow Theano's order: merge, then canonicalize/stabilize/specialize to a fixed point
/// (constant folding included), merge again, elementwise fusion, in-place marking.
public final class RewriteDatabase: @unchecked Sendable {
    /// The stages of optimization, in the order they run.
    public enum Phase: Int, CaseIterable, Sendable, Comparable {
        case merge, rewrite, remerge, fusion, inplace
        /// Whether `a` runs before `b`.
        public static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
    }

    /// A transformation of the whole graph; it records what it did in the report.
    public struct Pass: Sendable {
        /// The name a mode can exclude.
        public let name: String
        /// The tags a mode can exclude.
        public let tags: Set<String>
        package let run: @Sendable (FunctionGraph, inout RewriteReport) -> Void

        /// A pass with a name and tags, running `run` over the whole graph.
        public init(_ name: String, tags: Set<String>, _ run: @escaping @Sendable (FunctionGraph, inout RewriteReport) -> Void) {
            (self.name, self.tags, self.run) = (name, tags, run)
        }

        package func isEnabled(in mode: Mode) -> Bool { !mode.excluding.contains(name) && mode.excluding.isDisjoint(with: tags) }
    }

    /// One registered transformation: a local rewrite or a whole-graph pass.
    public enum Entry: Sendable {
        case local(LocalRewrite)
        case pass(Pass)

        package var name: String {
            switch self {
            case .local(let rewrite): rewrite.name
            case .pass(let pass): pass.name
            }
        }
    }

    private var entries: [(phase: Phase, entry: Entry)] = []
    private let lock = NSLock()

    /// Fits a rewrite's replacement to the type of the variable it replaces.
    package let fit: TypeFitting

    /// An empty database whose rewrites' replacements are fitted to their types by `fit`.
    package init(fit: @escaping TypeFitting) { self.fit = fit }

    /// Adds `entry` at the end of `phase`.
    public func register(_ entry: Entry, in phase: Phase) {
        lock.withLock { entries.append((phase, entry)) }
    }

    /// The entries of one phase, in registration order; `extra` are a backend's own, run after them.
    public func entries(in phase: Phase, extra: [(phase: Phase, entry: Entry)] = []) -> [Entry] {
        lock.withLock { (entries + extra).filter { $0.phase == phase }.map(\.entry) }
    }

    /// The local rewrites of the fixed-point phase.
    package var localRewrites: [LocalRewrite] {
        entries(in: .rewrite).compactMap { if case .local(let r) = $0 { r } else { nil } }
    }

    /// Rewrites `graph` in place as `mode` asks; `extra` are the linking backend's entries.
    package func optimize(_ graph: FunctionGraph, mode: Mode, extra: [(phase: Phase, entry: Entry)] = []) -> RewriteReport {
        var report = RewriteReport()
        guard mode.optimizer != .none else { return report }
        let start = Date()
        for phase in Phase.allCases {
            // FAST_COMPILE keeps merging and the rewrites tagged fast_compile.
            if mode.optimizer == .fastCompile && (phase == .fusion || phase == .inplace) { continue }
            var locals: [LocalRewrite] = []
            for entry in entries(in: phase, extra: extra) {
                switch entry {
                case .local(let rewrite):
                    guard rewrite.isEnabled(in: mode) else { continue }
                    if mode.optimizer == .fastCompile && !rewrite.tags.contains("fast_compile") && !mode.including.contains(rewrite.name) { continue }
                    locals.append(rewrite)
                case .pass(let pass):
                    if pass.isEnabled(in: mode) { pass.run(graph, &report) }
                }
            }
            if !locals.isEmpty { EquilibriumPass(rewrites: locals, fit: fit).run(graph, report: &report, record: mode.recordRewrites) }
        }
        report.totalSeconds = Date().timeIntervalSince(start)
        return report
    }

    /// The stabilizing rewrites applied to an expression outside any function, keeping chosen variables
    /// as they are. Constant folding runs with them, so a literal lifted to a tensor's rank is a constant
    /// again when they look for one (`1 / (1 + exp(-z))` with `z` a vector). `grad` differentiates the result, so the gradient of `log(1 / (1 + exp(-z)))` is
    /// built from `softplus`, not from a quotient that overflows.
    package func stabilized(_ expression: TensorVariable, keeping kept: [TensorVariable]) -> TensorVariable {
        guard expression.owner != nil else { return expression }
        let leaves = GraphWalk.inputs(of: [expression])
        var inputs: [TensorVariable] = []
        for v in leaves + kept where !inputs.contains(where: { $0 === v }) { inputs.append(v) }
        let graph = FunctionGraph(inputs: inputs, outputs: [expression], keepingInputs: true)
        var report = RewriteReport()
        let fired = EquilibriumPass(rewrites: localRewrites.filter { !$0.tags.isDisjoint(with: ["stabilize", "fold_constants"]) }, fit: fit).run(graph, report: &report, record: false)
        return fired == 0 ? expression : graph.outputs[0]
    }
}
