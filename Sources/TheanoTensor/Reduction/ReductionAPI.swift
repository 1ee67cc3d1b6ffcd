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
    public func `var`(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { variance(axes: axis.map { [$0] }, keepdims: keepdims) }
    /// The (biased) variance over `axes`, or over everything when nil.
    public func variance(axes: [Int]?, keepdims: Bool = false) -> TensorVariable {
        let centered = self - mean(axes: axes, keepdims: true)
        return sqr(centered).mean(axes: axes, keepdims: keepdims)
    }
    /// The standard deviation.
    public func std(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { sqrt(variance(axes: axis.map { [$0] }, keepdims: keepdims)) }

    /// The index of the maximum along `axis`, or in the flattened tensor when nil.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { argReduce(isMax: true, axis: axis, keepdims: keepdims) }
    /// The index of the minimum along `axis`, or in the flattened tensor when nil.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { argReduce(isMax: false, axis: axis, keepdims: keepdims) }

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
/// `x.var(axis:keepdims:)`, the variance.
public func `var`(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.var(axis: axis, keepdims: keepdims) }
/// `x.std(axis:keepdims:)`, the standard deviation.
public func std(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.std(axis: axis, keepdims: keepdims) }
/// `x.argmax(axis:keepdims:)`.
public func argmax(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.argmax(axis: axis, keepdims: keepdims) }
/// `x.argmin(axis:keepdims:)`.
public func argmin(_ x: TensorVariable, axis: Int? = nil, keepdims: Bool = false) -> TensorVariable { x.argmin(axis: axis, keepdims: keepdims) }
