/// Theano's `theano.sparse` functions over `SparseVariable`s.

// MARK: - Conversions

/// The dense matrix of a sparse one: Theano's `dense_from_sparse`.
public func denseFromSparse(_ x: SparseVariable) -> TensorVariable {
    SparseToDense(format: x.format)(x.inputs)
}

/// The nonzeros of a dense matrix as a sparse matrix of `format`: Theano's `csr_from_dense` /
/// `csc_from_dense`. Its gradient flows back to the dense matrix at the nonzeros it finds.
public func sparseFromDense(_ x: TensorVariable, format: SparseFormat = .csr) -> SparseVariable {
    precondition(x.ndim == 2, "sparseFromDense: expected a matrix, got \(x.type)")
    let structure = SparsePatternOfDense(format: format).apply([x]).outputs
    let data = SparseGather(format: format, broadcastable: x.broadcastable)([x] + structure)
    return SparseVariable(format: format, data: data, indices: structure[0], indptr: structure[1], shape: structure[2])
}

/// Theano's `csr_from_dense`.
public func csrFromDense(_ x: TensorVariable) -> SparseVariable { sparseFromDense(x, format: .csr) }
/// Theano's `csc_from_dense`.
public func cscFromDense(_ x: TensorVariable) -> SparseVariable { sparseFromDense(x, format: .csc) }

extension SparseVariable {
    /// The dense matrix (Theano's `x.toarray()` in a graph, `dense_from_sparse`).
    public func toDense() -> TensorVariable { denseFromSparse(self) }

    /// The values of `dense` at this matrix's stored positions, in `data`'s order. `dense` may be a
    /// row (1, n), a column (m, 1) or a vector (a row) that broadcasts.
    package func gather(_ dense: TensorVariable) -> TensorVariable {
        let d = dense.ndim == 1 ? dense.dimshuffle(nil, 0) : dense
        precondition(d.ndim == 2, "sparse elementwise: the dense operand must be a matrix, a row or a vector, got \(dense.type)")
        return SparseGather(format: format, broadcastable: d.broadcastable)([d] + structure)
    }
}

/// The transpose, in the other format: Theano's `sparse.transpose`.
public func transpose(_ x: SparseVariable) -> SparseVariable { x.T }

// MARK: - Products

/// A sparse matrix times a dense vector or matrix: Theano's `structured_dot`. The gradient with
/// respect to `a` is structured: it is the gradient of its stored values.
public func structuredDot(_ a: SparseVariable, _ b: TensorVariable) -> TensorVariable {
    StructuredDot(format: a.format)(a.inputs + [b])
}

/// A dense vector or matrix times a sparse matrix, computed as `(bᵀ aᵀ)ᵀ`.
public func structuredDot(_ a: TensorVariable, _ b: SparseVariable) -> TensorVariable {
    precondition(a.ndim == 1 || a.ndim == 2, "structuredDot: the dense operand must be a vector or a matrix, got \(a.type)")
    return a.ndim == 1 ? structuredDot(b.T, a) : structuredDot(b.T, a.T).T
}

/// Theano's `sparse.dot` of a sparse and a dense operand. Its values are `structuredDot`'s; so is its
/// gradient, because a sparse variable's only differentiable part is its stored values.
public func dot(_ a: SparseVariable, _ b: TensorVariable) -> TensorVariable { structuredDot(a, b) }
/// Theano's `sparse.dot` of a dense and a sparse operand.
public func dot(_ a: TensorVariable, _ b: SparseVariable) -> TensorVariable { structuredDot(a, b) }

/// `p ∘ (x · yᵀ)` computed only at `p`'s stored positions, a sparse matrix with `p`'s pattern:
/// Theano's `sampling_dot`. `x` is (m, k), `y` is (n, k), `p` is (m, n).
public func samplingDot(_ x: TensorVariable, _ y: TensorVariable, _ p: SparseVariable) -> SparseVariable {
    p.with(data: p.data * SampledDot(format: p.format)([x, y] + p.structure))
}

// MARK: - Elementwise

