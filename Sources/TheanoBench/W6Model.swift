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
