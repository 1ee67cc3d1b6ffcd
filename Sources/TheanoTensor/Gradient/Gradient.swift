/// Symbolic reverse-mode differentiation over each op's `grad`.
package enum Gradient {
    /// Gradients of `outputs` (seeded with `outputGrads`) with respect to each of `wrt`; nil where disconnected.
    package static func backward(outputs: [TensorVariable], outputGrads: [TensorVariable], wrt: [TensorVariable],
                         constants: Set<TensorVariable> = []) throws -> [TensorVariable?] {
        let order = GraphWalk.topologicalNodes(outputs: outputs, stopAt: constants)
        // Only nodes that depend on some `wrt` variable need their gradient.
        var dependsOnWrt = Set(wrt)
        for node in order where node.inputs.contains(where: { dependsOnWrt.contains($0) && !constants.contains($0) }) {
            for out in node.outputs { dependsOnWrt.insert(out) }
        }
        var contributions: [TensorVariable: [TensorVariable]] = [:]
        for (output, g) in zip(outputs, outputGrads) { contributions[output, default: []].append(g) }

        func total(_ v: TensorVariable) -> TensorVariable? {
            guard let parts = contributions[v], !parts.isEmpty else { return nil }
            var sum = parts.count == 1 ? parts[0] : elemwise(.add, parts)
            if sum.dtype != v.dtype && !v.dtype.isDiscrete { sum = cast(sum, v.dtype) }
            return sum
        }

        for node in order.reversed() {
            let outs = node.outputs
            guard outs.contains(where: { dependsOnWrt.contains($0) }) else { continue }
            let outGrads = outs.map(total)
            if outGrads.allSatisfy({ $0 == nil }) { continue }
            let inputGrads = try node.op.grad(node.inputs, outs, outGrads)
            for (input, g) in zip(node.inputs, inputGrads) {
                guard let g, dependsOnWrt.contains(input), !constants.contains(input) else { continue }
                contributions[input, default: []].append(g)
            }
        }
        return wrt.map(total)
    }
}

/// What `grad` does with a `wrt` variable the cost does not depend on.
public enum DisconnectedInputs: Sendable {
    /// Throw an error naming the variable (Theano's default, `'raise'`).
    case raise
    /// Return zeros of the variable's shape (Theano's `'ignore'`).
    case returnZeros
}

/// The symbolic gradient of a scalar cost with respect to one variable.
public func grad(_ cost: TensorVariable, wrt: TensorVariable, considerConstant: [TensorVariable] = [],
                 disconnectedInputs: DisconnectedInputs = .raise) throws -> TensorVariable {
    try grad(cost, wrt: [wrt], considerConstant: considerConstant, disconnectedInputs: disconnectedInputs)[0]
}

/// The symbolic gradients of a scalar cost with respect to several variables.
public func grad(_ cost: TensorVariable, wrt: [TensorVariable], considerConstant: [TensorVariable] = [],
                 disconnectedInputs: DisconnectedInputs = .raise) throws -> [TensorVariable] {
    guard cost.ndim == 0 else {
        throw TheanoError(.nonScalarCost, "grad: the cost must be a scalar (rank 0), but \(pp(cost)) has type \(cost.type); sum or average it first")
    }
    let seedType = cost.dtype.isDiscrete ? config.floatX : cost.dtype
    // Differentiate the stabilised cost (log(sigmoid) as softplus, …), so the gradient graph is stable too.
    let stableCost = RewriteDatabase.standard.stabilized(cost, keeping: wrt + considerConstant)
    let seed = onesLike(stableCost, dtype: seedType)
    let grads = try Gradient.backward(outputs: [stableCost], outputGrads: [seed], wrt: wrt, constants: Set(considerConstant))
    return try zip(wrt, grads).map { variable, g in
        if let g { GradientMarks.record(g, wrt: variable); return g }
        switch disconnectedInputs {
        case .returnZeros: return zerosLike(variable)
        case .raise:
            let name = variable.name ?? pp(variable)
            if variable.dtype.isDiscrete && (variable === cost || GraphWalk.topologicalNodes(outputs: [cost]).contains { $0.inputs.contains(variable) }) {
                let kind = variable.dtype.isBool ? "a bool" : "an integer"
                throw TheanoError(.disconnectedInput, "grad: asked for the gradient of \(pp(cost)) with respect to \(name) (\(variable.type)), which is \(kind) variable: discrete variables have no gradient (Theano treats it as zero); differentiate with respect to a float variable, or pass disconnectedInputs: .returnZeros to get zeros")
            }
            throw TheanoError(.disconnectedInput, "grad: asked for the gradient with respect to \(name) (\(variable.type)), which is not part of the graph of the cost \(pp(cost)), or is used only by non-differentiable operations; pass disconnectedInputs: .returnZeros to get zeros")
        }
    }
}
