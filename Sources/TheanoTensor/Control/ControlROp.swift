// R-operators of control flow and random draws.

extension IfElse {
    /// Theano's `IfElse.R_op`: the R-operators of the two branches, chosen by the same condition.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        var seeds: [TensorVariable: TensorVariable] = [:]
        for (x, t) in zip(inputs.dropFirst(), evalPoints.dropFirst()) { if let t { seeds[x] = t } }
        func branch(_ graph: InnerGraph) throws -> [TensorVariable] {
            try zip(graph.outputs, ROpPropagation.forward(graph.outputs, seeds: seeds)).map { out, t in
                t ?? zerosLike(out, dtype: out.dtype.isDiscrete ? config.floatX : out.dtype)
            }
        }
        let chosen = try ifelse(inputs[0], try branch(thenBox.graph), try branch(elseBox.graph))
        return zip(outputs, chosen).map { out, t in out.dtype.isDiscrete ? nil : t }
    }
}

extension RandomDraw {
    /// Theano's `RandomFunction.R_op`: a draw has no tangent.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        outputs.map { _ in nil }
    }
}
