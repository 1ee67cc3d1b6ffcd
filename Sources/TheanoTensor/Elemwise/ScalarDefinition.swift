import ComplexModule

/// Everything the package knows about one scalar op, in one value: its name, arity and dtype rule, its
/// reference implementation for each kind of element, its gradient, its C expression and its vector-math
/// entry. ``ScalarOp/definition`` holds one of these per case; every backend reads it instead of
/// switching over ops itself.
package struct ScalarDefinition {
    package typealias Gradient = (_ inputs: [TensorVariable], _ output: TensorVariable, _ outputGrad: TensorVariable) throws -> [TensorVariable?]

    /// Theano's lower-case op name.
    package let name: String
    /// How many inputs the op takes; nil for the variadic `add` and `mul`.
    package let arity: Int?
    package let output: OutputRule
    package var printing: Printing = .call
    /// The symbolic gradient with respect to each input, at the output's broadcast pattern (``Elemwise``
    /// reduces it to each input's); nil entries are disconnected.
    package let gradient: Gradient
    /// How the reference executor computes it.
    package var evaluation: Evaluation = .map
    package var real: RealForm?
    package var integer: IntegerForm?
    package var boolean: BoolForm?
    package var complex: ComplexForm?
    /// The C expression every C-family renderer prints (the CPU's generated C now, CUDA next).
    package var c: CTemplate?
    /// The libm name of a one-argument function that glibc's libmvec vectorizes (`"exp"` finds
    /// `_ZGVdN4v_exp` and `_ZGVdN8v_expf`); the VM and generated C call the same entry points.
    package var vector: String?
    /// For an op built on vector-math entries (sigmoid, softplus): `pre` of the argument, then each libm
    /// function of `calls` in turn, then `post`, where `$v` is that result and `$0` the argument. The VM's
    /// block for the op computes the same stages, so C kernels can call the same entry points.
    package var stages: CStages?
    /// Whether the float64 result rounded to float32 is the float32 result (correctly rounded operations),
    /// so a float32 step may run in a float64 register program.
    package var exactWhenRounded = false

    package enum OutputRule {
        /// The inputs' common dtype.
        case upcast
        /// The inputs' common dtype, integers upgraded to float (Theano's `upgrade_to_float`).
        case float
        case bool
        /// True division: integers give floatX.
        case trueDivision
        /// The real part's dtype (complex abs).
        case realPart
        /// The dtype of input `i`.
        case input(Int)
        /// The common dtype of inputs 1 and 2 (`switch`).
        case branches
        case fixed(DType)

        package func apply(_ inputs: [DType]) -> DType {
            switch self {
            case .upcast: return DType.upcast(inputs)
            case .float: return DType.upcast(inputs).upgradedToFloat
            case .bool: return .bool
            case .trueDivision:
                let t = DType.upcast(inputs)
                return t.isDiscrete ? config.floatX : t
            case .realPart: return inputs[0].realPart
            case .input(let i): return inputs[i]
            case .branches: return DType.upcast(inputs[1], inputs[2])
            case .fixed(let d): return d
            }
        }
    }

    package enum Printing {
        case call
        case infix(String)
        case prefix(String)
        /// `float64(x)`: the call is named by this text instead of the op's name.
        case named(String)
    }

    /// Reference evaluations that are not a plain per-element map of the forms below.
    package enum Evaluation {
        case map
        /// A comparison: computed in the inputs' common dtype, giving bool.
        case compare(Comparison)
        /// A float predicate giving bool (`isnan`); false for every integer and bool.
        case predicate(@Sendable (Double) -> Bool)
        /// `switch(cond, a, b)`.
        case select
        case cast(DType)
        case composite(Composite)
    }

    /// Which orderings make a comparison true; NaN is unordered and counts as true only for `neq`.
    package struct Comparison {
        package let less: Bool, equal: Bool, greater: Bool

        @inline(__always)
        package func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
            if a < b { return less }
            if a > b { return greater }
            if a == b { return equal }
            return less && greater
        }
    }
}

// MARK: Reference forms

/// Per-element closures for one float type, and the same computation over contiguous blocks for the VM.
package struct RealKernels<T: FloatTensorElement> {
    package typealias Block = (_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int) -> Void
    package enum Scalar {
        case unary((T) -> T)
        case binary((T, T) -> T)
        case ternary((T, T, T) -> T)
    }
    package let scalar: Scalar
    package let block: Block

    package var arity: Int {
        switch scalar {
        case .unary: 1
        case .binary: 2
        case .ternary: 3
        }
    }
}

