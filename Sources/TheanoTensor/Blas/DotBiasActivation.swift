/// A matrix product with its bias add, and optionally relu, as one node: what the CPU backend's fusion
/// policy makes of `relu(dot(x, w) + b)` (or `dot(x, w) + b`) when nothing else reads the product, so
/// the VM applies the epilogue to each tile of the GEMM's output while it is in cache, never rereading
/// the activations. Its inputs are `x`, `w`, then the elementwise node's other inputs (the row-broadcast
/// bias, and relu's slope). `perform` is the two nodes it replaces, one after the other.
public struct DotBiasActivation: Op {
    /// The elementwise node the product feeds: `add(dot, bias)` or `Composite{relu((dot + bias), 0)}`.
    public let elemwise: Elemwise
    /// Where the product enters `elemwise`'s inputs.
    public let productPosition: Int
    /// Which of this node's inputs is the bias.
    public let biasInput: Int
    /// Whether relu follows the bias add.
    public let relu: Bool

    public init(_ elemwise: Elemwise, productPosition: Int, biasInput: Int, relu: Bool) {
        (self.elemwise, self.productPosition, self.biasInput, self.relu) = (elemwise, productPosition, biasInput, relu)
    }

    public var description: String { relu ? "DotBiasActivation{relu}" : "DotBiasActivation{add}" }

    /// `elemwise`'s inputs: the product placed among this node's inputs after `x` and `w`.
    package func elemwiseInputs<T>(_ product: T, _ inputs: [T]) -> [T] {
        var result = Array(inputs.dropFirst(2))
        result.insert(product, at: productPosition)
        return result
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        elemwise.outputTypes(elemwiseInputs(Dot().outputTypes(Array(inputs.prefix(2)))[0], inputs))
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        guard let productShape = Dot().inferShape(Array(inputs.prefix(2)), Array(inputShapes.prefix(2)))?.first else { return nil }
        return elemwise.inferShape(elemwiseInputs(dot(inputs[0], inputs[1]), inputs), elemwiseInputs(productShape, inputShapes))
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let product = try Dot().perform(Array(inputs.prefix(2)))[0]
        return try elemwise.perform(elemwiseInputs(product, inputs))
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        return try Gradient.backward(outputs: [elemwise(elemwiseInputs(dot(inputs[0], inputs[1]), inputs))], outputGrads: [gz], wrt: inputs)
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        elemwise.prettyPrint(elemwiseInputs("dot(\(inputs[0]), \(inputs[1]))", inputs))
    }
}
