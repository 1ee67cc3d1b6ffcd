/// Canonical forms of sums and products, Theano's `local_add_canonizer` and `local_mul_canonizer`:
/// a tree of `+`, `-` and unary minus becomes a list of signed terms, a tree of `*`, `/` and
/// reciprocal a list of numerator and denominator factors. Equal terms of opposite sign and equal
/// factors above and below cancel (`x + y - x → y`, `x * y / x → y`), and constants fold into one.
/// After `grad`, this is what turns `grad(x ** 2, x)` into `2 * x`.
package enum Canonicalize {
    package static let addTerms = LocalRewrite("local_add_canonizer", tags: ["canonicalize"]) { node in
        guard let op = ElemwiseRewrites.scalarOp(node.outputs[0]), op == .add || op == .sub,
              node.outputs[0].dtype.isFloat else { return nil }
        let out = node.outputs[0]
        var terms: [(TensorVariable, positive: Bool)] = []
        collectTerms(out, positive: true, dtype: out.dtype, into: &terms)
        guard terms.allSatisfy({ $0.0.dtype == out.dtype || $0.0 is TensorConstant }) else { return nil }
        var constant = 0.0
        let (kept, constantCount, dropped) = foldAndCancel(terms) { c, positive in
            constant += positive ? c : -c
            return true
        }
        let cancelled = terms.count - kept.count - constantCount
        guard cancelled > 0 || constantCount > 1 else { return nil }
        var result: TensorVariable?
        for (term, positive) in kept {
            if let sum = result { result = positive ? sum + term : sum - term } else { result = positive ? term : -term }
        }
        if constant != 0 || result == nil {
            let c = atRank(constant, of: out)
            result = result.map { $0 + c } ?? c
        }
        return rebuilt(result!, like: out, from: terms.map(\.0), dropped: dropped)
    }

    package static let mulFactors = LocalRewrite("local_mul_canonizer", tags: ["canonicalize"]) { node in
        guard let op = ElemwiseRewrites.scalarOp(node.outputs[0]), op == .mul || op == .trueDiv,
              node.outputs[0].dtype.isFloat else { return nil }
        let out = node.outputs[0]
        var factors: [(TensorVariable, above: Bool)] = []
        collectFactors(out, above: true, dtype: out.dtype, into: &factors)
        guard factors.allSatisfy({ $0.0.dtype == out.dtype || $0.0 is TensorConstant }) else { return nil }
        var above = 1.0, below = 1.0
        let (kept, constantCount, dropped) = foldAndCancel(factors.map { ($0.0, $0.above) }) { c, isAbove in
            // A zero stays a factor: folded above, it would drop x's NaN and Inf (x·0); below, divide by zero.
            guard c != 0 else { return false }
            if isAbove { above *= c } else { below *= c }
            return true
        }
        let cancelled = factors.count - kept.count - constantCount
        guard cancelled > 0 || constantCount > 1 else { return nil }
        func constant(_ value: Double) -> TensorVariable { atRank(value, of: out) }
        var numerator = kept.filter(\.1).map(\.0), denominator = kept.filter { !$0.1 }.map(\.0)
        if above != 1 || numerator.isEmpty { numerator.insert(constant(above), at: 0) }
        if below != 1 { denominator.insert(constant(below), at: 0) }
        var result = numerator.dropFirst().reduce(numerator[0], *)
        if !denominator.isEmpty { result = result / denominator.dropFirst().reduce(denominator[0], *) }
        return rebuilt(result, like: out, from: factors.map(\.0), dropped: dropped)
    }

    /// A folded constant with `out`'s dtype and rank (every dimension broadcastable), so the rebuilt
    /// expression needs no lift for it and the canonical form is a fixed point.
    private static func atRank(_ value: Double, of out: TensorVariable) -> TensorVariable {
        TensorConstant(NDArray(scalar: value).astype(out.dtype).reshaped(Array(repeating: 1, count: out.ndim)))
    }

    /// Folds the scalar constants among `operands` (each with its side: added or subtracted, above or
    /// below the fraction line) through `fold`, which returns false to keep one, and drops each pair of
    /// the same variable on opposite sides. Returns what is left, how many constants were folded, and
    /// the variables dropped in pairs.
    private static func foldAndCancel(_ operands: [(TensorVariable, Bool)], fold: (Double, Bool) -> Bool)
        -> (kept: [(TensorVariable, Bool)], folded: Int, dropped: [TensorVariable]) {
        var kept: [(TensorVariable, Bool)] = [], folded = 0, dropped: [TensorVariable] = []
        for (operand, side) in operands {
            if let c = ElemwiseRewrites.constantValue(operand), operand.broadcastable.allSatisfy({ $0 }), fold(c, side) {
                folded += 1
            } else if let i = kept.firstIndex(where: { $0.0 === operand && $0.1 != side }) {
                kept.remove(at: i)
                dropped.append(operand)
            } else {
                kept.append((operand, side))
            }
        }
        return (kept, folded, dropped)
    }

    /// How far one node looks into its tree. Every node of a large sum would otherwise walk the whole
    /// tree below it, and rewriting would grow faster than the graph.
    package static let maxOperands = 32

    /// Terms of a sum, walking only through nodes of the root's dtype: a narrower integer sum inside
    /// may wrap, and flattening it would change the value.
    private static func collectTerms(_ v: TensorVariable, positive: Bool, dtype: DType, into terms: inout [(TensorVariable, positive: Bool)]) {
        guard v.dtype == dtype, terms.count < maxOperands, let inputs = v.owner?.inputs else { terms.append((v, positive)); return }
        switch ElemwiseRewrites.scalarOp(v) {
        case .add?: for input in inputs { collectTerms(input, positive: positive, dtype: dtype, into: &terms) }
        case .sub?:
            collectTerms(inputs[0], positive: positive, dtype: dtype, into: &terms)
            collectTerms(inputs[1], positive: !positive, dtype: dtype, into: &terms)
        case .neg?: collectTerms(inputs[0], positive: !positive, dtype: dtype, into: &terms)
        default: terms.append((v, positive))
        }
    }

    private static func collectFactors(_ v: TensorVariable, above: Bool, dtype: DType, into factors: inout [(TensorVariable, above: Bool)]) {
        guard v.dtype == dtype, factors.count < maxOperands, let inputs = v.owner?.inputs else { factors.append((v, above)); return }
        switch ElemwiseRewrites.scalarOp(v) {
        case .mul?: for input in inputs { collectFactors(input, above: above, dtype: dtype, into: &factors) }
        case .trueDiv?:
            collectFactors(inputs[0], above: above, dtype: dtype, into: &factors)
            collectFactors(inputs[1], above: !above, dtype: dtype, into: &factors)
        case .reciprocal?: collectFactors(inputs[0], above: !above, dtype: dtype, into: &factors)
        default: factors.append((v, above))
        }
    }

    /// The canonical expression, accepted only when it keeps the original's type: a cancelled operand
    /// that set the result's shape (`x + y - x` with `y` a row) would otherwise change it.
    /// Dropped operands other than constants are kept as a ``BroadcastGuard``, so the simplified graph
    /// still computes them and checks their shapes, and fails where the original did.
    private static func rebuilt(_ result: TensorVariable, like out: TensorVariable, from operands: [TensorVariable],
                                dropped: [TensorVariable]) -> [TensorVariable]? {
        var full: TensorVariable
        if result.type == out.type {
            full = result
        } else {
            guard result.ndim <= out.ndim, result.dtype == out.dtype || result.fitted(to: TensorType(out.dtype, result.broadcastable)) != nil else { return nil }
            // Restore the full shape from an operand that has it.
            guard let shaper = operands.first(where: { $0.broadcastable == out.broadcastable && $0.ndim == out.ndim }),
                  let fitted = fill(shaper, cast(result, out.dtype)).fitted(to: out.type) else { return nil }
            full = fitted
        }
        let checked = dropped.filter { v in v.ndim == out.ndim && !(v is TensorConstant) }
        if !checked.isEmpty {
            let operands = [full] + checked
            full = BroadcastGuard(patterns: operands.map(\.broadcastable))(operands)
        }
        return [full]
    }
}
