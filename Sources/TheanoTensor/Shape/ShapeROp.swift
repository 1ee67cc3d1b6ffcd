// R-operators of the shape family: each is linear, so it applies itself to the eval point.

extension DimShuffle {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self($0) }]
    }
}

extension Reshape {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self([$0] + inputs.dropFirst()) }]
    }
}

extension Rebroadcast {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self($0) }]
    }
}

extension BroadcastGuard {
    /// The guard checks the operands' shapes; the tangent passes through it with the same check.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self([$0] + inputs.dropFirst()) }]
    }
}

extension Alloc {
    /// Theano's `Alloc.R_op`: the eval point of the value, allocated to the same shape.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self([$0] + inputs.dropFirst()) }]
    }
}

extension Join {
    /// Theano's `Join.R_op`: the eval points joined (zeros for inputs that do not depend on `wrt`).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [self(zip(inputs, evalPoints).map { x, t in t ?? zerosLike(x) })]
    }
}

extension ShapeOp {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
}

extension ShapeI {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
}

extension ARange {
    /// Theano's `ARange.R_op`: no tangent.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
}
