/// The elementwise functions and operators, as free functions and methods: `exp(x)`, `x + 1`, `a .< b`.

// MARK: Operators

extension TensorVariable {
    /// The elementwise sum, broadcasting and upcasting as Theano does.
    public static func + (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.add, [a, b]) }
    /// The elementwise difference, broadcasting and upcasting as Theano does.
    public static func - (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.sub, [a, b]) }
    /// The elementwise product, broadcasting and upcasting as Theano does.
    public static func * (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.mul, [a, b]) }
    /// The elementwise true quotient: integers divide to floats, as in Theano.
    public static func / (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.trueDiv, [a, b]) }
    /// The elementwise remainder, with the sign of the divisor as in numpy.
    public static func % (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.mod, [a, b]) }

    /// The elementwise sum with a Swift value, which becomes a typed constant.
    public static func + (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a + b.asTensor() }
    /// The elementwise difference with a Swift value, which becomes a typed constant.
    public static func - (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a - b.asTensor() }
    /// The elementwise product with a Swift value, which becomes a typed constant.
    public static func * (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a * b.asTensor() }
    /// The elementwise true quotient with a Swift value, which becomes a typed constant.
    public static func / (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a / b.asTensor() }
    /// The elementwise remainder with a Swift value, which becomes a typed constant.
    public static func % (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a % b.asTensor() }
    /// The elementwise sum of a Swift value, which becomes a typed constant, and a tensor.
    public static func + (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() + b }
    /// The elementwise difference of a Swift value, which becomes a typed constant, and a tensor.
    public static func - (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() - b }
    /// The elementwise product of a Swift value, which becomes a typed constant, and a tensor.
    public static func * (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() * b }
    /// The elementwise true quotient of a Swift value, which becomes a typed constant, and a tensor.
    public static func / (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() / b }
    /// The elementwise remainder of a Swift value, which becomes a typed constant, and a tensor.
    public static func % (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() % b }

    /// The elementwise negation.
    public static prefix func - (x: TensorVariable) -> TensorVariable { elemwise(.neg, [x]) }

    /// The elementwise power, Theano's `x ** y`.
    public static func ** (a: TensorVariable, b: TensorVariable) -> TensorVariable { elemwise(.pow, [a, b]) }
    /// The elementwise power with a Swift exponent: `x ** 2`.
    public static func ** (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { a ** b.asTensor() }
    /// A Swift base raised elementwise to a tensor exponent.
    public static func ** (a: some TensorConvertible, b: TensorVariable) -> TensorVariable { a.asTensor() ** b }

    /// Elementwise `a < b`, a bool tensor (the same as `lt(a, b)`).
    public static func < (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { lt(a, b) }
    /// Elementwise `a <= b`, a bool tensor (the same as `le(a, b)`).
    public static func <= (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { le(a, b) }
    /// Elementwise `a > b`, a bool tensor (the same as `gt(a, b)`).
    public static func > (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { gt(a, b) }
    /// Elementwise `a >= b`, a bool tensor (the same as `ge(a, b)`).
    public static func >= (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { ge(a, b) }
    /// Elementwise equality, a bool tensor (`==` stays identity).
    public static func .== (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { eq(a, b) }
    /// Elementwise inequality, a bool tensor.
    public static func .!= (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { neq(a, b) }

    /// The elementwise bitwise (or, for bools, logical) and.
    public static func & (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { elemwise(.and, [a, b.asTensor()]) }
    /// The elementwise bitwise (or, for bools, logical) or.
    public static func | (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { elemwise(.or, [a, b.asTensor()]) }
    /// The elementwise bitwise (or, for bools, logical) exclusive or.
    public static func ^ (a: TensorVariable, b: some TensorConvertible) -> TensorVariable { elemwise(.xor, [a, b.asTensor()]) }
    /// The elementwise bitwise (or, for bools, logical) negation.
    public static prefix func ~ (x: TensorVariable) -> TensorVariable { elemwise(.invert, [x]) }

    /// Replaces `a` with the expression `a + b`.
    public static func += (a: inout TensorVariable, b: some TensorConvertible) { a = a + b }
    /// Replaces `a` with the expression `a - b`.
    public static func -= (a: inout TensorVariable, b: some TensorConvertible) { a = a - b }
    /// Replaces `a` with the expression `a * b`.
    public static func *= (a: inout TensorVariable, b: some TensorConvertible) { a = a * b }
    /// Replaces `a` with the expression `a / b`.
    public static func /= (a: inout TensorVariable, b: some TensorConvertible) { a = a / b }
}

/// Python's `**`: binds tighter than `*` and groups to the right (`2 ** 3 ** 2` is `2 ** 9`).
precedencegroup ExponentiationPrecedence {
    higherThan: MultiplicationPrecedence
    associativity: right
}
infix operator ** : ExponentiationPrecedence
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence

// MARK: Unary functions

/// The elementwise absolute value (the modulus for complex numbers).
public func abs(_ x: TensorVariable) -> TensorVariable { elemwise(.abs, [x]) }
/// eˣ, elementwise.
public func exp(_ x: TensorVariable) -> TensorVariable { elemwise(.exp, [x]) }
/// The natural logarithm, elementwise.
public func log(_ x: TensorVariable) -> TensorVariable { elemwise(.log, [x]) }
/// log(1 + x), elementwise, accurate for small x.
public func log1p(_ x: TensorVariable) -> TensorVariable { elemwise(.log1p, [x]) }
/// eˣ − 1, elementwise, accurate for small x.
public func expm1(_ x: TensorVariable) -> TensorVariable { elemwise(.expm1, [x]) }
/// The square root, elementwise.
public func sqrt(_ x: TensorVariable) -> TensorVariable { elemwise(.sqrt, [x]) }
/// x², elementwise.
public func sqr(_ x: TensorVariable) -> TensorVariable { elemwise(.sqr, [x]) }
/// x², elementwise (another name for `sqr`).
public func square(_ x: TensorVariable) -> TensorVariable { elemwise(.sqr, [x]) }
/// 1 / x, elementwise.
public func reciprocal(_ x: TensorVariable) -> TensorVariable { elemwise(.reciprocal, [x]) }
/// The sine, elementwise.
public func sin(_ x: TensorVariable) -> TensorVariable { elemwise(.sin, [x]) }
/// The cosine, elementwise.
public func cos(_ x: TensorVariable) -> TensorVariable { elemwise(.cos, [x]) }
/// The tangent, elementwise.
public func tan(_ x: TensorVariable) -> TensorVariable { elemwise(.tan, [x]) }
/// The hyperbolic tangent, elementwise.
public func tanh(_ x: TensorVariable) -> TensorVariable { elemwise(.tanh, [x]) }
/// The logistic function 1 / (1 + e⁻ˣ), elementwise.
public func sigmoid(_ x: TensorVariable) -> TensorVariable { elemwise(.sigmoid, [x]) }
/// log(1 + eˣ), elementwise, without overflow.
public func softplus(_ x: TensorVariable) -> TensorVariable { elemwise(.softplus, [x]) }
/// The largest integer not above x, elementwise.
public func floor(_ x: TensorVariable) -> TensorVariable { elemwise(.floor, [x]) }
/// The smallest integer not below x, elementwise.
public func ceil(_ x: TensorVariable) -> TensorVariable { elemwise(.ceil, [x]) }
/// The sign of x (−1, 0 or 1), elementwise.
public func sgn(_ x: TensorVariable) -> TensorVariable { elemwise(.sgn, [x]) }
/// −x, elementwise.
public func neg(_ x: TensorVariable) -> TensorVariable { elemwise(.neg, [x]) }
/// 2ˣ, elementwise.
public func exp2(_ x: TensorVariable) -> TensorVariable { elemwise(.exp2, [x]) }
/// The base-2 logarithm, elementwise.
public func log2(_ x: TensorVariable) -> TensorVariable { elemwise(.log2, [x]) }
/// The base-10 logarithm, elementwise.
public func log10(_ x: TensorVariable) -> TensorVariable { elemwise(.log10, [x]) }
/// The hyperbolic sine, elementwise.
public func sinh(_ x: TensorVariable) -> TensorVariable { elemwise(.sinh, [x]) }
/// The hyperbolic cosine, elementwise.
public func cosh(_ x: TensorVariable) -> TensorVariable { elemwise(.cosh, [x]) }
/// The inverse sine, elementwise.
public func arcsin(_ x: TensorVariable) -> TensorVariable { elemwise(.arcsin, [x]) }
/// The inverse cosine, elementwise.
public func arccos(_ x: TensorVariable) -> TensorVariable { elemwise(.arccos, [x]) }
/// The inverse tangent, elementwise.
public func arctan(_ x: TensorVariable) -> TensorVariable { elemwise(.arctan, [x]) }
/// The inverse hyperbolic sine, elementwise.
public func arcsinh(_ x: TensorVariable) -> TensorVariable { elemwise(.arcsinh, [x]) }
/// The inverse hyperbolic cosine, elementwise.
public func arccosh(_ x: TensorVariable) -> TensorVariable { elemwise(.arccosh, [x]) }
/// The inverse hyperbolic tangent, elementwise.
public func arctanh(_ x: TensorVariable) -> TensorVariable { elemwise(.arctanh, [x]) }
/// Degrees to radians, elementwise.
public func deg2rad(_ x: TensorVariable) -> TensorVariable { elemwise(.deg2rad, [x]) }
/// Radians to degrees, elementwise.
public func rad2deg(_ x: TensorVariable) -> TensorVariable { elemwise(.rad2deg, [x]) }
/// Rounds toward zero.
public func trunc(_ x: TensorVariable) -> TensorVariable { elemwise(.trunc, [x]) }
/// `x · log(x)`, 0 at 0.
public func xlogx(_ x: TensorVariable) -> TensorVariable { elemwise(.xlogx, [x]) }
/// Whether each element is NaN (false for integers).
public func isnan(_ x: TensorVariable) -> TensorVariable { elemwise(.isnan, [x]) }
/// Whether each element is ±∞ (false for integers).
public func isinf(_ x: TensorVariable) -> TensorVariable { elemwise(.isinf, [x]) }

// MARK: Special functions

/// The error function, elementwise.
public func erf(_ x: TensorVariable) -> TensorVariable { elemwise(.erf, [x]) }
/// The complementary error function 1 − erf(x), elementwise.
public func erfc(_ x: TensorVariable) -> TensorVariable { elemwise(.erfc, [x]) }
/// The scaled complementary error function, `exp(x²) · erfc(x)`, finite where erfc underflows.
public func erfcx(_ x: TensorVariable) -> TensorVariable { elemwise(.erfcx, [x]) }
/// The inverse error function, elementwise.
public func erfinv(_ x: TensorVariable) -> TensorVariable { elemwise(.erfinv, [x]) }
/// The inverse complementary error function, elementwise.
public func erfcinv(_ x: TensorVariable) -> TensorVariable { elemwise(.erfcinv, [x]) }
/// The gamma function Γ(x).
public func gamma(_ x: TensorVariable) -> TensorVariable { elemwise(.gamma, [x]) }
/// log |Γ(x)|.
public func gammaln(_ x: TensorVariable) -> TensorVariable { elemwise(.gammaln, [x]) }
/// The digamma function ψ(x) = d/dx log Γ(x).
public func psi(_ x: TensorVariable) -> TensorVariable { elemwise(.psi, [x]) }
/// The trigamma function ψ₁(x) = d/dx ψ(x) (Theano's `tri_gamma`).
public func trigamma(_ x: TensorVariable) -> TensorVariable { elemwise(.trigamma, [x]) }

/// How `round` breaks ties.
public enum RoundingMode: Sendable { case halfToEven, halfAwayFromZero }

/// Rounds to the nearest integer; ties go to the even neighbour, as in numpy, unless told otherwise.
///
/// Only float tensors round: an integer, bool or complex tensor is a type error when the graph is built,
/// as PyTensor's `round` raises `TypeError` there (`floor`, `ceil` and `trunc` upgrade integers to floats).
public func round(_ x: TensorVariable, mode: RoundingMode = .halfToEven) -> TensorVariable {
    precondition(x.dtype.isFloat, "round: only float tensors can be rounded, got \(x.dtype) for \(x.name ?? "the input") (cast it first)")
    return elemwise(mode == .halfToEven ? .roundHalfToEven : .roundHalfAwayFromZero, [x])
}

// MARK: Binary and ternary functions

/// The elementwise sum of any number of tensors.
public func add(_ xs: TensorVariable...) -> TensorVariable { elemwise(.add, xs) }
/// The elementwise product of any number of tensors.
public func mul(_ xs: TensorVariable...) -> TensorVariable { elemwise(.mul, xs) }
/// The larger of a and b, elementwise.
public func maximum(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.maximum, [a.asTensor(), b.asTensor()]) }
/// The smaller of a and b, elementwise.
public func minimum(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.minimum, [a.asTensor(), b.asTensor()]) }
/// a raised to the power b, elementwise.
public func pow(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.pow, [a.asTensor(), b.asTensor()]) }
/// The remainder of a / b, with the sign of b as in numpy, elementwise.
public func mod(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.mod, [a.asTensor(), b.asTensor()]) }
/// Floor division, Python's `//`.
public func intDiv(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.intDiv, [a.asTensor(), b.asTensor()]) }
/// a / b as floats, elementwise, even for integers.
public func trueDiv(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.trueDiv, [a.asTensor(), b.asTensor()]) }
/// The angle of the point (x, y), in (-π, π].
public func arctan2(_ y: some TensorConvertible, _ x: some TensorConvertible) -> TensorVariable { elemwise(.arctan2, [y.asTensor(), x.asTensor()]) }
/// `sqrt(a² + b²)` without overflow.
public func hypot(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.hypot, [a.asTensor(), b.asTensor()]) }
/// `log(exp(a) + exp(b))` without overflow.
public func logaddexp(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.logaddexp, [a.asTensor(), b.asTensor()]) }
/// `x · log(y)`, 0 where x is 0.
public func xlogy0(_ x: some TensorConvertible, _ y: some TensorConvertible) -> TensorVariable { elemwise(.xlogy0, [x.asTensor(), y.asTensor()]) }

