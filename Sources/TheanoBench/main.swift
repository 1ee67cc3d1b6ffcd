import Foundation
import Theano

// The workloads of ../shared/bench/WORKLOADS.md. Each checks its result before it is timed, reports
// compile and run time separately, and takes the median of several repeats after a warm-up.

OptimizerProperty.runIfAsked()
DataParallelBench.runIfAsked()

struct Figure {
    let workload: String
    let metric: String
    let value: Double
}

nonisolated(unsafe) var figures: [Figure] = []
/// The one workload to run, when the command line names one.
enum Selection { static let only = CommandLine.arguments.dropFirst().first }

func emit(_ workload: String, _ metric: String, _ value: Double) {
    figures.append(Figure(workload: workload, metric: metric, value: value))
    print("peer=swift-theano workload=\(workload) metric=\(metric) value=\(String(format: "%.6g", value))")
    fflush(nil)  // the figures printed so far survive if a later workload fails
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(repeats: Int = 7, warmup: Int = 2, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    for _ in 0..<repeats { samples.append(try seconds(body)) }
    return samples.sorted()[samples.count / 2]
}

struct CheckFailed: Error, CustomStringConvertible { let description: String }
func check(_ condition: Bool, _ what: String) throws { if !condition { throw CheckFailed(description: "check failed: \(what)") } }
func near(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b)) }

func randomArray(_ count: Int, seed: UInt64, low: Double = -1, high: Double = 1) -> [Double] {
    var g = SplitMix64(seed: seed)
    return (0..<count).map { _ in low + (high - low) * g.nextUnit() }
}

// What this run uses (BLAS, vector math, CPU), as comments the peers' report script skips.
for line in BackendInfo.report.split(separator: "\n") { print("# \(line.trimmingCharacters(in: .whitespaces))") }

/// Compiles a function's generated C kernels before it is timed (a long-running program gets them after
/// its first hot calls) and says whether they are in use.
func settle<T>(_ f: Function<T>, _ what: String) {
    print("# \(what): generated C \(f.waitForGeneratedC())")
}

func run(_ id: String, onlyWhenNamed: Bool = false, _ body: () throws -> Void) {
    guard Selection.only == nil ? !onlyWhenNamed : Selection.only == id else { return }
    do { try body() } catch { print("peer=swift-theano workload=\(id) status=skip reason=\"\(error)\"") }
}

run("W1") {
    let a = dscalar("a"), b = dscalar("b")
    var f: Function<NDArray>!
    emit("W1", "compile_s", try seconds { f = try function([a, b], a + b) })
    try check(try f(1.5, 2.5).item() == 4.0, "1.5 + 2.5 = 4")
    let perBatch = try median(repeats: 10, warmup: 1) { for _ in 0..<10_000 { _ = try f(1.5, 2.5) } }
    emit("W1", "us_per_call", perBatch / 10_000 * 1e6)
}

run("W2") {
    let x = fvector("x"), target = fscalar("target")
    let W = shared([0.1, 0.25, 0.15, 0.3], name: "W")
    let y = (x * W).sum()
    let cost = sqr(target - y)
    var f: Function<NDArray>!
    emit("W2", "compile_s", try seconds { f = try function([x, target], y, updates: [(W, W - 0.1 * (try grad(cost, wrt: W)))]) })
    let input = NDArray([1, 1, 1, 1], dtype: .float32), t = NDArray(scalar: Float(100))
    let first = try (0..<3).map { _ in try f(input, t).item(as: Double.self) }
    try check(zip(first, [0.8, 80.16, 96.032]).allSatisfy { near($0, $1) }, "first outputs 0.8, 80.16, 96.032")
    let perBatch = try median(repeats: 7, warmup: 1) { for _ in 0..<10_000 { _ = try f(input, t) } }
    emit("W2", "us_per_call", perBatch / 10_000 * 1e6)
}

