/// `ifelse(cond, then, else)`: only the taken branch runs. The branches are inner graphs the op runs
/// itself, so the executor never computes the other one. Inputs: the condition, then the variables the
/// branches read.
public struct IfElse: SubgraphOp {
    package let thenBox: InnerGraphBox
    package let elseBox: InnerGraphBox
    package var innerGraphs: [InnerGraph] { [thenBox.graph, elseBox.graph] }
    /// For each op input after the condition, its position among each branch's free variables (or nil).
    package let thenPositions: [Int?]
    package let elsePositions: [Int?]

    public var description: String { "IfElse" }
    public static func == (a: IfElse, b: IfElse) -> Bool { a.thenBox == b.thenBox && a.elseBox == b.elseBox }
    public func hash(into h: inout Hasher) { h.combine(thenBox); h.combine(elseBox) }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 0, "ifelse: the condition must be a scalar, got \(inputs[0])")
        return thenBox.graph.outputs.map(\.type)
    }

    /// Each branch's shapes from the shapes of the variables it reads, chosen by the condition; neither
    /// branch runs (Theano's `IfElse.infer_shape`). None when a size needs a value computed in a branch.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        func branch(_ graph: InnerGraph, _ positions: [Int?]) -> [[TensorVariable]]? {
            SymbolicShape.innerShapes(graph) { k in positions.firstIndex(of: k).map { inputs[1 + $0] } }
        }
        guard let then = branch(thenBox.graph, thenPositions), let otherwise = branch(elseBox.graph, elsePositions) else { return nil }
        let taken = neq(inputs[0], 0)
        return zip(then, otherwise).map { pair in
            zip(pair.0, pair.1).map { a, b in
                if a === b { return a }
                if let x = SymbolicShape.value(a), let y = SymbolicShape.value(b), x == y { return a }
                return `switch`(taken, a, b)
            }
        }
    }

    package func perform(_ inputs: [NDArray], subgraphs: [any Program]) throws -> [NDArray] {
        let taken = inputs[0].item(as: Double.self) != 0
        let (branch, positions, program) = taken ? (thenBox.graph, thenPositions, subgraphs[0]) : (elseBox.graph, elsePositions, subgraphs[1])
        var args = [NDArray?](repeating: nil, count: branch.freeVariables.count)
        for (i, position) in positions.enumerated() { if let position { args[position] = inputs[1 + i] } }
        return try program.run(args.map { $0! })
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let free = Array(inputs.dropFirst())
        func branchGrads(_ graph: InnerGraph) throws -> [TensorVariable] {
            let seeds = zip(graph.outputs, outputGrads).map { out, g in g ?? zerosLike(out) }
            let grads = try Gradient.backward(outputs: graph.outputs, outputGrads: seeds, wrt: free)
            return zip(free, grads).map { v, g in g ?? zerosLike(v, dtype: v.dtype.isDiscrete ? .float64 : v.dtype) }
        }
        let differentiable = free.indices.filter { !free[$0].dtype.isDiscrete }
        guard !differentiable.isEmpty else { return inputs.map { _ in nil } }
        let thenGrads = try branchGrads(thenBox.graph), elseGrads = try branchGrads(elseBox.graph)
        let chosen = try ifelse(inputs[0], differentiable.map { thenGrads[$0] }, differentiable.map { elseGrads[$0] })
        var result = [TensorVariable?](repeating: nil, count: inputs.count)
        for (k, i) in differentiable.enumerated() { result[1 + i] = chosen[k] }
        return result
    }

    public func prettyPrint(_ inputs: [String]) -> String { "ifelse(\(inputs[0]), …)" }
}

/// Lazily chooses between two lists of expressions of matching types by a scalar condition.
public func ifelse(_ condition: some TensorConvertible, _ then: [TensorVariable], _ otherwise: [TensorVariable]) throws -> [TensorVariable] {
    let cond = condition.asTensor()
    guard then.count == otherwise.count, !then.isEmpty else {
        throw TheanoError(.badArgument, "ifelse: both branches must have the same number of outputs (\(then.count) and \(otherwise.count))")
    }
    var elseOutputs = otherwise
    for k in then.indices where then[k].type != otherwise[k].type {
        guard then[k].ndim == otherwise[k].ndim, let fitted = cast(otherwise[k], then[k].dtype).fitted(to: then[k].type) else {
            throw TheanoError(.typeMismatch, "ifelse: output \(k) is \(then[k].type) in the then branch and \(otherwise[k].type) in the else branch")
        }
        elseOutputs[k] = fitted
    }
    let thenGraph = try InnerGraph(inputs: [], outputs: then)
    let elseGraph = try InnerGraph(inputs: [], outputs: elseOutputs)
    var free: [TensorVariable] = []
    for v in thenGraph.freeVariables + elseGraph.freeVariables where !free.contains(v) { free.append(v) }
    let op = IfElse(thenBox: InnerGraphBox(thenGraph), elseBox: InnerGraphBox(elseGraph),
                    thenPositions: free.map { v in thenGraph.freeVariables.firstIndex { $0 === v } },
                    elsePositions: free.map { v in elseGraph.freeVariables.firstIndex { $0 === v } })
    return op.apply([cond] + free).outputs
}

/// The one-output form: `ifelse(a < b, a, b)`.
public func ifelse(_ condition: some TensorConvertible, _ then: TensorVariable, _ otherwise: TensorVariable) throws -> TensorVariable {
    try ifelse(condition, [then], [otherwise])[0]
}
