/// The scalar functions that ``Elemwise`` maps over tensors.
///
/// A closed enum rather than a protocol: the optimizer pattern-matches on cases, fusion composes them,
/// and code generators translate each case to one C expression.
public indirect enum ScalarOp: Hashable, Sendable, CustomStringConvertible {
    // Arithmetic. `add` and `mul` take two or more inputs.
    case add, sub, mul, trueDiv, intDiv, mod, pow, maximum, minimum
    case neg, abs, sqr, sqrt, reciprocal, sgn, identity
    // Exponentials, logarithms, trigonometry and activations.
    case exp, log, log1p, expm1, sin, cos, tan, tanh, sigmoid, softplus
    case floor, ceil, roundHalfToEven, roundHalfAwayFromZero
    // Comparisons and logic; comparisons give bool.
    case lt, gt, le, ge, eq, neq
    case and, or, xor, invert
    /// `switch(cond, a, b)`.
    case `switch`
    /// `clip(x, lo, hi)`.
    case clip
    case cast(DType)
    /// `second(a, b)`: b broadcast to a's shape (Theano's `fill`).
    case second
    /// Several scalar ops fused into one loop body.
    case composite(Composite)

    public var description: String { name }

    /// Theano's lower-case op name.
    var name: String {
        switch self {
        case .add: "add"; case .sub: "sub"; case .mul: "mul"; case .trueDiv: "true_div"; case .intDiv: "int_div"
        case .mod: "mod"; case .pow: "pow"; case .maximum: "maximum"; case .minimum: "minimum"
        case .neg: "neg"; case .abs: "abs"; case .sqr: "sqr"; case .sqrt: "sqrt"; case .reciprocal: "reciprocal"
        case .sgn: "sgn"; case .identity: "identity"; case .exp: "exp"; case .log: "log"; case .log1p: "log1p"
        case .expm1: "expm1"; case .sin: "sin"; case .cos: "cos"; case .tan: "tan"; case .tanh: "tanh"
        case .sigmoid: "sigmoid"; case .softplus: "softplus"; case .floor: "floor"; case .ceil: "ceil"
        case .roundHalfToEven: "round_half_to_even"; case .roundHalfAwayFromZero: "round_half_away_from_zero"
        case .lt: "lt"; case .gt: "gt"; case .le: "le"; case .ge: "ge"; case .eq: "eq"; case .neq: "neq"
        case .and: "and"; case .or: "or"; case .xor: "xor"; case .invert: "invert"; case .switch: "switch"
        case .clip: "clip"; case .cast(let d): "Cast{\(d)}"; case .second: "second"
        case .composite(let c): "Composite{\(c)}"
        }
    }

    /// How many inputs the op takes; nil for the variadic `add` and `mul`.
    var arity: Int? {
        switch self {
        case .add, .mul: return nil
        case .sub, .trueDiv, .intDiv, .mod, .pow, .maximum, .minimum, .lt, .gt, .le, .ge, .eq, .neq,
             .and, .or, .xor, .second: return 2
        case .switch, .clip: return 3
        case .composite(let c): return c.inputCount
        default: return 1
        }
    }

    /// Ops whose float result is computed from a float argument: integers are upgraded first.
    var isTranscendental: Bool {
        switch self {
        case .exp, .log, .log1p, .expm1, .sqrt, .sin, .cos, .tan, .tanh, .sigmoid, .softplus, .reciprocal,
             .floor, .ceil, .roundHalfToEven, .roundHalfAwayFromZero: return true
        default: return false
        }
    }

    var isComparison: Bool {
        switch self {
        case .lt, .gt, .le, .ge, .eq, .neq: return true
        default: return false
        }
    }

    /// The output dtype for these input dtypes, following Theano's scalar rules.
    func outputDType(_ inputs: [DType]) -> DType {
        switch self {
        case .cast(let d): return d
        case .composite(let c): return c.outputDType
        case _ where isComparison: return .bool
        case .switch: return DType.upcast(inputs[1], inputs[2])
        case .second: return inputs[1]
        case .abs: return inputs[0].realPart
        case .trueDiv:
            let t = DType.upcast(inputs)
            return t.isDiscrete ? config.floatX : t
        case _ where isTranscendental: return inputs[0].upgradedToFloat
        default: return DType.upcast(inputs)
        }
    }

    /// The symbol for infix printing, if the op prints infix.
    var infixSymbol: String? {
        switch self {
        case .add: "+"; case .sub: "-"; case .mul: "*"; case .trueDiv: "/"; case .intDiv: "//"; case .mod: "%"
        case .pow: "**"; case .lt: "<"; case .gt: ">"; case .le: "<="; case .ge: ">="; case .eq: "=="
        case .neq: "!="; case .and: "&"; case .or: "|"; case .xor: "^"
        default: nil
        }
    }
}

/// A fused loop body: scalar ops over input slots. Node `k` reads slots `args` (inputs first, then
/// earlier nodes); the last node is the output.
public struct Composite: Hashable, Sendable, CustomStringConvertible {
    public struct Step: Hashable, Sendable {
        let op: ScalarOp
        let args: [Int]
        let dtype: DType
    }
    let inputCount: Int
    let inputDTypes: [DType]
    let steps: [Step]

    var outputDType: DType { steps.last!.dtype }

    public var description: String {
        func render(_ slot: Int) -> String {
            if slot < inputCount { return "i\(slot)" }
            let step = steps[slot - inputCount]
            let args = step.args.map(render)
            if let symbol = step.op.infixSymbol, args.count >= 2 { return "(" + args.joined(separator: " \(symbol) ") + ")" }
            return "\(step.op.name)(\(args.joined(separator: ", ")))"
        }
        return render(inputCount + steps.count - 1)
    }
}
