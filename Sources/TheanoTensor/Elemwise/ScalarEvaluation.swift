import ComplexModule

/// Applies a scalar op to whole arrays that already share the output shape: the reference loop, read
/// from the op's ``ScalarDefinition``.
package enum ScalarEvaluation {
    /// Evaluates `op` over `inputs` (all of shape `shape`) into a new contiguous array.
    package static func evaluate(_ op: ScalarOp, _ inputs: [NDArray], shape: [Int]) throws -> NDArray {
        let definition = op.definition
        let outDType = definition.output.apply(inputs.map(\.dtype))
        switch definition.evaluation {
        case .cast(let d):
            let converted = inputs[0].broadcast(to: shape).astype(d)
            return converted.dtype == inputs[0].dtype ? converted.copy() : converted.contiguous()
        case .composite(let c):
            return try evaluate(c, inputs, shape: shape)
        case .select:
            let cond = prepared(inputs[0], .bool, shape).scalars(as: Bool.self)
            return select(cond, prepared(inputs[1], outDType, shape), prepared(inputs[2], outDType, shape), shape)
        case .compare(let truth):
            var compute = DType.upcast(inputs.map(\.dtype))
            if compute == .bool { compute = .int8 }
            let a = prepared(inputs[0], compute, shape), b = prepared(inputs[1], compute, shape)
            return try compareArrays(op, truth, a, b, compute, shape)
        case .predicate(let test):
            let x = inputs[0].broadcast(to: shape)
            if x.dtype.isDiscrete { return NDArray(zeros: shape, dtype: .bool) }
            if x.dtype.isComplex { throw unsupported(op, x.dtype) }
            return NDArray(x.doubles.map(test), shape: shape)
        case .map:
            if definition.arity == nil && inputs.count > 2 {
                // A variadic add/mul folds left, as numpy would pairwise.
                var acc = try evaluate(op, [inputs[0], inputs[1]], shape: shape)
                for x in inputs.dropFirst(2) { acc = try evaluate(op, [acc, x], shape: shape) }
                return acc
            }
            if definition.arity == nil && inputs.count == 1 {
                // A fresh array: an Elemwise output never aliases its input (the in-place plan relies on it).
                return prepared(inputs[0], outDType, shape).copy()
            }
            if case .toReal(let f)? = definition.complex, inputs[0].dtype.isComplex {
                let values = inputs[0].broadcast(to: shape).scalars(as: Complex<Double>.self).map(f)
                return NDArray(values, shape: shape).astype(outDType)
            }
            return try map(op, definition, inputs.map { prepared($0, outDType, shape) }, outDType, shape)
        }
    }

    /// The input converted to `dtype` and laid out densely in `shape`.
    package static func prepared(_ x: NDArray, _ dtype: DType, _ shape: [Int]) -> NDArray {
        x.astype(dtype).broadcast(to: shape).contiguous()
    }

    package static func unsupported(_ op: ScalarOp, _ dtype: DType) -> OpFailure {
        OpFailure(.dtypeMismatch, "\(op.name) is not defined for dtype \(dtype)")
    }

    package static func map(_ op: ScalarOp, _ definition: ScalarDefinition, _ args: [NDArray], _ dtype: DType, _ shape: [Int]) throws -> NDArray {
        switch dtype {
        case .float32: return try mapReal(op, definition.real?.float, args, shape)
        case .float64: return try mapReal(op, definition.real?.double, args, shape)
        case .int8: return try mapIntegers(op, definition.integer, args, shape, Int8.self)
        case .int16: return try mapIntegers(op, definition.integer, args, shape, Int16.self)
        case .int32: return try mapIntegers(op, definition.integer, args, shape, Int32.self)
        case .int64: return try mapIntegers(op, definition.integer, args, shape, Int64.self)
        case .uint8: return try mapIntegers(op, definition.integer, args, shape, UInt8.self)
        case .uint16: return try mapIntegers(op, definition.integer, args, shape, UInt16.self)
        case .uint32: return try mapIntegers(op, definition.integer, args, shape, UInt32.self)
        case .uint64:
            if let form = UnsignedArithmetic.form(op) { return try mapIntegers(op, form, args, shape, UInt64.self) }
            return try mapIntegers(op, definition.integer, args, shape, UInt64.self)
        case .bool:
            switch definition.boolean {
            case .unary(let f)? where args.count == 1: return mapElements(args, shape, unary: f)
            case .binary(let f)? where args.count == 2: return mapElements(args, shape, binary: f)
            default: throw unsupported(op, dtype)
            }
        case .complex64, .complex128:
            let wide = dtype == .complex128
            switch definition.complex {
            case .unary(let f, let d)? where args.count == 1:
                return wide ? mapElements(args, shape, unary: d) : mapElements(args, shape, unary: f)
            case .binary(let f, let d)? where args.count == 2:
                return wide ? mapElements(args, shape, binary: d) : mapElements(args, shape, binary: f)
            default: throw unsupported(op, dtype)
            }
        }
    }

    package static func mapReal<T: FloatTensorElement>(_ op: ScalarOp, _ kernels: RealKernels<T>?, _ args: [NDArray], _ shape: [Int]) throws -> NDArray {
        switch kernels?.scalar {
        case .unary(let f)? where args.count == 1: return mapElements(args, shape, unary: f)
        case .binary(let f)? where args.count == 2: return mapElements(args, shape, binary: f)
        case .ternary(let f)? where args.count == 3: return mapElements(args, shape, ternary: f)
        default: throw unsupported(op, T.dtype)
        }
    }

    /// Integers are computed in Int64 and truncated, which is the narrow type's wrapping result. Unsigned
    /// values up to uint32 fit Int64 exactly; uint64 keeps its bits, which is right for the wrapping
    /// operations, and `UnsignedArithmetic` gives it the others.
    package static func mapIntegers<T: IntegerTensorElement>(_ op: ScalarOp, _ form: IntegerForm?, _ args: [NDArray], _ shape: [Int], _: T.Type) throws -> NDArray {
        switch form {
        case .unary(let f)? where args.count == 1:
            return mapElements(args, shape) { (a: T) in T(truncatingIfNeeded: f(Int64(truncatingIfNeeded: a))) }
        case .binary(let f)? where args.count == 2:
            return mapElements(args, shape) { (a: T, b: T) in T(truncatingIfNeeded: f(Int64(truncatingIfNeeded: a), Int64(truncatingIfNeeded: b))) }
        case .ternary(let f)? where args.count == 3:
            return mapElements(args, shape) { (a: T, b: T, c: T) in
                T(truncatingIfNeeded: f(Int64(truncatingIfNeeded: a), Int64(truncatingIfNeeded: b), Int64(truncatingIfNeeded: c)))
            }
        default: throw unsupported(op, T.dtype)
        }
    }

    /// `f` over dense arrays of one shape and dtype, into a new array of that dtype.
    package static func mapElements<T: TensorElement>(_ args: [NDArray], _ shape: [Int], unary f: (T) -> T) -> NDArray {
        mapElements(args, shape) { a, _, _, i in f(a[i]) }
    }

    package static func mapElements<T: TensorElement>(_ args: [NDArray], _ shape: [Int], binary f: (T, T) -> T) -> NDArray {
        mapElements(args, shape) { a, b, _, i in f(a[i], b[i]) }
    }

    package static func mapElements<T: TensorElement>(_ args: [NDArray], _ shape: [Int], ternary f: (T, T, T) -> T) -> NDArray {
        mapElements(args, shape) { a, b, c, i in f(a[i], b[i], c[i]) }
    }

    private static func mapElements<T: TensorElement>(_ args: [NDArray], _ shape: [Int],
                                                      _ element: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>, Int) -> T) -> NDArray {
        var out = NDArray(uninitialized: shape, dtype: T.dtype)
        let n = out.count
        let o = out.storage.pointer.assumingMemoryBound(to: T.self)
        func pointer(_ k: Int) -> UnsafePointer<T> {
            let x = args[Swift.min(k, args.count - 1)]
            return UnsafePointer((x.storage.pointer + x.offset * x.dtype.itemSize).assumingMemoryBound(to: T.self))
        }
        let a = pointer(0), b = pointer(1), c = pointer(2)
        for i in 0..<n { o[i] = element(a, b, c, i) }
        out.offset = 0
        return withExtendedLifetime(args) { out }
    }

    package static func compareArrays(_ op: ScalarOp, _ truth: ScalarDefinition.Comparison, _ a: NDArray, _ b: NDArray, _ dtype: DType, _ shape: [Int]) throws -> NDArray {
        func run<T: TensorElement & Comparable>(_: T.Type) -> NDArray {
            let x = a.scalars(as: T.self), y = b.scalars(as: T.self)
            return NDArray((0..<x.count).map { truth.holds(x[$0], y[$0]) }, shape: shape)
        }
        switch dtype {
        case .int8: return run(Int8.self)
        case .int16: return run(Int16.self)
        case .int32: return run(Int32.self)
        case .int64: return run(Int64.self)
        case .uint8: return run(UInt8.self)
        case .uint16: return run(UInt16.self)
        case .uint32: return run(UInt32.self)
        case .uint64: return run(UInt64.self)
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        case .complex64, .complex128:
            // Complex numbers are not ordered: only equality is defined.
            guard truth.equal && !truth.less && !truth.greater || !truth.equal && truth.less && truth.greater else { throw unsupported(op, dtype) }
            let x = a.scalars(as: Complex<Double>.self), y = b.scalars(as: Complex<Double>.self)
            return NDArray((0..<x.count).map { (x[$0] == y[$0]) == truth.equal }, shape: shape)
        case .bool: throw unsupported(op, dtype)
        }
    }

    package static func select(_ cond: [Bool], _ a: NDArray, _ b: NDArray, _ shape: [Int]) -> NDArray {
        func run<T: TensorElement>(_: T.Type) -> NDArray {
            let x = a.scalars(as: T.self), y = b.scalars(as: T.self)
            return NDArray((0..<cond.count).map { cond[$0] ? x[$0] : y[$0] }, shape: shape)
        }
        return run(a.dtype.elementType)
    }

    /// A fused body evaluated step by step over whole arrays.
    package static func evaluate(_ c: Composite, _ inputs: [NDArray], shape: [Int]) throws -> NDArray {
        try evaluateOutputs(c, inputs, shape: shape)[0]
    }

    /// Every output of a fused body, from one step-by-step evaluation.
    package static func evaluateOutputs(_ c: Composite, _ inputs: [NDArray], shape: [Int]) throws -> [NDArray] {
        var slots = inputs.map { $0.broadcast(to: shape) }
        for step in c.steps {
            var value = try evaluate(step.op, step.args.map { slots[$0] }, shape: shape)
            if value.dtype != step.dtype { value = value.astype(step.dtype) }
            slots.append(value)
        }
        return c.outputs.map { slots[$0].contiguous() }
    }
}

