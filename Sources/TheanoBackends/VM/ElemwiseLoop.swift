import CTheanoKernels
import Dispatch
import RealModule

/// A float32/float64 elementwise node (a single op or a fused composite) compiled to a register program
/// that runs over memory in cache-sized blocks. Nodes it cannot handle keep the reference `perform`.
///
/// Registers hold the widest float type among the node's steps. Inputs of other dtypes, broadcast
/// inputs and strided views are converted or gathered into a register one block at a time. A float32
/// step inside a float64 program is rounded to float32 after each operation, which gives exactly the
/// float32 result for the correctly rounded operations; programs that would need a float32
/// transcendental computed in float64 are left to the reference. A composite with several outputs
/// stores each of them from its register in the same pass (``runOutputs``).
///
/// A class, so the VM's per-step dispatch shares it instead of copying (and retaining) its fields.
package final class ElemwiseLoop: @unchecked Sendable {
    /// One step, with its definition's forms resolved once: the libmvec handle and the block loops.
    package struct Instruction {
        package let op: ScalarOp
        package let args: [Int]
        package let roundsToFloat32: Bool
        package let vector: Int32?
        package let float: RealKernels<Float>.Block
        package let double: RealKernels<Double>.Block
    }
    /// The (first) output's dtype.
    package let dtype: DType
    /// Each output's dtype and register: one output, the last register, unless a fused composite keeps
    /// intermediate values that other nodes read.
    package let outputDTypes: [DType]
    package let outputRegisters: [Int]
    /// For each instruction, the output it writes straight into the output's memory (its dtype is the
    /// registers'), or -1 when it writes a scratch block.
    private let directOutput: [Int]
    /// The outputs of another dtype than the registers' (float32 in a float64 program), converted after each block.
    private let narrowOutputs: [(output: Int, register: Int)]
    /// The registers' dtype.
    package let computeType: DType
    package let inputCount: Int
    package let instructions: [Instruction]
    package let op: Elemwise
    /// The generated C kernel for this loop, once compiled (see `GeneratedKernels`).
    package let generated = KernelSlot()
    package static let blockSize = 2048

    package init?(_ op: Elemwise, _ node: Apply) {
        let out = node.outputs[0]
        guard out.dtype.isFloat, node.inputs.allSatisfy({ !$0.dtype.isComplex }) else { return nil }
        var steps: [(op: ScalarOp, args: [Int], dtype: DType)]
        var outputs: [Int]? = nil
        switch op.scalarOp {
        case .composite(let c):
            steps = c.steps.map { ($0.op, $0.args, $0.dtype) }
            outputs = c.outputs
        case let scalar where (scalar == .add || scalar == .mul) && node.inputs.count > 2:
            // A variadic add/mul becomes a chain of binary steps.
            steps = [(scalar, [0, 1], out.dtype)]
            for i in 2..<node.inputs.count { steps.append((scalar, [node.inputs.count + steps.count - 1, i], out.dtype)) }
        case let scalar:
            steps = [(scalar, Array(0..<node.inputs.count), out.dtype)]
        }
        // A one-input add or mul is its input.
        steps = steps.map { step in step.args.count == 1 && step.op.arity == nil ? (.identity, step.args, step.dtype) : step }
        let definitions = steps.map(\.op.definition)
        guard zip(steps, definitions).allSatisfy({ step, d in step.dtype.isFloat && d.real?.float.arity == step.args.count }) else { return nil }
        let wide: DType = steps.contains { $0.dtype == .float64 } || out.dtype == .float64 ? .float64 : .float32
        if wide == .float64, zip(steps, definitions).contains(where: { $0.dtype == .float32 && !$1.exactWhenRounded }) { return nil }
        let registers = node.inputs.count + steps.count
        let outputRegisters = outputs ?? [registers - 1]
        let outputDTypes = outputs == nil ? [out.dtype] : outputRegisters.map { steps[$0 - node.inputs.count].dtype }
        self.op = op
        self.outputRegisters = outputRegisters
        self.outputDTypes = outputDTypes
        dtype = outputDTypes[0]
        directOutput = (node.inputs.count..<registers).map { r in
            outputRegisters.firstIndex(of: r).flatMap { outputDTypes[$0] == wide ? $0 : nil } ?? -1
        }
        narrowOutputs = outputRegisters.enumerated().filter { outputDTypes[$0.offset] != wide }.map { ($0.offset, $0.element) }
        computeType = wide
        inputCount = node.inputs.count
        instructions = zip(steps, definitions).map { step, d in
            Instruction(op: step.op, args: step.args, roundsToFloat32: wide == .float64 && step.dtype == .float32,
                        vector: d.vector.flatMap(VectorMath.handle), float: d.real!.float.block, double: d.real!.double.block)
        }
    }

    /// The output shape; inputs of one shape (the common case) need no broadcasting work.
    package func outputShape(_ inputs: [NDArray]) throws -> [Int] {
        let first = inputs[0].shape
        if inputs.allSatisfy({ $0.shape == first }) { return first }
        // `Elemwise.broadcastShape`'s rule without its intermediate arrays; it still reports a mismatch.
        let ndim = first.count
        guard ndim <= 64 else { return try Elemwise.broadcastShape(inputs.map(\.shape), op.inputBroadcastable) }
        var out = [Int](repeating: 1, count: ndim)
        var fixed: UInt64 = 0
        for (i, x) in inputs.enumerated() {
            for d in 0..<ndim {
                let size = x.shape[d]
                if size == 1 && (op.inputBroadcastable?[i][d] ?? true) { continue }
                if fixed & (1 << d) == 0 {
                    out[d] = size
                    fixed |= 1 << d
                } else if out[d] != size {
                    return try Elemwise.broadcastShape(inputs.map(\.shape), op.inputBroadcastable)
                }
            }
        }
        return out
    }

    /// How many arrays the loop stores: 1 but for a fused composite with several outputs (``runOutputs``).
    package var outputCount: Int { outputDTypes.count }

    package func run(_ inputs: [NDArray], reuse: inout NDArray?, destroying: Int? = nil) throws -> NDArray {
        precondition(outputCount == 1, "a loop with \(outputCount) outputs runs through runOutputs")
        let shape = try outputShape(inputs)
        let count = shape.reduce(1, *)
        // Reuse last call's buffer only if nobody else holds it: moving it out of `reuse` first makes
        // the uniqueness check see exactly the caller's references.
        let out: NDArray
        var overwritesInput = false
        if let i = destroying, inputs[i].shape == shape, inputs[i].dtype == dtype, inputs[i].isContiguous {
            // The in-place plan proved nobody reads this input after us: write over it.
            out = inputs[i]
            overwritesInput = true
            reuse = nil
        } else if var kept = reuse.take(), kept.shape == shape, kept.dtype == dtype, kept.offset == 0, isKnownUniquelyReferenced(&kept.storage) {
            out = kept
        } else {
            out = NDArray(uninitialized: shape, dtype: dtype)
        }
        let sources = inputs.map { InputSource($0, outputShape: shape, outputCount: count, computeType: computeType) }
        // Large arrays split into one contiguous range per core.
        if count >= 1 << 17 {
            let job = ElemwiseJob(loop: self, sources: sources, outputs: [out], count: count, parts: ProcessorCount.value)
            DispatchQueue.concurrentPerform(iterations: job.parts) { job.run($0) }
        } else if count > 0 {
            execute(sources, into: out.storage.pointer + out.offset * dtype.itemSize, range: 0..<count)
        }
        // A buffer taken over from an input stays with the node that made it; keeping it here too
        // would make that node's buffer look shared next call, and it would allocate afresh.
        reuse = overwritesInput ? nil : out
        return withExtendedLifetime(inputs) { out }
    }

    /// Every output of the loop, into buffers kept from last call where nobody else holds them (the loop
    /// of a composite with several outputs; never in place).
    package func runOutputs(_ inputs: [NDArray], reuse: inout [NDArray?]) throws -> [NDArray] {
        let shape = try outputShape(inputs)
        let count = shape.reduce(1, *)
        if reuse.count != outputCount { reuse = Array(repeating: nil, count: outputCount) }
        var outs: [NDArray] = []
        outs.reserveCapacity(outputCount)
        for (j, d) in outputDTypes.enumerated() {
            if var kept = reuse[j].take(), kept.shape == shape, kept.dtype == d, kept.offset == 0, isKnownUniquelyReferenced(&kept.storage) {
                outs.append(kept)
            } else {
                outs.append(NDArray(uninitialized: shape, dtype: d))
            }
        }
        let sources = inputs.map { InputSource($0, outputShape: shape, outputCount: count, computeType: computeType) }
        if count >= 1 << 17 {
            let job = ElemwiseJob(loop: self, sources: sources, outputs: outs, count: count, parts: ProcessorCount.value)
            DispatchQueue.concurrentPerform(iterations: job.parts) { job.run($0) }
        } else if count > 0 {
            ElemwiseJob(loop: self, sources: sources, outputs: outs, count: count, parts: 1).run(0)
        }
        for j in outs.indices { reuse[j] = outs[j] }
        return withExtendedLifetime(inputs) { outs }
    }

    /// Computes elements `range` into `destination`, which points at the first of them and has the output's dtype.
    package func execute<W: FloatTensorElement>(_: W.Type, _ sources: [InputSource], into destination: UnsafeMutableRawPointer, range: Range<Int>) {
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: 1) { destinations in
            destinations[0] = destination
            execute(W.self, sources, into: UnsafePointer(destinations.baseAddress!), range: range)
        }
    }

    /// The same for every output: `destinations[j]` points at the first element of `range` in output `j`.
    package func execute<W: FloatTensorElement>(_: W.Type, _ sources: [InputSource], into destinations: UnsafePointer<UnsafeMutableRawPointer>, range: Range<Int>) {
        let count = range.count
        let first = range.lowerBound
        let block = Swift.min(ElemwiseLoop.blockSize, Swift.max(count, 1))
        let registers = inputCount + instructions.count
        // Scratch holds gathered inputs, broadcast scalars and intermediate results, one block each.
        // On the stack when small (the common case for tiny arrays), else on the heap.
        withUnsafeTemporaryAllocation(of: W.self, capacity: registers * block) { scratch in
            run(W.self, sources, destinations, first: first, count: count, block: block, scratch: scratch.baseAddress!)
        }
    }

    private func run<W: FloatTensorElement>(_: W.Type, _ sources: [InputSource], _ destinations: UnsafePointer<UnsafeMutableRawPointer>,
                                            first: Int, count: Int, block: Int, scratch: UnsafeMutablePointer<W>) {
        for (i, source) in sources.enumerated() where source.kind == .scalar {
            source.gather(into: scratch + i * block, start: 0, count: 1)
            (scratch + i * block).update(repeating: scratch[i * block], count: block)
        }
        if let kernel = generated.kernel {
            runGenerated(kernel, W.self, sources, destinations, first: first, count: count, block: block, scratch: scratch)
            return
        }
        var start = 0
        while start < count {
            let n = Swift.min(block, count - start)
            for (i, source) in sources.enumerated() where source.kind == .gathered {
                source.gather(into: scratch + i * block, start: first + start, count: n)
            }
            func address(_ r: Int) -> UnsafeMutablePointer<W> {
                if r < inputCount {
                    if sources[r].kind == .direct { return sources[r].base.assumingMemoryBound(to: W.self) + first + start }
                    return scratch + r * block
                }
                let j = directOutput[r - inputCount]
                return j >= 0 ? destinations[j].assumingMemoryBound(to: W.self) + start : scratch + r * block
            }
            for (k, instruction) in instructions.enumerated() {
                let target = address(inputCount + k)
                let a = address(instruction.args[0])
                let b = instruction.args.count > 1 ? address(instruction.args[1]) : a
                let c = instruction.args.count > 2 ? address(instruction.args[2]) : a
                ElemwiseLoop.apply(instruction, a, b, c, target, n)
                if instruction.roundsToFloat32 { for j in 0..<n { target[j] = W(Float(target[j])) } }
            }
            for (j, r) in narrowOutputs {
                // A float64 program with a float32 output (its step was rounded already).
                let result = scratch + r * block
                let narrow = destinations[j].assumingMemoryBound(to: Float.self) + start
                for e in 0..<n { narrow[e] = Float(result[e]) }
            }
            start += n
        }
    }

    /// The same blocks through the generated kernel: it reads each input's block where it lies (or
    /// where it was gathered) and writes the output's dtype directly.
    private func runGenerated<W: FloatTensorElement>(_ kernel: UnsafeMutableRawPointer, _: W.Type, _ sources: [InputSource],
                                                     _ destinations: UnsafePointer<UnsafeMutableRawPointer>, first: Int, count: Int, block: Int,
                                                     scratch: UnsafeMutablePointer<W>) {
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer?.self, capacity: Swift.max(inputCount, 1)) { buffer in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: outputCount) { outputs in
                runGenerated(kernel, W.self, sources, destinations, first: first, count: count, block: block, scratch: scratch,
                             blocks: buffer.baseAddress!, outputs: outputs.baseAddress!)
            }
        }
    }

    /// A kernel with several outputs takes, where a single one takes its output, an array of them.
    private func runGenerated<W: FloatTensorElement>(_ kernel: UnsafeMutableRawPointer, _: W.Type, _ sources: [InputSource],
                                                     _ destinations: UnsafePointer<UnsafeMutableRawPointer>, first: Int, count: Int, block: Int,
                                                     scratch: UnsafeMutablePointer<W>, blocks: UnsafeMutablePointer<UnsafeRawPointer?>,
                                                     outputs: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        let itemSize = dtype.itemSize
        var start = 0
        while start < count {
            let n = Swift.min(block, count - start)
            for (i, source) in sources.enumerated() {
                switch source.kind {
                case .direct: blocks[i] = UnsafeRawPointer(source.base.assumingMemoryBound(to: W.self) + first + start)
                case .gathered:
                    source.gather(into: scratch + i * block, start: first + start, count: n)
                    blocks[i] = UnsafeRawPointer(scratch + i * block)
                case .scalar: blocks[i] = UnsafeRawPointer(scratch + i * block)
                }
            }
            if outputCount == 1 {
                theano_call_elemwise_kernel(kernel, Int64(n), blocks, destinations[0] + start * itemSize)
            } else {
                for j in 0..<outputCount { outputs[j] = destinations[j] + start * outputDTypes[j].itemSize }
                theano_call_elemwise_kernel(kernel, Int64(n), blocks, UnsafeMutableRawPointer(outputs))
            }
            start += n
        }
    }

    package func execute(_ sources: [InputSource], into destination: UnsafeMutableRawPointer, range: Range<Int>) {
        if computeType == .float32 { execute(Float.self, sources, into: destination, range: range) } else { execute(Double.self, sources, into: destination, range: range) }
    }

    /// The sum of all the elements this loop would produce, without storing them: each leaf of numpy's
    /// pairwise summation tree is computed into a small buffer and summed there, so the result has the
    /// same bits as the unfused elementwise node followed by `Reduce`.
    package func sum(_ inputs: [NDArray]) throws -> Double {
        let shape = try outputShape(inputs)
        let count = shape.reduce(1, *)
        let sources = inputs.map { InputSource($0, outputShape: shape, outputCount: count, computeType: computeType) }
        let job = SumJob(loop: self, sources: sources, count: count)
        let result: Double
        if count >= 1 << 18 {
            // The same equal split over the cores as the reduction kernel's.
            let parts = ProcessorCount.value
            let partials = ReduceKernels.Partials(count: parts)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let size = (count + parts - 1) / parts
                let start = Swift.min(count, part * size), end = Swift.min(count, start + size)
                partials.values[part] = start < end ? job.pairwise(start, end - start) : 0
            }
            result = ReduceKernels.combine(.sum, partials.values)
        } else {
            result = job.pairwise(0, count)
        }
        return withExtendedLifetime(inputs) { result }
    }

    @inline(__always)
    package static func apply<T: FloatTensorElement>(_ instruction: Instruction, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
                                             _ c: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        if let handle = instruction.vector, VectorMath.apply(handle, a, o, n) { return }
        if T.self == Float.self {
            func cast(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self) }
            instruction.float(cast(a), cast(b), cast(c), cast(o), n)
        } else {
            func cast(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Double> { UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self) }
            instruction.double(cast(a), cast(b), cast(c), cast(o), n)
        }
    }
}

