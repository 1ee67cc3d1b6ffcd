/// The CPU backend's own fusion policy, added to the rewrite database's phases for the functions it links.
package enum VMRewrites {
    package static var all: [(phase: RewriteDatabase.Phase, entry: RewriteDatabase.Entry)] { [(.fusion, .local(sumOfElemwise)), (.fusion, .local(gemmBiasRelu))] }

    /// A full `sum` of an elementwise node that nothing else reads becomes one node, which the VM runs as
    /// one pass over memory in numpy's pairwise order, never storing the array.
    package static let sumOfElemwise = LocalRewrite("vm_sum_of_elemwise", tags: ["fusion"], inGraph: { node, graph in
        guard let sum = node.op as? Reduce, sum.kind == .sum, sum.axes.count == node.inputs[0].ndim,
              let producer = node.inputs[0].owner, let elemwise = producer.op as? Elemwise, producer.outputCount == 1,
              graph.clients[node.inputs[0]]?.count == 1, !graph.outputs.contains(where: { $0 === node.inputs[0] }),
              node.outputs[0].dtype == node.inputs[0].dtype, ElemwiseLoop(elemwise, producer) != nil else { return nil }
        return [SumOfElemwise(elemwise, sum)(producer.inputs)]
    })
}
