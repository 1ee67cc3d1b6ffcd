/// How `rop` builds a Jacobian-vector product.
public enum ROpMethod: Sendable {
    /// Theano's `Rop`: each node's `Op.rOp`, forward from `wrt` to the outputs. Throws for an op
    /// without an R-operator, naming it.
    case opROp
    /// PyTensor's default: two pull-backs (`lop` of `lop` with respect to an auxiliary cotangent), which
    /// works through every op that has a gradient whose gradient exists.
    case throughPullback
}

/// Theano's `Rop`: the Jacobian of `f` with respect to `wrt`, times `evalPoint` (the directional
/// derivative of `f` at `wrt` along `evalPoint`). `evalPoint` has the rank of `wrt`; the result has the
/// type of `f`.
///
/// The Hessian-times-vector product of a scalar cost is `rop(grad(cost, wrt: x), wrt: x, evalPoint: v)`.
public func rop(_ f: TensorVariable, wrt: TensorVariable, evalPoint: TensorVariable,
                disconnectedOutputs: DisconnectedInputs = .raise, method: ROpMethod = .opROp) throws -> TensorVariable {
    try rop([f], wrt: [wrt], evalPoints: [evalPoint], disconnectedOutputs: disconnectedOutputs, method: method)[0]
}

/// Theano's `Rop` for several outputs and variables: for each `f[i]`, the sum over `j` of
/// the Jacobian of `f[i]` with respect to `wrt[j]` times `evalPoints[j]`.
///
/// An output that does not depend on any `wrt` throws, naming it (Theano's `disconnected_outputs='raise'`),
/// or gives zeros with `.returnZeros`. As in Theano, an eval point's dtype is cast to its variable's.
///
/// Theano calls `R_op` on every node above the outputs, with zero eval points for inputs outside
/// `wrt`; here a node none of whose inputs depends on `wrt` is skipped. The values are the same, but an
/// op without an R-operator fails only where a tangent passes through it. Integer and boolean outputs
/// carry no tangent (Theano's `argmax`, shapes, comparisons), as `grad` treats them as disconnected.
public func rop(_ f: [TensorVariable], wrt: [TensorVariable], evalPoints: [TensorVariable],
                disconnectedOutputs: DisconnectedInputs = .raise, method: ROpMethod = .opROp) throws -> [TensorVariable] {
    guard wrt.count == evalPoints.count else {
        throw TheanoError(.badArgument, "rop: \(wrt.count) variable\(wrt.count == 1 ? "" : "s") in wrt but \(evalPoints.count) eval point\(evalPoints.count == 1 ? "" : "s"); give one eval point per variable")
    }
    for (i, (x, v)) in zip(wrt, evalPoints).enumerated() where x.ndim != v.ndim {
        throw TheanoError(.ndimMismatch, "rop: element \(i) of wrt/evalPoints have mismatched dimensionality: \(describe(x)) is \(x.type) (rank \(x.ndim)) but its eval point \(describe(v)) is \(v.type) (rank \(v.ndim))")
    }
    let points = zip(wrt, evalPoints).map { x, v in v.dtype == x.dtype ? v : cast(v, x.dtype) }
    switch method {
    case .opROp:
        var tangents: [TensorVariable: TensorVariable] = [:]
        for (x, v) in zip(wrt, points) where tangents[x] == nil { tangents[x] = v }
        let found = try ROpPropagation.forward(f, seeds: tangents)
        return try zip(f, found).map { out, t in
            if let t { return t }
            return try disconnected(out, wrt, disconnectedOutputs)
        }
    case .throughPullback:
        // Pulling back a zero cotangent u gives uᵀJ, linear in u; pulling that back along the eval
        // points, with respect to u, gives J·v.
        // The cotangents are fresh leaves (an op with inner graphs, ifelse, sees only leaves as its
        // inputs); the result does not depend on their value, and they are replaced by zeros at the end.
        let cotangents = f.map { TensorVariable(type: TensorType($0.dtype.isFloat || $0.dtype.isComplex ? $0.dtype : config.floatX, $0.broadcastable), name: "cotangent") }
        let inputCotangents = try lop(f, wrt: wrt, evalPoints: cotangents, disconnectedInputs: .returnZeros)
        let usable = zip(inputCotangents, wrt).map { g, x in g.dtype.isFloat || g.dtype.isComplex ? g : zerosLike(x, dtype: config.floatX) }
        let found = try Gradient.backward(outputs: usable, outputGrads: zip(points, usable).map { v, g in v.dtype == g.dtype ? v : cast(v, g.dtype) }, wrt: cotangents)
        var zeros: [TensorVariable: TensorVariable] = [:]
        for (u, out) in zip(cotangents, f) { zeros[u] = zerosLike(out, dtype: u.dtype) }
        let results = ROpPropagation.replacing(found, zeros)
        return try zip(f, results).map { out, r in
            if let r { return r.dtype == out.dtype || out.dtype.isDiscrete ? r : cast(r, out.dtype) }
            return try disconnected(out, wrt, disconnectedOutputs)
        }
    }
}

/// Theano's `Lop`: `evalPoint` (with the shape of `f`) times the Jacobian of `f` with respect to `wrt`,
/// the vector-Jacobian product. `lop(f, wrt: x, evalPoint: u)` is `grad` of `sum(f * u)` without building
/// that cost: Theano's `grad(cost=None, known_grads={f: u})`.
public func lop(_ f: TensorVariable, wrt: TensorVariable, evalPoint: TensorVariable, considerConstant: [TensorVariable] = [],
                disconnectedInputs: DisconnectedInputs = .raise) throws -> TensorVariable {
    try lop([f], wrt: [wrt], evalPoints: [evalPoint], considerConstant: considerConstant, disconnectedInputs: disconnectedInputs)[0]
}

