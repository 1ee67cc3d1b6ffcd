/// Theano's shape feature, as local rewrites: the shape of every variable follows from its inputs'
/// shapes through its op's `inferShape`, and `shape(expr)` and `Shape_i(expr)` are replaced by that,
/// through every node that would run only for its shape, until the graph's inputs, values computed
/// anyway, or ops that cannot tell a shape without running are asked for theirs. So `function([x], (x ** 2).shape)` computes no power, and the shape of a
/// `concatenate` adds sizes instead of joining.
///
/// The consequence Theano documents follows: a shape computed this way does not run the op, so it does
/// not check what the op would have checked. `(x + y).shape` with mismatched `x` and `y` is `x`'s shape,
/// not an error; `dot(a, b).shape` does not look at the inner sizes.
package enum ShapeFeature {
    /// The symbolic shape of `v` one level up: its node's `inferShape` over the sizes of the node's
    /// inputs. nil for a leaf, or when the op cannot tell.
    package static func inferred(_ v: TensorVariable) -> [TensorVariable]? {
        guard let node = v.owner else { return nil }
        guard let shapes = node.op.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)),
              shapes.count == node.outputCount, shapes[v.index].count == v.ndim else { return nil }
        return shapes[v.index].map(SymbolicShape.int64)
    }

    /// Whether `v`'s node runs anyway: one of its outputs is a graph output or read by something other
    /// than a shape, or than the nodes in `skipped`, which a lifting is already looking through.
    package static func runsAnyway(_ v: TensorVariable, in graph: FunctionGraph, skipping skipped: Set<ObjectIdentifier>) -> Bool {
        let outputs = v.owner?.outputs ?? [v]
        return outputs.contains { out in
            graph.clientsOf(out).contains { client in
                guard let node = client.node else { return true }
                return !skipped.contains(ObjectIdentifier(node)) && !(node.op is ShapeOp || node.op is ShapeI)
            }
        }
    }

    /// The shape of `v`, lifted through every node that runs only for its shape: a node that runs anyway
    /// gives its shape for free, so reading it adds no arithmetic to the graph (and its op checks).
    package static func lifted(_ v: TensorVariable, in graph: FunctionGraph) -> [TensorVariable]? {
        var skipped = Set<ObjectIdentifier>(), memo: [TensorVariable: [TensorVariable]] = [:]
        func shape(_ u: TensorVariable, depth: Int) -> [TensorVariable] {
            if let known = memo[u] { return known }
            var result = SymbolicShape.of(u)
            if depth > 0, let node = u.owner, !runsAnyway(u, in: graph, skipping: skipped) {
                skipped.insert(ObjectIdentifier(node))
                if let shapes = node.op.inferShape(node.inputs, node.inputs.map { shape($0, depth: depth - 1) }),
                   shapes.count == node.outputCount, shapes[u.index].count == u.ndim {
                    result = shapes[u.index].map(SymbolicShape.int64)
                }
            }
            memo[u] = result
            return result
        }
        guard v.owner != nil, !runsAnyway(v, in: graph, skipping: []) else { return nil }
        return shape(v, depth: 256)
    }

    /// `Shape_i{i}(op(…)) → inferShape(op)[i]` (Theano's `local_track_shape_i`), through every node that
    /// would run only for its shape.
    package static let shapeILift = LocalRewrite("local_shape_i_lift", tags: ["canonicalize", "shape"], inGraph: { node, graph in
        guard let op = node.op as? ShapeI, let dims = lifted(node.inputs[0], in: graph) else { return nil }
        let size = dims[op.axis]
        // Nothing to lift: the size is this very node's question.
        if let owner = size.owner, owner.op is ShapeI, owner.inputs[0] === node.inputs[0] { return nil }
        return [size]
    })

    /// `shape(op(…)) → [inferShape(op)…]` (Theano's `local_shape_to_shape_i` with the feature's sizes).
    package static let shapeToVector = LocalRewrite("local_shape_to_make_vector", tags: ["canonicalize", "shape"], inGraph: { node, graph in
        guard node.op is ShapeOp else { return nil }
        let x = node.inputs[0]
        if x.ndim == 0 { return [constant(NDArray([Int64](), shape: [0]))] }
        guard let dims = lifted(x, in: graph) else { return nil }
        let values = dims.compactMap(SymbolicShape.value)
        if values.count == dims.count { return [constant(NDArray(values, shape: [values.count]))] }
        return [makeVector(dims)]
    })

    /// `[a, b, c][i] → b` for a constant `i` (Theano's `local_subtensor_make_vector`).
    package static let subtensorOfVector = LocalRewrite("local_subtensor_make_vector", tags: ["canonicalize", "shape"]) { node in
        guard let subtensor = node.op as? Subtensor, subtensor.items == [.index],
              let vector = node.inputs[0].owner, vector.op is MakeVector,
              let raw = SymbolicShape.value(node.inputs[1]) else { return nil }
        let count = vector.inputs.count
        let i = raw < 0 ? Int(raw) + count : Int(raw)
        // An index out of range stays, so the function still raises the error.
        guard i >= 0 && i < count else { return nil }
        return [vector.inputs[i]]
    }

    package static let all = [shapeToVector, shapeILift, subtensorOfVector]

    /// Whether two sizes are the same expression once every `Shape_i` in them is lifted as far as the
    /// ops allow, so `reshape(x, x.shape)` is recognised after the sizes were rewritten.
    package static func sameSize(_ a: TensorVariable, _ b: TensorVariable, depth: Int = 16) -> Bool {
        func lifted(_ v: TensorVariable) -> TensorVariable {
            var v = v
            for _ in 0..<64 {
                guard let owner = v.owner, let op = owner.op as? ShapeI, let dims = inferred(owner.inputs[0]) else { break }
                v = dims[op.axis]
            }
            return v
        }
        if a === b { return true }
        let (a, b) = (lifted(a), lifted(b))
        if a === b { return true }
        if let x = SymbolicShape.value(a), let y = SymbolicShape.value(b) { return x == y }
        guard depth > 0, let p = a.owner, let q = b.owner, a.index == b.index, opsEqual(p.op, q.op),
              p.inputs.count == q.inputs.count else { return false }
        return zip(p.inputs, q.inputs).allSatisfy { sameSize($0, $1, depth: depth - 1) }
    }
}
