/// Runs each node's `perform`, in order, with fresh arrays: the reference executor's program, and what
/// ops that hold subgraphs run them on in their own `perform`.
package final class ReferenceProgram: Program, @unchecked Sendable {
    package let schedule: Schedule
    /// Called after each node with its outputs; the NaN guard hooks in here.
    package let afterNode: NodeObserver?
    /// For each step of a scan or ifelse, its subgraphs linked on the reference executor too.
    package let subgraphs: [[any Program]]

    package var generatedC: GeneratedCStatus { .off("the reference executor runs each op's perform and generates no C") }

    package init(_ schedule: Schedule, observer: NodeObserver? = nil) {
        self.schedule = schedule
        afterNode = observer
        subgraphs = schedule.steps.map { step in
            ((step.node.op as? any SubgraphOp)?.innerGraphs ?? []).map { ReferenceProgram(Schedule($0.graph), observer: observer) }
        }
    }

    package func run(_ inputs: [NDArray]) throws -> [NDArray] {
        var slots = [NDArray?](repeating: nil, count: schedule.slotCount)
        for (slot, value) in zip(schedule.inputSlots, inputs) { slots[slot] = value }
        for (slot, value) in schedule.constants { slots[slot] = value }
        for (k, step) in schedule.steps.enumerated() {
            let args = step.inputSlots.map { slots[$0] }
            let outs: [NDArray]
            do {
                if let op = step.node.op as? any SubgraphOp {
                    outs = try op.perform(args.map { $0! }, subgraphs: subgraphs[k])
                } else {
                    outs = try step.node.op.perform(args.map { $0! })
                }
                try afterNode?(step.node, outs)
            } catch {
                throw NodeFailure.error(step.node, error, args)
            }
            for (slot, value) in zip(step.outputSlots, outs) { slots[slot] = value }
        }
        return schedule.outputSlots.map { slots[$0]! }
    }
}
