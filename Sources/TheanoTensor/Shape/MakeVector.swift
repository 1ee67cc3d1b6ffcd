/// Scalars of one dtype gathered into a vector (Theano's `MakeVector`): the form the shape rewrites give
/// `x.shape` once each size is known symbolically.
public struct MakeVector: Op {
    /// The element type of the vector.
    public let dtype: DType
    /// A vector of `dtype` scalars.
    public init(dtype: DType = .int64) { self.dtype = dtype }
    public var description: String { "MakeVector{dtype=\(dtype)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.allSatisfy { $0.ndim == 0 && $0.dtype == dtype }, "MakeVector: needs \(dtype) scalars, got \(inputs)")
        return [TensorType(dtype, [false])]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [[SymbolicShape.constant(inputs.count)]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let out = NDArray(uninitialized: [inputs.count], dtype: dtype)
        for (i, x) in inputs.enumerated() {
            var slot = out.sliced([(i, 1, 1)], dropping: [0])
            slot.assign(from: x.astype(dtype))
        }
        return [out]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !dtype.isDiscrete else { return inputs.map { _ in nil } }
        return inputs.indices.map { gz[TensorIndex.index($0)] }
    }

    public func prettyPrint(_ inputs: [String]) -> String { "[\(inputs.joined(separator: ", "))]" }
}

/// Int64 scalars as a vector: `makeVector([n, m])`.
public func makeVector(_ scalars: [TensorVariable]) -> TensorVariable {
    let dtype = scalars.isEmpty ? DType.int64 : DType.upcast(scalars.map(\.dtype))
    return MakeVector(dtype: dtype)(scalars.map { $0.dtype == dtype ? $0 : cast($0, dtype) })
}
