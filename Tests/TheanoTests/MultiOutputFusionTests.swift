import Testing
@testable import Theano

/// W7's training step (Theano's logistic regression tutorial), at a small size: the function and its
/// arguments. It returns the predictions and the cross-entropy and updates `w` and `b`.
private func logisticRegressionStep(_ dtype: DType, mode: Mode, n: Int = 40, features: Int = 30) throws -> (Function<[NDArray]>, [NDArray]) {
    var g = SplitMix64(seed: 7)
    let xs = NDArray((0..<n * features).map { _ in g.nextGaussian() }, shape: [n, features]).astype(dtype)
    let ys = NDArray((0..<n).map { _ in Double(g.next() % 2) }, shape: [n]).astype(dtype)
    let x = matrix("x", dtype: dtype), y = vector("y", dtype: dtype)
    let w = shared(NDArray((0..<features).map { _ in g.nextGaussian() }, shape: [features]).astype(dtype), name: "w")
    let b = shared(NDArray(scalar: 0.0).astype(dtype), name: "b")
    let p = 1 / (1 + exp(-dot(x, w) - b))
    let xent = -y * log(p) - (1 - y) * log(1 - p)
    let cost = xent.mean() + 0.01 * (w ** 2).sum()
    let gs = try grad(cost, wrt: [w, b])
    let train = try function([x, y], [gt(p, 0.5), xent, w, b], updates: [(w, cast(w - 0.1 * gs[0], dtype)), (b, cast(b - 0.1 * gs[1], dtype))], mode: mode)
    return (train, [xs, ys])
}

/// The elementwise nodes of an optimized graph, and how many outputs each has.
private func elementwiseNodes(_ graph: FunctionGraph) -> [(node: Apply, fused: Bool)] {
    graph.toposort.compactMap { node in
        guard let e = node.op as? Elemwise else { return nil }
        if case .composite = e.scalarOp { return (node, true) }
        return (node, false)
    }
}

private func program<Output>(_ f: Function<Output>) -> VMProgram { f.program as! VMProgram }

/// Bit patterns, so that equal means bit-identical (NaNs included).
private func bits(_ a: NDArray) -> [UInt64] {
    a.dtype == .float32 ? a.scalars(as: Float.self).map { UInt64($0.bitPattern) } : a.astype(.float64).scalars(as: Double.self).map(\.bitPattern)
}

private let noFusion = Mode.fastRun.excluding("elemwise_fusion")

@Suite struct MultiOutputFusionTests {
    /// W7's step: every elementwise node before the gradient's second product is one loop that stores
    /// the predictions' probabilities, the cross-entropy and the gradient at the logits; the update of
    /// `w` is the other loop over vectors. Only the scalar loops (`1/n`, `b`'s update) and the
    /// comparison (a bool result) stay apart.
    @Test func logisticRegressionStepIsTwoVectorLoops() throws {
        let (f, _) = try logisticRegressionStep(.float64, mode: .fastRun)
        let nodes = elementwiseNodes(f.graph)
        let vectorLoops = nodes.filter { $0.fused && $0.node.outputs[0].ndim == 1 }
        #expect(vectorLoops.count == 2, "\(nodes.map { "\($0.node.op)" })")
        #expect(vectorLoops.map(\.node.outputCount).sorted() == [1, 3])
        #expect(nodes.filter { !$0.fused }.map { "\($0.node.op)" } == ["Elemwise{gt}"])
        #expect(nodes.count == 5)
        // Without fusion the same step runs over thirty elementwise nodes.
        let (unfused, _) = try logisticRegressionStep(.float64, mode: noFusion)
        #expect(elementwiseNodes(unfused.graph).count >= 30)
        // The CPU backend runs the three-output loop as one compiled loop, not through `perform`.
        let program = try #require(f.program as? VMProgram)
        let loops = program.kernels.compactMap { kernel -> ElemwiseLoop? in if case .elemwise(let loop) = kernel { loop } else { nil } }
        #expect(loops.map(\.outputCount).sorted() == [1, 1, 1, 3])
    }

