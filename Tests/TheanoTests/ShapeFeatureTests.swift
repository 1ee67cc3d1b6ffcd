import Foundation
import Testing
@testable import Theano

/// Deterministic sample values of a shape: small, distinct, nonzero.
private func sample(_ shape: [Int], _ seed: Int = 0) -> NDArray {
    let count = shape.reduce(1, *)
    return NDArray((0..<count).map { Double(($0 * 7 + seed * 3) % 11) * 0.25 - 1.1 }, shape: shape)
}

/// A symmetric positive definite matrix (or a batch of them).
private func spd(_ n: Int, batch: [Int] = []) -> NDArray {
    let count = batch.reduce(1, *)
    var values: [Double] = []
    for b in 0..<count {
        for i in 0..<n { for j in 0..<n { values.append(i == j ? Double(n + 2 + b) : 1.0 / Double(1 + i + j)) } }
    }
    return NDArray(values, shape: batch + [n, n])
}

/// One node whose `inferShape` is checked against the shapes its `perform` gives on sample inputs.
private struct ShapeCase: CustomStringConvertible {
    let name: String
    let inputs: [TensorVariable]
    let values: [NDArray]
    let outputs: [TensorVariable]
    var description: String { name }

    init(_ name: String, _ inputs: [TensorVariable], _ values: [NDArray], _ build: ([TensorVariable]) -> [TensorVariable]) {
        (self.name, self.inputs, self.values) = (name, inputs, values)
        outputs = build(inputs)
    }

    init(_ name: String, _ inputs: [TensorVariable], _ values: [NDArray], one build: ([TensorVariable]) -> TensorVariable) {
        self.init(name, inputs, values) { [build($0)] }
    }
}