/// The sum of two sparse matrices of one format, on the union of their patterns: Theano's `add_s_s`.
public func add(_ a: SparseVariable, _ b: SparseVariable) -> SparseVariable {
    precondition(a.format == b.format, "sparse add: both operands must have one format, got \(a.format) and \(b.format); transpose or convert one")
    let merged = SparseMerge(format: a.format, kind: .union).apply(a.structure + b.structure).outputs
    // A position one operand lacks reads index -1: the zero appended to its values.
    func padded(_ data: TensorVariable) -> TensorVariable { concatenate([data, zeros([1], dtype: data.dtype)]) }
    let values = take(padded(a.data), merged[3]) + take(padded(b.data), merged[4])
    return SparseVariable(format: a.format, data: values, indices: merged[0], indptr: merged[1], shape: merged[2])
}

/// A sparse plus a dense matrix, dense: Theano's `add_s_d`.
public func add(_ a: SparseVariable, _ b: TensorVariable) -> TensorVariable { a.toDense() + b }
/// A dense plus a sparse matrix, dense.
public func add(_ a: TensorVariable, _ b: SparseVariable) -> TensorVariable { a + b.toDense() }

/// The elementwise product of two sparse matrices of one format, on the intersection of their
/// patterns: Theano's `mul_s_s`.
public func mul(_ a: SparseVariable, _ b: SparseVariable) -> SparseVariable {
    precondition(a.format == b.format, "sparse mul: both operands must have one format, got \(a.format) and \(b.format); transpose or convert one")
    let merged = SparseMerge(format: a.format, kind: .intersection).apply(a.structure + b.structure).outputs
    let values = take(a.data, merged[3]) * take(b.data, merged[4])
    return SparseVariable(format: a.format, data: values, indices: merged[0], indptr: merged[1], shape: merged[2])
}

/// A sparse matrix times a dense matrix (or a broadcasting row, column or vector) elementwise, sparse
/// with `a`'s pattern: Theano's `mul_s_d` and `mul_s_v`.
public func mul(_ a: SparseVariable, _ b: TensorVariable) -> SparseVariable { a.with(data: a.data * a.gather(b)) }
/// A dense matrix times a sparse one elementwise, sparse with `b`'s pattern.
public func mul(_ a: TensorVariable, _ b: SparseVariable) -> SparseVariable { mul(b, a) }

extension SparseVariable {
    public static func + (a: SparseVariable, b: SparseVariable) -> SparseVariable { add(a, b) }
    public static func + (a: SparseVariable, b: TensorVariable) -> TensorVariable { add(a, b) }
    public static func + (a: TensorVariable, b: SparseVariable) -> TensorVariable { add(a, b) }
    public static func * (a: SparseVariable, b: SparseVariable) -> SparseVariable { mul(a, b) }
    public static func * (a: SparseVariable, b: TensorVariable) -> SparseVariable { mul(a, b) }
    public static func * (a: TensorVariable, b: SparseVariable) -> SparseVariable { mul(a, b) }
}

// MARK: - Structured unary functions

/// `f` applied to the stored values only, the pattern unchanged (Theano's structured ops). For an `f`
/// with `f(0) ≠ 0` the result differs from `f` of the dense matrix: the zeros stay zeros.
public func structured(_ x: SparseVariable, _ f: (TensorVariable) -> TensorVariable) -> SparseVariable {
    let values = f(x.data)
    precondition(values.ndim == 1, "structured: the function must map the stored values to a vector of the same length, got \(values.type)")
    return x.with(data: values)
}

