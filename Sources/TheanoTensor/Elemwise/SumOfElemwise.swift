/// The sum of all the elements an elementwise node would produce, as one node: what the CPU backend's
/// fusion policy makes of a full `sum` whose input nothing else reads, so the array is never stored.
/// `perform` is the two nodes it replaces, one after the other.
public struct SumOfElemwise: Op {
    public let elemwise: Elemwise
    public let sum: Reduce

    public init(_ elemwise: Elemwise, _ sum: Reduce) { (self.elemwise, self.sum) = (elemwise, sum) }

    public var description: String { "Sum{\(elemwise.scalarOp.name)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        sum.outputTypes(elemwise.outputTypes(inputs))
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        guard let shape = elemwise.inferShape(inputs, inputShapes)?.first else { return nil }
        return [shape.indices.filter { !sum.axes.contains($0) }.map { shape[$0] }]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        try sum.perform(try elemwise.perform(inputs))
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        return try Gradient.backward(outputs: [sum(elemwise(inputs))], outputGrads: [gz], wrt: inputs)
    }

    public func prettyPrint(_ inputs: [String]) -> String { "sum(\(elemwise.prettyPrint(inputs)))" }
}