private let shapeCases: [ShapeCase] = {
    let m = dmatrix("m"), n = dmatrix("n"), v = dvector("v"), w = dvector("w"), t3 = dtensor3("t3"), t4 = dtensor4("t4"), f4 = dtensor4("f4")
    let k = lscalar("k"), j = lscalar("j"), labels = lvector("labels"), idx = lvector("idx"), s = dscalar("s")
    let row = TensorType(.float64, [true, false])("row")
    func ints(_ values: [Int64]) -> NDArray { NDArray(values, shape: [values.count]) }
    func int(_ value: Int64) -> NDArray { NDArray(scalar: value) }
    let probabilities = NDArray([0.2, 0.8, 0.5, 0.5, 0.9, 0.1], shape: [3, 2])
    var cases: [ShapeCase] = [
        // Graph and shape ops.
        ShapeCase("ShapeOp", [t3], [sample([2, 3, 4])], one: { ShapeOp()($0[0]) }),
        ShapeCase("ShapeI", [t3], [sample([2, 3, 4])], one: { ShapeI(axis: 1)($0[0]) }),
        ShapeCase("MakeVector", [k, j], [int(3), int(5)], one: { makeVector($0) }),
        ShapeCase("DimShuffle", [row], [sample([1, 3])], one: { $0[0].dimshuffle(1, nil) }),
        ShapeCase("DimShuffle transpose", [t3], [sample([2, 3, 4])], one: { $0[0].dimshuffle(2, nil, 0, 1) }),
        ShapeCase("Reshape constant", [t3], [sample([2, 3, 4])], one: { $0[0].reshape([4, 6]) }),
        ShapeCase("Reshape -1", [t3], [sample([2, 3, 4])], one: { $0[0].reshape([-1, 3, 2]) }),
        ShapeCase("Reshape symbolic -1", [t3, k], [sample([2, 3, 4]), int(-1)], one: { $0[0].reshape([$0[1], constant(Int64(4))]) }),
        ShapeCase("Reshape symbolic size", [t3, k], [sample([2, 3, 4]), int(6)], one: { $0[0].reshape([$0[1], constant(Int64(-1))]) }),
        ShapeCase("Rebroadcast", [m], [sample([1, 4])], one: { Rebroadcast(pattern: [true, false])($0[0]) }),
        ShapeCase("BroadcastGuard", [m, row], [sample([3, 4]), sample([1, 4])], one: { BroadcastGuard(patterns: [[false, false], [true, false]])($0[0], $0[1]) }),
        ShapeCase("Alloc", [s, k], [NDArray(scalar: 2.0), int(3)], one: { alloc($0[0], $0[1], 4) }),
        ShapeCase("ARange constant", [], [], one: { _ in arange(2, 11, 3) }),
        ShapeCase("ARange symbolic", [k, j], [int(-9), int(-2)], one: { arange(constant(Int64(1)), $0[0], $0[1]) }),
        ShapeCase("ARange float", [s], [NDArray(scalar: 2.5)], one: { arange($0[0]) }),
        ShapeCase("ARange empty", [k], [int(-4)], one: { arange($0[0]) }),
        ShapeCase("Eye", [k, j], [int(3), int(5)], one: { eye($0[0], m: $0[1], k: 1) }),
        ShapeCase("Join", [m, n], [sample([2, 3]), sample([4, 3])], one: { concatenate([$0[0], $0[1]], axis: 0) }),
        ShapeCase("Join axis 1", [m, n], [sample([2, 3]), sample([2, 5])], one: { concatenate([$0[0], $0[1], $0[0]], axis: 1) }),
        ShapeCase("SpecifyShape", [m], [sample([2, 3])], one: { specifyShape($0[0], [2, nil]) }),
        ShapeCase("Print", [m], [sample([2, 3])], one: { Print("x", to: PrintDestination { _ in })($0[0]) }),
        // Elementwise, reductions, products.
        ShapeCase("Elemwise", [m, row], [sample([3, 4]), sample([1, 4])], one: { $0[0] ** 2 + $0[1] }),
        ShapeCase("Elemwise broadcast first", [row, m], [sample([1, 4]), sample([3, 4])], one: { $0[0] * $0[1] }),
        ShapeCase("Elemwise built by a rewrite", [m, n], [sample([1, 4]), sample([3, 4])], one: { Elemwise(.add)($0[0], $0[1]) }),
        ShapeCase("SumOfElemwise", [m], [sample([3, 4])], one: { SumOfElemwise(Elemwise(.exp), Reduce(.sum, axes: [0]))($0[0]) }),
        ShapeCase("Reduce", [t3], [sample([2, 3, 4])], one: { $0[0].max(axes: [0, 2]) }),
        ShapeCase("ArgReduce axis", [t3], [sample([2, 3, 4])], one: { ArgReduce(isMax: true, axis: 1)($0[0]) }),
        ShapeCase("ArgReduce flat", [t3], [sample([2, 3, 4])], one: { ArgReduce(isMax: false, axis: nil)($0[0]) }),
        ShapeCase("Dot matrix matrix", [m, n], [sample([2, 3]), sample([3, 5])], one: { dot($0[0], $0[1]) }),
        ShapeCase("Dot matrix vector", [m, v], [sample([2, 3]), sample([3])], one: { dot($0[0], $0[1]) }),
        ShapeCase("Dot vector vector", [v, w], [sample([3]), sample([3])], one: { dot($0[0], $0[1]) }),
        ShapeCase("Dot tensor3 matrix", [t3, m], [sample([2, 3, 4]), sample([4, 5])], one: { dot($0[0], $0[1]) }),
        ShapeCase("Gemm", [m, n, dmatrix("c")], [sample([2, 3]), sample([3, 4]), sample([2, 4])], one: { Gemm(alpha: 2, beta: 1)($0[2], $0[0], $0[1]) }),
        // NNet.
        ShapeCase("Softmax", [m], [sample([3, 4])], one: { softmax($0[0]) }),
        ShapeCase("LogSoftmax", [m], [sample([3, 4])], one: { logSoftmax($0[0]) }),
        ShapeCase("SoftmaxGrad", [m, n], [sample([3, 4]), sample([3, 4], 1)], one: { SoftmaxGrad(axis: 1)($0[0], softmax($0[1])) }),
        ShapeCase("CrossentropyCategorical1Hot", [m, labels], [probabilities, ints([1, 0, 0])], one: { CrossentropyCategorical1Hot()($0[0], $0[1]) }),
        ShapeCase("CrossentropyCategorical1HotGrad", [v, m, labels], [sample([3]), probabilities, ints([1, 0, 0])],
                  one: { CrossentropyCategorical1HotGrad()($0[0], $0[1], $0[2]) }),
        ShapeCase("CrossentropySoftmax1Hot", [m, labels], [sample([3, 4]), ints([1, 3, 0])], one: { CrossentropySoftmax1Hot()($0[0], $0[1]) }),
        ShapeCase("OneHot", [labels, k], [ints([1, 3, 0]), int(5)], one: { OneHot()($0[0], $0[1]) }),
        ShapeCase("Pool2D ignore border", [t4], [sample([2, 3, 7, 6])], one: { pool2d($0[0], ws: (2, 3)) }),
        ShapeCase("Pool2D padded", [t4], [sample([1, 2, 5, 5])], one: { pool2d($0[0], ws: (3, 3), stride: (2, 1), pad: (1, 1), mode: .averageIncPad) }),
        ShapeCase("Pool2D keep border", [t4], [sample([1, 2, 7, 5])], one: { pool2d($0[0], ws: (2, 3), ignoreBorder: false) }),
        ShapeCase("Pool2D keep border, overlapping", [t4], [sample([1, 1, 7, 6])], one: { pool2d($0[0], ws: (3, 3), ignoreBorder: false, stride: (2, 1)) }),
        ShapeCase("Pool2D empty", [t4], [sample([1, 1, 0, 4])], one: { pool2d($0[0], ws: (2, 2), ignoreBorder: false) }),
        ShapeCase("Pool2DGrad", [t4], [sample([1, 2, 4, 4])], one: { x in
            let z = pool2d(x[0], ws: (2, 2))
            return Pool2DGrad(pool: z.owner!.op as! Pool2D)(x[0], z, z)
        }),
        ShapeCase("MaxPoolGradGrad", [t4], [sample([1, 2, 5, 4])], one: { x in
            let z = pool2d(x[0], ws: (2, 2), ignoreBorder: false)
            return MaxPoolGradGrad(pool: z.owner!.op as! Pool2D)(x[0], z, x[0])
        }),
        ShapeCase("Conv2D valid", [t4, f4], [sample([2, 3, 7, 6]), sample([4, 3, 3, 2])], one: { conv2d($0[0], $0[1]) }),
        ShapeCase("Conv2D full", [t4, f4], [sample([1, 2, 5, 5]), sample([3, 2, 3, 2])], one: { conv2d($0[0], $0[1], borderMode: .full) }),
        ShapeCase("Conv2D half, strided", [t4, f4], [sample([1, 2, 7, 6]), sample([3, 2, 3, 3])], one: { conv2d($0[0], $0[1], borderMode: .half, subsample: (2, 3)) }),
        ShapeCase("Conv2D explicit, dilated", [t4, f4], [sample([1, 2, 9, 8]), sample([2, 2, 3, 2])],
                  one: { conv2d($0[0], $0[1], borderMode: .explicit(1, 2), filterDilation: (2, 3)) }),
        ShapeCase("Conv2DGradInputs", [t4, f4], [sample([1, 2, 5, 5]), sample([3, 2, 3, 3])], one: { x in
            let z = conv2d(x[0], x[1])
            return Conv2DGradInputs(settings: (z.owner!.op as! Conv2D).settings)(x[1], z, x[0])
        }),
        ShapeCase("Conv2DGradWeights", [t4, f4], [sample([1, 2, 5, 5]), sample([3, 2, 3, 3])], one: { x in
            let z = conv2d(x[0], x[1])
            return Conv2DGradWeights(settings: (z.owner!.op as! Conv2D).settings)(x[0], z, x[1])
        }),
        // Indexing.
        ShapeCase("Subtensor index and slice", [t3], [sample([4, 5, 2])], one: { $0[0][1, .slice(1, nil)] }),
        ShapeCase("Subtensor negative bounds", [m], [sample([6, 5])], one: { $0[0][.slice(-4, -1), .slice(nil, nil, -2)] }),
        ShapeCase("Subtensor out-of-range bounds", [m], [sample([6, 5])], one: { $0[0][.slice(2, 40), .slice(-30, 2)] }),
        ShapeCase("Subtensor reversed", [v], [sample([7])], one: { $0[0][.slice(5, 1, -3)] }),
        ShapeCase("Subtensor symbolic", [m, k, j], [sample([6, 5]), int(-5), int(2)], one: { x in x[0][.slice(x[1], nil, x[2])] }),
        ShapeCase("Subtensor symbolic negative step", [m, k, j], [sample([6, 5]), int(4), int(-3)], one: { x in x[0][.slice(x[1], nil, x[2])] }),
        ShapeCase("IncSubtensor", [m, v], [sample([3, 4]), sample([4])], one: { incSubtensor($0[0][1], $0[1]) }),
        ShapeCase("AdvancedSubtensor1", [m, idx], [sample([3, 4]), ints([2, 0, 2, 1, 1])], one: { $0[0][$0[1]] }),
        ShapeCase("AdvancedIncSubtensor1", [m, idx, v], [sample([3, 4]), ints([2, 0]), sample([4])], one: { setSubtensor($0[0][$0[1]], $0[2]) }),
        // Random streams.
        ShapeCase("RandomDraw", [], [], { _ in
            let draw = RandomStreams(seed: 3).normal(size: [2, 5])
            return draw.owner!.outputs
        }),
        // Linear algebra.
        ShapeCase("MatMul broadcast", [t3, m], [sample([2, 3, 4]), sample([4, 5])], one: { matmul($0[0], $0[1]) }),
        ShapeCase("MatMul batch", [TensorType(.float64, [true, false, false])("b3"), dtensor3("u")], [sample([1, 3, 4]), sample([6, 4, 2])], one: { matmul($0[0], $0[1]) }),
        ShapeCase("Cholesky", [m], [spd(3)], one: { cholesky($0[0]) }),
        ShapeCase("MatrixInverse", [t3], [spd(3, batch: [2])], one: { matrixInverse($0[0]) }),
        ShapeCase("Det", [t3], [spd(3, batch: [2])], one: { det($0[0]) }),
        ShapeCase("SLogDet", [m], [spd(3)], { x in let (sign, value) = slogdet(x[0]); return [sign, value] }),
        ShapeCase("Adjugate", [m], [spd(3)], one: { Adjugate()($0[0]) }),
        ShapeCase("Eig", [m], [spd(3)], { x in let (values, vectors) = eig(x[0]); return [values, vectors] }),
        ShapeCase("Eigh", [t3], [spd(3, batch: [2])], { x in let (values, vectors) = eigh(x[0]); return [values, vectors] }),
        ShapeCase("Eigh generalized", [m, n], [spd(3), spd(3)], { x in let (values, vectors) = eigh(x[0], x[1]); return [values, vectors] }),
        ShapeCase("Eigvalsh", [m], [spd(4)], one: { eigvalsh($0[0]) }),
        ShapeCase("SVD full", [m], [sample([4, 3])], { x in let (u, s, vt) = svd(x[0]); return [u, s, vt] }),
        ShapeCase("SVD reduced", [t3], [sample([2, 3, 5])], { x in let (u, s, vt) = svd(x[0], fullMatrices: false); return [u, s, vt] }),
        ShapeCase("SVD values", [m], [sample([3, 5])], one: { svdvals($0[0]) }),
        ShapeCase("QR reduced", [m], [sample([5, 3])], { x in let (q, r) = qr(x[0]); return [q, r] }),
        ShapeCase("QR complete", [m], [sample([5, 3])], { x in let (q, r) = qr(x[0], mode: .complete); return [q, r] }),
        ShapeCase("QR r", [m], [sample([3, 5])], one: { qrR($0[0]) }),
        ShapeCase("RuntimeCheck", [m, dscalar("c")], [sample([2, 3]), NDArray(scalar: 1.0)], one: { RuntimeCheck(message: "no")($0[0], gt($0[1], 0)) }),
        ShapeCase("TriangularPart", [m], [sample([3, 4])], one: { tril($0[0], k: 1) }),
        ShapeCase("ExtractDiag", [t3], [sample([3, 4, 5])], one: { extractDiag($0[0], offset: 1, axis1: 0, axis2: 2) }),
        ShapeCase("ExtractDiag below", [m], [sample([5, 3])], one: { extractDiag($0[0], offset: -3) }),
        ShapeCase("ExtractDiag off the matrix", [m], [sample([2, 3])], one: { extractDiag($0[0], offset: 5) }),
        ShapeCase("DiagonalScatter", [m, v], [sample([3, 4]), sample([3])], one: { DiagonalScatter(offset: 0, axis1: 0, axis2: 1)($0[0], $0[1]) }),
        ShapeCase("AllocDiag", [m], [sample([2, 3])], one: { allocDiag($0[0], offset: -2, axis1: 0, axis2: 2) }),
        ShapeCase("MatrixPinv", [t3], [sample([2, 3, 5])], one: { pinv($0[0]) }),
        ShapeCase("Expm", [m], [sample([3, 3])], one: { expm($0[0]) }),
        ShapeCase("Solve", [m, v], [spd(3), sample([3])], one: { solve($0[0], $0[1]) }),
        ShapeCase("Solve batch broadcast", [t3, m], [spd(3, batch: [2]), sample([3, 2])], one: { solve($0[0], $0[1]) }),
        ShapeCase("SolveTriangular", [m, n], [spd(3), sample([3, 2])], one: { solveTriangular($0[0], $0[1], lower: true) }),
        ShapeCase("CholeskySolve", [m, n], [spd(3), sample([3, 4])], one: { choSolve(cholesky($0[0]), $0[1]) }),
    ]
    cases.append(ShapeCase("Softmax axis 0", [t3], [sample([2, 3, 4])], one: { softmax($0[0], axis: 0) }))
    // ifelse: each branch's shape from the shapes it reads, chosen by the condition; neither branch runs.
    cases.append(ShapeCase("IfElse then", [s, m, n], [NDArray(scalar: 1.0), sample([3, 4]), sample([2, 2])], { x in
        try! ifelse(gt(x[0], 0), [exp(x[1]), x[2]], [x[1][.slice(1, nil)], concatenate([x[2], x[2]])])
    }))
    cases.append(ShapeCase("IfElse else", [s, m, n], [NDArray(scalar: -1.0), sample([3, 4]), sample([2, 2])], { x in
        try! ifelse(gt(x[0], 0), [exp(x[1]), x[2]], [x[1][.slice(1, nil)], concatenate([x[2], x[2]])])
    }))
    // scan: nSteps rows of each step's shape, a state's from its initial state; the loop does not run.
    cases.append(ShapeCase("Scan", [v, m], [sample([3]), sample([4, 3])], { x in
        try! scan({ s in [s[0] * s[1], concatenate([s[0], s[1]])] }, sequences: [x[1]], outputsInfo: [ScanOutput(initial: x[0]), nil]).outputs
    }))
    // The backward loop of a scan: one gradient per scan input, each of that input's shape.
    cases.append(ShapeCase("ScanGrad", [v, m], [sample([3]), sample([4, 3])], { x in
        let (results, _) = try! scan({ s in [s[0] * s[1] + s[2]] }, sequences: [x[1]], outputsInfo: [ScanOutput(initial: x[0])], nonSequences: [x[0]])
        let g = try! grad(results[0].sum(), wrt: [x[0], x[1]])
        return GraphWalk.topologicalNodes(outputs: g).first { $0.op is ScanGrad }!.outputs
    }))
    return cases
}()

