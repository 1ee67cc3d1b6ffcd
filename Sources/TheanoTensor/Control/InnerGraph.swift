/// A subgraph that an op runs itself (scan's step function, ifelse's branches): declared inputs, plus
/// the outer variables it reads freely, which become extra inputs of the op.
package struct InnerGraph: @unchecked Sendable {
    package let inputs: [TensorVariable]
    package let outputs: [TensorVariable]
    /// Outer variables (including shared ones) the outputs read besides `inputs`.
    package let freeVariables: [TensorVariable]
    /// The optimized subgraph; the backend that links the function containing the op links it too.
    package let graph: FunctionGraph
    /// The subgraph on the reference executor, for the op's own `perform`.
    package let referenceProgram: any Program

    package init(inputs: [TensorVariable], outputs: [TensorVariable], optimizedBy database: RewriteDatabase = .standard) throws {
        let declared = Set(inputs)
        let leaves = GraphWalk.inputs(of: outputs).filter { !declared.contains($0) && !($0 is TensorConstant) }
        self.inputs = inputs
        self.outputs = outputs
        freeVariables = leaves
        let graph = FunctionGraph(inputs: inputs + leaves, outputs: outputs)
        _ = database.optimize(graph, mode: .fastRun)
        self.graph = graph
        referenceProgram = ReferenceProgram(Schedule(graph))
    }
}

/// An op that runs subgraphs (scan, ifelse). A backend links each of `innerGraphs` when it links the
/// function that contains the op, and passes the programs to `perform(_:subgraphs:)`; the plain `perform`
/// runs them on the reference executor, so reference mode stays the baseline all the way down.
package protocol SubgraphOp: Op {
    /// The subgraphs it runs, in the order `perform(_:subgraphs:)` expects their programs.
    var innerGraphs: [InnerGraph] { get }
    func perform(_ inputs: [NDArray], subgraphs: [any Program]) throws -> [NDArray]
}

extension SubgraphOp {
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try perform(inputs, subgraphs: innerGraphs.map(\.referenceProgram)) }
}

/// Identity-compared wrapper so ops holding inner graphs stay `Hashable`: two such ops are equal only
/// when they are the same op instance.
package final class InnerGraphBox: Hashable, @unchecked Sendable {
    package let graph: InnerGraph
    package init(_ graph: InnerGraph) { self.graph = graph }
    package static func == (a: InnerGraphBox, b: InnerGraphBox) -> Bool { a === b }
    package func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
}
