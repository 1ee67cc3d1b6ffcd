// R-operators of the products: bilinear, so d(a·b) = da·b + a·db.

/// The product rule for an op linear in each of its two inputs.
package func bilinearROp(_ op: any Op, _ inputs: [TensorVariable], _ evalPoints: [TensorVariable?]) -> [TensorVariable?] {
    let left = evalPoints[0].map { Apply(op, [$0, inputs[1]]).outputs[0] }
    let right = evalPoints[1].map { Apply(op, [inputs[0], $0]).outputs[0] }
    switch (left, right) {
    case let (l?, r?): return [l + r]
    default: return [left ?? right]
    }
}

extension Dot {
    /// Theano's `Dot.R_op`: `dot(ev0, b) + dot(a, ev1)`.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        bilinearROp(self, inputs, evalPoints)
    }
}

extension MatMul {
    /// As `Dot`'s (Theano's `dot` of stacks of matrices).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        bilinearROp(self, inputs, evalPoints)
    }
}
