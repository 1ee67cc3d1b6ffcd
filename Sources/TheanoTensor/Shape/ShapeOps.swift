/// `x.shape` as a symbolic int64 vector.
public struct ShapeOp: Op {
    package init() {  }
    public var description: String { "Shape" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(.int64, [false])] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[SymbolicShape.constant(inputs[0].ndim)]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { [NDArray(inputs[0].shape.map(Int64.init), shape: [inputs[0].ndim])] }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
    public func prettyPrint(_ inputs: [String]) -> String { "\(inputs[0]).shape" }
}

/// One dimension of `x.shape` as a symbolic int64 scalar (Theano's `Shape_i`).
public struct ShapeI: Op {
    package init(axis: Int) { self.axis = axis }
    /// The dimension whose size it reads.
    public let axis: Int
    public var description: String { "Shape_i{\(axis)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(axis < inputs[0].ndim, "Shape_i: axis \(axis) out of range for \(inputs[0])")
        return [TensorType(.int64, [])]
    }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { [NDArray(scalar: Int64(inputs[0].shape[axis]))] }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
    public func prettyPrint(_ inputs: [String]) -> String { "\(inputs[0]).shape[\(axis)]" }
}

/// The size of one dimension, folded to a constant when the type says it is 1.
public func shapeI(_ x: TensorVariable, _ axis: Int) -> TensorVariable {
    x.broadcastable[axis] ? constant(Int64(1)) : ShapeI(axis: axis)(x)
}

extension TensorVariable {
    /// The runtime shape as an int64 vector.
    public var shape: TensorVariable { ShapeOp()(self) }
}

/// The runtime shape of `x`.
public func shape(_ x: TensorVariable) -> TensorVariable { x.shape }
