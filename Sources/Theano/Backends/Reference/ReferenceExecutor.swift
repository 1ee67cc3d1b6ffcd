/// The semantic baseline: runs each node's `perform`, in order, with fresh arrays.
/// Every faster backend is tested against it.
public struct ReferenceLinker: Linker {
    public init() {}
    public var name: String { "reference" }
    public func link(_ graph: FunctionGraph) throws -> any Program { ReferenceProgram(Schedule(graph)) }
}

final class ReferenceProgram: Program, @unchecked Sendable {
    let schedule: Schedule
    /// Called after each node with its outputs; the NaN guard and debug modes hook in here.
    var afterNode: ((Apply, [NDArray]) throws -> Void)?

    init(_ schedule: Schedule) { self.schedule = schedule }

    func run(_ inputs: [NDArray]) throws -> [NDArray] {
        var slots = [NDArray?](repeating: nil, count: schedule.slotCount)
        for (slot, value) in zip(schedule.inputSlots, inputs) { slots[slot] = value }
        for (slot, value) in schedule.constants { slots[slot] = value }
        for step in schedule.steps {
            let args = step.inputSlots.map { slots[$0] }
            let outs: [NDArray]
            do {
                outs = try step.node.op.perform(args.map { $0! })
                try afterNode?(step.node, outs)
            } catch {
                throw NodeFailure.error(step.node, error, args)
            }
            for (slot, value) in zip(step.outputSlots, outs) { slots[slot] = value }
        }
        return schedule.outputSlots.map { slots[$0]! }
    }
}