@Suite struct ShapeFeatureTests {
    /// Each op's `inferShape`, evaluated without optimization, gives the shapes `perform` gives; and
    /// the optimized `shape` of each output gives them too, without running the op.
    @Test(arguments: shapeCases)
    fileprivate func inferShapeMatchesTheComputedShape(_ c: ShapeCase) throws {
        let node = try #require(c.outputs[0].owner)
        #expect(c.outputs.allSatisfy { $0.owner === node }, "one node")
        let actual = try function(c.inputs, c.outputs, mode: .reference, onUnusedInput: .ignore).call(c.values).map(\.shape)
        let inferred = try #require(node.op.inferShape(node.inputs, node.inputs.map(SymbolicShape.of)), "\(node.op) infers no shape")
        #expect(inferred.count == node.outputs.count)
        #expect(zip(inferred, c.outputs).allSatisfy { $0.count == $1.ndim }, "one size per dimension")
        let sizes = inferred.flatMap { $0 }.map(SymbolicShape.int64)
        let evaluated = try function(c.inputs, sizes, mode: .reference, onUnusedInput: .ignore).call(c.values).map { Int($0.item(as: Int64.self)) }
        var next = 0
        for (k, shape) in actual.enumerated() {
            let mine = Array(evaluated[next..<(next + shape.count)])
            next += shape.count
            #expect(mine == shape, "output \(k): inferShape says \(mine), perform gives \(shape)")
        }
        // Optimized: the shapes without the op (and without a random stream's default update, which
        // would run a draw for its own sake).
        let f = try function(c.inputs, c.outputs.map(\.shape), onUnusedInput: .ignore, noDefaultUpdates: true)
        let fast = try f.call(c.values).map { $0.scalars(as: Int64.self).map(Int.init) }
        #expect(fast == actual, "optimized shape \(fast), perform gives \(actual)")
        let opName = "\(node.op)"
        #expect(!f.graph.toposort.contains { "\($0.op)" == opName }, "the shape graph still runs \(opName): \(f.graph.toposort.map { "\($0.op)" })")
    }

