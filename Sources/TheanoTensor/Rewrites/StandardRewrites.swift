extension RewriteDatabase {
    /// The package's rewrites. Backends add their own per function (see `Backend.rewrites`).
    public static let standard: RewriteDatabase = {
        let db = RewriteDatabase(fit: { $0.fitted(to: $1) })
        // One merge pass, run before the fixed-point rewrites and again after them.
        let merge = Pass("merge", tags: ["merge", "fast_compile"]) { graph, report in MergePass().run(graph, report: &report) }
        db.register(.pass(merge), in: .merge)
        for rewrite in [
            ConstantFolding.rewrite, ElemwiseRewrites.useless, Canonicalize.addTerms, Canonicalize.mulFactors,
            ElemwiseRewrites.dimshuffleChain, ShapeRewrites.useless, ShapeRewrites.shapeToShapeI, ElemwiseRewrites.stabilize,
            ElemwiseRewrites.logSumExp, ElemwiseRewrites.powSpecialize, ElemwiseRewrites.sumOfScaled, BlasRewrites.gemm,
        ] + ShapeFeature.all + NNetRewrites.all + ScanRewrites.all + LinearAlgebraRewrites.all {
            db.register(.local(rewrite), in: .rewrite)
        }
        db.register(.pass(merge), in: .remerge)
        db.register(.pass(Pass("elemwise_fusion", tags: ["fusion"]) { graph, report in ElemwiseFusion.run(graph, report: &report) }), in: .fusion)
        db.register(.pass(Pass("inplace", tags: ["inplace"]) { graph, report in InplaceMarking.run(graph, report: &report) }), in: .inplace)
        return db
    }()
}