    /// Ten steps of training give bit-identical predictions, losses and parameters with fusion and
    /// without, on the CPU backend with generated C off and on, in float32 and float64; the reference
    /// backend (each op's `perform`, the fused loop step by step) agrees bit for bit with itself unfused.
    @Test(arguments: [DType.float32, .float64])
    func logisticRegressionTrainsBitIdenticallyFused(_ dtype: DType) throws {
        func train(_ mode: Mode) throws -> [[UInt64]] {
            let (f, arguments) = try logisticRegressionStep(dtype, mode: mode)
            if mode.generatedC == .synchronous, GeneratedCTests.compilerPresent {
                // Every loop, the three-output one included, has its C kernel.
                #expect(f.generatedC == .ready(kernels: program(f).kernels.filter { if case .elemwise = $0 { true } else { false } }.count))
            }
            var outputs: [NDArray] = []
            for _ in 0..<10 { outputs = try f.call(arguments) }
            return outputs.map(bits)
        }
        let unfused = try train(noFusion.generatedC(.off))
        #expect(try train(Mode.fastRun.generatedC(.off)) == unfused)
        #expect(try train(Mode.fastRun.generatedC(.synchronous)) == unfused)
        #expect(try train(noFusion.generatedC(.synchronous)) == unfused)
        #expect(try train(Mode.fastRun.on(.reference)) == (try train(noFusion.on(.reference))))
    }

    /// The CPU backend and the reference agree to rounding (the CPU backend takes `exp` and `log` from
    /// libmvec where the reference calls libm), and exactly on the predictions.
    @Test func logisticRegressionAgreesWithTheReference() throws {
        let (fast, arguments) = try logisticRegressionStep(.float64, mode: .fastRun)
        let (slow, _) = try logisticRegressionStep(.float64, mode: .reference)
        let a = try fast.call(arguments), b = try slow.call(arguments)
        #expect(a[0].scalars(as: Bool.self) == b[0].scalars(as: Bool.self))
        for (u, v) in zip(a.dropFirst(), b.dropFirst()) {
            #expect(close(u.doubles, v.doubles, tolerance: 1e-12), "\(u.doubles.prefix(4)) against \(v.doubles.prefix(4))")
        }
    }

    /// A value with several readers is computed once: `t` is returned, summed and read by a later
    /// elementwise node, over a row and a column that broadcast; the loop stores `t` and `u`.
    @Test(arguments: [DType.float32, .float64])
    func sharedIntermediateBecomesASecondOutput(_ dtype: DType) throws {
        let x = matrix("x", dtype: dtype)
        let row = tensor(dtype: dtype, broadcastable: [true, false], name: "row")
        let column = tensor(dtype: dtype, broadcastable: [false, true], name: "column")
        let t = exp(x * 0.5 + row)
        let u = tanh(t * column) - t
        let outputs = [t, u, t.sum(axis: 0)]
        var g = SplitMix64(seed: 3)
        func random(_ shape: [Int]) -> NDArray { NDArray((0..<shape.reduce(1, *)).map { _ in g.nextGaussian() }, shape: shape).astype(dtype) }
        // Large enough for several blocks and both cores: 300 × 500 elements.
        let arguments = [random([300, 500]), random([1, 500]), random([300, 1])]
        let fused = try function([x, row, column], outputs, mode: Mode.fastRun.generatedC(.off))
        let composites = elementwiseNodes(fused.graph).filter(\.fused)
        #expect(composites.count == 1 && composites[0].node.outputCount == 2, "\(fused.graph.toposort.map { "\($0.op)" })")
        let expected = try function([x, row, column], outputs, mode: noFusion.generatedC(.off)).call(arguments).map(bits)
        #expect(try fused.call(arguments).map(bits) == expected)
        #expect(try fused.call(arguments).map(bits) == expected, "again, in the buffers kept from the first call")
        #expect(try function([x, row, column], outputs, mode: Mode.fastRun.generatedC(.synchronous)).call(arguments).map(bits) == expected)
        let reference = try function([x, row, column], outputs, mode: .reference).call(arguments)
        for (a, b) in zip(expected, reference) {
            #expect(close(a.map { dtype == .float32 ? Double(Float(bitPattern: UInt32($0))) : Double(bitPattern: $0) }, b.doubles, tolerance: dtype == .float32 ? 1e-5 : 1e-13))
        }
    }

