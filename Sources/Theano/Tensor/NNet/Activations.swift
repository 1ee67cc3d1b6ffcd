/// Activation functions, composed from elementwise ops so the optimizer can fuse them.

/// max(x, 0), or a leaky slope `alpha` for negative inputs (Theano's formula, which has gradient 0.5 at 0).
public func relu(_ x: TensorVariable, alpha: Double = 0) -> TensorVariable {
    if alpha == 0 { return cast(0.5 * (x + abs(x)), x.dtype) }
    let a = cast((0.5 * (1 + alpha)) * x, x.dtype), b = cast((0.5 * (1 - alpha)) * abs(x), x.dtype)
    return a + b
}

/// x for x > 0, alpha·(exp(x) − 1) otherwise.
public func elu(_ x: TensorVariable, alpha: Double = 1) -> TensorVariable {
    `switch`(x > 0, x, cast(alpha * expm1(x), x.dtype))
}

/// The self-normalising ELU with its fixed constants.
public func selu(_ x: TensorVariable) -> TensorVariable {
    let scale = 1.0507009873554804934193349852946, alpha = 1.6732632423543772848170429916717
    return cast(scale * elu(x, alpha: alpha), x.dtype)
}

/// x / (1 + |x|).
public func softsign(_ x: TensorVariable) -> TensorVariable { x / (1 + abs(x)) }

/// A piecewise-linear sigmoid: clip(0.2·x + 0.5, 0, 1).
public func hardSigmoid(_ x: TensorVariable) -> TensorVariable { cast(clip(0.2 * x + 0.5, 0, 1), x.dtype.upgradedToFloat) }
