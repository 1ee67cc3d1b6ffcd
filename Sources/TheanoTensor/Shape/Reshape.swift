/// Gives the elements a new shape of `ndim` dimensions. The sizes come as int scalar inputs (so they may
/// be symbolic, like `x.shape[0]`); one of them may be -1, inferred from the others.
public struct Reshape: Op {
    /// The rank of the result.
    public let ndim: Int
    /// A reshape to a shape of `ndim` dimensions, given at run time.
    public init(ndim: Int) { self.ndim = ndim }
    public var description: String { "Reshape{\(ndim)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == ndim + 1 && inputs.dropFirst().allSatisfy { $0.ndim == 0 && $0.dtype.isInteger },
                     "reshape: needs \(ndim) integer scalar sizes")
        return [TensorType(inputs[0].dtype, [Bool](repeating: false, count: ndim))]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        var sizes = inputs.dropFirst().map { Int($0.item(as: Int64.self)) }
        let unknown = sizes.indices.filter { sizes[$0] == -1 }
        guard unknown.count <= 1, sizes.allSatisfy({ $0 >= -1 }) else {
            throw OpFailure(.shapeMismatch, "cannot reshape \(x.shape) to \(sizes): sizes must be ≥ 0 with at most one -1")
        }
        // The known sizes must make a possible array before they are multiplied.
        let known = try ShapeCheck.elementCount(sizes.filter { $0 != -1 }, dtype: x.dtype, op: "reshape")
        if let u = unknown.first {
            guard known > 0, x.count % known == 0 else { throw OpFailure(.shapeMismatch, "cannot reshape array of \(x.count) elements (shape \(x.shape)) into \(sizes)") }
            sizes[u] = x.count / known
        }
        guard sizes.reduce(1, *) == x.count else {
            throw OpFailure(.shapeMismatch, "cannot reshape array of \(x.count) elements (shape \(x.shape)) into shape \(sizes)")
        }
        return [x.reshaped(sizes)]
    }

    /// A reshape of a contiguous array shares its storage.
    public var viewMap: [Int: Int] { [0: 0] }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        // A size of -1 is the element count divided by the other sizes; a symbolic size may be -1 too.
        let sizes = Array(inputs.dropFirst()).map(SymbolicShape.int64)
        let total = SymbolicShape.product(inputShapes[0])
        return [sizes.indices.map { i in
            let size = sizes[i]
            if let k = SymbolicShape.value(size), k >= 0 { return size }
            let others = sizes.indices.filter { $0 != i }.map { j in
                SymbolicShape.value(sizes[j]).map { $0 >= 0 ? sizes[j] : SymbolicShape.constant(1) } ?? `switch`(eq(sizes[j], -1), SymbolicShape.constant(1), sizes[j])
            }
            let inferred = SymbolicShape.floorDiv(total, SymbolicShape.product(others))
            return SymbolicShape.value(size) != nil ? inferred : `switch`(eq(size, -1), inferred, size)
        }]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return inputs.map { _ in nil } }
        return [gz.reshape(like: inputs[0])] + inputs.dropFirst().map { _ in nil }
    }

    public func prettyPrint(_ inputs: [String]) -> String { "reshape(\(inputs[0]), (\(inputs.dropFirst().joined(separator: ", "))))" }
}

extension TensorVariable {
    /// A new shape; one size may be -1: `x.reshape([2, -1])`.
    public func reshape(_ shape: [Int]) -> TensorVariable {
        reshape(shape.map { constant(Int64($0)) })
    }

    /// A new shape from int scalars, possibly symbolic: `x.reshape([x.shape[0], -1])`.
    public func reshape(_ sizes: [TensorVariable]) -> TensorVariable {
        let sizes = sizes.map { $0.dtype == .int64 ? $0 : cast($0, .int64) }
        return Reshape(ndim: sizes.count)([self] + sizes)
    }

    /// The shape of `other`, which must have as many elements.
    public func reshape(like other: TensorVariable) -> TensorVariable {
        if other.ndim == 0 { return reshape([TensorVariable]()) }
        let result = reshape((0..<other.ndim).map { shapeI(other, $0) })
        // Keep the broadcast pattern of `other` so gradients match its type exactly.
        return result.restoringBroadcast(other.broadcastable)
    }

    /// Collapses the trailing dimensions: `outdim: 1` gives a vector, `outdim: 2` a matrix of rows.
    public func flatten(outdim: Int = 1) -> TensorVariable {
        precondition(outdim >= 1 && outdim <= Swift.max(ndim, 1), "flatten: outdim \(outdim) is not in 1...\(ndim)")
        return reshape((0..<(outdim - 1)).map { shapeI(self, $0) } + [constant(Int64(-1))])
    }

    package func flattenTo2D() -> TensorVariable { ndim == 2 ? self : reshape([constant(Int64(-1)), shapeI(self, ndim - 1)]) }
    package func flattenTo1D() -> TensorVariable { ndim == 1 ? self : flatten() }

    /// Marks size-1 dimensions broadcastable again after an op that forgets it (like Theano's `patternbroadcast`).
    package func restoringBroadcast(_ pattern: [Bool]) -> TensorVariable {
        guard pattern.contains(true), pattern.count == ndim else { return self }
        return Rebroadcast(pattern: pattern)(self)
    }
}

/// `reshape(x, shape)`.
public func reshape(_ x: TensorVariable, _ shape: [Int]) -> TensorVariable { x.reshape(shape) }
/// `flatten(x, outdim:)`.
public func flatten(_ x: TensorVariable, outdim: Int = 1) -> TensorVariable { x.flatten(outdim: outdim) }

/// Sets the broadcast pattern, checking at run time that flagged dimensions have size 1.
public struct Rebroadcast: Op {
    package init(pattern: [Bool]) { self.pattern = pattern }
    /// The broadcast pattern the output takes, checked at run time.
    public let pattern: [Bool]
    public var description: String { "Rebroadcast{\(pattern)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == pattern.count, "Rebroadcast: pattern \(pattern) for \(inputs[0])")
        return [TensorType(inputs[0].dtype, pattern)]
    }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [zip(inputShapes[0], pattern).map { size, flag in flag ? SymbolicShape.constant(1) : size }]
    }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        for (axis, flag) in pattern.enumerated() where flag && inputs[0].shape[axis] != 1 {
            throw OpFailure(.shapeMismatch, input: 0, "dimension \(axis) should be broadcastable (size 1), but the shape is \(inputs[0].shape)")
        }
        return inputs
    }
    public var viewMap: [Int: Int] { [0: 0] }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil] }
        return [gz.broadcastable == inputs[0].broadcastable ? gz : Rebroadcast(pattern: inputs[0].broadcastable)(gz)]
    }
    public func prettyPrint(_ inputs: [String]) -> String { inputs[0] }
}
