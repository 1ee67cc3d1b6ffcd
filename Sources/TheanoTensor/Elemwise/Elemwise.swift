/// A scalar op mapped over tensors of one rank, with broadcasting decided by the input types.
///
/// Inputs of lower rank are lifted by ``DimShuffle`` when the node is built (`elemwise(_:_:)`), so the op
/// itself sees equal ranks. A dimension broadcasts only where its type says so; a runtime size-1 array in a
/// non-broadcastable dimension is a shape error, as in Theano.
public struct Elemwise: Op {
    /// The scalar operation applied to each element.
    public let scalarOp: ScalarOp
    /// The inputs' broadcast patterns, so `perform` can refuse a runtime size-1 dimension the type does not
    /// let broadcast. nil (for nodes built by rewrites) lets any size-1 dimension broadcast.
    public let inputBroadcastable: [[Bool]]?

    /// The elementwise form of `scalarOp`, for inputs of these broadcast patterns.
    public init(_ scalarOp: ScalarOp, inputBroadcastable: [[Bool]]? = nil) {
        self.scalarOp = scalarOp
        self.inputBroadcastable = inputBroadcastable
    }

    public var description: String { "Elemwise{\(scalarOp.name)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let ndim = inputs[0].ndim
        precondition(inputs.allSatisfy { $0.ndim == ndim }, "\(self): inputs must have one rank after broadcasting, got \(inputs)")
        if let arity = scalarOp.arity {
            precondition(inputs.count == arity, "\(self) takes \(arity) inputs, got \(inputs.count)")
        }
        let pattern = (0..<ndim).map { d in inputs.allSatisfy { $0.broadcastable[d] } }
        // A composite fused from several nodes whose values are read elsewhere stores each of them.
        if case .composite(let c) = scalarOp, c.outputs.count > 1 { return c.outputDTypes.map { TensorType($0, pattern) } }
        return [TensorType(scalarOp.outputDType(inputs.map(\.dtype)), pattern)]
    }

    /// The output shape, or a failure naming the first input whose dimension does not match.
    package static func broadcastShape(_ shapes: [[Int]], _ patterns: [[Bool]]? = nil) throws -> [Int] {
        guard let ndim = shapes.first?.count else { return [] }
        var out = [Int](repeating: 1, count: ndim)
        var owner = [Int?](repeating: nil, count: ndim)
        for (i, shape) in shapes.enumerated() {
            for d in 0..<ndim {
                let size = shape[d]
                let broadcasts = patterns?[i][d] ?? (size == 1)
                if broadcasts && size == 1 { continue }
                if let j = owner[d], out[d] != size {
                    throw OpFailure(.shapeMismatch, input: i,
                        "input dimension mismatch: dimension \(d) of input \(i) has size \(size), but input \(j) has size \(out[d]) (shapes \(shapes.map { "\($0)" }.joined(separator: ", ")))")
                }
                out[d] = size
                owner[d] = i
            }
        }
        return out
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let shape = try Elemwise.broadcastShape(inputs.map(\.shape), inputBroadcastable)
        if case .composite(let c) = scalarOp, c.outputs.count > 1 { return try ScalarEvaluation.evaluateOutputs(c, inputs, shape: shape) }
        return [try ScalarEvaluation.evaluate(scalarOp, inputs, shape: shape)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        // The first input whose dimension does not broadcast fixes the size (the largest, for nodes built
        // by rewrites, where any size 1 broadcasts). The check that they agree is `perform`'s.
        [SymbolicShape.broadcast(inputShapes, inputBroadcastable == nil ? nil : inputs.map(\.broadcastable))]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let raw: [TensorVariable?]
        if case .composite(let c) = scalarOp, c.outputs.count > 1 {
            raw = try c.gradient(inputs, outputGrads)
        } else {
            guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
            raw = try scalarOp.definition.gradient(inputs, outputs[0], gz)
        }
        return zip(inputs, raw).map { x, g in
            guard let g, !x.dtype.isDiscrete else { return nil }
            return reduceToInput(g, x)
        }
    }

    /// Sums a gradient over the dimensions where the input broadcast, and casts it to the input's dtype.
    package func reduceToInput(_ g: TensorVariable, _ x: TensorVariable) -> TensorVariable {
        var g = g
        let axes = (0..<x.ndim).filter { x.broadcastable[$0] && !g.broadcastable[$0] }
        if !axes.isEmpty { g = g.sum(axes: axes, keepdims: true) }
        if g.dtype != x.dtype { g = cast(g, x.dtype) }
        return g
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        switch scalarOp.definition.printing {
        case .infix(let symbol) where inputs.count >= 2: return "(" + inputs.joined(separator: " \(symbol) ") + ")"
        case .prefix(let symbol): return "\(symbol)\(inputs[0])"
        case .named(let name): return "\(name)(\(inputs.joined(separator: ", ")))"
        case .call, .infix: return "\(scalarOp.name)(\(inputs.joined(separator: ", ")))"
        }
    }
}

/// Builds an elementwise node, lifting lower-rank inputs with broadcastable leading dimensions.
public func elemwise(_ op: ScalarOp, _ inputs: [TensorVariable]) -> TensorVariable {
    let ndim = inputs.map(\.ndim).max() ?? 0
    let lifted = inputs.map { x -> TensorVariable in
        if x.ndim == ndim { return x }
        // Constants too: constant folding turns their lift into a constant of the higher rank.
        return x.dimshuffle(Array(repeating: nil, count: ndim - x.ndim) + (0..<x.ndim).map { $0 })
    }
    return Elemwise(op, inputBroadcastable: lifted.map(\.broadcastable))(lifted)
}
