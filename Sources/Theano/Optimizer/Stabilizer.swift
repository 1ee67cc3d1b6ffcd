/// Runs the stabilising rewrites on an expression outside any function, keeping chosen variables as
/// they are. `grad` differentiates the result, so the gradient of `log(1 / (1 + exp(-z)))` is built from
/// `softplus`, not from a quotient that overflows.
enum Stabilizer {
    static func stabilized(_ expression: TensorVariable, keeping kept: [TensorVariable]) -> TensorVariable {
        guard expression.owner != nil else { return expression }
        let leaves = GraphWalk.inputs(of: [expression])
        var inputs: [TensorVariable] = []
        for v in leaves + kept where !inputs.contains(where: { $0 === v }) { inputs.append(v) }
        let graph = FunctionGraph(inputs: inputs, outputs: [expression], keepingInputs: true)
        let rewrites = GraphOptimizer.localRewrites.filter { $0.tags.contains("stabilize") }
        var report = RewriteReport()
        let fired = EquilibriumPass(rewrites: rewrites).run(graph, report: &report, record: false)
        return fired == 0 ? expression : graph.outputs[0]
    }
}
