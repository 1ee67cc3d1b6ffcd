import Foundation
import Theano

// Figures the issues ask for beyond WORKLOADS.md: optimizer cost (C1, C2), a convolution layer (N1)
// and backpropagation through a 1,000-step scan (N2). No peer figures exist for these.

/// C1: grad of a 10-layer MLP, then building the function (optimizer and linker) from it.
func compileTenLayerMLP() throws {
    let width = 256, depth = 10
    var g = SplitMix64(seed: 11)
    var params: [SharedVariable] = []
    for i in 0..<depth {
        let w = NDArray((0..<width * width).map { _ in Float(g.nextGaussian() * 0.06) }, shape: [width, width])
        params.append(shared(w, name: "W\(i)"))
        params.append(shared(NDArray(zeros: [width], dtype: .float32), name: "b\(i)"))
    }
    let x = fmatrix("x"), y = ivector("y")
    var h = x
    for i in 0..<depth - 1 { h = relu(dot(h, params[2 * i]) + params[2 * i + 1]) }
    let loss = categoricalCrossentropy(softmax(dot(h, params[2 * depth - 2]) + params[2 * depth - 1]), y).mean()
    var grads: [TensorVariable] = []
    emit("C1", "grad_ms", try seconds { grads = try grad(loss, wrt: params) } * 1e3)
    var step: Function<NDArray>!
    let build = try seconds {
        step = try function([x, y], loss, updates: zip(params, grads).map { ($0, $0 - cast(0.01 * $1, .float32)) })
    }
    try check(step.graph.toposort.count > 0, "compiled graph is not empty")
    emit("C1", "optimize_ms", step.rewriteReport.totalSeconds * 1e3)
    emit("C1", "function_ms", build * 1e3)
    emit("C1", "nodes_after", Double(step.graph.toposort.count))
}

/// C2: optimizer time for graphs of about 1k, 10k and 100k nodes, to show how it scales.
///
/// Each block is `sum(exp(x * c) + log1p(x * x))`, with `x * x` shared after merging; the block sums
/// are added in a balanced tree so the graph is wide rather than deep.
func rewriteScaling() throws {
    for (label, target) in [("1k", 1_000), ("10k", 10_000), ("100k", 100_000)] {
        let x = dvector("x")
        let blocks = target / 7
        var sums: [TensorVariable] = (0..<blocks).map { i in (exp(x * (1 + Double(i) * 1e-4)) + log1p(x * x)).sum() }
        while sums.count > 1 {
            sums = stride(from: 0, to: sums.count, by: 2).map { $0 + 1 < sums.count ? sums[$0] + sums[$0 + 1] : sums[$0] }
        }
        let before = nodeCount(sums[0])
        var f: Function<NDArray>!
        let total = try seconds { f = try function([x], sums[0]) }
        let value = try f([0.5]).item()
        let expected = (0..<blocks).reduce(0.0) { $0 + Foundation.exp(0.5 * (1 + Double($1) * 1e-4)) + Foundation.log1p(0.25) }
        try check(near(value, expected, 1e-9), "value of the \(label) graph")
        emit("C2", "nodes_\(label)", Double(before))
        emit("C2", "optimize_ms_\(label)", f.rewriteReport.totalSeconds * 1e3)
        emit("C2", "function_ms_\(label)", total * 1e3)
    }
}

