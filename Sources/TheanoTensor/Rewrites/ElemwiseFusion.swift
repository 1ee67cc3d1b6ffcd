/// Fuses connected elementwise nodes into one `Composite` node, so a backend runs them as one loop over
/// memory, reading each input once and keeping intermediate values in registers.
///
/// Nodes join one group when they provably loop over the same shape:
/// - a node and an elementwise node it reads, when that value has the node's broadcast pattern (a chain);
/// - two nodes that read one variable whose broadcast pattern is both their results' (siblings).
///
/// A member's value that something outside the group reads (or that the function returns) becomes one
/// of the fused node's outputs, so a value with several readers is computed once, inside the loop.
/// Two groups never merge when a path through other nodes (or other groups) joins them, since the fused
/// node would depend on itself; a group reads at most `maxInputs` variables and has at most `maxSteps`
/// steps. Comparisons and integer results group apart from float ones.
///
/// The steps are the members' scalar ops at their own dtypes, in the graph's order, with variadic
/// `add`/`mul` folded left as the CPU backend runs them, so per element the fused loop performs
/// exactly the operations the separate nodes did and the results keep their bits.
package enum ElemwiseFusion {
    package static let maxInputs = 8
    package static let maxSteps = 32
    /// The fusable nodes grouped at once, and the units one path search may visit before it gives up.
    package static let window = 2048
    package static let searchLimit = 2000

    package static func run(_ graph: FunctionGraph, report: inout RewriteReport) {
        var fused = shapesFromInputs(graph)
        // Readers of replaced nodes must not count as readers outside a group.
        graph.pruneUnreachable()
        let order = graph.toposort
        var start = 0
        while start < order.count {
            var end = start, count = 0
            while end < order.count && (count < window || !fusable(order[end])) {
                if fusable(order[end]) { count += 1 }
                end += 1
            }
            var planner = Planner(graph: graph, nodes: order[start..<end])
            for group in planner.groups() where replace(group, in: graph) { fused += 1 }
            start = end
        }
        if fused > 0 {
            graph.pruneUnreachable()
            report.record("elemwise_fusion", count: fused, seconds: 0)
        }
    }

    /// `Shape_i{d}(v)` of a fusable node's value reads the size from the input it has to equal (the first
    /// one not broadcast along `d`, followed up through fusable nodes), so a size taken from the middle of
    /// a chain (`mean`'s gradient divides by it) does not split the chain into two loops. The node still
    /// runs where anything else reads it, and still checks that its inputs agree.
    static func shapesFromInputs(_ graph: FunctionGraph) -> Int {
        var changed = 0
        for node in graph.toposort {
            guard let op = node.op as? ShapeI, case let v = node.inputs[0], let owner = v.owner, fusable(owner), !v.broadcastable[op.axis] else { continue }
            var source = v
            while let producer = source.owner, fusable(producer),
                  let next = producer.inputs.first(where: { $0.ndim == source.ndim && !$0.broadcastable[op.axis] }) {
                source = next
            }
            if graph.replace(node.outputs[0], with: ShapeI(axis: op.axis)(source), reason: "elemwise_fusion") { changed += 1 }
        }
        return changed
    }

    package static func canFuse(_ op: ScalarOp) -> Bool {
        if case .composite = op { return false }
        return true
    }

    /// An elementwise node that may join a group: not already fused, of a real or integer result, and
    /// checking its broadcasting by type (every node `elemwise(_:_:)` builds), so its result has the
    /// shape of any input with its broadcast pattern.
    static func fusable(_ node: Apply) -> Bool {
        guard let e = node.op as? Elemwise, node.outputCount == 1, e.inputBroadcastable != nil else { return false }
        return canFuse(e.scalarOp) && !node.outputs[0].dtype.isComplex
    }

    /// Groups the fusable nodes of one window of the topological order.
    ///
    /// Every node of the window is a unit; merging two units contracts them into one. A merge is refused
    /// when a path of two or more edges joins the units in the graph contracted so far, so the graph stays
    /// acyclic however many groups form (a path may enter a group at one member and leave it at another).
    struct Planner {
        let graph: FunctionGraph
        let nodes: [Apply]
        var position: [ObjectIdentifier: Int] = [:]
        let isFusable: [Bool]
        /// The window positions of each node's producers.
        var producers: [[Int]] = []
        /// Each node's unit, and each unit's members (ascending).
        var unit: [Int]
        var members: [[Int]]

        init(graph: FunctionGraph, nodes: ArraySlice<Apply>) {
            self.graph = graph
            self.nodes = Array(nodes)
            for (k, node) in self.nodes.enumerated() { position[ObjectIdentifier(node)] = k }
            isFusable = self.nodes.map(ElemwiseFusion.fusable)
            unit = Array(self.nodes.indices)
            members = self.nodes.indices.map { [$0] }
            producers = self.nodes.map { node in node.inputs.compactMap { $0.owner.flatMap { position[ObjectIdentifier($0)] } } }
        }

        mutating func groups() -> [[Apply]] {
            // Loops over arrays first: they save memory traffic, and a group of scalars formed earlier
            // could join two arrays' loops by a path that keeps them apart.
            for scalars in [false, true] {
                for p in nodes.indices where isFusable[p] && (nodes[p].outputs[0].ndim == 0) == scalars {
                    for q in candidates(p) where unit[q] != unit[p] { merge(unit[q], into: unit[p]) }
                }
            }
            // The path searches keep the contracted graph acyclic; should they ever miss a path, fusing
            // nothing here beats a graph that depends on itself.
            guard contractedGraphIsAcyclic() else {
                assertionFailure("elemwise_fusion: the groups would make the graph cyclic")
                return []
            }
            return nodes.indices.filter { isFusable[$0] && unit[$0] == $0 && members[$0].count > 1 }.map { members[$0].map { nodes[$0] } }
        }

        /// Kahn's algorithm over the units.
        func contractedGraphIsAcyclic() -> Bool {
            var waiting = [Int](repeating: 0, count: nodes.count), readers = [[Int]](repeating: [], count: nodes.count)
            for m in nodes.indices {
                for o in Set(producers[m].map { unit[$0] }) where o != unit[m] {
                    waiting[unit[m]] += 1
                    readers[o].append(unit[m])
                }
            }
            var ready = nodes.indices.filter { unit[$0] == $0 && waiting[$0] == 0 }, done = 0
            while let u = ready.popLast() {
                done += 1
                for r in readers[u] {
                    waiting[r] -= 1
                    if waiting[r] == 0 { ready.append(r) }
                }
            }
            return done == nodes.indices.filter { unit[$0] == $0 }.count
        }

        /// Earlier fusable nodes this node may share a loop with: producers first, then siblings. Float
        /// results and others (comparisons, integers) are never mixed, so a comparison does not take a
        /// float loop the CPU backend compiles back to the reference evaluation.
        func candidates(_ p: Int) -> [Int] {
            let node = nodes[p]
            let pattern = node.outputs[0].broadcastable, float = node.outputs[0].dtype.isFloat
            var found: [Int] = []
            for input in node.inputs where input.broadcastable == pattern {
                if let owner = input.owner, let q = position[ObjectIdentifier(owner)], isFusable[q] { found.append(q) }
            }
            for input in node.inputs where input.broadcastable == pattern {
                for (client, _) in graph.clientsOf(input) {
                    guard let client, client !== node, let q = position[ObjectIdentifier(client)], q < p, isFusable[q],
                          client.outputs[0].broadcastable == pattern else { continue }
                    found.append(q)
                }
            }
            return found.filter { nodes[$0].outputs[0].dtype.isFloat == float }
        }

        /// Merges unit `b` into unit `a` unless the limits or a cycle forbid it.
        mutating func merge(_ b: Int, into a: Int) {
            let union = (members[a] + members[b]).sorted()
            guard stepCount(union) <= ElemwiseFusion.maxSteps, externalInputs(union).count <= ElemwiseFusion.maxInputs,
                  !indirectPath(from: a, to: b), !indirectPath(from: b, to: a) else { return }
            for q in members[b] { unit[q] = a }
            members[a] = union
            members[b] = []
        }

        /// Whether `to` depends on `from` through some other unit of the contracted graph. Positions do
        /// not bound the search (a unit may lead back to an earlier position through a group), so a
        /// search longer than `searchLimit` units answers yes: the merge is refused, never wrong.
        func indirectPath(from: Int, to: Int) -> Bool {
            var visited = Set<Int>(), stack: [Int] = []
            func push(_ u: Int) { if u != to && u != from && visited.insert(u).inserted { stack.append(u) } }
            for m in members[to] { for o in producers[m] { push(unit[o]) } }
            while let u = stack.popLast() {
                if visited.count > ElemwiseFusion.searchLimit { return true }
                for m in members[u] {
                    for o in producers[m] {
                        if unit[o] == from { return true }
                        push(unit[o])
                    }
                }
            }
            return false
        }

        func stepCount(_ group: [Int]) -> Int {
            group.reduce(0) { total, q in total + Swift.max(1, nodes[q].inputs.count - 1) }
        }

        func externalInputs(_ group: [Int]) -> [TensorVariable] {
            ElemwiseFusion.externalInputs(group.map { nodes[$0] })
        }
    }

    /// The variables a group reads that no member computes, in order of first use.
    static func externalInputs(_ group: [Apply]) -> [TensorVariable] {
        let made = Set(group.map { ObjectIdentifier($0) })
        var inputs: [TensorVariable] = []
        for node in group {
            for input in node.inputs {
                if let owner = input.owner, made.contains(ObjectIdentifier(owner)) { continue }
                if !inputs.contains(where: { $0 === input }) { inputs.append(input) }
            }
        }
        return inputs
    }

    /// Builds the fused node for a group (members in topological order) and replaces its members' values
    /// that are read outside the group.
    static func replace(_ group: [Apply], in graph: FunctionGraph) -> Bool {
        let inputs = externalInputs(group)
        let members = Set(group.map { ObjectIdentifier($0) })
        var register: [TensorVariable: Int] = [:]
        for (i, input) in inputs.enumerated() { register[input] = i }
        var steps: [Composite.Step] = []
        var outputs: [Int] = [], replaced: [TensorVariable] = []
        for node in group {
            let elemwise = node.op as! Elemwise, out = node.outputs[0]
            let args = node.inputs.map { register[$0]! }
            if (elemwise.scalarOp == .add || elemwise.scalarOp == .mul) && args.count > 2 {
                // Folded left, as the CPU backend runs a variadic node.
                steps.append(Composite.Step(op: elemwise.scalarOp, args: [args[0], args[1]], dtype: out.dtype))
                for arg in args.dropFirst(2) {
                    steps.append(Composite.Step(op: elemwise.scalarOp, args: [inputs.count + steps.count - 1, arg], dtype: out.dtype))
                }
            } else {
                steps.append(Composite.Step(op: elemwise.scalarOp, args: args, dtype: out.dtype))
            }
            register[out] = inputs.count + steps.count - 1
            let readOutside = graph.clientsOf(out).contains { client, _ in client.map { !members.contains(ObjectIdentifier($0)) } ?? true }
            if readOutside {
                outputs.append(register[out]!)
                replaced.append(out)
            }
        }
        guard !outputs.isEmpty else { return false }
        let composite = Composite(inputCount: inputs.count, inputDTypes: inputs.map(\.dtype), steps: steps, outputs: outputs)
        let node = Apply(Elemwise(.composite(composite), inputBroadcastable: inputs.map(\.broadcastable)), inputs)
        let fitted = zip(node.outputs, replaced).map { new, old in new.fitted(to: old.type) }
        guard fitted.allSatisfy({ $0 != nil }) else { return false }
        var changed = false
        for (old, new) in zip(replaced, fitted) where graph.replace(old, with: new!, reason: "elemwise_fusion") { changed = true }
        return changed
    }
}
