import CTheanoKernels
import Dispatch
import RealModule

/// A float32/float64 elementwise node (a single op or a fused composite) compiled to a register program
/// that runs over memory in cache-sized blocks. Nodes it cannot handle keep the reference `perform`.
struct ElemwiseLoop {
    struct Instruction {
        let op: ScalarOp
        let args: [Int]
    }
    let dtype: DType
    let inputCount: Int
    let instructions: [Instruction]
    let op: Elemwise
    static let blockSize = 2048

    init?(_ op: Elemwise, _ node: Apply) {
        let out = node.outputs[0]
        guard out.dtype == .float32 || out.dtype == .float64, node.inputs.allSatisfy({ $0.dtype == out.dtype }) else { return nil }
        self.op = op
        dtype = out.dtype
        inputCount = node.inputs.count
        switch op.scalarOp {
        case .composite(let c):
            guard c.steps.allSatisfy({ $0.dtype == out.dtype && ElemwiseLoop.supports($0.op, arity: $0.args.count) }) else { return nil }
            instructions = c.steps.map { Instruction(op: $0.op, args: $0.args) }
        case let scalar:
            guard ElemwiseLoop.supports(scalar, arity: node.inputs.count) else { return nil }
            if (scalar == .add || scalar == .mul) && node.inputs.count > 2 {
                // Fold a variadic add/mul into a chain of binary steps.
                var steps = [Instruction(op: scalar, args: [0, 1])]
                for i in 2..<node.inputs.count { steps.append(Instruction(op: scalar, args: [node.inputs.count + steps.count - 1, i])) }
                instructions = steps
            } else {
                instructions = [Instruction(op: scalar, args: Array(0..<node.inputs.count))]
            }
        }
    }

    static func supports(_ op: ScalarOp, arity: Int) -> Bool {
        switch op {
        case .add, .mul: return arity >= 1
        case .sub, .trueDiv, .maximum, .minimum, .pow, .second: return arity == 2
        case .neg, .abs, .sqr, .sqrt, .reciprocal, .identity, .exp, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh,
             .sigmoid, .softplus, .floor, .ceil, .sgn:
            return arity == 1
        default: return false
        }
    }

    func run(_ inputs: [NDArray], reuse: inout NDArray?, destroying: Int? = nil) throws -> NDArray {
        let shapes = inputs.map(\.shape)
        let shape = try Elemwise.broadcastShape(shapes, op.inputBroadcastable)
        let count = shape.reduce(1, *)
        // Every input must be dense and full-size, or a single broadcast value; otherwise use the reference.
        guard inputs.allSatisfy({ ($0.shape == shape && $0.isContiguous) || $0.count == 1 }) else {
            return try op.perform(inputs)[0]
        }
        // Reuse last call's buffer only if nobody else holds it: moving it out of `reuse` first makes
        // the uniqueness check see exactly the caller's references.
        var out = NDArray(zeros: [], dtype: dtype)
        var recycled = false
        if let i = destroying, inputs[i].shape == shape, inputs[i].dtype == dtype, inputs[i].isContiguous {
            // The in-place plan proved nobody reads this input after us: write over it.
            out = inputs[i]
            recycled = true
            reuse = nil
        } else if var kept = reuse.take(), kept.shape == shape, kept.dtype == dtype, kept.offset == 0, isKnownUniquelyReferenced(&kept.storage) {
            out = kept
            recycled = true
        }
        if !recycled { out = NDArray(uninitialized: shape, dtype: dtype) }
        // Large arrays split into one contiguous range per core.
        let parts = count >= 1 << 17 ? ProcessorCount.value : 1
        let job = ElemwiseJob(loop: self, inputs: inputs, output: out, count: count, parts: parts)
        if parts == 1 { job.run(0) } else { DispatchQueue.concurrentPerform(iterations: parts) { job.run($0) } }
        reuse = out
        return out
    }