    @Test func opsThatCannotTellWithoutRunningSaySo() throws {
        let v = dvector("v"), a = dmatrix("a"), b = dvector("b")
        let positions = v[gt(v, 0)]
        let maskNode = try #require(positions.owner?.inputs[1].owner)
        #expect(maskNode.op is MaskPositions)
        #expect(maskNode.op.inferShape(maskNode.inputs, maskNode.inputs.map(SymbolicShape.of)) == nil)
        // The shape is still right: it runs the op.
        let f = try function([v], positions.shape)
        #expect(try f([1.0, -2.0, 3.0, 4.0]).scalars(as: Int64.self) == [3])
        #expect(f.graph.toposort.contains { $0.op is MaskPositions })
        // An ifelse branch whose size needs a value computed in the branch: the ifelse runs.
        let chosen = try ifelse(gt(v.sum(), 0), positions, v)
        let choiceNode = try #require(chosen.owner)
        #expect(choiceNode.op.inferShape(choiceNode.inputs, choiceNode.inputs.map(SymbolicShape.of)) == nil)
        #expect(try function([v], chosen.shape)([1.0, -2.0, 3.0, 4.0]).scalars(as: Int64.self) == [3])
        let lstsqNode = try #require(lstsq(a, b).x.owner)
        #expect(lstsqNode.op.inferShape(lstsqNode.inputs, lstsqNode.inputs.map(SymbolicShape.of)) == nil)
    }