/// One core's share of an elementwise loop; the arrays outlive the concurrent section.
package struct ElemwiseJob: @unchecked Sendable {
    package let loop: ElemwiseLoop
    package let sources: [InputSource]
    package let outputs: [NDArray]
    package let count: Int
    package let parts: Int

    package func run(_ part: Int) {
        let size = (count + parts - 1) / parts
        let range = Swift.min(count, part * size)..<Swift.min(count, (part + 1) * size)
        guard !range.isEmpty || count == 0 else { return }
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: outputs.count) { destinations in
            for (j, output) in outputs.enumerated() {
                destinations[j] = output.storage.pointer + (output.offset + range.lowerBound) * output.dtype.itemSize
            }
            let pointers = UnsafePointer(destinations.baseAddress!)
            if loop.computeType == .float32 {
                loop.execute(Float.self, sources, into: pointers, range: range)
            } else {
                loop.execute(Double.self, sources, into: pointers, range: range)
            }
        }
    }
}

/// Walks numpy's pairwise-summation tree over a fused elementwise loop's elements.
package struct SumJob: @unchecked Sendable {
    package let loop: ElemwiseLoop
    package let sources: [InputSource]
    package let count: Int
    /// Leaves are computed into a buffer that stays in L1; the tree above them does not depend on the leaf size.
    package static let leaf = 2048

    package func pairwise(_ start: Int, _ n: Int) -> Double {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(Swift.min(n, SumJob.leaf), 1) * loop.dtype.itemSize, alignment: 64)
        defer { buffer.deallocate() }
        return pairwise(start, n, buffer)
    }

    private func pairwise(_ start: Int, _ n: Int, _ buffer: UnsafeMutableRawPointer) -> Double {
        if n > SumJob.leaf {
            let half = (n / 2) & ~7
            return pairwise(start, half, buffer) + pairwise(start + half, n - half, buffer)
        }
        loop.execute(sources, into: buffer, range: start..<(start + n))
        return loop.dtype == .float32
            ? VectorPairwiseSum.sum(UnsafePointer(buffer.assumingMemoryBound(to: Float.self)), n)
            : VectorPairwiseSum.sum(UnsafePointer(buffer.assumingMemoryBound(to: Double.self)), n)
    }
}

