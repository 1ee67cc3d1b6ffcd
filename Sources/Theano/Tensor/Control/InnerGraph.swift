/// A subgraph that an op runs itself (scan's step function, ifelse's branches): declared inputs, plus
/// the outer variables it reads freely, which become extra inputs of the op.
struct InnerGraph: @unchecked Sendable {
    let inputs: [TensorVariable]
    let outputs: [TensorVariable]
    /// Outer variables (including shared ones) the outputs read besides `inputs`.
    let freeVariables: [TensorVariable]
    /// The optimized subgraph; the backend that links the function containing the op links it too.
    let graph: FunctionGraph
    /// The subgraph on the reference executor, for the op's own `perform`.
    let referenceProgram: any Program

    init(inputs: [TensorVariable], outputs: [TensorVariable]) throws {
        let declared = Set(inputs)
        let leaves = GraphWalk.inputs(of: outputs).filter { !declared.contains($0) && !($0 is TensorConstant) }
        self.inputs = inputs
        self.outputs = outputs
        freeVariables = leaves
        let graph = FunctionGraph(inputs: inputs + leaves, outputs: outputs)
        _ = RewriteDatabase.standard.optimize(graph, mode: .fastRun)
        self.graph = graph
        referenceProgram = try ReferenceBackend().link(graph, mode: .fastRun, observer: nil)
    }
}

/// An op that runs subgraphs (scan, ifelse). A backend links each of `innerGraphs` when it links the
/// function that contains the op, and passes the programs to `perform(_:subgraphs:)`; the plain `perform`
/// runs them on the reference executor, so reference mode stays the baseline all the way down.
protocol SubgraphOp: Op {
    /// The subgraphs it runs, in the order `perform(_:subgraphs:)` expects their programs.
    var innerGraphs: [InnerGraph] { get }
    func perform(_ inputs: [NDArray], subgraphs: [any Program]) throws -> [NDArray]
}

extension SubgraphOp {
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try perform(inputs, subgraphs: innerGraphs.map(\.referenceProgram)) }
}

/// Identity-compared wrapper so ops holding inner graphs stay `Hashable`: two such ops are equal only
/// when they are the same op instance.
final class InnerGraphBox: Hashable, @unchecked Sendable {
    let graph: InnerGraph
    init(_ graph: InnerGraph) { self.graph = graph }
    static func == (a: InnerGraphBox, b: InnerGraphBox) -> Bool { a === b }
    func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}