    @Test func theShapeOfAPowerDoesNotComputeThePower() throws {
        let x = dmatrix("x")
        let f = try function([x], (x ** 2).shape)
        #expect(!f.graph.toposort.contains { ($0.op as? Elemwise)?.scalarOp == .pow || ($0.op as? Elemwise)?.scalarOp == .sqr })
        #expect(f.graph.toposort.allSatisfy { $0.op is ShapeOp || $0.op is ShapeI || $0.op is MakeVector }, "\(f.graph.toposort.map(\.op))")
        #expect(try f(sample([3, 4])).scalars(as: Int64.self) == [3, 4])
        let g = try function([x], (x ** 2).shape[1])
        #expect(g.graph.toposort.map { "\($0.op)" } == ["Shape_i{1}"])
        #expect(try g(sample([3, 4])).item(as: Int64.self) == 4)
    }

    @Test func theShapeOfAConcatenateAddsSizesWithoutJoining() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let joined = concatenate([exp(a), b, a], axis: 0)
        let f = try function([a, b], joined.shape)
        #expect(!f.graph.toposort.contains { $0.op is Join || $0.op is Elemwise && ($0.op as! Elemwise).scalarOp == .exp })
        #expect(try f(sample([2, 3]), sample([4, 3])).scalars(as: Int64.self) == [8, 3])
    }

    @Test func shapesAfterOptimizationEqualTheUnoptimizedRun() throws {
        let a = dmatrix("a"), b = dmatrix("b"), w = dmatrix("w"), i = lscalar("i")
        let h = tanh(dot(concatenate([a, b], axis: 0), w)).T
        let y = softmax(h[.all, .slice(1, nil)].reshape([-1, 5]))
        let outputs = [h.shape, y.shape, y.shape[0], h[i].shape, (h.sum(axis: 0) + 1).shape, arange(h.shape[1]).shape]
        let args: [any NDArrayConvertible] = [sample([2, 3]), sample([4, 3]), sample([3, 5]), NDArray(scalar: Int64(-2))]
        let optimized = try function([a, b, w, i], outputs)
        let plain = try function([a, b, w, i], outputs, mode: Mode.none)
        #expect(try optimized.call(args) == plain.call(args))
        // None of the optimized outputs needs the product, the join, the tanh or the softmax.
        #expect(!optimized.graph.toposort.contains { $0.op is Dot || $0.op is Join || $0.op is Softmax || $0.op is Gemm })
    }

    /// Theano's documented consequence: a shape computed this way does not run the op, so it does not
    /// check what the op would have checked.
    @Test func aShapeComputedWithoutTheOpDoesNotCheckWhatTheOpChecks() throws {
        let x = dvector("x"), y = dvector("y")
        let sum = x + y
        #expect(throws: TheanoError.self) { try function([x, y], sum)([1.0, 2, 3], [1.0, 2]) }
        // The shape is x's: the mismatch goes unnoticed.
        #expect(try function([x, y], sum.shape)([1.0, 2, 3], [1.0, 2]).scalars(as: Int64.self) == [3])
        let a = dmatrix("a"), b = dmatrix("b")
        #expect(throws: TheanoError.self) { try function([a, b], dot(a, b))(sample([2, 3]), sample([4, 5])) }
        #expect(try function([a, b], dot(a, b).shape)(sample([2, 3]), sample([4, 5])).scalars(as: Int64.self) == [2, 5])
        let checked = specifyShape(a, [2, 3])
        #expect(throws: TheanoError.self) { try function([a], checked)(sample([4, 4])) }
        #expect(try function([a], checked.shape)(sample([4, 4])).scalars(as: Int64.self) == [2, 3])
        // FAST_COMPILE has no shape rewrites: its shape runs the op, which checks.
        #expect(throws: TheanoError.self) { try function([x, y], sum.shape, mode: .fastCompile)([1.0, 2, 3], [1.0, 2]) }
    }

    @Test func aReshapeToTheShapeItAlreadyHasIsRemovedWhenTheSizesAreWrittenAnotherWay() throws {
        let x = dmatrix("x")
        // exp(x) has x's shape, so this reshape changes nothing.
        let r = exp(x).reshape([x.shape[0], x.shape[1]])
        let f = try function([x], r)
        #expect(!f.graph.toposort.contains { $0.op is Reshape })
        #expect(try f(sample([2, 3])) == function([x], r, mode: Mode.none)(sample([2, 3])))
    }

    /// A value the function computes anyway gives its shape for free: reading it adds no arithmetic,
    /// and its op checks as it runs.
    @Test func theShapeOfAValueComputedAnywayIsReadFromIt() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let joined = concatenate([a, b])
        let f = try function([a, b], [joined * 2, joined.shape])
        #expect(f.graph.toposort.contains { $0.op is Join } && f.graph.toposort.contains { $0.op is ShapeOp })
        #expect(!f.graph.toposort.contains { ($0.op as? Elemwise)?.scalarOp == .add })
        #expect(try f.call([sample([2, 3]), sample([1, 3])])[1].scalars(as: Int64.self) == [3, 3])
        #expect(throws: TheanoError.self) { try f.call([sample([2, 3]), sample([1, 4])]) }
    }

    /// A training step's gradient reads the shapes of values its forward pass computes (the flattened
    /// pooled maps, the number of costs averaged): the shape rewrites must not replace those free reads
    /// with size arithmetic.
    @Test func aTrainingGraphGetsNoLargerFromTheShapeRewrites() throws {
        let x = dtensor4("x"), y = lvector("y")
        let filters = shared(sample([4, 1, 3, 3]), name: "filters"), w = shared(sample([36, 3]), name: "w")
        let h = pool2d(relu(conv2d(x, filters)), ws: (2, 2), ignoreBorder: false)
        let cost = categoricalCrossentropy(softmax(dot(h.flatten(outdim: 2), w)), y).mean()
        let g = try grad(cost, wrt: [filters, w])
        let updates = [(filters, filters - 0.1 * g[0]), (w, w - 0.1 * g[1])]
        let with = try function([x, y], cost, updates: updates)
        let without = try function([x, y], cost, updates: updates, mode: Mode.fastRun.excluding("shape"))
        #expect(with.graph.toposort.count <= without.graph.toposort.count,
                "\(with.graph.toposort.map { "\($0.op)" }) vs \(without.graph.toposort.map { "\($0.op)" })")
        let batch = sample([2, 1, 7, 7]), labels = NDArray([Int64(0), 2], shape: [2])
        // The gradients agree (compared without the updates, which both functions would apply).
        let gradients = try function([x, y], g).call([batch, labels])
        let plainGradients = try function([x, y], g, mode: Mode.fastRun.excluding("shape")).call([batch, labels])
        #expect(zip(gradients, plainGradients).allSatisfy { close($0.doubles, $1.doubles, tolerance: 1e-12) })
    }

    @Test func aShapeStaysAnErrorWhenTheIndexIsOutOfRange() throws {
        let x = dmatrix("x")
        let f = try function([x], exp(x).shape[5])
        let error = try #require(throws: TheanoError.self) { try f(sample([2, 3])) }
        #expect(error.kind == .indexOutOfRange)
    }
}

