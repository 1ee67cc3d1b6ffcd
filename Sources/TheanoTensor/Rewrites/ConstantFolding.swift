/// Computes nodes whose inputs are all constants once, at compile time.
package enum ConstantFolding {
    /// Ops whose result must not be frozen: random draws and anything with side effects.
    package static func isFoldable(_ node: Apply) -> Bool {
        !(node.op is any StatefulOp)
    }

    package static let rewrite = LocalRewrite("constant_folding", tags: ["fast_compile", "canonicalize", "fold_constants"]) { node in
        guard isFoldable(node), !node.inputs.isEmpty, node.inputs.allSatisfy({ $0 is TensorConstant }) else { return nil }
        let values = node.inputs.map { ($0 as! TensorConstant).value }
        // Folding large allocations would bloat the compiled function; leave those to run time.
        guard let outputs = try? node.op.perform(values), outputs.allSatisfy({ $0.count <= 1 << 16 }) else { return nil }
        return zip(node.outputs, outputs).map { out, value in TensorConstant(value.astype(out.dtype).copy(), type: out.type) }
    }
}

/// Marks ops whose `perform` has effects beyond its outputs (random streams), so rewrites leave them alone.
public protocol StatefulOp: Op {}
