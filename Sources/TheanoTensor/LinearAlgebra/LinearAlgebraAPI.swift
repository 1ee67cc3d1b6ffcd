/// The order of a vector or matrix norm (numpy's `ord`).
public enum NormOrder: Hashable, Sendable {
    /// The Frobenius norm of a matrix, √Σx² (numpy's `'fro'`).
    case frobenius
    /// The nuclear norm of a matrix, the sum of its singular values (`'nuc'`).
    case nuclear
    /// max |x| of a vector; the largest absolute row sum of a matrix.
    case infinity
    /// min |x| of a vector; the smallest absolute row sum of a matrix.
    case negativeInfinity
    /// (Σ|x|ᵖ)^(1/p) of a vector (0 counts nonzeros); for a matrix, 1 and −1 are the largest and smallest
    /// absolute column sums, 2 and −2 the largest and smallest singular values.
    case p(Double)
}

/// A vector or matrix norm, numpy's `norm`, with PyTensor's batching.
///
/// With no `axis`, a vector gets its 2-norm (or `ord`), and a tensor of rank ≥ 2 the norm of each matrix
/// of its last two axes (the Frobenius norm by default), the leading axes being a batch, as in
/// PyTensor. One axis makes it a vector norm along that axis; two axes (numpy's meaning: any two
/// axes, negative ones counting from the end) a matrix norm of the matrices they span. `keepdims`
/// keeps the reduced axes with size 1. Built from differentiable ops, so it has a gradient (through
/// `svdvals` for the spectral and nuclear norms).
///
/// ```swift
/// let m = dmatrix("m")
/// let f = try function([m], norm(m, ord: .nuclear))
/// ```
public func norm(_ x: TensorVariable, ord: NormOrder? = nil, axis: [Int]? = nil, keepdims: Bool = false) -> TensorVariable {
    precondition(x.ndim >= 1, "norm: needs rank ≥ 1, got \(x.type)")
    let axes = (axis ?? Array(Swift.max(x.ndim - 2, 0)..<x.ndim)).map { normalizedAxis($0, x.ndim, "norm") }
    precondition(Set(axes).count == axes.count && (axes.count == 1 || axes.count == 2), "norm: axis must name one or two different axes of \(x.type), got \(axis ?? [])")
    func squaredSum(_ axes: [Int]) -> TensorVariable { sqrt((x * x).sum(axes: axes, keepdims: keepdims)) }
    if axes.count == 1 {
        let a = axes[0]
        switch ord ?? .p(2) {
        case .infinity: return abs(x).max(axes: [a], keepdims: keepdims)
        case .negativeInfinity: return abs(x).min(axes: [a], keepdims: keepdims)
        case .p(0): return neq(x, 0).sum(axes: [a], keepdims: keepdims)
        case .p(1): return abs(x).sum(axes: [a], keepdims: keepdims)
        case .p(2): return squaredSum([a])
        case .p(let p): return pow(pow(abs(x), p).sum(axes: [a], keepdims: keepdims), 1 / p)
        case .frobenius, .nuclear:
            preconditionFailure("norm: \(ord.map { "\($0)" } ?? "") is a matrix norm; a vector norm (one axis) takes .infinity, .negativeInfinity or .p")
        }
    }
    let (row, column) = (axes[0], axes[1])
    /// `reduce` over one axis, then `outer` over the other (whose index shifts when it came later).
    func nested(_ inner: Int, _ outer: Int, _ outerMax: Bool) -> TensorVariable {
        let sums = abs(x).sum(axes: [inner])
        let shifted = outer > inner ? outer - 1 : outer
        var result = outerMax ? sums.max(axes: [shifted]) : sums.min(axes: [shifted])
        if keepdims { result = expandedDims(result, [row, column]) }
        return result
    }
    func singular(_ reduce: (TensorVariable) -> TensorVariable) -> TensorVariable {
        let others = (0..<x.ndim).filter { $0 != row && $0 != column }
        var result = reduce(svdvals(x.transpose(others + [row, column])))
        if keepdims { result = expandedDims(result, [row, column]) }
        return result
    }
    switch ord ?? .frobenius {
    case .frobenius: return squaredSum([row, column])
    case .infinity: return nested(column, row, true)
    case .negativeInfinity: return nested(column, row, false)
    case .p(1): return nested(row, column, true)
    case .p(-1): return nested(row, column, false)
    case .p(2): return singular { $0.max(axis: $0.ndim - 1) }
    case .p(-2): return singular { $0.min(axis: $0.ndim - 1) }
    case .nuclear: return singular { $0.sum(axis: $0.ndim - 1) }
    case .p(let p): preconditionFailure("norm: \(p) is not a matrix norm order (use 1, -1, 2, -2, .infinity, .negativeInfinity, .frobenius or .nuclear)")
    }
}