@Suite struct MakeVectorTests {
    @Test func gathersScalarsIntoAVector() throws {
        let a = lscalar("a"), b = iscalar("b"), x = dscalar("x"), y = dscalar("y")
        let f = try function([a, b], makeVector([a, b]))
        let v = try f(Int64(3), Int32(-4))
        #expect(v.dtype == .int64 && v.scalars(as: Int64.self) == [3, -4])
        let g = try function([x, y], makeVector([x, y]) * 2, mode: Mode.none)
        #expect(try g(1.5, 2.5) == NDArray([3.0, 5.0]))
        #expect(pp(makeVector([a, b])) == "[a, int64(b)]")
    }

    @Test func gradientReachesEachScalar() throws {
        try verifyGrad({ (makeVector([$0[0], $0[1] * 3]) ** 2).sum() }, at: [NDArray(scalar: 0.7), NDArray(scalar: -1.3)])
    }
}

@Suite struct SpecifyShapeTests {
    @Test func passesTheValueThroughWhenTheShapeMatches() throws {
        let x = dmatrix("x")
        let f = try function([x], specifyShape(x, [2, nil]) * 2)
        #expect(try f([[1.0, 2, 3], [4, 5, 6]]) == NDArray([[2.0, 4, 6], [8, 10, 12]]))
        #expect(try f([[1.0], [4]]) == NDArray([[2.0], [8]]))
        let n = lscalar("n")
        let g = try function([x, n], x.specifyShape([nil, 3]).sum() + specifyShape(x, [n, nil]).sum())
        #expect(try g([[1.0, 2, 3]], Int64(1)).item(as: Double.self) == 12)
    }

