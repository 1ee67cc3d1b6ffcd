import ComplexModule
import RealModule

/// The scalar functions that ``Elemwise`` maps over tensors.
///
/// A closed enum rather than a protocol: the optimizer pattern-matches on cases and fusion composes them.
/// Each case is defined once, in `definition` below: adding a case does not compile until it has one,
/// and every backend reads its forms from there.
public indirect enum ScalarOp: Hashable, Sendable, CustomStringConvertible {
    // Arithmetic. `add` and `mul` take two or more inputs.
    case add, sub, mul, trueDiv, intDiv, mod, pow, maximum, minimum
    case neg, abs, sqr, sqrt, reciprocal, sgn, identity
    // Exponentials, logarithms, trigonometry and activations.
    case exp, log, log1p, expm1, sin, cos, tan, tanh, sigmoid, softplus
    case exp2, log2, log10, sinh, cosh, arcsin, arccos, arctan, arctan2, arcsinh, arccosh, arctanh
    case hypot, logaddexp, xlogx, xlogy0, deg2rad, rad2deg
    /// `relu(x, alpha)`: x above 0, alpha·x below (0 at −∞ when alpha is 0).
    case relu
    // Special functions.
    case erf, erfc, erfcx, erfinv, erfcinv, gamma, gammaln, psi, trigamma
    case floor, ceil, trunc, roundHalfToEven, roundHalfAwayFromZero
    // Comparisons, predicates and logic; they give bool.
    case lt, gt, le, ge, eq, neq
    case isnan, isinf
    case and, or, xor, invert
    /// `switch(cond, a, b)`.
    case `switch`
    /// `clip(x, lo, hi)`.
    case clip
    case cast(DType)
    /// `second(a, b)`: b broadcast to a's shape (Theano's `fill`; `pp` prints it `fill(a, b)`, as Theano does).
    case second
    /// Several scalar ops fused into one loop body.
    case composite(Composite)

    public var description: String { name }
    package var name: String { definition.name }
    package var arity: Int? { definition.arity }

    /// The output dtype for these input dtypes, following Theano's scalar rules.
    package func outputDType(_ inputs: [DType]) -> DType { definition.output.apply(inputs) }

    /// The symbol for infix printing, if the op prints infix.
    package var infixSymbol: String? {
        if case .infix(let symbol) = definition.printing { return symbol }
        return nil
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    package var definition: ScalarDefinition {
        typealias D = ScalarDefinition
        /// Zero gradients for float inputs; integers are disconnected.
        func zeros(_ v: TensorVariable) -> TensorVariable? { v.dtype.isDiscrete ? nil : zerosLike(v) }
        switch self {
        // MARK: Arithmetic
        case .add:
            return D(name: "add", arity: nil, output: .upcast, printing: .infix("+"), gradient: { x, _, gz in x.map { _ in gz } },
                     real: .binary({ $0 + $1 }, { $0 + $1 }), integer: .binary(&+), boolean: .binary({ $0 || $1 }),
                     complex: .binary(+, +), c: "$0 + $1", exactWhenRounded: true)
        case .sub:
            return D(name: "sub", arity: 2, output: .upcast, printing: .infix("-"), gradient: { _, _, gz in [gz, -gz] },
                     real: .binary({ $0 - $1 }, { $0 - $1 }), integer: .binary(&-), complex: .binary(-, -), c: "$0 - $1",
                     exactWhenRounded: true)
        case .mul:
            return D(name: "mul", arity: nil, output: .upcast, printing: .infix("*"), gradient: { x, _, gz in
                x.indices.map { i in
                    let others = x.indices.filter { $0 != i }.map { x[$0] }
                    return others.isEmpty ? gz : elemwise(.mul, [gz] + others)
                }
            }, real: .binary({ $0 * $1 }, { $0 * $1 }), integer: .binary(&*), boolean: .binary({ $0 && $1 }),
                     complex: .binary(*, *), c: "$0 * $1", exactWhenRounded: true)
        case .trueDiv:
            return D(name: "true_div", arity: 2, output: .trueDivision, printing: .infix("/"),
                     gradient: { x, _, gz in [gz / x[1], -gz * x[0] / TheanoTensor.sqr(x[1])] },
                     real: .binary({ $0 / $1 }, { $0 / $1 }), complex: .binary(/, /), c: "$0 / $1", exactWhenRounded: true)
        case .intDiv:
            return D(name: "int_div", arity: 2, output: .upcast, printing: .infix("//"), gradient: { x, _, _ in x.map(zeros) },
                     real: .binary({ ($0 / $1).rounded(.down) }, { ($0 / $1).rounded(.down) }),
                     integer: .binary(IntegerArithmetic.floorDivide), c: "floor$f($0 / $1)")
        case .mod:
            return D(name: "mod", arity: 2, output: .upcast, printing: .infix("%"), gradient: { x, _, gz in [gz, -gz * TheanoTensor.intDiv(x[0], x[1])] },
                     real: .binary(pythonRemainder, pythonRemainder), integer: .binary(IntegerArithmetic.remainder),
                     c: "({ const $t r = fmod$f($0, $1); (r != 0 && ((r < 0) != ($1 < 0))) ? r + $1 : r; })")
        case .pow:
            // C's pow, as numpy and Theano's C code: negative bases with integral or infinite exponents are defined.
            return D(name: "pow", arity: 2, output: .upcast, printing: .infix("**"),
                     gradient: { x, z, gz in [gz * x[1] * x[0] ** (x[1] - 1), gz * TheanoTensor.log(x[0]) * z] },
                     real: .binary(Float.cPow, Double.cPow), integer: .binary(IntegerArithmetic.power), c: "pow$f($0, $1)")
        case .maximum, .minimum:
            let isMax = self == .maximum
            // NaN wins, as in numpy; otherwise Swift's max and min.
            return D(name: isMax ? "maximum" : "minimum", arity: 2, output: .upcast,
                     gradient: { x, z, gz in [gz * TheanoTensor.cast(TheanoTensor.eq(z, x[0]), gz.dtype), gz * TheanoTensor.cast(TheanoTensor.eq(z, x[1]), gz.dtype)] },
                     real: isMax ? .binary(nanMax, nanMax) : .binary(nanMin, nanMin),
                     integer: .binary(isMax ? { Swift.max($0, $1) } : { Swift.min($0, $1) }),
                     boolean: .binary(isMax ? { $0 || $1 } : { $0 && $1 }),
                     c: isMax ? "($0 != $0 || $1 != $1) ? ($t)NAN : ($1 >= $0 ? $1 : $0)" : "($0 != $0 || $1 != $1) ? ($t)NAN : ($1 < $0 ? $1 : $0)",
                     exactWhenRounded: true)
        case .neg:
            return D(name: "neg", arity: 1, output: .upcast, printing: .prefix("-"), gradient: { _, _, gz in [-gz] },
                     real: .unary({ -$0 }, { -$0 }), integer: .unary { 0 &- $0 }, complex: .unary({ .zero - $0 }, { .zero - $0 }),
                     c: "-$0", exactWhenRounded: true)
        case .abs:
            return D(name: "abs", arity: 1, output: .realPart, gradient: { x, _, gz in [gz * TheanoTensor.sgn(x[0])] },
                     real: .unary({ Swift.abs($0) }, { Swift.abs($0) }), integer: .unary { $0 < 0 ? 0 &- $0 : $0 },
                     boolean: .unary { $0 }, complex: .toReal { $0.length }, c: "fabs$f($0)", exactWhenRounded: true)
        case .sqr:
            return D(name: "sqr", arity: 1, output: .upcast, gradient: { x, _, gz in [gz * 2 * x[0]] },
                     real: .unary({ $0 * $0 }, { $0 * $0 }), integer: .unary { $0 &* $0 }, boolean: .unary { $0 },
                     complex: .unary({ $0 * $0 }, { $0 * $0 }), c: "$0 * $0", exactWhenRounded: true)
        case .sqrt:
            return D(name: "sqrt", arity: 1, output: .float, gradient: { _, z, gz in [gz * 0.5 / z] },
                     real: .unary({ $0.squareRoot() }, { $0.squareRoot() }), complex: .unary({ .sqrt($0) }, { .sqrt($0) }),
                     c: "sqrt$f($0)", exactWhenRounded: true)
        case .reciprocal:
            return D(name: "reciprocal", arity: 1, output: .float, gradient: { _, z, gz in [-gz * TheanoTensor.sqr(z)] },
                     real: .unary({ 1 / $0 }, { 1 / $0 }), complex: .unary({ .one / $0 }, { .one / $0 }), c: "($t)1 / $0")
        case .sgn:
            return D(name: "sgn", arity: 1, output: .upcast, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary(sign, sign), integer: .unary { $0.signum() }, boolean: .unary { $0 },
                     c: "$0 > 0 ? ($t)1 : ($0 < 0 ? ($t)-1 : $0)", exactWhenRounded: true)
        case .identity:
            return D(name: "identity", arity: 1, output: .upcast, gradient: { _, _, gz in [gz] },
                     real: .unary({ $0 }, { $0 }), integer: .unary { $0 }, boolean: .unary { $0 },
                     complex: .unary({ $0 }, { $0 }), c: "$0", exactWhenRounded: true)

        // MARK: Exponentials, logarithms, trigonometry
        case .exp:
            return D(name: "exp", arity: 1, output: .float, gradient: { _, z, gz in [gz * z] },
                     real: .unary({ .exp($0) }, { .exp($0) }), complex: .unary({ .exp($0) }, { .exp($0) }), c: "exp$f($0)", vector: "exp")
        case .log:
            return D(name: "log", arity: 1, output: .float, gradient: { x, _, gz in [gz / x[0]] },
                     real: .unary({ .log($0) }, { .log($0) }), complex: .unary({ .log($0) }, { .log($0) }), c: "log$f($0)", vector: "log")
        case .log1p:
            return D(name: "log1p", arity: 1, output: .float, gradient: { x, _, gz in [gz / (1 + x[0])] },
                     real: .unary({ .log(onePlus: $0) }, { .log(onePlus: $0) }), c: "log1p$f($0)", vector: "log1p")
        case .expm1:
            return D(name: "expm1", arity: 1, output: .float, gradient: { _, z, gz in [gz * (z + 1)] },
                     real: .unary({ .expMinusOne($0) }, { .expMinusOne($0) }), c: "expm1$f($0)", vector: "expm1")
        case .exp2:
            return D(name: "exp2", arity: 1, output: .float, gradient: { _, z, gz in [gz * z * 0.6931471805599453] },
                     real: .unary({ .exp2($0) }, { .exp2($0) }), c: "exp2$f($0)", vector: "exp2")
        case .log2:
            return D(name: "log2", arity: 1, output: .float, gradient: { x, _, gz in [gz / (x[0] * 0.6931471805599453)] },
                     real: .unary({ .log2($0) }, { .log2($0) }), c: "log2$f($0)", vector: "log2")
        case .log10:
            return D(name: "log10", arity: 1, output: .float, gradient: { x, _, gz in [gz / (x[0] * 2.302585092994046)] },
                     real: .unary({ .log10($0) }, { .log10($0) }), c: "log10$f($0)", vector: "log10")
        case .sin:
            return D(name: "sin", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.cos(x[0])] },
                     real: .unary({ .sin($0) }, { .sin($0) }), complex: .unary({ .sin($0) }, { .sin($0) }), c: "sin$f($0)", vector: "sin")
        case .cos:
            return D(name: "cos", arity: 1, output: .float, gradient: { x, _, gz in [-gz * TheanoTensor.sin(x[0])] },
                     real: .unary({ .cos($0) }, { .cos($0) }), complex: .unary({ .cos($0) }, { .cos($0) }), c: "cos$f($0)", vector: "cos")
        case .tan:
            return D(name: "tan", arity: 1, output: .float, gradient: { _, z, gz in [gz * (1 + TheanoTensor.sqr(z))] },
                     real: .unary({ .tan($0) }, { .tan($0) }), c: "tan$f($0)", vector: "tan")
        case .tanh:
            return D(name: "tanh", arity: 1, output: .float, gradient: { _, z, gz in [gz * (1 - TheanoTensor.sqr(z))] },
                     real: .unary({ .tanh($0) }, { .tanh($0) }), complex: .unary({ .tanh($0) }, { .tanh($0) }), c: "tanh$f($0)", vector: "tanh")
        case .sinh:
            return D(name: "sinh", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.cosh(x[0])] },
                     real: .unary({ .sinh($0) }, { .sinh($0) }), c: "sinh$f($0)", vector: "sinh")
        case .cosh:
            return D(name: "cosh", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.sinh(x[0])] },
                     real: .unary({ .cosh($0) }, { .cosh($0) }), c: "cosh$f($0)", vector: "cosh")
        case .arcsin:
            return D(name: "arcsin", arity: 1, output: .float, gradient: { x, _, gz in [gz / TheanoTensor.sqrt(1 - TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .asin($0) }, { .asin($0) }), c: "asin$f($0)", vector: "asin")
        case .arccos:
            return D(name: "arccos", arity: 1, output: .float, gradient: { x, _, gz in [-gz / TheanoTensor.sqrt(1 - TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .acos($0) }, { .acos($0) }), c: "acos$f($0)", vector: "acos")
        case .arctan:
            return D(name: "arctan", arity: 1, output: .float, gradient: { x, _, gz in [gz / (1 + TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .atan($0) }, { .atan($0) }), c: "atan$f($0)", vector: "atan")
        case .arctan2:
            return D(name: "arctan2", arity: 2, output: .float, gradient: { x, _, gz in
                let r = TheanoTensor.sqr(x[0]) + TheanoTensor.sqr(x[1])
                return [gz * x[1] / r, -gz * x[0] / r]
            }, real: .binary({ .atan2(y: $0, x: $1) }, { .atan2(y: $0, x: $1) }), c: "atan2$f($0, $1)")
        case .arcsinh:
            return D(name: "arcsinh", arity: 1, output: .float, gradient: { x, _, gz in [gz / TheanoTensor.sqrt(TheanoTensor.sqr(x[0]) + 1)] },
                     real: .unary({ .asinh($0) }, { .asinh($0) }), c: "asinh$f($0)", vector: "asinh")
        case .arccosh:
            return D(name: "arccosh", arity: 1, output: .float, gradient: { x, _, gz in [gz / TheanoTensor.sqrt(TheanoTensor.sqr(x[0]) - 1)] },
                     real: .unary({ .acosh($0) }, { .acosh($0) }), c: "acosh$f($0)", vector: "acosh")
        case .arctanh:
            return D(name: "arctanh", arity: 1, output: .float, gradient: { x, _, gz in [gz / (1 - TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .atanh($0) }, { .atanh($0) }), c: "atanh$f($0)", vector: "atanh")
        case .hypot:
            return D(name: "hypot", arity: 2, output: .float, gradient: { x, z, gz in [gz * x[0] / z, gz * x[1] / z] },
                     real: .binary({ .hypot($0, $1) }, { .hypot($0, $1) }), c: "hypot$f($0, $1)")
        case .logaddexp:
            return D(name: "logaddexp", arity: 2, output: .float,
                     gradient: { x, z, gz in [gz * TheanoTensor.exp(x[0] - z), gz * TheanoTensor.exp(x[1] - z)] },
                     real: .binary(SpecialFunctions.logAddExp, SpecialFunctions.logAddExp),
                     c: """
                     ({ const $t d = $0 - $1; $0 == $1 ? $0 + ($t)0.693147180559945309417232121458176568 \
                     : (d > 0 ? $0 + log1p$f(exp$f(-d)) : (d <= 0 ? $1 + log1p$f(exp$f(d)) : d)); })
                     """)
        case .xlogx:
            return D(name: "xlogx", arity: 1, output: .float, gradient: { x, _, gz in [gz * (1 + TheanoTensor.log(x[0]))] },
                     real: .unary({ $0 == 0 ? 0 : $0 * .log($0) }, { $0 == 0 ? 0 : $0 * .log($0) }),
                     c: "$0 == 0 ? ($t)0 : $0 * log$f($0)")
        case .xlogy0:
            return D(name: "xlogy0", arity: 2, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.log(x[1]), gz * x[0] / x[1]] },
                     real: .binary({ $0 == 0 ? 0 : $0 * .log($1) }, { $0 == 0 ? 0 : $0 * .log($1) }),
                     c: "$0 == 0 ? ($t)0 : $0 * log$f($1)")
        case .deg2rad:
            return D(name: "deg2rad", arity: 1, output: .float, gradient: { _, _, gz in [gz * 0.017453292519943295] },
                     real: .unary({ $0 * (.pi / 180) }, { $0 * (.pi / 180) }), c: "$0 * (($t)3.14159265358979323846 / ($t)180)")
        case .rad2deg:
            return D(name: "rad2deg", arity: 1, output: .float, gradient: { _, _, gz in [gz * 57.29577951308232] },
                     real: .unary({ $0 * (180 / .pi) }, { $0 * (180 / .pi) }), c: "$0 * (($t)180 / ($t)3.14159265358979323846)")
        case .relu:
            // Theano's gradient, 0.5·(1 + α) at 0, from sgn alone: no comparison, so it fuses into float loops.
            return D(name: "relu", arity: 2, output: .float,
                     gradient: { x, _, gz in [gz * (0.5 * (1 + x[1]) + 0.5 * (1 - x[1]) * TheanoTensor.sgn(x[0])), nil] },
                     real: .binary(leakyRelu, leakyRelu), c: "$0 > 0 ? $0 : ($0 < 0 ? ($1 == 0 ? ($t)0 : $1 * $0) : $0)")
        case .sigmoid:
            return D(name: "sigmoid", arity: 1, output: .float, gradient: { _, z, gz in [gz * z * (1 - z)] },
                     real: .unary(Activation.sigmoid, Activation.sigmoid,
                                  blocks: (Activation.sigmoidBlock, Activation.sigmoidBlock)),
                     // exp(-|x|) never overflows: 1/(1+e) for x ≥ 0, e/(1+e) below. The branch picks a value,
                     // not a computation, so the loop stays free of control flow and vectorizes.
                     c: "({ const $t e = exp$f(-fabs$f($0)); ($0 >= 0 ? ($t)1 : e) / (1 + e); })",
                     stages: CStages(pre: "-fabs$f($0)", calls: ["exp"], post: "($0 >= 0 ? ($t)1 : $v) / (1 + $v)"))
        case .softplus:
            return D(name: "softplus", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.sigmoid(x[0])] },
                     real: .unary(Activation.softplus, Activation.softplus,
                                  blocks: (Activation.softplusBlock, Activation.softplusBlock)),
                     c: "(($t)0 >= $0 ? ($t)0 : $0) + log1p$f(exp$f(-fabs$f($0)))",
                     stages: CStages(pre: "-fabs$f($0)", calls: ["exp", "log1p"], post: "$v + (($t)0 >= $0 ? ($t)0 : $0)"))

        // MARK: Special functions
        case .erf:
            return D(name: "erf", arity: 1, output: .float, gradient: { x, _, gz in [gz * 1.1283791670955126 * TheanoTensor.exp(-TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .erf($0) }, { .erf($0) }), c: "erf$f($0)", vector: "erf")
        case .erfc:
            return D(name: "erfc", arity: 1, output: .float, gradient: { x, _, gz in [-gz * 1.1283791670955126 * TheanoTensor.exp(-TheanoTensor.sqr(x[0]))] },
                     real: .unary({ .erfc($0) }, { .erfc($0) }), c: "erfc$f($0)", vector: "erfc")
        case .erfcx:
            return D(name: "erfcx", arity: 1, output: .float, gradient: { x, z, gz in [gz * (2 * x[0] * z - 1.1283791670955126)] },
                     real: .unary(SpecialFunctions.erfcx, SpecialFunctions.erfcx))
        case .erfinv:
            return D(name: "erfinv", arity: 1, output: .float, gradient: { _, z, gz in [gz * 0.886226925452758 * TheanoTensor.exp(TheanoTensor.sqr(z))] },
                     real: .unary(SpecialFunctions.erfinv, SpecialFunctions.erfinv))
        case .erfcinv:
            return D(name: "erfcinv", arity: 1, output: .float, gradient: { _, z, gz in [-gz * 0.886226925452758 * TheanoTensor.exp(TheanoTensor.sqr(z))] },
                     real: .unary(SpecialFunctions.erfcinv, SpecialFunctions.erfcinv))
        case .gamma:
            return D(name: "gamma", arity: 1, output: .float, gradient: { x, z, gz in [gz * z * TheanoTensor.psi(x[0])] },
                     real: .unary({ .gamma($0) }, { .gamma($0) }), c: "tgamma$f($0)")
        case .gammaln:
            return D(name: "gammaln", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.psi(x[0])] },
                     real: .unary({ .logGamma($0) }, { .logGamma($0) }), c: "lgamma$f($0)")
        case .psi:
            return D(name: "psi", arity: 1, output: .float, gradient: { x, _, gz in [gz * TheanoTensor.trigamma(x[0])] },
                     real: .unary(SpecialFunctions.digamma, SpecialFunctions.digamma))
        case .trigamma:
            return D(name: "tri_gamma", arity: 1, output: .float, gradient: { _, _, _ in
                throw TheanoError(.unsupported, "grad: tri_gamma has no gradient (it would need polygamma(2, x))")
            }, real: .unary(SpecialFunctions.trigamma, SpecialFunctions.trigamma))

        // MARK: Rounding
        case .floor:
            return D(name: "floor", arity: 1, output: .float, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary({ $0.rounded(.down) }, { $0.rounded(.down) }), c: "floor$f($0)", exactWhenRounded: true)
        case .ceil:
            return D(name: "ceil", arity: 1, output: .float, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary({ $0.rounded(.up) }, { $0.rounded(.up) }), c: "ceil$f($0)", exactWhenRounded: true)
        case .trunc:
            return D(name: "trunc", arity: 1, output: .float, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary({ $0.rounded(.towardZero) }, { $0.rounded(.towardZero) }), c: "trunc$f($0)", exactWhenRounded: true)
        case .roundHalfToEven:
            return D(name: "round_half_to_even", arity: 1, output: .float, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary({ $0.rounded(.toNearestOrEven) }, { $0.rounded(.toNearestOrEven) }), c: "nearbyint$f($0)",
                     exactWhenRounded: true)
        case .roundHalfAwayFromZero:
            return D(name: "round_half_away_from_zero", arity: 1, output: .float, gradient: { x, _, _ in [zeros(x[0])] },
                     real: .unary({ $0.rounded(.toNearestOrAwayFromZero) }, { $0.rounded(.toNearestOrAwayFromZero) }),
                     c: "round$f($0)", exactWhenRounded: true)

        // MARK: Comparisons, predicates and logic
        case .lt: return comparison("lt", "<", D.Comparison(less: true, equal: false, greater: false))
        case .gt: return comparison("gt", ">", D.Comparison(less: false, equal: false, greater: true))
        case .le: return comparison("le", "<=", D.Comparison(less: true, equal: true, greater: false))
        case .ge: return comparison("ge", ">=", D.Comparison(less: false, equal: true, greater: true))
        case .eq: return comparison("eq", "==", D.Comparison(less: false, equal: true, greater: false))
        case .neq: return comparison("neq", "!=", D.Comparison(less: true, equal: false, greater: true))
        case .isnan:
            return D(name: "isnan", arity: 1, output: .bool, gradient: { x, _, _ in [zeros(x[0])] },
                     evaluation: .predicate { $0.isNaN }, c: "isnan($0)")
        case .isinf:
            return D(name: "isinf", arity: 1, output: .bool, gradient: { x, _, _ in [zeros(x[0])] },
                     evaluation: .predicate { $0.isInfinite }, c: "isinf($0)")
        case .and:
            return D(name: "and", arity: 2, output: .upcast, printing: .infix("&"), gradient: { x, _, _ in x.map(zeros) },
                     integer: .binary(&), boolean: .binary { $0 && $1 }, c: "$0 & $1")
        case .or:
            return D(name: "or", arity: 2, output: .upcast, printing: .infix("|"), gradient: { x, _, _ in x.map(zeros) },
                     integer: .binary(|), boolean: .binary { $0 || $1 }, c: "$0 | $1")
        case .xor:
            return D(name: "xor", arity: 2, output: .upcast, printing: .infix("^"), gradient: { x, _, _ in x.map(zeros) },
                     integer: .binary(^), boolean: .binary { $0 != $1 }, c: "$0 ^ $1")
        case .invert:
            return D(name: "invert", arity: 1, output: .upcast, gradient: { x, _, _ in x.map(zeros) },
                     integer: .unary(~), boolean: .unary { !$0 }, c: "~$0")

        // MARK: Selection, casts and structure
        case .switch:
            return D(name: "switch", arity: 3, output: .branches, gradient: { x, _, gz in
                let zero = zerosLike(gz)
                return [nil, TheanoTensor.`switch`(x[0], gz, zero), TheanoTensor.`switch`(x[0], zero, gz)]
            }, evaluation: .select, c: "$0 ? $1 : $2")
        case .clip:
            // PyTensor's order of tests, `x < lo ? lo : (x > hi ? hi : x)`, not numpy's min(max(x, lo), hi):
            // they differ when lo > hi (lo below lo, hi above it). A NaN x stays NaN. The gradient goes to
            // whichever of the three the value came from.
            return D(name: "clip", arity: 3, output: .upcast, gradient: { x, _, gz in
                let below = TheanoTensor.lt(x[0], x[1]), notBelow = TheanoTensor.ge(x[0], x[1])
                let inside = TheanoTensor.cast(notBelow & TheanoTensor.le(x[0], x[2]), gz.dtype)
                return [gz * inside, gz * TheanoTensor.cast(below, gz.dtype), gz * TheanoTensor.cast(notBelow & TheanoTensor.gt(x[0], x[2]), gz.dtype)]
            }, real: .ternary(clipped, clipped), integer: .ternary(clipped))
        case .cast(let d):
            return D(name: "Cast{\(d)}", arity: 1, output: .fixed(d), printing: .named("\(d)"),
                     gradient: { x, _, gz in [x[0].dtype.isDiscrete ? nil : TheanoTensor.cast(gz, x[0].dtype)] },
                     evaluation: .cast(d), real: .unary({ $0 }, { $0 }), c: "$0", exactWhenRounded: true)
        case .second:
            return D(name: "second", arity: 2, output: .input(1), printing: .named("fill"), gradient: { x, _, gz in [zeros(x[0]), gz] },
                     real: .binary({ $1 }, { $1 }), integer: .binary { $1 }, boolean: .binary { $1 }, complex: .binary({ $1 }, { $1 }),
                     c: "$1", exactWhenRounded: true)
        case .composite(let c):
            return D(name: "Composite{\(c)}", arity: c.inputCount, output: .fixed(c.outputDType),
                     gradient: { x, _, gz in try c.gradient(x, gz) }, evaluation: .composite(c))
        }

        func comparison(_ name: String, _ symbol: String, _ truth: D.Comparison) -> D {
            D(name: name, arity: 2, output: .bool, printing: .infix(symbol), gradient: { x, _, _ in x.map(zeros) },
              evaluation: .compare(truth), c: CTemplate(stringLiteral: "$0 \(symbol) $1"))
        }
    }
}

