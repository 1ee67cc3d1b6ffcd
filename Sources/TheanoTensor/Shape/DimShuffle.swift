/// Reorders dimensions, inserts broadcastable ones (`nil`, Theano's `'x'`) and drops broadcastable ones.
/// The output is a view of the input.
public struct DimShuffle: Op {
    /// For each output dimension, the input dimension it comes from, or nil for a new broadcastable one.
    public let pattern: [Int?]
    /// The input's broadcast pattern.
    public let inputBroadcastable: [Bool]

    /// Input dimensions the pattern leaves out (each must have size 1); kept, since `perform` checks them every call.
    package let droppedAxes: [Int]

    /// A dimshuffle of an input with this pattern: input axes in their new order, nil for a new broadcastable axis.
    public init(inputBroadcastable: [Bool], pattern: [Int?]) {
        self.inputBroadcastable = inputBroadcastable
        self.pattern = pattern
        droppedAxes = (0..<inputBroadcastable.count).filter { !pattern.contains($0) }
    }

    public var description: String {
        "DimShuffle{" + pattern.map { $0.map(String.init) ?? "x" }.joined(separator: ",") + "}"
    }


    /// Whether the pattern only reverses or permutes without inserting or dropping.
    package var isTranspose: Bool { pattern.count == inputBroadcastable.count && !pattern.contains(nil) && pattern.compactMap { $0 } != Array(0..<pattern.count) }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let input = inputs[0]
        precondition(input.broadcastable == inputBroadcastable, "\(self): built for \(inputBroadcastable), applied to \(input)")
        for axis in droppedAxes {
            precondition(inputBroadcastable[axis], "\(self): cannot drop dimension \(axis) of \(input), which is not broadcastable")
        }
        let used = pattern.compactMap { $0 }
        precondition(Set(used).count == used.count && used.allSatisfy { $0 >= 0 && $0 < input.ndim },
                     "\(self): pattern must use each dimension of \(input) at most once")
        return [TensorType(input.dtype, pattern.map { $0.map { inputBroadcastable[$0] } ?? true })]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        for axis in droppedAxes where x.shape[axis] != 1 {
            throw OpFailure(.shapeMismatch, input: 0, "cannot drop dimension \(axis) of size \(x.shape[axis]) (shape \(x.shape))")
        }
        return [x.dimshuffled(pattern)]
    }

    public var viewMap: [Int: Int] { [0: 0] }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [pattern.map { $0.map { inputShapes[0][$0] } ?? constant(Int64(1)) }]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard var gz = outputGrads[0] else { return [nil] }
        // Sum away inserted dimensions the gradient did not keep at size 1, then invert the permutation.
        let inserted = pattern.indices.filter { pattern[$0] == nil && !gz.broadcastable[$0] }
        if !inserted.isEmpty { gz = gz.sum(axes: inserted, keepdims: true) }
        var inverse = [Int?](repeating: nil, count: inputBroadcastable.count)
        for (outAxis, source) in pattern.enumerated() { if let source { inverse[source] = outAxis } }
        // Dropped input dimensions (size 1) come back as new broadcastable ones.
        var g = gz.dimshuffle(inverse)
        if g.dtype != inputs[0].dtype { g = cast(g, inputs[0].dtype) }
        return [g]
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        if pattern.count == 2 && pattern == [1, 0] { return "\(inputs[0]).T" }
        // Broadcasting lifts (new leading axes, order kept) are implicit in what the user wrote.
        let kept = pattern.compactMap { $0 }
        if kept == Array(0..<inputBroadcastable.count), pattern.prefix(pattern.count - kept.count).allSatisfy({ $0 == nil }) {
            return inputs[0]
        }
        return "\(inputs[0]).dimshuffle(\(pattern.map { $0.map(String.init) ?? "x" }.joined(separator: ", ")))"
    }
}

extension TensorVariable {
    /// Reorders and inserts dimensions: `x.dimshuffle([nil, 0, 1])` adds a leading broadcastable one
    /// (Theano's `x.dimshuffle('x', 0, 1)`).
    public func dimshuffle(_ pattern: [Int?]) -> TensorVariable {
        if pattern.count == ndim && pattern.enumerated().allSatisfy({ $0.element == $0.offset }) { return self }
        return DimShuffle(inputBroadcastable: broadcastable, pattern: pattern)(self)
    }

    /// `dimshuffle` with the pattern written inline: `x.dimshuffle(nil, 0)`.
    public func dimshuffle(_ pattern: Int?...) -> TensorVariable { dimshuffle(pattern) }

    /// The transpose.
    public var T: TensorVariable { dimshuffle(Array((0..<ndim).reversed())) }

    /// Permutes axes; the default reverses them.
    public func transpose(_ axes: [Int]? = nil) -> TensorVariable {
        dimshuffle(axes ?? Array((0..<ndim).reversed()))
    }
}

/// Permutes axes; the default reverses them.
public func transpose(_ x: TensorVariable, axes: [Int]? = nil) -> TensorVariable { x.transpose(axes) }
