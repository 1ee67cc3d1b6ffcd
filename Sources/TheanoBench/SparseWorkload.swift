import Foundation
import Theano

// `theano-bench sparse`: a bag-of-words logistic regression, 10,000 documents × 50,000 words at 0.1%
// density (500,000 stored float32 values), trained on the CSR matrix and on the same matrix dense,
// and `structuredDot` alone beside scipy's csr × dense product (Scripts/bench-sparse-scipy.py builds
// the same matrix and times the same products). THEANO_BENCH_SPARSE_ROWS scales the rows down.

func sparseLogisticRegression() throws {
    let rows = ProcessInfo.processInfo.environment["THEANO_BENCH_SPARSE_ROWS"].flatMap { Int($0) } ?? 10_000
    let columns = 50_000, perRow = 50  // 0.1% of 50,000
    var g = SplitMix64(seed: 16)
    // Each document holds 50 distinct words, sorted; counts 1–3.
    var indices: [Int32] = [], indptr: [Int32] = [0], values: [Float] = []
    indices.reserveCapacity(rows * perRow)
    for _ in 0..<rows {
        var words = Set<Int32>()
        while words.count < perRow { words.insert(Int32(g.nextUnit() * Double(columns))) }
        indices += words.sorted()
        values += (0..<perRow).map { _ in Float(1 + Int(g.nextUnit() * 3)) }
        indptr.append(Int32(indices.count))
    }
    let x = try SparseMatrix(format: .csr, data: NDArray(values, shape: [values.count]), indices: NDArray(indices, shape: [indices.count]),
                             indptr: NDArray(indptr, shape: [indptr.count]), shape: [rows, columns])
    let labels = NDArray((0..<rows).map { _ in Float(g.nextUnit() < 0.5 ? 0 : 1) }, shape: [rows])
    let wStart = NDArray(randomArray(columns, seed: 17, low: -0.01, high: 0.01).map { Float($0) }, shape: [columns])

    /// A logistic-regression step (cost out, W and b updated) over `input`, multiplied by `product`.
    func trainer(_ input: [TensorVariable], _ product: (TensorVariable) -> TensorVariable) throws -> (Function<NDArray>, SharedVariable) {
        let w = shared(wStart, name: "w"), b = shared(NDArray(scalar: Float(0)), name: "b")
        let y = fvector("y")
        let p = sigmoid(product(w) + b)
        let cost = binaryCrossentropy(p, y).mean()
        let grads = try grad(cost, wrt: [w, b])
        let step = try function(input + [y], cost, updates: [(w, w - cast(0.1 * grads[0], .float32)), (b, b - cast(0.1 * grads[1], .float32))])
        return (step, w)
    }

    let xs = csrMatrix("x", dtype: .float32)
    let (sparseStep, sparseW) = try trainer(xs.inputs) { structuredDot(xs, $0) }
    settle(sparseStep, "sparse step")
    let sparseArgs = x.arguments + [labels]
    let sparseFirst = try sparseStep.call(sparseArgs).item(as: Double.self)
    let sparseTime = try median(repeats: 7, warmup: 1) { _ = try sparseStep.call(sparseArgs) }

    // structuredDot alone: X · w and X · W with 16 columns, as scipy's X @ w and X @ W.
    let w16 = NDArray(randomArray(columns * 16, seed: 18).map { Float($0) }, shape: [columns, 16])
    let v = fvector("v"), m16 = fmatrix("m")
    let product = try function(xs.inputs + [v], structuredDot(xs, v))
    let product16 = try function(xs.inputs + [m16], structuredDot(xs, m16))
    let dotVector = try median(repeats: 15, warmup: 2) { _ = try product.call(x.arguments + [wStart]) }
    let dot16 = try median(repeats: 15, warmup: 2) { _ = try product16.call(x.arguments + [w16]) }

    // The same model dense: 2 GB of float32 for the full size.
    var dense: NDArray? = x.toDense()
    let xd = fmatrix("x")
    let (denseStep, denseW) = try trainer([xd]) { dot(xd, $0) }
    settle(denseStep, "dense step")
    let denseFirst = try denseStep.call([dense!, labels]).item(as: Double.self)
    try check(near(sparseFirst, denseFirst, 1e-5), "first costs agree: sparse \(sparseFirst), dense \(denseFirst)")
    // After the same number of steps both models hold the same weights.
    let denseTime = try median(repeats: 7, warmup: 1) { _ = try denseStep.call([dense!, labels]) }
    let difference = zip(sparseW.value.doubles, denseW.value.doubles).map { Swift.abs($0 - $1) }.max() ?? 0
    try check(difference < 1e-4, "sparse and dense weights agree after 9 steps (max difference \(difference))")
    dense = nil

    emit("sparse", "train_step_ms_sparse", sparseTime * 1e3)
    emit("sparse", "train_step_ms_dense", denseTime * 1e3)
    emit("sparse", "speedup", denseTime / sparseTime)
    emit("sparse", "structured_dot_vector_ms", dotVector * 1e3)
    emit("sparse", "structured_dot_16_ms", dot16 * 1e3)
}