// MARK: Scalar helpers the definitions share

@inline(__always) private func nanMax<T: FloatTensorElement>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
@inline(__always) private func nanMin<T: FloatTensorElement>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
/// PyTensor's clip: lo where x < lo, else hi where x > hi, else x.
@inline(__always) private func clipped<T: Comparable>(_ x: T, _ lo: T, _ hi: T) -> T { x < lo ? lo : (x > hi ? hi : x) }
/// The sign, keeping signed zeros and NaN.
@inline(__always) private func sign<T: FloatTensorElement>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : x) }
/// x above 0, alpha·x below, exactly 0 below when alpha is 0 (so −∞ gives 0, not NaN); NaN stays NaN.
@inline(__always) private func leakyRelu<T: FloatTensorElement>(_ x: T, _ alpha: T) -> T {
    x > 0 ? x : (x < 0 ? (alpha == 0 ? 0 : alpha * x) : x)
}
/// Python's sign convention: the result takes the divisor's sign.
@inline(__always) private func pythonRemainder<T: FloatTensorElement>(_ a: T, _ b: T) -> T {
    let r = a.truncatingRemainder(dividingBy: b)
    return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
}

/// A fused loop body: scalar ops over input slots. Node `k` reads slots `args` (inputs first, then
/// earlier nodes). `outputs` names the slots the loop stores, in order: the last node alone, unless
/// fusion kept intermediate values that other nodes read (then the ``Elemwise`` has several outputs).
public struct Composite: Hashable, Sendable, CustomStringConvertible {
    /// One step of a composite's straight-line program: an op and the registers it reads.
    public struct Step: Hashable, Sendable {
        package let op: ScalarOp
        package let args: [Int]
        package let dtype: DType
        package init(op: ScalarOp, args: [Int], dtype: DType) { (self.op, self.args, self.dtype) = (op, args, dtype) }
    }
    package let inputCount: Int
    package let inputDTypes: [DType]
    package let steps: [Step]
    /// The slots stored as outputs, each a step's (never an input's).
    package let outputs: [Int]

