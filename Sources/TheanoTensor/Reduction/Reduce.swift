import ComplexModule

/// A reduction over some axes (Theano's `CAReduce`): sum, prod, max, min, all, any.
/// The reduced axes disappear; `keepdims` is a ``DimShuffle`` after it.
public struct Reduce: Op {
    /// The reduction: sum, product, maximum, minimum, all or any.
    public enum Kind: String, Sendable { case sum, prod, max, min, all, any }
    /// The reduction.
    public let kind: Kind
    /// The reduced axes, sorted.
    public let axes: [Int]

    /// A reduction of `kind` over `axes`.
    public init(_ kind: Kind, axes: [Int]) {
        self.kind = kind
        self.axes = axes.sorted()
    }

    public var description: String { "\(kind.rawValue.capitalized){axes=\(axes)}" }

    package func outputDType(_ input: DType) -> DType {
        switch kind {
        case .sum, .prod: return input.sumOutputType
        case .max, .min: return input
        case .all, .any: return .bool
        }
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        precondition(axes.allSatisfy { $0 >= 0 && $0 < x.ndim } && Set(axes).count == axes.count,
                     "\(kind): axes \(axes) are not distinct axes of a rank-\(x.ndim) tensor")
        let kept = (0..<x.ndim).filter { !axes.contains($0) }.map { x.broadcastable[$0] }
        return [TensorType(outputDType(x.dtype), kept)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        let kept = (0..<x.ndim).filter { !axes.contains($0) }
        let outShape = kept.map { x.shape[$0] }
        let inner = axes.map { x.shape[$0] }.reduce(1, *)
        let outDType = outputDType(x.dtype)
        if inner == 0 && (kind == .max || kind == .min) {
            throw OpFailure(.shapeMismatch, input: 0, "\(kind) of an empty axis has no identity (shape \(x.shape), axes \(axes))")
        }
        let outer = outShape.reduce(1, *)
        if kind == .sum, x.dtype.isFloat, inner > 0, !kept.isEmpty, axes == Array(0..<axes.count) {
            // numpy's order for leading axes: whole rows accumulate into the kept elements one by one.
            let v = x.contiguous().doubles
            var acc = Array(v[0..<outer])
            for r in 1..<inner { for j in 0..<outer { acc[j] += v[r * outer + j] } }
            return [NDArray(acc, shape: outShape).astype(outDType)]
        }
        // Reduced axes last, so each output element reduces one contiguous run (summed pairwise, as numpy).
        let moved = x.transposed(kept + axes).contiguous()
        switch kind {
        case .sum, .prod:
            if x.dtype.isComplex {
                let v = moved.scalars(as: Complex<Double>.self)
                let r = (0..<outer).map { o in v[o * inner..<(o + 1) * inner].reduce(kind == .sum ? Complex<Double>.zero : Complex<Double>(1, 0)) { kind == .sum ? $0 + $1 : $0 * $1 } }
                return [NDArray(r, shape: outShape).astype(outDType)]
            }
            if x.dtype.isDiscrete {
                let v = moved.scalars(as: Int64.self)
                let r = (0..<outer).map { o in v[o * inner..<(o + 1) * inner].reduce(Int64(kind == .sum ? 0 : 1)) { kind == .sum ? $0 &+ $1 : $0 &* $1 } }
                return [NDArray(r, shape: outShape).astype(outDType)]
            }
            // Floats accumulate in float64, as Theano does for float32 sums.
            let v = moved.doubles
            let r = v.withUnsafeBufferPointer { b in
                (0..<outer).map { o in
                    guard inner > 0, let base = b.baseAddress else { return kind == .sum ? 0.0 : 1.0 }
                    return kind == .sum ? PairwiseSum.sum(base + o * inner, inner)
                        : v[o * inner..<(o + 1) * inner].reduce(1.0, *)
                }
            }
            return [NDArray(r, shape: outShape).astype(outDType)]
        case .max, .min:
            func extreme<T: TensorElement & Comparable>(_: T.Type) -> NDArray {
                let v = moved.scalars(as: T.self)
                let r = (0..<outer).map { o -> T in
                    let run = v[o * inner..<(o + 1) * inner]
                    if let nan = run.first(where: { $0 != $0 }) { return nan }
                    return kind == .max ? run.max()! : run.min()!
                }
                return NDArray(r, shape: outShape)
            }
            switch x.dtype {
            case .float32: return [extreme(Float.self)]
            case .float64: return [extreme(Double.self)]
            case .bool: return [extreme(Int8.self).astype(.bool)]
            case .uint64: return [extreme(UInt64.self)]
            case .complex64, .complex128: throw OpFailure(.dtypeMismatch, input: 0, "\(kind) is not defined for complex values")
            default: return [extreme(Int64.self).astype(x.dtype)]
            }
        case .all, .any:
            let v = moved.scalars(as: Bool.self)
            let r = (0..<outer).map { o in kind == .all ? v[o * inner..<(o + 1) * inner].allSatisfy { $0 } : v[o * inner..<(o + 1) * inner].contains(true) }
            return [NDArray(r, shape: outShape)]
        }
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [(0..<inputs[0].ndim).filter { !axes.contains($0) }.map { inputShapes[0][$0] }]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        let x = inputs[0]
        guard let gz = outputGrads[0], !x.dtype.isDiscrete else { return [nil] }
        let expand = restoreAxes(x.ndim)
        let gExpanded = gz.dimshuffle(expand)
        var g: TensorVariable
        switch kind {
        case .sum: g = fill(x, gExpanded)
        case .prod: g = gExpanded * outputs[0].dimshuffle(expand) / x
        case .max, .min: g = gExpanded * cast(eq(x, outputs[0].dimshuffle(expand)), gz.dtype)
        case .all, .any: return [nil]
        }
        if g.dtype != x.dtype { g = cast(g, x.dtype) }
        return [g]
    }

    /// The dimshuffle pattern that puts the reduced axes back as broadcastable ones.
    package func restoreAxes(_ ndim: Int) -> [Int?] {
        var pattern: [Int?] = [], next = 0
        for axis in 0..<ndim {
            if axes.contains(axis) { pattern.append(nil) } else { pattern.append(next); next += 1 }
        }
        return pattern
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        "\(kind.rawValue)(\(inputs[0])\(axes.isEmpty ? "" : ", axis=\(axes)"))"
    }
}

/// The index of the largest (or smallest) element along one axis, or over the flattened tensor.
public struct ArgReduce: Op {
    package init(isMax: Bool, axis: Int?) { self.isMax = isMax; self.axis = axis }
    /// Whether this finds the maximum (else the minimum).
    public let isMax: Bool
    /// nil reduces the flattened tensor.
    public let axis: Int?