/// Elementwise a < b, a bool tensor.
public func lt(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.lt, [a.asTensor(), b.asTensor()]) }
/// Elementwise a > b, a bool tensor.
public func gt(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.gt, [a.asTensor(), b.asTensor()]) }
/// Elementwise a ≤ b, a bool tensor.
public func le(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.le, [a.asTensor(), b.asTensor()]) }
/// Elementwise a ≥ b, a bool tensor.
public func ge(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.ge, [a.asTensor(), b.asTensor()]) }
/// Elementwise a == b, a bool tensor.
public func eq(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.eq, [a.asTensor(), b.asTensor()]) }
/// Elementwise a ≠ b, a bool tensor.
public func neq(_ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable { elemwise(.neq, [a.asTensor(), b.asTensor()]) }

/// Elementwise choice: `a` where `condition` is true, else `b`. Both sides are computed.
public func `switch`(_ condition: some TensorConvertible, _ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    elemwise(.switch, [condition.asTensor(), a.asTensor(), b.asTensor()])
}

/// numpy's name for `switch`.
public func `where`(_ condition: some TensorConvertible, _ a: some TensorConvertible, _ b: some TensorConvertible) -> TensorVariable {
    `switch`(condition, a, b)
}

/// Limits values to `[low, high]`.
public func clip(_ x: TensorVariable, _ low: some TensorConvertible, _ high: some TensorConvertible) -> TensorVariable {
    elemwise(.clip, [x, low.asTensor(), high.asTensor()])
}

/// Converts to another dtype.
public func cast(_ x: TensorVariable, _ dtype: DType) -> TensorVariable {
    x.dtype == dtype ? x : elemwise(.cast(dtype), [x])
}

/// `b` broadcast to the shape of `a` (Theano's `fill`).
public func fill(_ a: TensorVariable, _ b: some TensorConvertible) -> TensorVariable { elemwise(.second, [a, b.asTensor()]) }

extension TensorVariable {
    /// This tensor cast to `dtype`, as `cast(self, dtype)`.
    public func astype(_ dtype: DType) -> TensorVariable { cast(self, dtype) }
    /// This tensor with each element limited to [low, high].
    public func clip(_ low: some TensorConvertible, _ high: some TensorConvertible) -> TensorVariable { TheanoTensor.clip(self, low, high) }
}

/// Zeros of the shape and dtype of `x`.
public func zerosLike(_ x: TensorVariable, dtype: DType? = nil) -> TensorVariable {
    fill(x, TensorConstant(NDArray(zeros: [], dtype: dtype ?? x.dtype)))
}

/// Ones of the shape and dtype of `x`.
public func onesLike(_ x: TensorVariable, dtype: DType? = nil) -> TensorVariable {
    fill(x, TensorConstant(NDArray(scalar: Int8(1)).astype(dtype ?? x.dtype)))
}