/// How the loop reads one input: in place (dense, full size, of the registers' type), as one value
/// repeated, or gathered block by block (broadcast, strided, or another dtype).
package struct InputSource: @unchecked Sendable {
    package enum Kind { case direct, scalar, gathered }
    package let kind: Kind
    package let base: UnsafeMutableRawPointer
    package let dtype: DType
    package let shape: [Int]
    /// The input's strides aligned to the output's shape, 0 along broadcast dimensions.
    package let strides: [Int]

    package init(_ x: NDArray, outputShape: [Int], outputCount: Int, computeType: DType) {
        base = x.storage.pointer + x.offset * x.dtype.itemSize
        dtype = x.dtype
        shape = outputShape
        if x.count == 1 && outputCount != 1 || x.ndim == 0 {
            kind = .scalar
            strides = []
        } else if x.shape == outputShape && x.isContiguous && x.dtype == computeType {
            kind = .direct
            strides = []
        } else {
            kind = .gathered
            let lead = outputShape.count - x.ndim
            strides = outputShape.indices.map { axis in
                axis < lead || x.shape[axis - lead] == 1 ? 0 : x.strides[axis - lead]
            }
        }
    }

    /// Elements `start..<start+count` of the input broadcast to the output shape, row-major, converted to W.
    package func gather<W: FloatTensorElement>(into destination: UnsafeMutablePointer<W>, start: Int, count: Int) {
        switch dtype {
        case .float32: gather(Float.self, into: destination, start: start, count: count) { W($0) }
        case .float64: gather(Double.self, into: destination, start: start, count: count) { W($0) }
        case .int8: gather(Int8.self, into: destination, start: start, count: count) { W($0) }
        case .int16: gather(Int16.self, into: destination, start: start, count: count) { W($0) }
        case .int32: gather(Int32.self, into: destination, start: start, count: count) { W($0) }
        case .int64: gather(Int64.self, into: destination, start: start, count: count) { W($0) }
        case .uint8: gather(UInt8.self, into: destination, start: start, count: count) { W($0) }
        case .uint16: gather(UInt16.self, into: destination, start: start, count: count) { W($0) }
        case .uint32: gather(UInt32.self, into: destination, start: start, count: count) { W($0) }
        case .uint64: gather(UInt64.self, into: destination, start: start, count: count) { W($0) }
        case .bool: gather(Bool.self, into: destination, start: start, count: count) { $0 ? 1 : 0 }
        case .complex64, .complex128: preconditionFailure("ElemwiseLoop never accepts complex inputs")
        }
    }

    @inline(__always)
    private func gather<S, W>(_: S.Type, into destination: UnsafeMutablePointer<W>, start: Int, count: Int, _ convert: (S) -> W) {
        let source = base.assumingMemoryBound(to: S.self)
        let ndim = shape.count
        // A scalar source is its first element; it keeps no stride table.
        if ndim == 0 || kind == .scalar { destination[0] = convert(source[0]); return }
        // The multi-index of `start`, then an odometer over the output's shape.
        var index = [Int](repeating: 0, count: ndim)
        var rest = start, position = 0
        for axis in stride(from: ndim - 1, through: 0, by: -1) {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
            position += index[axis] * strides[axis]
        }
        let inner = shape[ndim - 1], innerStride = strides[ndim - 1]
        var written = 0
        while written < count {
            let run = Swift.min(inner - index[ndim - 1], count - written)
            var p = position
            for j in 0..<run { destination[written + j] = convert(source[p]); p += innerStride }
            written += run
            position += run * innerStride
            index[ndim - 1] += run
            // Carry into the outer dimensions.
            var axis = ndim - 1
            while axis > 0 && index[axis] == shape[axis] {
                position -= index[axis] * strides[axis]
                index[axis] = 0
                axis -= 1
                index[axis] += 1
                position += strides[axis]
            }
        }
    }
}