/// N1: a float32 convolution layer, 32×8×28×28 input and 16×8×3×3 filters, forward and forward+backward.
func convolutionLayer() throws {
    var g = SplitMix64(seed: 12)
    let input = NDArray((0..<32 * 8 * 28 * 28).map { _ in Float(g.nextGaussian()) }, shape: [32, 8, 28, 28])
    let filters = NDArray((0..<16 * 8 * 9).map { _ in Float(g.nextGaussian() * 0.1) }, shape: [16, 8, 3, 3])
    let x = ftensor4("x"), w = ftensor4("w")
    let out = conv2d(x, w, borderMode: .half)
    let cost = sqr(out).sum()
    let gs = try grad(cost, wrt: [x, w])
    let forward = try function([x, w], out)
    let both = try function([x, w], [cost, gs[0], gs[1]])
    let y = try forward(input, filters)
    try check(y.shape == [32, 16, 28, 28], "output shape")
    // One output element by hand: image 0, filter 0, centre (14, 14), with Theano's filter flip.
    let xv = input.doubles, wv = filters.doubles
    var expected = 0.0
    for c in 0..<8 { for i in 0..<3 { for j in 0..<3 {
        expected += xv[c * 784 + (13 + i) * 28 + 13 + j] * wv[c * 9 + (2 - i) * 3 + (2 - j)]
    } } }
    try check(near(y.doubles[14 * 28 + 14], expected, 1e-4), "one convolution output")
    let flop = 2.0 * 32 * 16 * 28 * 28 * 8 * 9
    let tf = try median(repeats: 5) { _ = try forward(input, filters) }
    emit("N1", "forward_ms", tf * 1e3)
    emit("N1", "forward_GFLOP_per_s", flop / tf / 1e9)
    let tb = try median(repeats: 5) { _ = try both(input, filters) }
    emit("N1", "forward_backward_ms", tb * 1e3)
}

/// N2: W9's RNN, forward and backward through all 1,000 steps (the gradient of the last state's sum).
func scanBackward() throws {
    let (steps, size) = (1000, 64)
    var g = SplitMix64(seed: 13)
    let wValue = NDArray((0..<size * size).map { _ in Float(g.nextGaussian() * 0.5 / 8) }, shape: [size, size])
    let xsValue = NDArray((0..<steps * size).map { _ in Float(g.nextGaussian()) }, shape: [steps, size])
    let W = fmatrix("W"), xs = fmatrix("xs"), h0 = fvector("h0")
    let (states, _) = try scan({ s in [tanh(dot(s[2], s[1]) + s[0])] }, sequences: [xs], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W])
    let cost = states[0][-1].sum()
    var f: Function<[NDArray]>!
    emit("N2", "compile_s", try seconds { f = try function([xs, h0, W], [cost, try grad(cost, wrt: W)]) })
    let h0Value = NDArray(zeros: [size], dtype: .float32)
    let r = try f(xsValue, h0Value, wValue)
    try check(r[1].shape == [size, size] && r[1].doubles.allSatisfy(\.isFinite), "finite gradient")
    emit("N2", "ms_per_run", try median(repeats: 5) { _ = try f(xsValue, h0Value, wValue) } * 1e3)
}

/// Apply nodes above `output`, counted without recursion.
func nodeCount(_ output: TensorVariable) -> Int {
    var seen = Set<ObjectIdentifier>(), stack = [output]
    while let v = stack.popLast() {
        guard let node = v.owner, seen.insert(ObjectIdentifier(node)).inserted else { continue }
        stack.append(contentsOf: node.inputs)
    }
    return seen.count
}

/// G1: a cheap, memory-bound chain, `((x·x + x)·0.5 − x)·x` over 10M float32, on the VM's block
/// interpreter and with its generated C kernel, which keeps every step in registers. Also how long a
/// function waits for its kernels (a compile, or a load when the cache has them).
func generatedCChain() throws {
    let x = fvector("x")
    let chain = ((x * x + x) * 0.5 - x) * x
    let n = 10_000_000
    let data = NDArray(randomArray(n, seed: 21, low: -2, high: 2), shape: [n]).astype(.float32)
    let d = data.scalars(as: Float.self)
    for (label, mode) in [("vm_only", Mode.fastRun.generatedC(.off)), ("generated_c", Mode.fastRun.generatedC(.background))] {
        let f = try function([x], chain, mode: mode)
        let wait = seconds { settle(f, "G1 \(label)") }
        if label == "generated_c" { emit("G1", "kernels_ready_ms", wait * 1e3) }
        let out = try f(data).scalars(as: Float.self)
        try check(stride(from: 0, to: n, by: 99_991).allSatisfy { i in
            let v = d[i]
            return out[i] == ((v * v + v) * 0.5 - v) * v
        }, "chain values")
        let t = try median(repeats: 7) { _ = try f(data) }
        emit("G1", "ms_per_call_\(label)", t * 1e3)
        emit("G1", "GB_per_s_\(label)", Double(8 * n) / t / 1e9)
    }
}
