/// Reductions as methods and free functions: `x.sum()`, `x.mean(axis: 0, keepdims: true)`, `argmax(x, axis: 1)`.

package func normalizedAxes(_ axes: [Int]?, _ ndim: Int, _ what: String) -> [Int] {
    guard let axes else { return Array(0..<ndim) }
    return axes.map { a in
        let axis = a < 0 ? a + ndim : a
        precondition(axis >= 0 && axis < ndim, "\(what): axis \(a) is out of range for a rank-\(ndim) tensor")
        return axis
    }
}

extension TensorVariable {
    package func reduce(_ kind: Reduce.Kind, _ axes: [Int]?, keepdims: Bool) -> TensorVariable {
        let axes = normalizedAxes(axes, ndim, kind.rawValue)
        let op = Reduce(kind, axes: axes)
        let out = op(self)
        return keepdims ? out.dimshuffle(op.restoreAxes(ndim)) : out
    }

    /// The sum over `axis`, or over everything when nil.
    public func sum(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { reduce(.sum, axis.map { [$0] }, keepdims: keepdims) }
    /// The sum over `axes`.
    public func sum(axes: [Int], keepdims: Bool = false) -> TensorVariable { reduce(.sum, axes, keepdims: keepdims) }
    /// The product over `axis`, or over everything when nil.
    public func prod(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { reduce(.prod, axis.map { [$0] }, keepdims: keepdims) }
    /// The product over `axes`.
    public func prod(axes: [Int], keepdims: Bool = false) -> TensorVariable { reduce(.prod, axes, keepdims: keepdims) }
    /// The maximum over `axis`, or over everything when nil.
    public func max(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { reduce(.max, axis.map { [$0] }, keepdims: keepdims) }
    /// The maximum over `axes`.
    public func max(axes: [Int], keepdims: Bool = false) -> TensorVariable { reduce(.max, axes, keepdims: keepdims) }
    /// The minimum over `axis`, or over everything when nil.
    public func min(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { reduce(.min, axis.map { [$0] }, keepdims: keepdims) }
    /// The minimum over `axes`.
    public func min(axes: [Int], keepdims: Bool = false) -> TensorVariable { reduce(.min, axes, keepdims: keepdims) }
    /// Whether every element is nonzero, over `axis` or everything.
    public func all(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { cast(self, .bool).reduce(.all, axis.map { [$0] }, keepdims: keepdims) }
    /// Whether some element is nonzero, over `axis` or everything.
    public func any(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { cast(self, .bool).reduce(.any, axis.map { [$0] }, keepdims: keepdims) }

    /// The mean; integer tensors give float64, as in Theano.
    public func mean(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { mean(axes: axis.map { [$0] }, keepdims: keepdims) }
    /// The mean over `axes`, or over everything when nil.
    public func mean(axes: [Int]?, keepdims: Bool = false) -> TensorVariable {
        let axes = normalizedAxes(axes, ndim, "mean")
        var total = reduce(.sum, axes, keepdims: keepdims)
        if total.dtype.isDiscrete { total = cast(total, .float64) }
        let count = axes.reduce(constant(Int64(1))) { $0 * shapeI(self, $1) }
        return total / cast(count, total.dtype)
    }

    /// The variance (population form, numpy's default `ddof=0`).
    ///
    /// `ddof` divides the sum of squares by N − ddof (1 gives the unbiased estimate), and `corrected`
    /// uses Theano's corrected two-pass algorithm, which subtracts the rounding error left in the mean.
    public func `var`(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
        variance(axes: axis.map { [$0] }, ddof: ddof, keepdims: keepdims, corrected: corrected)
    }
    /// The variance over `axes` (see `var(axis:ddof:keepdims:corrected:)`).
    public func `var`(axes: [Int], ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
        variance(axes: axes, ddof: ddof, keepdims: keepdims, corrected: corrected)
    }
    /// The variance over `axes`, or over everything when nil: biased unless `ddof` says otherwise.
    ///
    /// Over several axes N is the number of elements reduced, as numpy's `var(axis=(0, 1), ddof=1)`;
    /// PyTensor instead divides by the product of each axis's size less `ddof`.
    public func variance(axes: [Int]?, ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
        let axes = normalizedAxes(axes, ndim, "var")
        precondition(Set(axes).count == axes.count, "var: axis \(axes) repeats an axis")
        let centered = self - mean(axes: axes, keepdims: true)
        guard ddof != 0 || corrected else { return sqr(centered).mean(axes: axes, keepdims: keepdims) }
        let count = cast(axes.reduce(constant(Int64(1))) { $0 * shapeI(self, $1) }, centered.dtype)
        let squares = sqr(centered).sum(axes: axes, keepdims: keepdims)
        var v = ddof == 0 ? squares / count : squares / (count - Double(ddof))
        if corrected {
            // (Σ (x − mean))² / (N (N − ddof)): zero in exact arithmetic, the rounding error otherwise.
            let error = sqr(centered.sum(axes: axes, keepdims: keepdims)) / (count * (ddof == 0 ? count : count - Double(ddof)))
            v = v - error
        }
        return v
    }
    /// The standard deviation, the square root of `var(axis:ddof:keepdims:corrected:)`.
    public func std(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
        sqrt(variance(axes: axis.map { [$0] }, ddof: ddof, keepdims: keepdims, corrected: corrected))
    }
    /// The standard deviation over `axes`.
    public func std(axes: [Int], ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
        sqrt(variance(axes: axes, ddof: ddof, keepdims: keepdims, corrected: corrected))
    }

    /// The index of the maximum along `axis`, or in the flattened tensor when nil.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { argReduce(isMax: true, axis: axis, keepdims: keepdims) }
    /// The index of the minimum along `axis`, or in the flattened tensor when nil.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { argReduce(isMax: false, axis: axis, keepdims: keepdims) }

    /// The index of the maximum over several axes, as PyTensor's `argmax(x, axis=(0, 2))`: the position
    /// in the block of those axes flattened in C order (ascending axes), as `np.unravel_index` reads it.
    public func argmax(axes: [Int], keepdims: Bool = false) -> TensorVariable { argReduce(isMax: true, axes: axes, keepdims: keepdims) }
    /// The index of the minimum over several axes (see `argmax(axes:keepdims:)`).
    public func argmin(axes: [Int], keepdims: Bool = false) -> TensorVariable { argReduce(isMax: false, axes: axes, keepdims: keepdims) }

    package func argReduce(isMax: Bool, axes: [Int], keepdims: Bool) -> TensorVariable {
        let name = isMax ? "argmax" : "argmin"
        let axes = normalizedAxes(axes, ndim, name).sorted()
        precondition(Set(axes).count == axes.count, "\(name): axes \(axes) repeat an axis")
        if axes.count == 1 { return argReduce(isMax: isMax, axis: axes[0], keepdims: keepdims) }
        if axes.count == ndim && !keepdims { return argReduce(isMax: isMax, axis: nil, keepdims: false) }
        // The kept axes first, the reduced ones flattened into one last axis.
        let kept = (0..<ndim).filter { !axes.contains($0) }
        let moved = dimshuffle((kept + axes).map { $0 })
        let out = moved.reshape(kept.map { shapeI(self, $0) } + [constant(Int64(-1))]).argReduce(isMax: isMax, axis: kept.count, keepdims: false)
        guard keepdims else { return out }
        // Kept axis k of the input is axis kept.firstIndex(of: k) of the result; reduced ones come back as 1s.
        return out.dimshuffle((0..<ndim).map { kept.firstIndex(of: $0) })
    }

    package func argReduce(isMax: Bool, axis: Int?, keepdims: Bool) -> TensorVariable {
        let axis = axis.map { normalizedAxes([$0], ndim, isMax ? "argmax" : "argmin")[0] }
        let out = ArgReduce(isMax: isMax, axis: axis)(self)
        guard keepdims else { return out }
        guard let axis else { return out.dimshuffle([Int?](repeating: nil, count: ndim)) }
        return out.dimshuffle((0..<ndim).map { $0 == axis ? nil : ($0 < axis ? $0 : $0 - 1) })
    }
}

/// `x.sum(axis:keepdims:)`.
public func sum(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.sum(axis: axis, keepdims: keepdims) }
/// `x.prod(axis:keepdims:)`.
public func prod(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.prod(axis: axis, keepdims: keepdims) }
/// `x.mean(axis:keepdims:)`.
public func mean(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.mean(axis: axis, keepdims: keepdims) }
/// `x.max(axis:keepdims:)`.
public func max(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.max(axis: axis, keepdims: keepdims) }
/// `x.min(axis:keepdims:)`.
public func min(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.min(axis: axis, keepdims: keepdims) }
/// `x.var(axis:ddof:keepdims:corrected:)`, the variance.
public func `var`(_ x: TensorVariable, axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
    x.var(axis: axis, ddof: ddof, keepdims: keepdims, corrected: corrected)
}
/// `x.std(axis:ddof:keepdims:corrected:)`, the standard deviation.
public func std(_ x: TensorVariable, axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, corrected: Bool = false) -> TensorVariable {
    x.std(axis: axis, ddof: ddof, keepdims: keepdims, corrected: corrected)
}
/// `x.argmax(axis:keepdims:)`.
public func argmax(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.argmax(axis: axis, keepdims: keepdims) }
/// `x.argmin(axis:keepdims:)`.
public func argmin(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.argmin(axis: axis, keepdims: keepdims) }
