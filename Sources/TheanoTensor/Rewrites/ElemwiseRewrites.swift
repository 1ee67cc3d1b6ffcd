/// Rewrites of elementwise arithmetic: useless nodes, canonical forms, pow specialisation and
/// numerical stabilisation. Each pattern is matched on `Elemwise` nodes by scalar op.
package enum ElemwiseRewrites {
    package static func scalarOp(_ v: TensorVariable) -> ScalarOp? { (v.owner?.op as? Elemwise)?.scalarOp }
    package static func constantValue(_ v: TensorVariable) -> Double? { (v as? TensorConstant)?.uniformValue }
    package static func args(_ v: TensorVariable) -> [TensorVariable] { v.owner?.inputs ?? [] }

    /// -v, without a double negation: -(-a) is a, and -(-a - b) is a + b.
    package static func negated(_ v: TensorVariable) -> TensorVariable {
        if scalarOp(v) == .neg { return args(v)[0] }
        if scalarOp(v) == .sub, scalarOp(args(v)[0]) == .neg { return args(args(v)[0])[0] + args(v)[1] }
        return -v
    }

    /// x * 1, x + 0, x - 0, x / 1, x ** 1, --x, identity.
    package static let useless = LocalRewrite("local_useless_elemwise", tags: ["canonicalize", "useless"]) { node in
        guard let op = (node.op as? Elemwise)?.scalarOp else { return nil }
        let x = node.inputs
        let out = node.outputs[0]
        func keep(_ v: TensorVariable) -> [TensorVariable]? { v.type == out.type || v.fitted(to: out.type) != nil ? [v] : nil }
        switch op {
        case .mul where x.count == 2:
            if constantValue(x[1]) == 1 { return keep(x[0]) }
            if constantValue(x[0]) == 1 { return keep(x[1]) }
            // (a / z) * z → a: this is what makes the gradient of log(sigmoid(x)) finite.
            for (quotient, z) in [(x[0], x[1]), (x[1], x[0])] where scalarOp(quotient) == .trueDiv && args(quotient)[1] === z {
                if let kept = keep(args(quotient)[0]) { return kept }
            }
        case .second:
            // Filling a scalar (or an all-broadcastable tensor) is just the value.
            if out.broadcastable.allSatisfy({ $0 }) { return keep(x[1]) }
        case .add where x.count == 2:
            if constantValue(x[1]) == 0 { return keep(x[0]) }
            if constantValue(x[0]) == 0 { return keep(x[1]) }
        case .sub: if constantValue(x[1]) == 0 { return keep(x[0]) }
        case .trueDiv: if constantValue(x[1]) == 1, !x[0].dtype.isDiscrete { return keep(x[0]) }
        case .pow: if constantValue(x[1]) == 1 { return keep(x[0]) }
        case .neg: if scalarOp(x[0]) == .neg { return keep(args(x[0])[0]) }
        case .identity: return keep(x[0])
        default: break
        }
        return nil
    }

    /// x ** 2 → sqr(x), x ** 0.5 → sqrt(x), x ** -1 → reciprocal(x), x ** 0 → 1.
    package static let powSpecialize = LocalRewrite("local_pow_specialize", tags: ["specialize"]) { node in
        guard (node.op as? Elemwise)?.scalarOp == .pow, let p = constantValue(node.inputs[1]) else { return nil }
        let x = node.inputs[0], out = node.outputs[0]
        guard !x.dtype.isDiscrete || p >= 0 else { return nil }
        let replacement: TensorVariable
        switch p {
        case 2: replacement = sqr(x)
        case 0.5: replacement = sqrt(x)
        case -1: replacement = reciprocal(x)
        case 3: replacement = sqr(x) * x
        default: return nil
        }
        return replacement.fitted(to: out.type).map { [$0] }
    }

    /// Stable forms: 1/(1+exp(-x)) → sigmoid(x); log(1+x) → log1p(x); exp(x)-1 → expm1(x);
    /// log(1+exp(x)) → softplus(x); log(sigmoid(x)) → -softplus(-x); log(1-sigmoid(x)) → -softplus(x).
    package static let stabilize = LocalRewrite("local_stabilize", tags: ["stabilize"]) { node in
        guard let op = (node.op as? Elemwise)?.scalarOp else { return nil }
        let x = node.inputs, out = node.outputs[0]
        func fit(_ v: TensorVariable) -> [TensorVariable]? { v.fitted(to: out.type).map { [$0] } }
        /// `1 + y` in either order.
        func onePlus(_ v: TensorVariable) -> TensorVariable? {
            guard scalarOp(v) == .add, args(v).count == 2 else { return nil }
            let a = args(v)
            if constantValue(a[0]) == 1 { return a[1] }
            if constantValue(a[1]) == 1 { return a[0] }
            return nil
        }
        switch op {
        case .trueDiv where constantValue(x[0]) == 1:
            // 1 / (1 + exp(z)) is sigmoid(-z); -(-a) folds back to a.
            if let d = onePlus(x[1]), scalarOp(d) == .exp { return fit(sigmoid(negated(args(d)[0]))) }
        case .reciprocal:
            if let d = onePlus(x[0]), scalarOp(d) == .exp { return fit(sigmoid(negated(args(d)[0]))) }
        case .log:
            if let y = onePlus(x[0]) {
                if scalarOp(y) == .exp { return fit(softplus(args(y)[0])) }
                return fit(log1p(y))
            }
            if scalarOp(x[0]) == .sigmoid { return fit(-softplus(-args(x[0])[0])) }
            if scalarOp(x[0]) == .sub, constantValue(args(x[0])[0]) == 1, scalarOp(args(x[0])[1]) == .sigmoid {
                return fit(-softplus(args(args(x[0])[1])[0]))
            }
        case .sub where constantValue(x[1]) == 1:
            if scalarOp(x[0]) == .exp { return fit(expm1(args(x[0])[0])) }
        default: break
        }
        return nil
    }

    /// log(sum(exp(x))) → m + log(sum(exp(x - m))) with m = max(x), which cannot overflow.
    package static let logSumExp = LocalRewrite("local_log_sum_exp", tags: ["stabilize"]) { node in
        guard (node.op as? Elemwise)?.scalarOp == .log, let sumNode = node.inputs[0].owner,
              let reduce = sumNode.op as? Reduce, reduce.kind == .sum,
              scalarOp(sumNode.inputs[0]) == .exp else { return nil }
        let x = args(sumNode.inputs[0])[0]
        let m = x.max(axes: reduce.axes, keepdims: true)
        let kept: [Int?] = (0..<x.ndim).filter { !reduce.axes.contains($0) }
        let shifted = log(exp(x - m).sum(axes: reduce.axes)) + m.dimshuffle(kept)
        return shifted.fitted(to: node.outputs[0].type).map { [$0] }
    }

    /// sum(c * x) → c * sum(x) for a scalar constant c.
    package static let sumOfScaled = LocalRewrite("local_sum_mul_by_scalar", tags: ["specialize"]) { node in
        guard let reduce = node.op as? Reduce, reduce.kind == .sum, scalarOp(node.inputs[0]) == .mul else { return nil }
        let factors = args(node.inputs[0])
        guard factors.count == 2 else { return nil }
        for (c, x) in [(factors[0], factors[1]), (factors[1], factors[0])] where c is TensorConstant && c.broadcastable.allSatisfy({ $0 }) {
            let scalar = TensorConstant((c as! TensorConstant).value.reshaped([]))
            return (scalar * Reduce(.sum, axes: reduce.axes)(x)).fitted(to: node.outputs[0].type).map { [$0] }
        }
        return nil
    }

    /// A dimshuffle of a dimshuffle is one dimshuffle; an identity dimshuffle disappears.
    package static let dimshuffleChain = LocalRewrite("local_dimshuffle_lift", tags: ["canonicalize", "useless"]) { node in
        guard let outer = node.op as? DimShuffle else { return nil }
        let input = node.inputs[0]
        if outer.pattern.count == input.ndim && outer.pattern.enumerated().allSatisfy({ $0.element == $0.offset }) { return [input] }
        guard let inner = input.owner?.op as? DimShuffle else { return nil }
        let composed = outer.pattern.map { p in p.flatMap { inner.pattern[$0] } }
        let source = input.owner!.inputs[0]
        return [DimShuffle(inputBroadcastable: source.broadcastable, pattern: composed)(source)]
    }
}