/// A float op's reference, for Float and Double.
///
/// The builders are always inlined so that each block loop is specialized for its closure, which then
/// vectorizes like a hand-written loop.
package struct RealForm {
    package let float: RealKernels<Float>
    package let double: RealKernels<Double>

    package func kernels<T: FloatTensorElement>(_: T.Type) -> RealKernels<T> {
        T.self == Float.self ? float as! RealKernels<T> : double as! RealKernels<T>
    }

    @inline(__always)
    package static func unary(_ f: @escaping (Float) -> Float, _ d: @escaping (Double) -> Double) -> RealForm {
        RealForm(float: unaryKernels(f), double: unaryKernels(d))
    }

    @inline(__always)
    package static func binary(_ f: @escaping (Float, Float) -> Float, _ d: @escaping (Double, Double) -> Double) -> RealForm {
        RealForm(float: binaryKernels(f), double: binaryKernels(d))
    }

    @inline(__always)
    package static func ternary(_ f: @escaping (Float, Float, Float) -> Float, _ d: @escaping (Double, Double, Double) -> Double) -> RealForm {
        RealForm(float: ternaryKernels(f), double: ternaryKernels(d))
    }

    /// A unary op whose VM block also has its own vectorized path (built on vector-math entries).
    package static func unary(_ f: @escaping (Float) -> Float, _ d: @escaping (Double) -> Double,
                      blocks: (RealKernels<Float>.Block, RealKernels<Double>.Block)) -> RealForm {
        RealForm(float: RealKernels(scalar: .unary(f), block: blocks.0), double: RealKernels(scalar: .unary(d), block: blocks.1))
    }

    @inline(__always)
    private static func unaryKernels<T>(_ f: @escaping (T) -> T) -> RealKernels<T> {
        RealKernels(scalar: .unary(f), block: { a, _, _, o, n in for i in 0..<n { o[i] = f(a[i]) } })
    }

    @inline(__always)
    private static func binaryKernels<T>(_ f: @escaping (T, T) -> T) -> RealKernels<T> {
        RealKernels(scalar: .binary(f), block: { a, b, _, o, n in for i in 0..<n { o[i] = f(a[i], b[i]) } })
    }

    @inline(__always)
    private static func ternaryKernels<T>(_ f: @escaping (T, T, T) -> T) -> RealKernels<T> {
        RealKernels(scalar: .ternary(f), block: { a, b, c, o, n in for i in 0..<n { o[i] = f(a[i], b[i], c[i]) } })
    }
}

/// Integer ops computed in Int64 and truncated to the element type. Wrapping arithmetic commutes with
/// truncation, so this is exactly the narrow type's wrapping result (numpy's, which never traps).
package enum IntegerForm {
    case unary((Int64) -> Int64)
    case binary((Int64, Int64) -> Int64)
    case ternary((Int64, Int64, Int64) -> Int64)
}

package enum BoolForm {
    case unary((Bool) -> Bool)
    case binary((Bool, Bool) -> Bool)
}

package enum ComplexForm {
    case unary((Complex<Float>) -> Complex<Float>, (Complex<Double>) -> Complex<Double>)
    case binary((Complex<Float>, Complex<Float>) -> Complex<Float>, (Complex<Double>, Complex<Double>) -> Complex<Double>)
    /// A real-valued function of a complex number (`abs`).
    case toReal((Complex<Double>) -> Double)
}

// MARK: C

package struct CStages {
    package let pre: CTemplate
    package let calls: [String]
    package let post: CTemplate

    package init(pre: CTemplate, calls: [String], post: CTemplate) { (self.pre, self.calls, self.post) = (pre, calls, post) }
}

/// A C expression with placeholders: `$0`…`$2` are the arguments, `$t` the register type (`float` or
/// `double`) and `$f` libm's suffix for it (`f` or nothing), so `exp$f($0)` is `expf(r3)` in a float kernel.
package struct CTemplate: ExpressibleByStringLiteral {
    package let text: String
    package init(stringLiteral text: String) { self.text = text }

    package func render(_ args: [String], type: String, value: String? = nil) -> String {
        var out = text.replacingOccurrences(of: "$t", with: type)
        if let value { out = out.replacingOccurrences(of: "$v", with: value) }
        out = out
            .replacingOccurrences(of: "$f", with: type == "float" ? "f" : "")
        for (i, a) in args.enumerated().reversed() { out = out.replacingOccurrences(of: "$\(i)", with: a) }
        return out
    }
}
