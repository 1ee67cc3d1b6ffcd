/// Activation functions, composed from elementwise ops so the optimizer can fuse them.

/// max(x, 0), or a leaky slope `alpha` for negative inputs, with Theano's gradient 0.5·(1 + alpha) at 0.
///
/// Theano writes it 0.5·(x + |x|) (0.5·(1 + α)·x + 0.5·(1 − α)·|x| when leaky), which is −∞ + ∞ = NaN at
/// x = −∞. Here the value is maximum(x, 0) + α·minimum(x, 0), exact everywhere: relu(−∞) = 0 as in
/// PyTorch and JAX, the leaky relu(−∞) = −∞, NaN stays NaN. maximum and minimum send the whole gradient
/// to both inputs at a tie, a slope of 1 + α at 0; the last term, zero everywhere but with slope 1 at
/// x = 0 alone, brings it back to Theano's. Only ops with a C form, so fused loops keep their kernels.
public func relu(_ x: TensorVariable, alpha: Double = 0) -> TensorVariable {
    let kink = maximum(minimum(x, 0), 0)
    var y = maximum(x, 0)
    if alpha != 0 { y = y + cast(alpha * minimum(x, 0), x.dtype) }
    return cast(y - cast((0.5 * (1 + alpha)) * kink, x.dtype), x.dtype)
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

/// x / (1 + |x|), and its limits ±1 at x = ±∞, where the quotient is ∞/∞ = NaN (as PyTorch's and JAX's
/// softsign give). The quotient reads 0 where x is infinite, so its gradient there is 0, not NaN.
public func softsign(_ x: TensorVariable) -> TensorVariable {
    let infinite = isInfinite(x)
    let finite = `switch`(infinite, 0, x)
    return `switch`(infinite, sgn(x), finite / (1 + abs(finite)))
}

/// Whether each element is +∞ or −∞.
func isInfinite(_ x: TensorVariable) -> TensorVariable { eq(abs(x), Double.infinity) }

/// A piecewise-linear sigmoid: clip(0.2·x + 0.5, 0, 1).
public func hardSigmoid(_ x: TensorVariable) -> TensorVariable { cast(clip(0.2 * x + 0.5, 0, 1), x.dtype.upgradedToFloat) }
