/// An operation in the graph: what it computes, how its types and shapes follow from its inputs, and how
/// to differentiate it.
///
/// Ops are values: two ops that compare equal compute the same function, which is what lets the optimizer
/// merge duplicate nodes. Fast kernels for an op live in the backends, not here; `perform` is the plain
/// reference implementation that every backend is checked against.
public protocol Op: Hashable, Sendable, CustomStringConvertible {
    /// The output types for these input types. Stops with a `precondition` message when the static types
    /// cannot go together, like a bad `Array` index.
    func outputTypes(_ inputs: [TensorType]) -> [TensorType]

    /// The reference implementation. Throws an `OpFailure` for bad runtime values.
    func perform(_ inputs: [NDArray]) throws -> [NDArray]

    /// The gradient of a scalar cost with respect to each input, given its gradient with respect to each
    /// output (`nil` where an output does not reach the cost). `nil` in the result means disconnected.
    func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?]

    /// The R-operator (Theano's `R_op`): each output's Jacobian times the inputs' `evalPoints`, the
    /// directional derivative `rop` propagates forward. A nil eval point is an input that does not
    /// depend on the variables differentiated (a zero tangent); nil in the result is an output with no
    /// tangent. The default throws an error naming the op (see `Graph/OpROp.swift`).
    func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?]

    /// Symbolic output shapes (int64 scalars) from input shapes, or nil when the op cannot tell without running.
    func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]?

    /// Output index → input index for outputs that are views of an input (they share memory).
    var viewMap: [Int: Int] { get }

    /// How `pp` prints a node of this op, given its printed inputs.
    func prettyPrint(_ inputs: [String]) -> String
}

extension Op {
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { nil }
    public var viewMap: [Int: Int] { [:] }
    public func prettyPrint(_ inputs: [String]) -> String { "\(self)(\(inputs.joined(separator: ", ")))" }

    /// Applies the op to variables, making one node.
    public func apply(_ inputs: [TensorVariable]) -> Apply { Apply(self, inputs) }

    /// Applies a one-output op.
    public func callAsFunction(_ inputs: TensorVariable...) -> TensorVariable { Apply(self, inputs).outputs[0] }
    /// Applies a one-output op to a list of variables.
    public func callAsFunction(_ inputs: [TensorVariable]) -> TensorVariable { Apply(self, inputs).outputs[0] }

    package func isEqual(to other: any Op) -> Bool { (other as? Self) == self }
}

/// Compares two existential ops.
package func opsEqual(_ a: any Op, _ b: any Op) -> Bool { a.isEqual(to: b) }
