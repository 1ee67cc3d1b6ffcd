import Theano

/// W6's layer sizes.
let w6Sizes = [784, 1024, 1024, 10]

/// W6's network: the `w6Sizes` float32 MLP with relu, its weights drawn from `g` (He scaling, zero
/// biases), and its mean cross-entropy on the integer labels `y`. `g` goes on to draw the data.
func w6Model(_ g: inout SplitMix64) -> (params: [SharedVariable], x: TensorVariable, y: TensorVariable, loss: TensorVariable) {
    var params: [SharedVariable] = []
    for (i, (fin, fout)) in zip(w6Sizes.dropLast(), w6Sizes.dropFirst()).enumerated() {
        let w = NDArray((0..<fin * fout).map { _ in g.nextGaussian() * (2.0 / Double(fin)).squareRoot() }, shape: [fin, fout]).astype(.float32)
        params.append(shared(w, name: "W\(i)"))
        params.append(shared(NDArray(zeros: [fout], dtype: .float32), name: "b\(i)"))
    }
    let x = fmatrix("x"), y = ivector("y")
    let h1 = relu(dot(x, params[0]) + params[1]), h2 = relu(dot(h1, params[2]) + params[3])
    let loss = categoricalCrossentropy(softmax(dot(h2, params[4]) + params[5]), y).mean()
    return (params, x, y, loss)
}

/// W7's logistic regression (Theano's tutorial): 400 × 784 float64 data drawn from seed 7, the shared
/// `w` and `b`, the prediction `p`, the cross-entropy per sample and the cost with its L2 term.
func w7Model() -> (xs: NDArray, ys: NDArray, x: TensorVariable, y: TensorVariable, w: SharedVariable, b: SharedVariable,
                   p: TensorVariable, xent: TensorVariable, cost: TensorVariable) {
    let (n, features) = (400, 784)
    var g = SplitMix64(seed: 7)
    let xs = NDArray((0..<n * features).map { _ in g.nextGaussian() }, shape: [n, features])
    let ys = NDArray((0..<n).map { _ in Double(g.next() % 2) }, shape: [n])
    let x = dmatrix("x"), y = dvector("y")
    let w = shared(NDArray((0..<features).map { _ in g.nextGaussian() }, shape: [features]), name: "w")
    let b = shared(0.0, name: "b")
    let p = 1 / (1 + exp(-dot(x, w) - b))
    let xent = -y * log(p) - (1 - y) * log(1 - p)
    return (xs, ys, x, y, w, b, p, xent, xent.mean() + 0.01 * (w ** 2).sum())
}