    func execute<T: FloatTensorElement>(_: T.Type, _ inputs: [NDArray], _ out: NDArray, range: Range<Int>) {
        let count = range.count
        let first = range.lowerBound
        let block = Swift.min(ElemwiseLoop.blockSize, Swift.max(count, 1))
        let registers = inputCount + instructions.count
        // Scratch holds broadcast scalars and intermediate results, one block each.
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: registers * block)
        defer { scratch.deallocate() }
        var isScalar = [Bool](repeating: false, count: inputCount)
        for (i, x) in inputs.enumerated() where x.count == 1 && out.count != 1 {
            isScalar[i] = true
            (scratch + i * block).initialize(repeating: x.storage.pointer.assumingMemoryBound(to: T.self)[x.offset], count: block)
        }
        let output = out.storage.pointer.assumingMemoryBound(to: T.self)
        var start = 0
        while start < count {
            let n = Swift.min(block, count - start)
            func address(_ r: Int) -> UnsafeMutablePointer<T> {
                if r < inputCount {
                    if isScalar[r] { return scratch + r * block }
                    return inputs[r].storage.pointer.assumingMemoryBound(to: T.self) + inputs[r].offset + first + start
                }
                return r == registers - 1 ? output + first + start : scratch + r * block
            }
            for (k, instruction) in instructions.enumerated() {
                let target = address(inputCount + k)
                let a = address(instruction.args[0])
                let b = instruction.args.count > 1 ? address(instruction.args[1]) : a
                ElemwiseLoop.apply(instruction.op, a, b, target, n)
            }
            start += n
        }
    }

    @inline(__always)
    static func apply<T: FloatTensorElement>(_ op: ScalarOp, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
                                             _ o: UnsafeMutablePointer<T>, _ n: Int) {
        if let code = VectorMath.code(op), VectorMath.apply(code, a, o, n) { return }
        switch op {
        case .add: for i in 0..<n { o[i] = a[i] + b[i] }
        case .sub: for i in 0..<n { o[i] = a[i] - b[i] }
        case .mul: for i in 0..<n { o[i] = a[i] * b[i] }
        case .trueDiv: for i in 0..<n { o[i] = a[i] / b[i] }
        case .maximum: for i in 0..<n { o[i] = a[i].isNaN || b[i].isNaN ? .nan : Swift.max(a[i], b[i]) }
        case .minimum: for i in 0..<n { o[i] = a[i].isNaN || b[i].isNaN ? .nan : Swift.min(a[i], b[i]) }
        case .second: for i in 0..<n { o[i] = b[i] }
        case .identity: for i in 0..<n { o[i] = a[i] }
        case .neg: for i in 0..<n { o[i] = -a[i] }
        case .abs: for i in 0..<n { o[i] = Swift.abs(a[i]) }
        case .sqr: for i in 0..<n { o[i] = a[i] * a[i] }
        case .sqrt: for i in 0..<n { o[i] = a[i].squareRoot() }
        case .reciprocal: for i in 0..<n { o[i] = 1 / a[i] }
        case .exp: for i in 0..<n { o[i] = T.exp(a[i]) }
        case .log: for i in 0..<n { o[i] = T.log(a[i]) }
        case .log1p: for i in 0..<n { o[i] = T.log(onePlus: a[i]) }
        case .expm1: for i in 0..<n { o[i] = T.expMinusOne(a[i]) }
        case .sin: for i in 0..<n { o[i] = T.sin(a[i]) }
        case .cos: for i in 0..<n { o[i] = T.cos(a[i]) }
        case .tan: for i in 0..<n { o[i] = T.tan(a[i]) }
        case .tanh: for i in 0..<n { o[i] = T.tanh(a[i]) }
        case .floor: for i in 0..<n { o[i] = a[i].rounded(.down) }
        case .ceil: for i in 0..<n { o[i] = a[i].rounded(.up) }
        case .sgn: for i in 0..<n { o[i] = a[i] > 0 ? 1 : (a[i] < 0 ? -1 : a[i]) }
        case .sigmoid:
            for i in 0..<n { let x = a[i]; o[i] = x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x)) }
        case .softplus:
            for i in 0..<n { let x = a[i]; o[i] = Swift.max(x, 0) + T.log(onePlus: T.exp(-Swift.abs(x))) }
        default:
            // `pow` and anything else share the reference scalar kernels.
            if let f = ScalarKernels.floatBinary(op, T.self) { for i in 0..<n { o[i] = f(a[i], b[i]) } }
            else if let f = ScalarKernels.floatUnary(op, T.self) { for i in 0..<n { o[i] = f(a[i]) } }
        }
    }
}

/// One core's share of an elementwise loop; the arrays outlive the concurrent section.
struct ElemwiseJob: @unchecked Sendable {
    let loop: ElemwiseLoop
    let inputs: [NDArray]
    let output: NDArray
    let count: Int
    let parts: Int

    func run(_ part: Int) {
        let size = (count + parts - 1) / parts
        let range = Swift.min(count, part * size)..<Swift.min(count, (part + 1) * size)
        guard !range.isEmpty || count == 0 else { return }
        if loop.dtype == .float32 { loop.execute(Float.self, inputs, output, range: range) } else { loop.execute(Double.self, inputs, output, range: range) }
    }
}

/// libmvec's vector exp/log/sin/cos for contiguous float32/float64 blocks, when present.
enum VectorMath {
    static func code(_ op: ScalarOp) -> Int32? {
        switch op {
        case .exp: return 0
        case .log: return 1
        case .sin: return 2
        case .cos: return 3
        default: return nil
        }
    }

    @inline(__always)
    static func apply<T: FloatTensorElement>(_ code: Int32, _ a: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) -> Bool {
        if T.self == Float.self {
            return theano_vmath_float(code, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), n) != 0
        }
        if T.self == Double.self {
            return theano_vmath_double(code, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Double.self), n) != 0
        }
        return false
    }
}
