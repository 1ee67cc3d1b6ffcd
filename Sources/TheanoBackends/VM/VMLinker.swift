/// The fast CPU virtual machine: the schedule is fixed when the function is built, each node gets the
/// fastest kernel that fits its types, and elementwise outputs reuse their buffer from the previous
/// call whenever the caller no longer holds it.
public struct VMBackend: Backend {
    /// The name it registers under.
    public let name: String
    /// The ops it runs with its own kernels instead of their `perform`.
    public let kernels: KernelTable
    /// A VM backend with these kernels.
    public init(name: String = "cpu", kernels: KernelTable = .cpu) { (self.name, self.kernels) = (name, kernels) }
    public var rewrites: [(phase: RewriteDatabase.Phase, entry: RewriteDatabase.Entry)] { VMRewrites.all }
    public func link(_ graph: FunctionGraph, mode: Mode, observer: NodeObserver?) throws -> any Program {
        VMProgram(Schedule(graph), inplace: graph.inplace, generatedC: mode.generatedC ?? config.cxxCompile, table: kernels, observer: observer)
    }
}

package final class VMProgram: Program, @unchecked Sendable {
    package let schedule: Schedule
    package let kernels: [NodeKernel]
    /// Output buffers kept between calls, one per step's first output; guarded by `lock`.
    private var buffers: [NDArray?]
    /// The buffers of the steps with several outputs (fused composites), likewise.
    private var outputBuffers: [[NDArray?]]
    private let lock = TryLock()

    /// For each step, the input whose buffer the optimizer's in-place plan lets it overwrite.
    package let destroys: [Int?]
    /// For each step, the slots no later step reads (and that are not outputs): freed right after it,
    /// so their buffers can be reused next call.
    package let deadAfter: [[Int]]

    /// The generated C kernels for the elementwise loops, or why there are none.
    package let generated: Result<GeneratedKernels, GeneratedCUnavailable>
    /// Elements the elementwise loops have produced so far (in loops large enough for C to pay), until
    /// the program is hot enough to compile.
    private var elementsRun = 0

    package var generatedC: GeneratedCStatus {
        switch generated {
        case .success(let kernels): kernels.status
        case .failure(let why): .off(why.description)
        }
    }

    /// Compiles the generated kernels of this program and of every subgraph it runs (scan steps, ifelse
    /// branches), waits for them, and returns this program's status.
    package func waitForGeneratedC() -> GeneratedCStatus {
        for case .subgraph(_, let programs) in kernels {
            for program in programs { _ = program.waitForGeneratedC() }
        }
        if case .success(let kernels) = generated { return kernels.waitUntilDone() }
        return generatedC
    }

    /// Called after each step with its node and outputs (the NaN guard).
    package let observer: NodeObserver?

    package init(_ schedule: Schedule, inplace: [ObjectIdentifier: Int] = [:], generatedC: Mode.GeneratedC = .off,
         table: KernelTable = .cpu, observer: NodeObserver? = nil) {
        self.schedule = schedule
        self.observer = observer
        // Subgraphs are linked here, with this program's settings.
        func link(_ inner: InnerGraph) -> VMProgram {
            VMProgram(Schedule(inner.graph), inplace: inner.graph.inplace, generatedC: generatedC, table: table, observer: observer)
        }
        kernels = schedule.steps.map { NodeKernel.choose(for: $0, table: table, link: link) }
        destroys = schedule.steps.map { inplace[ObjectIdentifier($0.node)] }
        let outputs = Set(schedule.outputSlots)
        deadAfter = schedule.steps.enumerated().map { k, step in
            Array(Set(step.inputSlots.filter { schedule.lastUse[$0] == k && !outputs.contains($0) }))
        }
        buffers = Array(repeating: nil, count: schedule.steps.count)
        outputBuffers = Array(repeating: [], count: schedule.steps.count)
        let loops: [ElemwiseLoop] = kernels.compactMap {
            switch $0 {
            case .elemwise(let loop), .fusedSum(let loop, _, _): loop
            default: nil
            }
        }
        generated = GeneratedKernels.prepare(loops, mode: generatedC)
        if generatedC != .background { elementsRun = Int.min }
    }

    /// The slot table, kept between calls by the caller that owns the buffers (emptied after each call,
    /// so it holds no value that would make a kept buffer look shared).
    private var keptSlots: [NDArray?] = []

    @inline(__always)
    private func gather(_ step: Schedule.Step, _ slots: [NDArray?], into arguments: inout [NDArray]) {
        for slot in step.inputSlots { arguments.append(slots[slot]!) }
    }

    package func run(_ inputs: [NDArray]) throws -> [NDArray] {
        // One caller at a time may use the kept buffers; a concurrent caller allocates its own.
        let ownsBuffers = lock.tryLock()
        defer { if ownsBuffers { lock.unlock() } }
        var slots: [NDArray?] = []
        if ownsBuffers { swap(&slots, &keptSlots) }
        if slots.count != schedule.slotCount { slots = [NDArray?](repeating: nil, count: schedule.slotCount) }
        defer {
            if ownsBuffers {
                for i in slots.indices { slots[i] = nil }
                swap(&slots, &keptSlots)
            }
        }
        // One argument list for every step, so steps do not allocate their own.
        var arguments: [NDArray] = []
        arguments.reserveCapacity(schedule.maxArity)
        for (slot, value) in zip(schedule.inputSlots, inputs) { slots[slot] = value }
        for (slot, value) in schedule.constants { slots[slot] = value }
        for (k, step) in schedule.steps.enumerated() {
            do {
                switch kernels[k] {
                case .elemwise(let loop) where loop.outputCount > 1:
                    var reuse: [NDArray?] = []
                    if ownsBuffers { swap(&reuse, &outputBuffers[k]) }
                    gather(step, slots, into: &arguments)
                    let outs = try loop.runOutputs(arguments, reuse: &reuse)
                    for (slot, value) in zip(step.outputSlots, outs) { slots[slot] = value }
                    if ownsBuffers { outputBuffers[k] = reuse; elementsRun &+= GeneratedKernels.work(outs[0].count) }
                case .elemwise(let loop):
                    var reuse: NDArray? = nil
                    if ownsBuffers { swap(&reuse, &buffers[k]) }
                    gather(step, slots, into: &arguments)
                    let out = try loop.run(arguments, reuse: &reuse, destroying: destroys[k])
                    slots[step.outputSlots[0]] = out
                    if ownsBuffers { buffers[k] = reuse; elementsRun &+= GeneratedKernels.work(out.count) }
                case .fusedSum(let loop, let resultSlot, let dtype):
                    gather(step, slots, into: &arguments)
                    if ownsBuffers { elementsRun &+= GeneratedKernels.work(arguments.map(\.count).max() ?? 0) }
                    let total = try loop.sum(arguments)
                    slots[resultSlot] = NDArray(scalar: total).astype(dtype)
                case .subgraph(let op, let programs):
                    gather(step, slots, into: &arguments)
                    for (slot, value) in zip(step.outputSlots, try op.perform(arguments, subgraphs: programs)) { slots[slot] = value }
                case .native(let implementation):
                    gather(step, slots, into: &arguments)
                    for (slot, value) in zip(step.outputSlots, try implementation(arguments)) { slots[slot] = value }
                case .perform:
                    gather(step, slots, into: &arguments)
                    for (slot, value) in zip(step.outputSlots, try step.node.op.perform(arguments)) { slots[slot] = value }
                }
                if let observer { try observer(step.node, step.outputSlots.compactMap { slots[$0] }) }
            } catch {
                throw NodeFailure.error(step.node, error, step.inputSlots.map { slots[$0] })
            }
            arguments.removeAll(keepingCapacity: true)
            for slot in deadAfter[k] { slots[slot] = nil }
        }
        if ownsBuffers && elementsRun >= GeneratedKernels.hotElements, case .success(let kernels) = generated {
            // Hot: compile once, in the background; `Int.min` keeps the count from asking again.
            elementsRun = Int.min
            kernels.start()
        }
        return schedule.outputSlots.map { slots[$0]! }
    }
}

/// How a node runs in the VM.
package enum NodeKernel {
    case elemwise(ElemwiseLoop)
    /// The sum of everything an elementwise loop produces (``SumOfElemwise``), computed without the array.
    case fusedSum(ElemwiseLoop, resultSlot: Int, dtype: DType)
    /// Scan and ifelse, with their subgraphs linked on the VM too.
    case subgraph(any SubgraphOp, [VMProgram])
    /// The kernel table's implementation.
    case native(KernelTable.Implementation)
    case perform

    package static func choose(for step: Schedule.Step, table: KernelTable, link: (InnerGraph) -> VMProgram) -> NodeKernel {
        let node = step.node
        if let e = node.op as? Elemwise, let loop = ElemwiseLoop(e, node) { return .elemwise(loop) }
        if let s = node.op as? SumOfElemwise, let loop = ElemwiseLoop(s.elemwise, node) {
            return .fusedSum(loop, resultSlot: step.outputSlots[0], dtype: node.outputs[0].dtype)
        }
        if let op = node.op as? any SubgraphOp { return .subgraph(op, op.innerGraphs.map(link)) }
        if let implementation = table.implementation(for: node.op) { return .native(implementation) }
        return .perform
    }
}
