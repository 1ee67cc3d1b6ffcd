/// The symbolic gradient of each scalar op, written with tensor operations.
/// Gradients come back at the output's broadcast pattern; ``Elemwise`` reduces them to each input.
enum ElemwiseGradients {
    static func grad(_ op: ScalarOp, _ x: [TensorVariable], _ z: TensorVariable, _ gz: TensorVariable) throws -> [TensorVariable?] {
        func zeros(_ v: TensorVariable) -> TensorVariable? { v.dtype.isDiscrete ? nil : zerosLike(v) }
        switch op {
        case .add: return x.map { _ in gz }
        case .sub: return [gz, -gz]
        case .mul:
            return x.indices.map { i in
                let others = x.indices.filter { $0 != i }.map { x[$0] }
                return others.isEmpty ? gz : elemwise(.mul, [gz] + others)
            }
        case .trueDiv: return [gz / x[1], -gz * x[0] / sqr(x[1])]
        case .intDiv: return [zeros(x[0]), zeros(x[1])]
        case .mod: return [gz, -gz * intDiv(x[0], x[1])]
        case .pow: return [gz * x[1] * x[0] ** (x[1] - 1), gz * log(x[0]) * z]
        case .maximum, .minimum:
            // The gradient flows to whichever input gave the result.
            return [gz * cast(eq(z, x[0]), gz.dtype), gz * cast(eq(z, x[1]), gz.dtype)]
        case .neg: return [-gz]
        case .abs: return [gz * sgn(x[0])]
        case .sqr: return [gz * 2 * x[0]]
        case .sqrt: return [gz * 0.5 / z]
        case .reciprocal: return [-gz * sqr(z)]
        case .identity: return [gz]
        case .exp: return [gz * z]
        case .log: return [gz / x[0]]
        case .log1p: return [gz / (1 + x[0])]
        case .expm1: return [gz * (z + 1)]
        case .sin: return [gz * cos(x[0])]
        case .cos: return [-gz * sin(x[0])]
        case .tan: return [gz * (1 + sqr(z))]
        case .tanh: return [gz * (1 - sqr(z))]
        case .sigmoid: return [gz * z * (1 - z)]
        case .softplus: return [gz * sigmoid(x[0])]
        case .sgn, .floor, .ceil, .roundHalfToEven, .roundHalfAwayFromZero: return [zeros(x[0])]
        case .lt, .gt, .le, .ge, .eq, .neq, .and, .or, .xor, .invert: return x.map(zeros)
        case .switch:
            let zero = zerosLike(gz)
            return [nil, `switch`(x[0], gz, zero), `switch`(x[0], zero, gz)]
        case .clip:
            let inside = cast(ge(x[0], x[1]) & le(x[0], x[2]), gz.dtype)
            return [gz * inside, gz * cast(lt(x[0], x[1]), gz.dtype), gz * cast(gt(x[0], x[2]), gz.dtype)]
        case .cast: return [x[0].dtype.isDiscrete ? nil : cast(gz, x[0].dtype)]
        case .second: return [zeros(x[0]), gz]
        case .composite(let c): return try compositeGrad(c, x, gz)
        }
    }

    /// Expands a fused body back into tensor operations and differentiates that.
    static func compositeGrad(_ c: Composite, _ x: [TensorVariable], _ gz: TensorVariable) throws -> [TensorVariable?] {
        var slots = x
        for step in c.steps {
            var v = elemwise(step.op, step.args.map { slots[$0] })
            if v.dtype != step.dtype { v = cast(v, step.dtype) }
            slots.append(v)
        }
        let grads = try Gradient.backward(outputs: [slots.last!], outputGrads: [gz], wrt: x)
        return grads
    }
}
