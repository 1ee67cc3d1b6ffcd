/// Passes its first input through after checking that the others broadcast against it, as they did
/// in the expression a rewrite simplified: `x + y - x` becomes `y` guarded by `x`. The dropped operands
/// are still computed and checked by their types' broadcast patterns, so shape errors, and errors in
/// computing them, happen as they do on the reference executor (Theano's canonicalizer kept such
/// checks as asserts).
public struct BroadcastGuard: Op {
    public init() {}
    /// The operands' broadcast patterns, which decide whether a size-1 dimension may broadcast.
    public var patterns: [[Bool]]? = nil

    public init(patterns: [[Bool]]) { self.patterns = patterns }

    public var description: String { "BroadcastGuard" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.dropFirst().allSatisfy { $0.ndim == inputs[0].ndim }, "BroadcastGuard: operands of one rank, got \(inputs)")
        return [inputs[0]]
    }

    /// The first operand's shape: the guard's check does not run when only the shape is asked for.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        _ = try Elemwise.broadcastShape(inputs.map(\.shape), patterns)
        return [inputs[0]]
    }

    public var viewMap: [Int: Int] { [0: 0] }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [outputGrads[0]] + inputs.dropFirst().map { _ in nil }
    }

    public func prettyPrint(_ inputs: [String]) -> String { inputs[0] }
}