    /// Two nodes over the same input and shape are siblings: one loop computes both.
    @Test func siblingsShareOneLoop() throws {
        let x = dvector("x"), y = dvector("y")
        let outputs = [exp(x) + 1, sin(x) * y, sqr(x)]
        let f = try function([x, y], outputs, mode: .fastRun)
        let nodes = elementwiseNodes(f.graph)
        #expect(nodes.count == 1 && nodes[0].node.outputCount == 3, "\(nodes.map { "\($0.node.op)" })")
        let values = try f([0.0, 1.0, -2.0], [2.0, 3.0, 4.0])
        #expect(close(values[0].doubles, [2, 2.718281828459045 + 1, 0.1353352832366127 + 1]))
        #expect(close(values[1].doubles, [0, 3 * 0.8414709848078965, 4 * -0.9092974268256817]))
        #expect(values[2].doubles == [0, 1, 4])
    }

    /// Siblings over one input of different broadcast patterns loop over different shapes: they stay apart.
    @Test func siblingsOfDifferentShapesStayApart() throws {
        let x = dvector("x"), m = dmatrix("m")
        let outputs = [exp(x), m * x]
        let f = try function([x, m], outputs, mode: .fastRun)
        #expect(elementwiseNodes(f.graph).count == 2)
        let values = try f([0.0, 1.0], [[1.0, 2.0], [3.0, 4.0]])
        #expect(close(values[0].doubles, [1, 2.718281828459045]) && values[1].doubles == [0, 2, 0, 4])
    }

    /// A node that reads a sum of an earlier elementwise value cannot share its loop: the fused node would
    /// need its own result. The two loops stay apart and the value is right.
    @Test func aPathThroughAnotherOpKeepsLoopsApart() throws {
        let x = dvector("x")
        let e = exp(x)
        let out = e * e.sum() + e
        let f = try function([x], out, mode: .fastRun)
        #expect(elementwiseNodes(f.graph).count == 2, "\(f.graph.toposort.map { "\($0.op)" })")
        let total = 1 + 2.718281828459045
        #expect(close(try f([0.0, 1.0]).doubles, [total + 1, 2.718281828459045 * total + 2.718281828459045]))
    }

    /// The size `mean`'s gradient divides by is read from the input the fused values must equal, so it
    /// does not cut the loop in two; mismatched inputs still fail, in the fused loop.
    @Test func shapesReadFromInputsKeepOneLoop() throws {
        let x = dvector("x"), y = dvector("y")
        let d = exp(x) * y
        let (gx) = try grad(d.mean(), wrt: x)
        let f = try function([x, y], [d, gx], mode: .fastRun)
        #expect(f.graph.toposort.contains { $0.op is ShapeI && $0.inputs[0].owner == nil })
        #expect(elementwiseNodes(f.graph).filter { $0.node.outputs[0].ndim == 1 }.count == 1)
        let values = try f([0.0, 1.0], [2.0, 4.0])
        #expect(close(values[0].doubles, [2, 4 * 2.718281828459045]))
        #expect(close(values[1].doubles, [1, 2 * 2.718281828459045]))
        #expect(throws: TheanoError.self) { try f([0.0, 1.0], [2.0, 4.0, 6.0]) }
    }