    package init(inputCount: Int, inputDTypes: [DType], steps: [Step], outputs: [Int]? = nil) {
        precondition(!steps.isEmpty, "a composite has at least one step")
        self.inputCount = inputCount
        self.inputDTypes = inputDTypes
        self.steps = steps
        self.outputs = outputs ?? [inputCount + steps.count - 1]
        precondition(self.outputs.allSatisfy { (inputCount..<inputCount + steps.count).contains($0) }, "composite outputs must be steps")
    }

    package var outputDType: DType { outputDTypes[0] }
    package var outputDTypes: [DType] { outputs.map { steps[$0 - inputCount].dtype } }

    public var description: String {
        func render(_ slot: Int) -> String {
            if slot < inputCount { return "i\(slot)" }
            let step = steps[slot - inputCount]
            let args = step.args.map(render)
            if let symbol = step.op.infixSymbol, args.count >= 2 { return "(" + args.joined(separator: " \(symbol) ") + ")" }
            return "\(step.op.name)(\(args.joined(separator: ", ")))"
        }
        return outputs.map(render).joined(separator: ", ")
    }

    /// Expands the body back into tensor operations and differentiates that.
    package func gradient(_ x: [TensorVariable], _ gz: TensorVariable) throws -> [TensorVariable?] {
        try gradient(x, [gz])
    }

    /// The same for several outputs; an output without a gradient (nil) contributes nothing.
    package func gradient(_ x: [TensorVariable], _ gz: [TensorVariable?]) throws -> [TensorVariable?] {
        let expanded = expanded(x)
        let given = zip(expanded, gz).compactMap { v, g in g.map { (v, $0) } }
        if given.isEmpty { return x.map { _ in nil } }
        return try Gradient.backward(outputs: given.map(\.0), outputGrads: given.map(\.1), wrt: x)
    }

    /// The body as tensor operations over `x`: one variable per output.
    package func expanded(_ x: [TensorVariable]) -> [TensorVariable] {
        var slots = x
        for step in steps {
            var v = elemwise(step.op, step.args.map { slots[$0] })
            if v.dtype != step.dtype { v = TheanoTensor.cast(v, step.dtype) }
            slots.append(v)
        }
        return outputs.map { slots[$0] }
    }
}
