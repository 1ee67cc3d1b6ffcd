extension VMRewrites {
    /// `dot(x, w) + b` and `relu(dot(x, w) + b)`, for float matrices and a row-broadcast bias, become one
    /// ``DotBiasActivation`` node when nothing else reads the product, which the VM runs as the built-in
    /// GEMM with the bias and relu applied to each finished tile, so the activations are written once.
    package static let gemmBiasRelu = LocalRewrite("vm_gemm_bias_relu", tags: ["fusion"], inGraph: { node, graph in
        guard let elemwise = node.op as? Elemwise, node.outputCount == 1, node.outputs[0].ndim == 2,
              let (addArgs, relu) = GEMMEpilogue.program(elemwise.scalarOp, node) else { return nil }
        let dtype = node.outputs[0].dtype
        for (p, q) in [(addArgs[0], addArgs[1]), (addArgs[1], addArgs[0])] {
            let product = node.inputs[p], bias = node.inputs[q]
            guard let dotNode = product.owner, dotNode.op is Dot, dotNode.outputCount == 1, product.dtype == dtype,
                  dotNode.inputs.allSatisfy({ $0.ndim == 2 && $0.dtype == dtype }),
                  graph.clients[product]?.count == 1, !graph.outputs.contains(where: { $0 === product }),
                  bias.dtype == dtype, bias.broadcastable == [true, false] else { continue }
            let rest = node.inputs.indices.filter { $0 != p }
            let op = DotBiasActivation(elemwise, productPosition: p, biasInput: 2 + rest.firstIndex(of: q)!, relu: relu)
            let fused = op(Array(dotNode.inputs) + rest.map { node.inputs[$0] })
            // Failures of the product (misaligned shapes) read as the user's `dot`, as without the rewrite.
            fused.owner?.origin = dotNode.origin ?? dotNode
            return [fused]
        }
        return nil
    })
}

package enum GEMMEpilogue {
    static let supported: Set<DType> = [.float32, .float64]

    /// The two inputs added when `scalarOp` is exactly `add(i, j)` or `relu(add(i, j), 0)` in the
    /// output's dtype, and whether relu follows.
    static func program(_ scalarOp: ScalarOp, _ node: Apply) -> ([Int], Bool)? {
        let dtype = node.outputs[0].dtype
        guard supported.contains(dtype) else { return nil }
        switch scalarOp {
        case .add where node.inputs.count == 2: return ([0, 1], false)
        case .composite(let c) where c.outputs.count == 1 && c.inputCount == node.inputs.count && c.steps.allSatisfy({ $0.dtype == dtype }):
            guard let add = c.steps.first, add.op == .add, add.args.count == 2, Set(add.args).count == 2,
                  add.args.allSatisfy({ $0 < c.inputCount }) else { return nil }
            if c.steps.count == 1 && c.inputCount == 2 { return (add.args, false) }
            guard c.steps.count == 2, c.inputCount == 3 else { return nil }
            let activation = c.steps[1]
            guard activation.op == .relu, activation.args.count == 2, activation.args[0] == 3,
                  let slope = activation.args.last, slope < 3, !add.args.contains(slope),
                  let constant = node.inputs[slope] as? TensorConstant, constant.value.count == 1,
                  constant.value.doubles == [0] else { return nil }
            return (add.args, true)
        default: return nil
        }
    }

    /// The kernel table's entry: the built-in GEMM with the epilogue, split over the cores, when it is the
    /// kernel chosen for the shape and the bias is a contiguous row of the output's width; otherwise the
    /// product as `Dot` computes it and the elementwise node's own work.
    package static func run(_ op: DotBiasActivation, _ inputs: [NDArray]) throws -> [NDArray] {
        let (x, w, bias) = (inputs[0], inputs[1], inputs[op.biasInput])
        let dtype = x.dtype
        guard supported.contains(dtype), w.dtype == dtype, bias.dtype == dtype, x.ndim == 2, w.ndim == 2, bias.ndim == 2,
              w.shape[0] == x.shape[1] else { return try op.perform(inputs) }
        let (m, k, n) = (x.shape[0], x.shape[1], w.shape[1])
        let slopeIsZero = !op.relu || inputs.indices.allSatisfy { i in i < 2 || i == op.biasInput || inputs[i].doubles.allSatisfy { $0 == 0 } }
        guard m > 1, n > 1, k > 0, bias.shape == [1, n], bias.strides[1] == 1, slopeIsZero, builtInChosen(x, w) else {
            return try op.elemwise.perform(op.elemwiseInputs(try Dot.product([x, w], multiply: matrixMultiply), inputs))
        }
        let out = NDArray(uninitialized: [m, n], dtype: dtype)
        MatMulJob(a: MatrixOperand(x), b: MatrixOperand(w), c: out.baseAddress, m: m, n: n, k: k, isFloat32: dtype == .float32,
                  bias: bias.baseAddress, relu: op.relu).runSplit()
        return withExtendedLifetime((x, w, bias)) { [out] }
    }

    /// Whether `matrixMultiply` would take the built-in GEMM for this product.
    private static func builtInChosen(_ a: NDArray, _ b: NDArray) -> Bool {
        guard CBLAS.loaded.library != nil else { return true }
        let shape = GEMMChoice.Shape(m: a.shape[0], n: b.shape[1], k: a.shape[1], isFloat32: a.dtype == .float32,
                                     transposedA: a.strides[1] != 1, transposedB: b.strides[1] != 1)
        return GEMMChoice.choice(shape) == .builtIn
    }
}
