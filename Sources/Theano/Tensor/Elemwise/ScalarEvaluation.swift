import ComplexModule

/// Applies a scalar op to whole arrays that already share the output shape: the reference loop.
enum ScalarEvaluation {
    /// Evaluates `op` over `inputs` (all of shape `shape`) into a new contiguous array.
    static func evaluate(_ op: ScalarOp, _ inputs: [NDArray], shape: [Int]) throws -> NDArray {
        let outDType = op.outputDType(inputs.map(\.dtype))
        switch op {
        case .cast(let d):
            let converted = inputs[0].broadcast(to: shape).astype(d)
            return converted.dtype == inputs[0].dtype ? converted.copy() : converted.contiguous()
        case .composite(let c):
            return try evaluate(c, inputs, shape: shape)
        case .switch:
            let cond = prepared(inputs[0], .bool, shape).scalars(as: Bool.self)
            return try select(cond, prepared(inputs[1], outDType, shape), prepared(inputs[2], outDType, shape), shape)
        case .clip:
            let lowered = try evaluate(.maximum, [inputs[0], inputs[1]], shape: shape)
            return try evaluate(.minimum, [lowered, inputs[2]], shape: shape)
        case .add where inputs.count > 2, .mul where inputs.count > 2:
            var acc = try evaluate(op, [inputs[0], inputs[1]], shape: shape)
            for x in inputs.dropFirst(2) { acc = try evaluate(op, [acc, x], shape: shape) }
            return acc
        case .add where inputs.count == 1, .mul where inputs.count == 1:
            // A fresh array: an Elemwise output never aliases its input (the in-place plan relies on it).
            return prepared(inputs[0], outDType, shape).copy()
        case _ where op.isComparison:
            var compute = DType.upcast(inputs.map(\.dtype))
            if compute == .bool { compute = .int8 }
            let a = prepared(inputs[0], compute, shape), b = prepared(inputs[1], compute, shape)
            return try compareArrays(op, a, b, compute, shape)
        case .abs where inputs[0].dtype.isComplex:
            let values = inputs[0].broadcast(to: shape).scalars(as: Complex<Double>.self).map { $0.length }
            return NDArray(values, shape: shape).astype(outDType)
        default:
            let computeType = op.isTranscendental || op == .trueDiv ? outDType : outDType
            let args = inputs.map { prepared($0, computeType, shape) }
            return try map(op, args, computeType, shape)
        }
    }

    /// The input converted to `dtype` and laid out densely in `shape`.
    static func prepared(_ x: NDArray, _ dtype: DType, _ shape: [Int]) -> NDArray {
        x.astype(dtype).broadcast(to: shape).contiguous()
    }

    static func unsupported(_ op: ScalarOp, _ dtype: DType) -> OpFailure {
        OpFailure(.dtypeMismatch, "\(op.name) is not defined for dtype \(dtype)")
    }

    static func map(_ op: ScalarOp, _ args: [NDArray], _ dtype: DType, _ shape: [Int]) throws -> NDArray {
        switch dtype {
        case .float32: return try mapTyped(op, args, shape, ScalarKernels.floatUnary(op, Float.self), ScalarKernels.floatBinary(op, Float.self))
        case .float64: return try mapTyped(op, args, shape, ScalarKernels.floatUnary(op, Double.self), ScalarKernels.floatBinary(op, Double.self))
        case .int8: return try mapTyped(op, args, shape, ScalarKernels.intUnary(op, Int8.self), ScalarKernels.intBinary(op, Int8.self))
        case .int16: return try mapTyped(op, args, shape, ScalarKernels.intUnary(op, Int16.self), ScalarKernels.intBinary(op, Int16.self))
        case .int32: return try mapTyped(op, args, shape, ScalarKernels.intUnary(op, Int32.self), ScalarKernels.intBinary(op, Int32.self))
        case .int64: return try mapTyped(op, args, shape, ScalarKernels.intUnary(op, Int64.self), ScalarKernels.intBinary(op, Int64.self))
        case .bool: return try mapTyped(op, args, shape, ScalarKernels.boolUnary(op), ScalarKernels.boolBinary(op))
        case .complex64: return try mapTyped(op, args, shape, ScalarKernels.complexUnary(op, Complex<Float>.self), ScalarKernels.complexBinary(op, Complex<Float>.self))
        case .complex128: return try mapTyped(op, args, shape, ScalarKernels.complexUnary(op, Complex<Double>.self), ScalarKernels.complexBinary(op, Complex<Double>.self))
        }
    }

    static func mapTyped<T: TensorElement>(_ op: ScalarOp, _ args: [NDArray], _ shape: [Int],
                                           _ unary: ((T) -> T)?, _ binary: ((T, T) -> T)?) throws -> NDArray {
        var out = NDArray(uninitialized: shape, dtype: T.dtype)
        let n = out.count
        let o = out.storage.pointer.assumingMemoryBound(to: T.self)
        if args.count == 1, let f = unary {
            args[0].withUnsafeElements(as: T.self) { a in for i in 0..<n { o[i] = f(a[i]) } }
        } else if args.count == 2, let f = binary {
            args[0].withUnsafeElements(as: T.self) { a in
                args[1].withUnsafeElements(as: T.self) { b in for i in 0..<n { o[i] = f(a[i], b[i]) } }
            }
        } else {
            throw unsupported(op, T.dtype)
        }
        out.offset = 0
        return out
    }

    static func compareArrays(_ op: ScalarOp, _ a: NDArray, _ b: NDArray, _ dtype: DType, _ shape: [Int]) throws -> NDArray {
        func run<T: TensorElement & Comparable>(_: T.Type) throws -> NDArray {
            guard let f = ScalarKernels.compare(op, T.self) else { throw unsupported(op, dtype) }
            let x = a.scalars(as: T.self), y = b.scalars(as: T.self)
            return NDArray((0..<x.count).map { f(x[$0], y[$0]) }, shape: shape)
        }
        switch dtype {
        case .int8: return try run(Int8.self)
        case .int16: return try run(Int16.self)
        case .int32: return try run(Int32.self)
        case .int64: return try run(Int64.self)
        case .float32: return try run(Float.self)
        case .float64: return try run(Double.self)
        case .complex64, .complex128:
            guard op == .eq || op == .neq else { throw unsupported(op, dtype) }
            let x = a.scalars(as: Complex<Double>.self), y = b.scalars(as: Complex<Double>.self)
            return NDArray((0..<x.count).map { (x[$0] == y[$0]) == (op == .eq) }, shape: shape)
        case .bool: throw unsupported(op, dtype)
        }
    }

    static func select(_ cond: [Bool], _ a: NDArray, _ b: NDArray, _ shape: [Int]) throws -> NDArray {
        func run<T: TensorElement>(_: T.Type) -> NDArray {
            let x = a.scalars(as: T.self), y = b.scalars(as: T.self)
            return NDArray((0..<cond.count).map { cond[$0] ? x[$0] : y[$0] }, shape: shape)
        }
        return run(a.dtype.elementType)
    }

    /// A fused body evaluated step by step over whole arrays.
    static func evaluate(_ c: Composite, _ inputs: [NDArray], shape: [Int]) throws -> NDArray {
        var slots = inputs.map { $0.broadcast(to: shape) }
        for step in c.steps {
            var value = try evaluate(step.op, step.args.map { slots[$0] }, shape: shape)
            if value.dtype != step.dtype { value = value.astype(step.dtype) }
            slots.append(value)
        }
        return slots.last!.contiguous()
    }
}