/// Theano's `structured_sigmoid`: the sigmoid of the stored values.
public func structuredSigmoid(_ x: SparseVariable) -> SparseVariable { structured(x, sigmoid) }
/// Theano's `structured_exp`: the exponential of the stored values.
public func structuredExp(_ x: SparseVariable) -> SparseVariable { structured(x, exp) }
/// Theano's `structured_log`: the logarithm of the stored values.
public func structuredLog(_ x: SparseVariable) -> SparseVariable { structured(x, log) }
/// Theano's `structured_pow`: the stored values to the power `p`.
public func structuredPow(_ x: SparseVariable, _ p: some TensorConvertible) -> SparseVariable { structured(x) { pow($0, p) } }
/// Theano's `structured_add`: `b` added to the stored values.
public func structuredAdd(_ x: SparseVariable, _ b: some TensorConvertible) -> SparseVariable { structured(x) { $0 + b.asTensor() } }
/// Theano's `structured_minimum`: the stored values capped at `b`.
public func structuredMinimum(_ x: SparseVariable, _ b: some TensorConvertible) -> SparseVariable { structured(x) { minimum($0, b) } }
/// Theano's `structured_maximum`: the stored values raised to at least `b`.
public func structuredMaximum(_ x: SparseVariable, _ b: some TensorConvertible) -> SparseVariable { structured(x) { maximum($0, b) } }

/// The square of the stored values (`sparse.sqr`); zero maps to zero, so it equals the dense result.
public func sqr(_ x: SparseVariable) -> SparseVariable { structured(x, sqr) }
/// The square root of the stored values (`sparse.sqrt`).
public func sqrt(_ x: SparseVariable) -> SparseVariable { structured(x, sqrt) }
/// The absolute value of the stored values (`sparse.abs_`).
public func abs(_ x: SparseVariable) -> SparseVariable { structured(x, abs) }
/// The negation of the stored values (`sparse.neg`).
public func neg(_ x: SparseVariable) -> SparseVariable { structured(x, neg) }
/// The sine of the stored values (`sparse.sin`).
public func sin(_ x: SparseVariable) -> SparseVariable { structured(x, sin) }
/// The hyperbolic tangent of the stored values (`sparse.tanh`).
public func tanh(_ x: SparseVariable) -> SparseVariable { structured(x, tanh) }
/// `exp(x) - 1` of the stored values (`sparse.expm1`).
public func expm1(_ x: SparseVariable) -> SparseVariable { structured(x, expm1) }
/// `log(1 + x)` of the stored values (`sparse.log1p`).
public func log1p(_ x: SparseVariable) -> SparseVariable { structured(x, log1p) }

// MARK: - Reductions

/// The sum of a sparse matrix's elements (`axis` nil), or of its columns (`axis` 0) or rows (`axis`
/// 1), dense: Theano's `sparse.sum`.
public func sum(_ x: SparseVariable, axis: Int? = nil) -> TensorVariable {
    guard let axis else { return x.data.sum() }
    let a = axis < 0 ? axis + 2 : axis
    precondition(a == 0 || a == 1, "sparse sum: axis must be 0, 1, -1, -2 or nil, got \(axis)")
    return SparseSum(format: x.format, axis: a)(x.inputs)
}

extension SparseVariable {
    /// The sum of the elements, or along `axis` (see `sum(_:axis:)`).
    public func sum(axis: Int? = nil) -> TensorVariable { TheanoTensor.sum(self, axis: axis) }
}

// MARK: - Slicing

extension SparseVariable {
    /// Rows `start..<stop`, bounds clamped and negative ones counted from the end as Python's are:
    /// Theano's `x[start:stop]`.
    public func rows(_ start: Int? = nil, _ stop: Int? = nil) -> SparseVariable { sliced(axis: 0, start, stop) }
    /// Columns `start..<stop`: Theano's `x[:, start:stop]`.
    public func columns(_ start: Int? = nil, _ stop: Int? = nil) -> SparseVariable { sliced(axis: 1, start, stop) }

    /// Rows in `range`.
    public subscript(rows range: Range<Int>) -> SparseVariable { rows(range.lowerBound, range.upperBound) }
    /// Columns in `range`.
    public subscript(columns range: Range<Int>) -> SparseVariable { columns(range.lowerBound, range.upperBound) }

    private func sliced(axis: Int, _ start: Int?, _ stop: Int?) -> SparseVariable {
        let parts = SparseSlice(format: format, axis: axis, start: start, stop: stop).apply(structure).outputs
        return SparseVariable(format: format, data: take(data, parts[3]), indices: parts[0], indptr: parts[1], shape: parts[2])
    }
}