run("W3") {
    let x = dvector("x"), y = dscalar("y")
    func layer(_ x: TensorVariable, _ w: TensorVariable) -> TensorVariable { sigmoid(dot(w.T, concatenate([x, NDArray([1.0]).asTensor()]))) }
    var g = SplitMix64(seed: 7)
    let theta1 = shared(NDArray((0..<9).map { _ in g.nextUnit() }, shape: [3, 3]), name: "theta1")
    let theta2 = shared(NDArray((0..<4).map { _ in g.nextUnit() }, shape: [4, 1]), name: "theta2")
    let out = layer(layer(x, theta1), theta2).sum()
    let cost = (out - y) ** 2
    var step: Function<NDArray>!, forward: Function<NDArray>!
    emit("W3", "compile_s", try seconds {
        step = try function([x, y], cost, updates: [(theta1, theta1 - 0.1 * (try grad(cost, wrt: theta1))), (theta2, theta2 - 0.1 * (try grad(cost, wrt: theta2)))])
        forward = try function([x], out)
    })
    let inputs = [NDArray([0.0, 1.0]), NDArray([1.0, 0.0]), NDArray([1.0, 1.0]), NDArray([0.0, 0.0])]
    let targets = [1.0, 1.0, 0.0, 0.0].map { NDArray(scalar: $0) }
    let total = try seconds { for _ in 0..<10_000 { for k in 0..<4 { _ = try step(inputs[k], targets[k]) } } }
    try check(try (0..<4).allSatisfy { try forward(inputs[$0]).item(as: Double.self).rounded() == targets[$0].item(as: Double.self) }, "XOR learned")
    emit("W3", "total_s", total)
    emit("W3", "us_per_call", total / 40_000 * 1e6)
}

run("W4") {
    emit("W4", "copy_GB_per_s", MemoryBandwidth.copy)
    for dtype in [DType.float32, .float64] {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x")
        let suffix = dtype == .float32 ? "float32" : "float64"
        var f: Function<NDArray>!
        emit("W4", "compile_s", try seconds { f = try function([x], exp(sin(x ** 2))) })
        let vmOnly = try function([x], exp(sin(x ** 2)), mode: Mode.fastRun.generatedC(.off))
        let n = 10_000_000
        let data = NDArray(randomArray(n, seed: 4, low: -3, high: 3), shape: [n]).astype(dtype)
        for (g, label) in [(f!, ""), (vmOnly, "_vm_only")] {
            settle(g, "W4 \(suffix)\(label)")
            let sample = try g(data)
            let d = data.scalars(as: Double.self), s = sample.scalars(as: Double.self)
            try check(stride(from: 0, to: n, by: 99_991).allSatisfy { near(s[$0], Foundation.exp(Foundation.sin(d[$0] * d[$0])), dtype == .float32 ? 1e-5 : 1e-12) }, "exp(sin(x²)) values")
            let t = try median(repeats: 5, warmup: 1) { _ = try g(data) }
            emit("W4", "ms_per_call_\(suffix)\(label)", t * 1e3)
            if label.isEmpty {
                let rate = Double(2 * n * dtype.itemSize) / t / 1e9
                emit("W4", "GB_per_s_\(suffix)", rate)
                emit("W4", "fraction_of_copy_bandwidth_\(suffix)", rate / MemoryBandwidth.copy)
            }
        }
    }
}

run("W5") {
    let x = dmatrix("x")
    let s = (1 / (1 + exp(-x))).sum()
    var f: Function<[NDArray]>!
    emit("W5", "compile_s", try seconds { f = try function([x], [s, try grad(s, wrt: x)]) })
    let data = NDArray(randomArray(4_000_000, seed: 5, low: -3, high: 3), shape: [2000, 2000])
    settle(f, "W5")
    let out = try f(data)
    let expected = data.doubles.reduce(0) { $0 + 1 / (1 + Foundation.exp(-$1)) }
    try check(near(out[0].item(), expected, 1e-9), "sum of sigmoid")
    let z = 1 / (1 + Foundation.exp(-data.doubles[123]))
    try check(near(out[1].doubles[123], z * (1 - z), 1e-12), "gradient")
    emit("W5", "ms_per_call", try median(repeats: 5) { _ = try f(data) } * 1e3)
    let vmOnly = try function([x], [s, try grad(s, wrt: x)], mode: Mode.fastRun.generatedC(.off))
    try check(near(try vmOnly(data)[0].item(), expected, 1e-9), "sum of sigmoid on the VM alone")
    emit("W5", "ms_per_call_vm_only", try median(repeats: 5) { _ = try vmOnly(data) } * 1e3)
}

run("W6") {
    let sizes = w6Sizes, batch = 256
    var g = SplitMix64(seed: 6)
    let (params, x, y, loss) = w6Model(&g)
    var step: Function<NDArray>!
    let xs = NDArray((0..<batch * 784).map { _ in Float(g.nextUnit()) }, shape: [batch, 784])
    let ys = NDArray((0..<batch).map { _ in Int32(g.next() % 10) }, shape: [batch])
    var firstLoss = 0.0
    let compile = try seconds {
        let grads = try grad(loss, wrt: params)
        step = try function([x, y], loss, updates: zip(params, grads).map { ($0, $0 - cast(0.01 * $1, .float32)) })
        firstLoss = try step(xs, ys).item()
    }
    emit("W6", "compile_s", compile)
    settle(step, "W6")
    var later = 0.0
    let t = try median(repeats: 5, warmup: 1) { later = try step(xs, ys).item() }
    try check(firstLoss.isFinite && later < firstLoss, "loss falls (\(firstLoss) → \(later))")
    emit("W6", "ms_per_step", t * 1e3)
    let flop = 3.0 * 2 * Double(batch) * Double(zip(sizes.dropLast(), sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 })
    emit("W6", "GFLOP_per_s", flop / t / 1e9)
}

