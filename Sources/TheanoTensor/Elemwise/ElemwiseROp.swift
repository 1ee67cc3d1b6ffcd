// R-operators of the elementwise family.

extension Elemwise {
    /// Theano's `Elemwise.R_op`: the scalar op's partial derivatives (its gradient with a seed of ones,
    /// not summed over broadcast dimensions), each times its input's eval point, summed.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        if case .composite(let c) = scalarOp, c.outputs.count > 1 {
            // A fused node with several outputs: the tangents through its body as tensor operations.
            var seeds: [TensorVariable: TensorVariable] = [:]
            for (x, point) in zip(inputs, evalPoints) { if let point { seeds[x] = point } }
            return try ROpPropagation.forward(c.expanded(inputs), seeds: seeds)
        }
        let out = outputs[0]
        guard !out.dtype.isDiscrete else { return [nil] }
        let partials = try scalarOp.definition.gradient(inputs, out, onesLike(out))
        var total: TensorVariable?
        for (x, (partial, point)) in zip(inputs, zip(partials, evalPoints)) {
            guard let partial, let point, !x.dtype.isDiscrete else { continue }
            let term = partial * point
            total = total.map { $0 + term } ?? term
        }
        return [total]
    }
}

extension SumOfElemwise {
    /// The sum of the elementwise expression's R-operator (the fused form appears only after
    /// optimization; Theano has no such op).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        let inner = elemwise(inputs)
        guard let t = try elemwise.rOp(inputs, [inner], evalPoints)[0] else { return [nil] }
        return try sum.rOp([inner], [sum(inner)], [t])
    }
}
