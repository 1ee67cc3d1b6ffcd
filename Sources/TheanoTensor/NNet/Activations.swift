/// Activation functions, composed from elementwise ops so the optimizer can fuse them.

/// max(x, 0), or a leaky slope `alpha` for negative inputs, with Theano's gradient 0.5·(1 + alpha) at 0.
///
/// Theano writes it 0.5·(x + |x|), which is −∞ + ∞ = NaN at x = −∞; here relu(−∞) = 0 as in PyTorch and
/// JAX, the leaky relu(−∞) = −∞, and NaN stays NaN. One scalar op, whose gradient needs no comparison,
/// so forward and backward fuse into float loops.
public func relu(_ x: TensorVariable, alpha: Double = 0) -> TensorVariable {
    elemwise(.relu, [x, TensorConstant(NDArray(scalar: alpha).astype(x.dtype.upgradedToFloat))])
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
package func isInfinite(_ x: TensorVariable) -> TensorVariable { eq(abs(x), Double.infinity) }

/// A piecewise-linear sigmoid: clip(0.2·x + 0.5, 0, 1).
public func hardSigmoid(_ x: TensorVariable) -> TensorVariable { cast(clip(0.2 * x + 0.5, 0, 1), x.dtype.upgradedToFloat) }
