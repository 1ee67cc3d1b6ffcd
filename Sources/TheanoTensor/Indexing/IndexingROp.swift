// R-operators of indexing: the same selection (or increment) of the eval points; indices carry none.

extension Subtensor {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self([$0] + inputs.dropFirst()) }]
    }
}

extension IncSubtensor {
    /// Theano's `IncSubtensor.R_op`: the eval points of the tensor and of the value, incremented (or
    /// set) at the same place; a missing one is zeros.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard evalPoints[0] != nil || evalPoints[1] != nil else { return [nil] }
        return [self([evalPoints[0] ?? zerosLike(inputs[0]), evalPoints[1] ?? zerosLike(inputs[1])] + inputs.dropFirst(2))]
    }
}

extension AdvancedSubtensor1 {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        [evalPoints[0].map { self($0, inputs[1]) }]
    }
}

extension AdvancedIncSubtensor1 {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard evalPoints[0] != nil || evalPoints[1] != nil else { return [nil] }
        return [self(evalPoints[0] ?? zerosLike(inputs[0]), evalPoints[1] ?? zerosLike(inputs[1]), inputs[2])]
    }
}