/// Theano's `Lop` for several outputs (one eval point each, of its rank) and variables: for each
/// `wrt[j]`, the sum over `i` of `evalPoints[i]` times the Jacobian of `f[i]` with respect to `wrt[j]`.
/// Eval points must be float (Theano: "gradients must always be continuous"). A variable that no output
/// depends on throws, naming it, or gives zeros with `.returnZeros`.
public func lop(_ f: [TensorVariable], wrt: [TensorVariable], evalPoints: [TensorVariable], considerConstant: [TensorVariable] = [],
                disconnectedInputs: DisconnectedInputs = .raise) throws -> [TensorVariable] {
    guard f.count == evalPoints.count else {
        throw TheanoError(.badArgument, "lop: \(f.count) output\(f.count == 1 ? "" : "s") but \(evalPoints.count) eval point\(evalPoints.count == 1 ? "" : "s"); give one eval point per output")
    }
    for (i, (y, u)) in zip(f, evalPoints).enumerated() {
        guard y.ndim == u.ndim else {
            throw TheanoError(.ndimMismatch, "lop: output \(i) (\(describe(y)), \(y.type)) has rank \(y.ndim) but its eval point \(describe(u)) has rank \(u.ndim) (\(u.type)); an eval point has the shape of its output")
        }
        guard u.dtype.isFloat || u.dtype.isComplex else {
            throw TheanoError(.dtypeMismatch, "lop: the eval point of output \(i) (\(describe(u))) has dtype \(u.dtype); gradients are always continuous, so expected a float dtype (cast it)")
        }
    }
    let grads = try Gradient.backward(outputs: f, outputGrads: evalPoints, wrt: wrt, constants: Set(considerConstant))
    return try zip(wrt, grads).map { x, g in
        if let g { return g }
        switch disconnectedInputs {
        case .returnZeros: return zerosLike(x, dtype: x.dtype.isDiscrete ? config.floatX : x.dtype)
        case .raise:
            throw TheanoError(.disconnectedInput, "lop: asked for the vector-Jacobian product with respect to \(describe(x)) (\(x.type)), which is not part of the graph of \(f.map(describe).joined(separator: ", ")), or is used only by non-differentiable operations; pass disconnectedInputs: .returnZeros to get zeros")
        }
    }
}

private func describe(_ v: TensorVariable) -> String { v.name ?? NodeFailure.shortName(v) }

private func disconnected(_ out: TensorVariable, _ wrt: [TensorVariable], _ policy: DisconnectedInputs) throws -> TensorVariable {
    switch policy {
    case .returnZeros: return zerosLike(out)
    case .raise:
        throw TheanoError(.disconnectedInput, "rop: asked for the Jacobian-vector product of \(describe(out)) (\(out.type)) with respect to \(wrt.map(describe).joined(separator: ", ")), which it does not depend on, or only through non-differentiable operations; pass disconnectedOutputs: .returnZeros to get zeros")
    }
}

/// Forward propagation of tangents through `Op.rOp`, shared by `rop` and the ops whose R-operator
/// runs over an inner graph (ifelse).
package enum ROpPropagation {
    /// The tangent of each of `outputs` given the tangents of some variables; nil where none reaches it.
    package static func forward(_ outputs: [TensorVariable], seeds: [TensorVariable: TensorVariable]) throws -> [TensorVariable?] {
        var tangents = seeds
        for node in GraphWalk.topologicalNodes(outputs: outputs, stopAt: Set(seeds.keys)) {
            let points = node.inputs.map { x -> TensorVariable? in
                guard let t = tangents[x], !x.dtype.isDiscrete else { return nil }
                return matched(t, x.type)
            }
            guard points.contains(where: { $0 != nil }), node.outputs.contains(where: { !$0.dtype.isDiscrete }) else { continue }
            let results = try node.op.rOp(node.inputs, node.outputs, points)
            precondition(results.count == node.outputs.count, "\(node.op).rOp returned \(results.count) tangents for \(node.outputs.count) outputs")
            for (out, t) in zip(node.outputs, results) where !out.dtype.isDiscrete {
                if let t { tangents[out] = matched(t, out.type) }
            }
        }
        return outputs.map { tangents[$0] }
    }

    /// `roots` with some leaves replaced: the nodes that read them, directly or not, are copied.
    package static func replacing(_ roots: [TensorVariable?], _ replacements: [TensorVariable: TensorVariable]) -> [TensorVariable?] {
        var map = replacements
        for node in GraphWalk.topologicalNodes(outputs: roots.compactMap { $0 }) {
            let inputs = node.inputs.map { map[$0] ?? $0 }
            guard zip(inputs, node.inputs).contains(where: { $0 !== $1 }) else { continue }
            for (old, new) in zip(node.outputs, Apply(node.op, inputs).outputs) { map[old] = new }
        }
        return roots.map { $0.map { map[$0] ?? $0 } }
    }

    /// A tangent given the type of its variable: Theano's `filter_variable`, with a cast for the dtype.
    package static func matched(_ t: TensorVariable, _ type: TensorType) -> TensorVariable {
        var t = t
        if t.dtype != type.dtype { t = cast(t, type.dtype) }
        if t.broadcastable != type.broadcastable { t = Rebroadcast(pattern: type.broadcastable)(t) }
        return t
    }
}
