/// Graph rewrites for scan.
enum ScanRewrites {
    static var all: [LocalRewrite] { [saveMemory] }

    /// When the only reader of a scan output takes its last step (`states[-1]`, as `foldl` and most
    /// RNN code do), the loop keeps only that step instead of stacking all of them (Theano's
    /// `scan_save_mem`). Outputs that a gradient also reads keep every step.
    static let saveMemory = LocalRewrite("scan_save_mem", tags: ["specialize"], inGraph: { node, graph in
        guard let scan = node.op as? Scan else { return nil }
        var kept = scan.lastStepOnly
        for (k, out) in node.outputs.enumerated() where !kept.contains(k) {
            guard let readers = graph.clients[out], readers.count == 1, let reader = readers[0].node,
                  let subtensor = reader.op as? Subtensor, subtensor.items.first == .index, readers[0].index == 0,
                  ElemwiseRewrites.constantValue(reader.inputs[1]) == -1 else { continue }
            kept.insert(k)
        }
        guard kept != scan.lastStepOnly else { return nil }
        var lean = scan
        lean.lastStepOnly = kept
        return lean.apply(node.inputs).outputs
    })
}