run("W7") {
    let (xs, ys, x, y, w, b, p, xent, cost) = w7Model()
    let n = xs.shape[0]
    let gs = try grad(cost, wrt: [w, b])
    let (gw, gb) = (gs[0], gs[1])
    var train: Function<[NDArray]>!, predict: Function<NDArray>!
    emit("W7", "compile_s", try seconds {
        train = try function([x, y], [gt(p, 0.5), xent], updates: [(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
        predict = try function([x], gt(p, 0.5))
    })
    let total = try seconds { for _ in 0..<10_000 { _ = try train(xs, ys) } }
    let accuracy = zip(try predict(xs).scalars(as: Bool.self), ys.doubles).filter { ($0 ? 1.0 : 0.0) == $1 }.count
    try check(accuracy > n * 9 / 10, "training accuracy \(accuracy)/\(n)")
    emit("W7", "total_s", total)
}

run("W8") {
    emit("W8", "read_GB_per_s", MemoryBandwidth.read)
    let x = dvector("x")
    var f: Function<NDArray>!
    emit("W8", "compile_s", try seconds { f = try function([x], (x ** 2).sum()) })
    let data = NDArray(randomArray(10_000_000, seed: 8), shape: [10_000_000])
    settle(f, "W8")
    try check(near(try f(data).item(), data.doubles.reduce(0) { $0 + $1 * $1 }, 1e-9), "sum of squares")
    let t = try median(repeats: 7) { _ = try f(data) }
    emit("W8", "ms_per_call", t * 1e3)
    emit("W8", "GB_per_s", 80e6 / t / 1e9)
    emit("W8", "fraction_of_read_bandwidth", 80e6 / t / 1e9 / MemoryBandwidth.read)
}

run("W9") {
    let (steps, size) = (1000, 64)
    var g = SplitMix64(seed: 9)
    let wValue = NDArray((0..<size * size).map { _ in g.nextGaussian() * 0.5 / 8 }, shape: [size, size]).astype(.float32)
    let xsValue = NDArray((0..<steps * size).map { _ in g.nextGaussian() }, shape: [steps, size]).astype(.float32)
    let W = fmatrix("W"), xs = fmatrix("xs"), h0 = fvector("h0")
    var f: Function<NDArray>!
    emit("W9", "compile_s", try seconds {
        let (states, _) = try scan({ s in [tanh(dot(s[2], s[1]) + s[0])] }, sequences: [xs], outputsInfo: [ScanOutput(initial: h0)], nonSequences: [W])
        f = try function([xs, h0, W], states[0][-1])
    })
    let h0Value = NDArray(zeros: [size], dtype: .float32)
    var h = [Double](repeating: 0, count: size)
    let w = wValue.doubles, xv = xsValue.doubles
    for t in 0..<steps { h = (0..<size).map { i in Foundation.tanh((0..<size).reduce(0) { $0 + w[i * size + $1] * h[$1] } + xv[t * size + i]) } }
    let got = try f(xsValue, h0Value, wValue).doubles
    try check(zip(got, h).allSatisfy { near($0, $1, 1e-3) }, "final RNN state")
    emit("W9", "ms_per_run", try median(repeats: 5) { _ = try f(xsValue, h0Value, wValue) } * 1e3)
}

run("C1", compileTenLayerMLP)
run("C2", rewriteScaling)
run("N1", convolutionLayer)
run("N2", scanBackward)
run("G1", generatedCChain)
// It builds a 2 GB dense matrix to compare with: `theano-bench sparse`, beside Scripts/bench-sparse-scipy.py.
run("sparse", onlyWhenNamed: true, sparseLogisticRegression)
run("gemm", onlyWhenNamed: true, gemmChoiceBenchmark)

// Ratios against the peers come from ../shared/bench/side-by-side.sh, which measures them in the same
// sitting: a table from another day or machine would mean nothing.
print("\n\(figures.count) figures; for ratios against the peers run ../shared/bench/side-by-side.sh from the project root")