    /// A fused node with several outputs is an op like any other: its `perform` gives every output, its
    /// gradient sums each output's contribution, and it refuses inputs of mismatched shapes.
    @Test func aMultiOutputCompositeNode() throws {
        // exp(i0) and exp(i0) * i1, both stored.
        let body = Composite(inputCount: 2, inputDTypes: [.float64, .float64],
                             steps: [.init(op: .exp, args: [0], dtype: .float64), .init(op: .mul, args: [2, 1], dtype: .float64)],
                             outputs: [2, 3])
        let op = Elemwise(.composite(body), inputBroadcastable: [[false], [false]])
        #expect("\(body)" == "exp(i0), (exp(i0) * i1)")
        let computed = try op.perform([NDArray([0.0, 1.0]), NDArray([3.0, 5.0])])
        #expect(close(computed[0].doubles, [1, 2.718281828459045]) && close(computed[1].doubles, [3, 5 * 2.718281828459045]))
        #expect(throws: OpFailure.self) { try op.perform([NDArray([0.0, 1.0]), NDArray([3.0])]) }
        try verifyGrad({ v in
            let outs = Apply(op, [v[0], v[1]]).outputs
            return outs[0].sum() + (outs[1] * 2).sum()
        }, at: [NDArray([0.5, -1.0]), NDArray([2.0, 0.25])])
        // An output whose gradient is not asked for contributes nothing.
        try verifyGrad({ v in Apply(op, [v[0], v[1]]).outputs[1].sum() }, at: [NDArray([0.5, -1.0]), NDArray([2.0, 0.25])])
        // The R-operator gives each output's tangent: d(exp(a)) = exp(a)·da, d(exp(a)·b) = exp(a)·b·da + exp(a)·db.
        let a = dvector("a"), b = dvector("b"), da = dvector("da"), db = dvector("db")
        let outs = Apply(op, [a, b]).outputs
        let tangents = try rop(outs, wrt: [a, b], evalPoints: [da, db])
        let values = try function([a, b, da, db], tangents, mode: .reference)([0.0, 1.0], [3.0, 5.0], [1.0, 2.0], [10.0, 0.5])
        #expect(close(values[0].doubles, [1, 2 * 2.718281828459045]))
        #expect(close(values[1].doubles, [3 + 10, (5 * 2 + 0.5) * 2.718281828459045]))
    }

