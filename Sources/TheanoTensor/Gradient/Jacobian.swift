/// The Jacobian of a vector (or scalar) expression: row i is the gradient of `expression[i]`.
/// Built, as in Theano, with a `scan` over the rows.
public func jacobian(_ expression: TensorVariable, wrt: TensorVariable,
                     disconnectedInputs: DisconnectedInputs = .raise) throws -> TensorVariable {
    if expression.ndim == 0 { return try grad(expression, wrt: wrt, disconnectedInputs: disconnectedInputs) }
    let flat = expression.flatten()
    var failure: Error?
    let rows = try scan({ slots in
        do { return [try grad(flat[slots[0]], wrt: wrt, disconnectedInputs: disconnectedInputs)] } catch {
            failure = error
            return [zerosLike(wrt)]
        }
    }, sequences: [arange(shapeI(flat, 0))]).outputs[0]
    if let failure { throw failure }
    return rows
}

/// The Hessian of a scalar cost: the Jacobian of its gradient.
public func hessian(_ cost: TensorVariable, wrt: TensorVariable, disconnectedInputs: DisconnectedInputs = .raise) throws -> TensorVariable {
    try jacobian(grad(cost, wrt: wrt, disconnectedInputs: disconnectedInputs), wrt: wrt, disconnectedInputs: disconnectedInputs)
}
