/// Graph rewrites for scan.
package enum ScanRewrites {
    package static var all: [LocalRewrite] { [pushout, saveMemory] }

    /// Loop-invariant work in the step moves before the loop (Theano's `scan_pushout_non_seq_operations`,
    /// see ``ScanPushout``): the step's inputs past its sequences and states are the same at every step.
    package static let pushout = LocalRewrite("scan_pushout", tags: ["scan", "specialize"]) { node in
        guard let scan = node.op as? Scan else { return nil }
        let inner = scan.inner
        let declared = inner.inputs + inner.freeVariables
        let outerStart = 1 + scan.sequenceCount + scan.recurrentIndices.count
        let invariantCount = node.inputs.count - outerStart
        let variantCount = declared.count - invariantCount
        guard variantCount >= 0 else { return nil }
        let hoisted = ScanPushout.hoist(outputs: inner.outputs, variantSlots: Array(declared.prefix(variantCount)),
                                        nonSequenceSlots: Array(declared.suffix(invariantCount)),
                                        nonSequences: Array(node.inputs.suffix(invariantCount)))
        guard !hoisted.slots.isEmpty, let lean = try? InnerGraph(inputs: declared + hoisted.slots, outputs: hoisted.outputs) else { return nil }
        var op = Scan(box: InnerGraphBox(lean), sequenceCount: scan.sequenceCount, outputTaps: scan.outputTaps,
                      goBackwards: scan.goBackwards, truncateGradient: scan.truncateGradient)
        op.lastStepOnly = scan.lastStepOnly
        op.hasUntil = scan.hasUntil
        return op.apply(node.inputs + hoisted.outerValues + lean.freeVariables).outputs
    }

    /// When the only reader of a scan output takes its last step (`states[-1]`, as `foldl` and most
    /// RNN code do), the loop keeps only that step instead of stacking all of them (Theano's
    /// `scan_save_mem`). Outputs that a gradient also reads keep every step.
    package static let saveMemory = LocalRewrite("scan_save_mem", tags: ["specialize"], inGraph: { node, graph in
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
