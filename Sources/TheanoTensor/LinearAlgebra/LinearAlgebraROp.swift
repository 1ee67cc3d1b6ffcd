// R-operators of linear algebra: Theano defines one for the inverse only.

extension MatrixInverse {
    /// Theano's `MatrixInverse.R_op`: `-X⁻¹ · V · X⁻¹`.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[0] else { return [nil] }
        let inverse = outputs[0]
        return [-matmul(matmul(inverse, point), inverse)]
    }
}

extension RuntimeCheck {
    /// The tangent passes through the same check.
    package func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self($0, inputs[1]) }]
    }
}