    @Test func aMismatchThrowsNamingTheOpExpectedAndGiven() throws {
        let x = dmatrix("x"), n = lscalar("n")
        let f = try function([x], specifyShape(x, [2, 3]))
        let error = try #require(throws: TheanoError.self) { try f(sample([2, 4])) }
        #expect(error.kind == .shapeMismatch)
        #expect(error.message.contains("SpecifyShape") && error.message.contains("expected shape (2, 3)") && error.message.contains("[2, 4]"), "\(error.message)")
        let g = try function([x, n], specifyShape(x, [nil, n]))
        let symbolic = try #require(throws: TheanoError.self) { try g(sample([2, 4]), Int64(5)) }
        #expect(symbolic.message.contains("expected shape (None, 5)"), "\(symbolic.message)")
        // A mismatched constant is not folded away at compile time: the call throws.
        let c = try function([], specifyShape(constant(sample([2, 2])), [3, nil]))
        #expect(throws: TheanoError.self) { try c() }
    }

    @Test func theShapeFeatureReadsTheSpecifiedShape() throws {
        let x = dmatrix("x"), n = lscalar("n")
        let f = try function([x, n], specifyShape(exp(x), [n, constant(Int64(3))]).shape)
        #expect(!f.graph.toposort.contains { $0.op is Elemwise && ($0.op as! Elemwise).scalarOp == .exp })
        #expect(try f(sample([4, 3]), Int64(4)).scalars(as: Int64.self) == [4, 3])
        #expect(pp(specifyShape(x, [2, nil])) == "specifyShape(x, (2, None))")
    }

    @Test func checksOnEveryBackend() throws {
        let x = dmatrix("x")
        for mode in [Mode.fastRun, .fastCompile, .reference, .none, .debug] {
            let f = try function([x], exp(specifyShape(x, [1, 2])), mode: mode)
            #expect(try f([[0.0, 0.0]]) == NDArray([[1.0, 1.0]]), "\(mode)")
            #expect(throws: TheanoError.self, "\(mode)") { try f([[0.0, 0.0, 0.0]]) }
        }
    }

    @Test func gradientPassesThrough() throws {
        try verifyGrad({ specifyShape(exp($0[0]), [2, 3]).sum() }, at: [sample([2, 3])])
        let x = dvector("x")
        let g = try function([x], try grad((specifyShape(x, [3]) ** 2).sum(), wrt: x))
        #expect(try g([1.0, 2, 3]) == NDArray([2.0, 4, 6]))
    }
}