    public var description: String { "\(isMax ? "Argmax" : "Argmin"){axis=\(axis.map(String.init) ?? "None")}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        guard let axis else { return [TensorType(.int64, [])] }
        precondition(axis >= 0 && axis < x.ndim, "\(isMax ? "argmax" : "argmin"): axis \(axis) out of range for rank \(x.ndim)")
        return [TensorType(.int64, x.broadcastable.enumerated().filter { $0.offset != axis }.map(\.element))]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        guard let axis else { return [[]] }
        return [inputShapes[0].enumerated().filter { $0.offset != axis }.map(\.element)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        var x = inputs[0]
        if x.dtype.isComplex { throw OpFailure(.dtypeMismatch, input: 0, "\(description) is not defined for complex values") }
        var axis = self.axis ?? 0
        if self.axis == nil { x = x.reshaped([x.count]); axis = 0 }
        if x.shape[axis] == 0 { throw OpFailure(.shapeMismatch, input: 0, "\(description) of an empty axis (shape \(x.shape))") }
        let kept = (0..<x.ndim).filter { $0 != axis }
        let moved = x.transposed(kept + [axis]).contiguous()
        let inner = x.shape[axis], outShape = kept.map { x.shape[$0] }
        let v = moved.doubles
        let r = (0..<outShape.reduce(1, *)).map { o -> Int64 in
            var best = o * inner
            for i in (o * inner)..<((o + 1) * inner) {
                if v[i].isNaN { best = i; break }
                if isMax ? v[i] > v[best] : v[i] < v[best] { best = i }
            }
            return Int64(best - o * inner)
        }
        return [NDArray(r, shape: outShape)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [nil]
    }
}