/// `x` with size-1 axes inserted so that `axes` (positions in the result, ascending) are new.
private func expandedDims(_ x: TensorVariable, _ axes: [Int]) -> TensorVariable {
    let sorted = axes.sorted()
    var pattern: [Int?] = []
    var next = 0
    for position in 0..<(x.ndim + axes.count) {
        if sorted.contains(position) { pattern.append(nil) } else { pattern.append(next); next += 1 }
    }
    return x.dimshuffle(pattern)
}

/// The Kronecker product of two tensors (numpy's `kron`): the block tensor whose block `i` is
/// `a[i] * b`. The lower-rank operand gains leading axes of size 1.
public func kron(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    var (a, b) = (a.asTensor(), b.asTensor())
    precondition(a.ndim >= 1 && b.ndim >= 1, "kron: needs operands of rank ≥ 1, got \(a.type) and \(b.type)")
    if a.ndim < b.ndim { a = a.dimshuffle([Int?](repeating: nil, count: b.ndim - a.ndim) + Array(0..<a.ndim)) }
    if b.ndim < a.ndim { b = b.dimshuffle([Int?](repeating: nil, count: a.ndim - b.ndim) + Array(0..<b.ndim)) }
    let n = a.ndim
    // a[i, j] * b[k, l] at (i, k, j, l), then each (i, k) pair folded into one axis.
    let spreadA = a.dimshuffle((0..<n).flatMap { [$0, nil] as [Int?] })
    let spreadB = b.dimshuffle((0..<n).flatMap { [nil, $0] as [Int?] })
    return (spreadA * spreadB).reshape((0..<n).map { shapeI(a, $0) * shapeI(b, $0) })
}

/// The product of several matrices in order, `dot(dot(a, b), c)…` (PyTensor's `matrix_dot`).
public func matrixDot(_ first: TensorVariable, _ rest: TensorVariable...) -> TensorVariable {
    rest.reduce(first) { dot($0, $1) }
}

/// A square matrix (or each matrix of a batch) to the integer power `n` (numpy's `matrix_power`), by
/// repeated squaring; `n = 0` gives the identity, a negative `n` powers of the inverse.
public func matrixPower(_ m: TensorVariable, _ n: Int) -> TensorVariable {
    LinearAlgebra.requireRank(m.type, atLeast: 2, "matrixPower")
    let base = n < 0 ? matrixInverse(m) : m
    var exponent = n.magnitude
    if exponent == 0 { return zerosLike(m) + eye(shapeI(m, m.ndim - 1), dtype: m.dtype) }
    var result: TensorVariable?
    var square = base
    while true {
        if exponent & 1 == 1 { result = result.map { matmul($0, square) } ?? square }
        exponent >>= 1
        if exponent == 0 { break }
        square = matmul(square, square)
    }
    return result ?? base
}

/// The "inverse" of an N-dimensional array relative to `tensordot(_, _, ind)` (numpy's `tensorinv`):
/// `a` is read as a matrix of its first `ind` axes by the others, which must be square, inverted, and
/// given the shape `a.shape[ind...] + a.shape[..<ind]`.
public func tensorinv(_ a: TensorVariable, ind: Int = 2) -> TensorVariable {
    precondition(ind > 0 && ind < a.ndim, "tensorinv: ind must be between 1 and \(a.ndim - 1) for \(a.type), got \(ind)")
    let front = (0..<ind).map { shapeI(a, $0) }, back = (ind..<a.ndim).map { shapeI(a, $0) }
    let product = { (sizes: [TensorVariable]) in sizes.dropFirst().reduce(sizes[0], *) }
    return matrixInverse(a.reshape([product(front), product(back)])).reshape(back + front)
}

/// Solves the tensor equation `tensordot(a, x, b.ndim) = b` for `x` (numpy's `tensorsolve`): `x` has the
/// shape of `a`'s last `a.ndim − b.ndim` axes, after `axes` (if given) are moved to the end.
public func tensorsolve(_ a: TensorVariable, _ b: TensorVariable, axes: [Int]? = nil) -> TensorVariable {
    var a = a
    if let axes {
        let moved = axes.map { normalizedAxis($0, a.ndim, "tensorsolve") }
        a = a.transpose((0..<a.ndim).filter { !moved.contains($0) } + moved)
    }
    precondition(b.ndim >= 1 && a.ndim > b.ndim, "tensorsolve: a must have more axes than b, got \(a.type) and \(b.type)")
    let product = { (sizes: [TensorVariable]) in sizes.dropFirst().reduce(sizes[0], *) }
    let rows = (0..<b.ndim).map { shapeI(a, $0) }, solution = (b.ndim..<a.ndim).map { shapeI(a, $0) }
    return solve(a.reshape([product(rows), product(solution)]), b.flatten()).reshape(solution)
}