/// Collects the lines a `Print` node writes.
private final class Lines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    lazy var destination = PrintDestination { [unowned self] line in self.lock.withLock { self.lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite struct PrintOpTests {
    @Test func printsTheValueEachCallAndReturnsItUnchanged() throws {
        let out = Lines()
        let x = dvector("x")
        let f = try function([x], Print("x is", to: out.destination)(x) * 2)
        #expect(try f([1.0, 2.0]) == NDArray([2.0, 4.0]))
        #expect(try f([3.0]) == NDArray([6.0]))
        #expect(out.all == ["x is __str__ = [1. 2.]", "x is __str__ = [3.]"])
    }

    @Test func attributesPrintOneLineEach() throws {
        let out = Lines()
        let m = dmatrix("m")
        let f = try function([m], printing(m, message: "m", attributes: [.shape, .dtype, .size, .minAndMax], to: out.destination).sum())
        #expect(try f([[1.0, -2, 3], [4, 5, 6]]).item(as: Double.self) == 17)
        #expect(out.all == ["m shape = (2, 3)", "m dtype = float64", "m size = 6", "m min_max = [-2.0, 6.0]"])
    }

    @Test func aConstantIsPrintedWhenTheFunctionRunsNotWhenItCompiles() throws {
        let out = Lines()
        let f = try function([], Print("c", to: out.destination)(constant(NDArray([1.0, 2.0]))) + 1)
        #expect(out.all.isEmpty)
        _ = try f(); _ = try f()
        #expect(out.all.count == 2)
        #expect(f.graph.toposort.contains { $0.op is Print })
    }

    @Test func isNotFusedMergedWronglyOrRemoved() throws {
        let out = Lines()
        let x = dvector("x")
        let a = Print("a", to: out.destination)(x), b = Print("b", to: out.destination)(x), again = Print("a", to: out.destination)(x)
        let f = try function([x], exp(a) + exp(b) * exp(again))
        #expect(try f([0.0]) == NDArray([2.0]))
        // The two identical prints merge (as in Theano); the different message stays its own node.
        #expect(out.all.sorted() == ["a __str__ = [0.]", "b __str__ = [0.]"])
        #expect(f.graph.toposort.filter { $0.op is Print }.count == 2)
        // Its shape does not print: the shape comes from the input.
        let before = out.all.count
        _ = try function([x], a.shape)([1.0, 2.0])
        #expect(out.all.count == before)
    }

    @Test func printsOnEveryBackend() throws {
        let x = dvector("x")
        for mode in [Mode.fastRun, .fastCompile, .reference, .none] {
            let out = Lines()
            let f = try function([x], tanh(Print("v", to: out.destination)(x + 1)), mode: mode)
            #expect(try f([0.0]) == NDArray([Foundation.tanh(1.0)]))
            #expect(out.all == ["v __str__ = [1.]"], "\(mode)")
        }
    }

    /// DebugMode runs the optimized graph and the graph as written, so each print shows twice.
    @Test func debugModePrintsTwice() throws {
        let out = Lines()
        let x = dvector("x")
        let f = try function([x], exp(Print("v", to: out.destination)(x)), mode: .debug)
        #expect(try f([0.0]) == NDArray([1.0]))
        #expect(out.all == ["v __str__ = [0.]", "v __str__ = [0.]"])
    }

    @Test func theInputIsNotOverwrittenThroughThePrintedView() throws {
        let out = Lines()
        let x = dvector("x")
        let a = x * 2
        let shown = Print("a", to: out.destination)(a)
        // exp may run in place over a dead buffer, but `a` is read again after it.
        let f = try function([x], [exp(shown), a + 1])
        let results = try f.call([NDArray([0.0, 1.0])])
        #expect(results[1] == NDArray([1.0, 3.0]))
        #expect(out.all == ["a __str__ = [0. 2.]"])
    }

    @Test func gradientPassesThroughWithoutPrinting() throws {
        let out = Lines()
        try verifyGrad({ (Print("g", to: out.destination)($0[0]) ** 2).sum() }, at: [sample([3])])
        let x = dvector("x")
        let g = try function([x], try grad((Print("g", to: out.destination)(x) ** 2).sum(), wrt: x))
        #expect(try g([1.0, 2.0]) == NDArray([2.0, 4.0]))
    }

    @Test func prettyPrintShowsTheMessage() {
        let x = dvector("x")
        #expect(pp(Print("hello", to: PrintDestination { _ in })(x) + 1) == "(Print{hello}(x) + 1)")
    }
}

@Suite struct FillPrintingTests {
    /// Theano's tutorial: `pp(T.grad(x ** 2, x))`.
    @Test func theGradientOfASquarePrintsAsTheTutorialQuotes() throws {
        let x = dscalar("x")
        let gy = try grad(x ** 2, wrt: x)
        #expect(pp(gy) == "((fill((x ** 2), 1.0) * 2) * (x ** (2 - 1)))")
        // debugprint keeps the op's name, as Theano's does.
        #expect(debugprint(fill(x, 1.0)).hasPrefix("Elemwise{second}"))
    }
}