    /// Random elementwise graphs over a matrix, a row and a column, returning several of their values
    /// (so intermediate values have several readers), give bit-identical results fused and unfused on
    /// the CPU backend and on the reference backend, in float32 and float64.
    @Test(arguments: [DType.float32, .float64])
    func randomMultiOutputGraphsKeepTheirBits(_ dtype: DType) throws {
        var g = SplitMix64(seed: 13)
        func pick(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
        let a = matrix("a", dtype: dtype)
        let row = tensor(dtype: dtype, broadcastable: [true, false], name: "row")
        let column = tensor(dtype: dtype, broadcastable: [false, true], name: "column")
        let inputs = [a, row, column]
        func random(_ shape: [Int]) -> NDArray { NDArray((0..<shape.reduce(1, *)).map { _ in g.nextGaussian() }, shape: shape).astype(dtype) }
        for trial in 0..<40 {
            var pool = inputs
            for _ in 0..<10 {
                let x = pool[pick(pool.count)], y = pool[pick(pool.count)]
                let ops: [TensorVariable] = [x + y, x * y, x - y, exp(x * 0.25), tanh(x) * y, sigmoid(x), maximum(x, y), sqr(x) + 1,
                                             log(1 + exp(x)), x.ndim == 2 && x.broadcastable == [false, false] ? x.sum(axis: 1, keepdims: true) * y : x / (1 + sqr(y))]
                pool.append(ops[pick(ops.count)])
            }
            let outputs = (0..<3).map { _ in pool[inputs.count + pick(pool.count - inputs.count)] } + [pool.last!]
            let (r, c) = (1 + pick(70), 1 + pick(70))
            let arguments = [random([r, c]), random([1, c]), random([r, 1])]
            func run(_ mode: Mode) throws -> [[UInt64]] {
                try function(inputs, outputs, mode: mode, onUnusedInput: .ignore).call(arguments).map(bits)
            }
            let expected = try run(noFusion.generatedC(.off))
            #expect(try run(Mode.fastRun.generatedC(.off)) == expected, "trial \(trial): \(outputs.map { pp($0) })")
            #expect(try run(Mode.fastRun.on(.reference)) == (try run(noFusion.on(.reference))), "trial \(trial) on the reference")
        }
    }

    /// Regression: with the mean cost returned, the scalar `1/n` and `cost/n` share a producer, and
    /// fusing them first would have made the gradient's loop and the cross-entropy's loop depend on each
    /// other through that scalar group (the graph had a cycle, and compiling never finished). Loops over
    /// arrays group first, and a merge is refused when any path joins the two groups.
    @Test func theMeanCostAndItsGradientFuseWithoutACycle() throws {
        let w = shared(NDArray([0.1, 0.2, 0.3, 0.4, 0.5]), name: "w"), b = shared(NDArray(scalar: 0.0), name: "b")
        let x = dmatrix("x"), y = dvector("y")
        let p = sigmoid(dot(x, w) + b)
        let cost = (-(y * log(p)) - (1.0 - y) * log(1.0 - p)).mean()
        let g = try grad(cost, wrt: [w, b])
        func step(_ mode: Mode) throws -> (Function<[NDArray]>, [[UInt64]]) {
            try w.setValue(NDArray([0.1, 0.2, 0.3, 0.4, 0.5]))
            try b.setValue(NDArray(scalar: 0.0))
            let f = try function([x, y], [cost, g[0], g[1]], updates: [(w, w - 0.5 * g[0]), (b, b - 0.5 * g[1])], mode: mode)
            var g = SplitMix64(seed: 5)
            let xs = NDArray((0..<60).map { _ in g.nextGaussian() }, shape: [12, 5]), ys = NDArray((0..<12).map { ($0 * 7 % 5) < 2 ? 1.0 : 0.0 })
            var out: [NDArray] = []
            for _ in 0..<4 { out = try f.call([xs, ys]) }
            return (f, (out + [w.getValue(), b.getValue()]).map(bits))
        }
        let (fused, values) = try step(.fastRun)
        #expect(elementwiseNodes(fused.graph).filter { $0.node.outputs[0].ndim == 1 }.count == 2)
        #expect(values == (try step(noFusion)).1)
    }

    /// A float32 value inside a float64 loop is rounded after each step and stored as float32 from its
    /// register: the same bits as its own float32 loop, with generated C off and on.
    @Test func aFloat32OutputOfAFloat64Loop() throws {
        let x = fvector("x"), y = dvector("y")
        let t = x * x + 1
        let outputs = [t, t * y]
        var g = SplitMix64(seed: 11)
        let arguments = [NDArray((0..<5000).map { _ in Float(g.nextGaussian()) }), NDArray((0..<5000).map { _ in g.nextGaussian() })]
        let fused = try function([x, y], outputs, mode: Mode.fastRun.generatedC(.off))
        let loops = program(fused).kernels.compactMap { kernel -> ElemwiseLoop? in if case .elemwise(let loop) = kernel { loop } else { nil } }
        #expect(loops.count == 1 && loops[0].computeType == .float64 && loops[0].outputDTypes == [.float32, .float64])
        let expected = try function([x, y], outputs, mode: noFusion.generatedC(.off)).call(arguments).map(bits)
        #expect(try fused.call(arguments).map(bits) == expected)
        #expect(try function([x, y], outputs, mode: Mode.fastRun.generatedC(.synchronous)).call(arguments).map(bits) == expected)
    }

    /// Inputs of mismatched shapes fail in the fused loop with the shapes and the user's expression.
    @Test func mismatchedInputsFailInTheFusedLoop() throws {
        let x = dvector("x"), y = dvector("y")
        let t = exp(x) + y
        let f = try function([x, y], [t, t * 2], mode: .fastRun)
        #expect(elementwiseNodes(f.graph).count == 1 && f.graph.toposort[0].outputCount == 2)
        do {
            _ = try f([0.0, 1.0, 2.0], [1.0, 2.0])
            Issue.record("mismatched shapes were accepted")
        } catch let error as TheanoError {
            let text = "\(error)"
            #expect(error.kind == .shapeMismatch)
            #expect(text.contains("computed in one fused loop") && text.contains("has size 2, but input 0 has size 3"), "\(text)")
        }
    }
}
