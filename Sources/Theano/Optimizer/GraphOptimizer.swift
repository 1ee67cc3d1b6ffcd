import Foundation

/// The optimizer stage's entry point: rewrites a function graph as the mode asks.
///
/// The pipeline follows Theano's order: merge, then canonicalize/stabilize/specialize to a fixed point
/// (constant folding included), then merge again, then elementwise fusion.
enum GraphOptimizer {
    static let localRewrites: [LocalRewrite] = [
        ConstantFolding.rewrite,
        ElemwiseRewrites.useless,
        Canonicalize.addTerms,
        Canonicalize.mulFactors,
        ElemwiseRewrites.dimshuffleChain,
        ShapeRewrites.useless,
        ShapeRewrites.shapeToShapeI,
        ElemwiseRewrites.stabilize,
        ElemwiseRewrites.logSumExp,
        ElemwiseRewrites.powSpecialize,
        ElemwiseRewrites.sumOfScaled,
        BlasRewrites.gemm,
    ] + extraRewrites

    /// Rewrites other stages register (nnet's softmax and cross-entropy forms).
    static var extraRewrites: [LocalRewrite] { NNetRewrites.all + ScanRewrites.all }

    static func optimize(_ graph: FunctionGraph, mode: Mode) throws -> RewriteReport {
        var report = RewriteReport()
        guard mode.optimizer != .none else { return report }
        let start = Date()
        let record = mode.recordRewrites
        if !mode.excluding.contains("merge") { MergePass().run(graph, report: &report) }
        let enabled = localRewrites.filter { rewrite in
            guard rewrite.isEnabled(in: mode) else { return false }
            if mode.optimizer == .fastCompile { return rewrite.tags.contains("fast_compile") || mode.including.contains(rewrite.name) }
            return true
        }
        EquilibriumPass(rewrites: enabled).run(graph, report: &report, record: record)
        if !mode.excluding.contains("merge") { MergePass().run(graph, report: &report) }
        if mode.optimizer == .fastRun && !mode.excluding.contains("fusion") {
            ElemwiseFusion.run(graph, report: &report)
        }
        if mode.optimizer == .fastRun && !mode.excluding.contains("inplace") {
            InplaceMarking.run(graph, report: &report)
        }
        report.totalSeconds = Date().timeIntervalSince(start)
        return report
    }
}
