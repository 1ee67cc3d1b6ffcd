/// The schedule shared by executors: each node's input and output slots, fixed when the function is built.
package struct Schedule {
    /// A class, so walking the schedule shares each step instead of retaining its fields.
    package final class Step {
        package let node: Apply
        package let inputSlots: [Int]
        package let outputSlots: [Int]
        package init(node: Apply, inputSlots: [Int], outputSlots: [Int]) {
            (self.node, self.inputSlots, self.outputSlots) = (node, inputSlots, outputSlots)
        }
    }
    package let steps: [Step]
    package let slotCount: Int
    package let inputSlots: [Int]
    package let outputSlots: [Int]
    /// Constant values preloaded into their slots.
    package let constants: [(slot: Int, value: NDArray)]
    /// For each slot, the index of the last step that reads it (or `steps.count` for graph outputs).
    package let lastUse: [Int]
    /// The most inputs any step reads.
    package let maxArity: Int

    package init(_ graph: FunctionGraph) {
        var slotOf: [TensorVariable: Int] = [:]
        var constants: [(Int, NDArray)] = []
        func slot(_ v: TensorVariable) -> Int {
            if let s = slotOf[v] { return s }
            let s = slotOf.count
            slotOf[v] = s
            if let c = v as? TensorConstant { constants.append((s, c.value)) }
            return s
        }
        let inputSlots = graph.inputs.map(slot)
        let nodes = graph.toposort
        var steps: [Step] = []
        for node in nodes {
            steps.append(Step(node: node, inputSlots: node.inputs.map(slot), outputSlots: node.outputs.map(slot)))
        }
        let outputSlots = graph.outputs.map(slot)
        var lastUse = [Int](repeating: -1, count: slotOf.count)
        for (k, step) in steps.enumerated() { for s in step.inputSlots { lastUse[s] = k } }
        for s in outputSlots { lastUse[s] = steps.count }
        self.steps = steps
        self.slotCount = slotOf.count
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.constants = constants
        self.lastUse = lastUse
        maxArity = steps.map(\.inputSlots.count).max() ?? 0
    }
}

/// Turns a failure inside a node into an error that shows the node as the user wrote it.
package enum NodeFailure {
    package static func error(_ node: Apply, _ failure: Error, _ inputs: [NDArray?]) -> Error {
        if failure is TheanoError { return failure }
        let user = node.origin ?? node
        let (kind, input, message): (TheanoError.Kind, Int?, String) = {
            if let f = failure as? OpFailure { return (f.kind, f.input, f.message) }
            return (.numericalError, nil, "\(failure)")
        }()
        // A fused loop's inputs are its own, not those of the user's node it ends with.
        let isFused = (node.op as? Elemwise).map { if case .composite = $0.scalarOp { true } else { false } } ?? false
        var lines = ["\(user.op) failed: \(message)", "  expression: \(pp(user.outputs[0]))" + (isFused ? " (computed in one fused loop)" : "")]
        for (i, value) in inputs.enumerated() where input == nil || input == i {
            let variable = !isFused && i < user.inputs.count ? user.inputs[i] : node.inputs[i]
            let shape = value.map { "shape \($0.shape), dtype \($0.dtype)" } ?? "not computed"
            lines.append("  input \(i): \(shortName(variable)) \(variable.type), \(shape)")
        }
        return TheanoError(kind, lines.joined(separator: "\n"))
    }

    package static func shortName(_ v: TensorVariable) -> String {
        let text = pp(v)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
