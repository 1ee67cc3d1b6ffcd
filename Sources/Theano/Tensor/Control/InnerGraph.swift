/// A subgraph that an op runs itself (scan's step function, ifelse's branches): declared inputs, plus
/// the outer variables it reads freely, which become extra inputs of the op.
struct InnerGraph: @unchecked Sendable {
    let inputs: [TensorVariable]
    let outputs: [TensorVariable]
    /// Outer variables (including shared ones) the outputs read besides `inputs`.
    let freeVariables: [TensorVariable]
    /// The subgraph on the reference executor, the semantic baseline, and on the VM for VM callers.
    let referenceProgram: any Program
    let vmProgram: any Program

    init(inputs: [TensorVariable], outputs: [TensorVariable]) throws {
        let declared = Set(inputs)
        let leaves = GraphWalk.inputs(of: outputs).filter { !declared.contains($0) && !($0 is TensorConstant) }
        self.inputs = inputs
        self.outputs = outputs
        freeVariables = leaves
        let graph = FunctionGraph(inputs: inputs + leaves, outputs: outputs)
        _ = RewriteDatabase.standard.optimize(graph, mode: .fastRun)
        referenceProgram = try ReferenceLinker().link(graph)
        vmProgram = try VMLinker().link(graph)
    }

    func run(_ values: [NDArray], onVM: Bool) throws -> [NDArray] {
        try (onVM ? vmProgram : referenceProgram).run(values)
    }
}

/// An op that runs subgraphs (scan, ifelse). The VM asks it to run them on the VM as well; its plain
/// `perform` keeps them on the reference executor, so reference mode stays the baseline all the way down.
protocol SubgraphOp: Op {
    func perform(_ inputs: [NDArray], onVM: Bool) throws -> [NDArray]
    /// The subgraphs it runs, so a function can wait for their generated kernels too.
    var innerGraphs: [InnerGraph] { get }
}

extension SubgraphOp {
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try perform(inputs, onVM: false) }
}

/// Identity-compared wrapper so ops holding inner graphs stay `Hashable`: two such ops are equal only
/// when they are the same op instance.
final class InnerGraphBox: Hashable, @unchecked Sendable {
    let graph: InnerGraph
    init(_ graph: InnerGraph) { self.graph = graph }
    static func == (a: InnerGraphBox, b: InnerGraphBox) -> Bool { a === b }
    func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}