/// The uint64 forms of the integer operations whose Int64 form would misread values above `Int64.max`
/// (they order, divide or take signs); the others wrap the same on the bits. Each works on the bits of
/// uint64 values carried in Int64, as `IntegerForm` does.
package enum UnsignedArithmetic {
    package static func form(_ op: ScalarOp) -> IntegerForm? {
        func binary(_ f: @escaping (UInt64, UInt64) -> UInt64) -> IntegerForm {
            .binary { Int64(bitPattern: f(UInt64(bitPattern: $0), UInt64(bitPattern: $1))) }
        }
        switch op {
        case .intDiv: return binary { $1 == 0 ? 0 : $0 / $1 }
        case .mod: return binary { $1 == 0 ? 0 : $0 % $1 }
        case .maximum: return binary { Swift.max($0, $1) }
        case .minimum: return binary { Swift.min($0, $1) }
        case .pow:
            return binary { base, exponent in
                var result: UInt64 = 1, b = base, e = exponent
                while e > 0 {
                    if e & 1 == 1 { result = result &* b }
                    b = b &* b
                    e >>= 1
                }
                return result
            }
        case .abs: return .unary { $0 }
        case .sgn: return .unary { $0 == 0 ? 0 : 1 }
        case .clip:
            return .ternary {
                let (x, lo, hi) = (UInt64(bitPattern: $0), UInt64(bitPattern: $1), UInt64(bitPattern: $2))
                return Int64(bitPattern: x < lo ? lo : (x > hi ? hi : x))
            }
        default: return nil
        }
    }
}
