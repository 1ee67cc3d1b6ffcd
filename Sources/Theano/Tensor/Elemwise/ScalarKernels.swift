import ComplexModule
import RealModule

/// Per-dtype implementations of each scalar op, chosen once per call and then applied element by element.
/// Integer arithmetic wraps and division by zero gives 0, as numpy does, instead of trapping.
enum ScalarKernels {
    static func floatUnary<T: FloatTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T) -> T)? {
        switch op {
        case .neg: return { -$0 }
        case .abs: return { Swift.abs($0) }
        case .sqr: return { $0 * $0 }
        case .sqrt: return { T.sqrt($0) }
        case .reciprocal: return { 1 / $0 }
        case .sgn: return { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }
        case .identity: return { $0 }
        case .exp: return { T.exp($0) }
        case .log: return { T.log($0) }
        case .log1p: return { T.log(onePlus: $0) }
        case .expm1: return { T.expMinusOne($0) }
        case .sin: return { T.sin($0) }
        case .cos: return { T.cos($0) }
        case .tan: return { T.tan($0) }
        case .tanh: return { T.tanh($0) }
        case .sigmoid: return { x in x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x)) }
        case .softplus: return { x in Swift.max(x, 0) + T.log(onePlus: T.exp(-Swift.abs(x))) }
        case .floor: return { $0.rounded(.down) }
        case .ceil: return { $0.rounded(.up) }
        case .roundHalfToEven: return { $0.rounded(.toNearestOrEven) }
        case .roundHalfAwayFromZero: return { $0.rounded(.toNearestOrAwayFromZero) }
        default: return nil
        }
    }

    static func floatBinary<T: FloatTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T, T) -> T)? {
        switch op {
        case .add: return { $0 + $1 }
        case .sub: return { $0 - $1 }
        case .mul: return { $0 * $1 }
        case .trueDiv: return { $0 / $1 }
        case .intDiv: return { ($0 / $1).rounded(.down) }
        case .mod: return { a, b in
            // Python's sign convention: the result takes the divisor's sign.
            let r = a.truncatingRemainder(dividingBy: b)
            return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
        }
        // C's pow, as numpy and Theano's C code: negative bases with integral or infinite exponents
        // are defined, and generated C kernels give the same bits.
        case .pow: return { x, y in T.cPow(x, y) }
        case .maximum: return { a, b in a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
        case .minimum: return { a, b in a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
        case .second: return { _, b in b }
        default: return nil
        }
    }

    static func intUnary<T: IntegerTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T) -> T)? {
        switch op {
        case .neg: return { 0 &- $0 }
        case .abs: return { $0 < 0 ? 0 &- $0 : $0 }
        case .sqr: return { $0 &* $0 }
        case .sgn: return { $0.signum() }
        case .identity: return { $0 }
        case .invert: return { ~$0 }
        default: return nil
        }
    }

    static func intBinary<T: IntegerTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T, T) -> T)? {
        switch op {
        case .add: return { $0 &+ $1 }
        case .sub: return { $0 &- $1 }
        case .mul: return { $0 &* $1 }
        case .intDiv: return { a, b in
            if b == 0 { return 0 }
            let (q, overflow) = a.dividedReportingOverflow(by: b)
            if overflow { return q }
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
        }
        case .mod: return { a, b in
            if b == 0 { return 0 }
            let (r, _) = a.remainderReportingOverflow(dividingBy: b)
            return (r != 0 && (r < 0) != (b < 0)) ? r &+ b : r
        }
        case .pow: return { base, exponent in
            if exponent < 0 { return base == 1 ? 1 : (base == -1 ? (exponent % 2 == 0 ? 1 : -1) : 0) }
            var result: T = 1, b = base, e = exponent
            while e > 0 { if e & 1 == 1 { result = result &* b }; b = b &* b; e >>= 1 }
            return result
        }
        case .maximum: return { Swift.max($0, $1) }
        case .minimum: return { Swift.min($0, $1) }
        case .and: return { $0 & $1 }
        case .or: return { $0 | $1 }
        case .xor: return { $0 ^ $1 }
        case .second: return { _, b in b }
        default: return nil
        }
    }

    static func boolUnary(_ op: ScalarOp) -> ((Bool) -> Bool)? {
        switch op {
        case .identity, .abs, .sgn, .sqr: return { $0 }
        case .invert: return { !$0 }
        default: return nil
        }
    }

    static func boolBinary(_ op: ScalarOp) -> ((Bool, Bool) -> Bool)? {
        switch op {
        case .add, .or, .maximum: return { $0 || $1 }
        case .mul, .and, .minimum: return { $0 && $1 }
        case .xor, .neq: return { $0 != $1 }
        case .second: return { _, b in b }
        default: return nil
        }
    }

    static func complexUnary<T: ComplexTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T) -> T)? {
        switch op {
        case .neg: return { .zero - $0 }
        case .sqr: return { $0 * $0 }
        case .identity: return { $0 }
        case .exp: return { T.exp($0) }
        case .log: return { T.log($0) }
        case .sqrt: return { T.sqrt($0) }
        case .reciprocal: return { T.one / $0 }
        case .sin: return { T.sin($0) }
        case .cos: return { T.cos($0) }
        case .tanh: return { T.tanh($0) }
        default: return nil
        }
    }

    static func complexBinary<T: ComplexTensorElement>(_ op: ScalarOp, _: T.Type) -> ((T, T) -> T)? {
        switch op {
        case .add: return { $0 + $1 }
        case .sub: return { $0 - $1 }
        case .mul: return { $0 * $1 }
        case .trueDiv: return { $0 / $1 }
        case .second: return { _, b in b }
        default: return nil
        }
    }

    static func compare<T: TensorElement & Comparable>(_ op: ScalarOp, _: T.Type) -> ((T, T) -> Bool)? {
        switch op {
        case .lt: return { $0 < $1 }
        case .gt: return { $0 > $1 }
        case .le: return { $0 <= $1 }
        case .ge: return { $0 >= $1 }
        case .eq: return { $0 == $1 }
        case .neq: return { $0 != $1 }
        default: return nil
        }
    }
}

