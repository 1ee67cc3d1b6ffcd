// Second derivatives of conv2d: the gradients of its two gradient ops, as Theano's
// `AbstractConv2d_gradInputs.grad` and `AbstractConv2d_gradWeights.grad` write them.

extension Conv2DGradInputs {
    /// `gx = Aᵀ·gz` for the convolution `A: x ↦ conv2d(x, f)`, linear in `f` and in `gz`: against `g` (shaped
    /// like `x`), `⟨g, Aᵀgz⟩ = ⟨conv2d(g, f), gz⟩`, so the filters get the filter gradient of `conv2d(g, f)`
    /// and `gz` gets `conv2d(g, f)`. The third input gives only the shape.
    package func secondDerivative(_ inputs: [TensorVariable], _ g: TensorVariable?) -> [TensorVariable?] {
        guard let g else { return [nil, nil, nil] }
        let (f, gz, x) = (inputs[0], inputs[1], inputs[2])
        let df = Conv2DGradWeights(settings: settings)(g, gz, f)
        let dgz = Conv2D(settings: settings)(g, f)
        return [cast(df, f.dtype), cast(dgz, gz.dtype), zerosLike(x)]
    }
}

extension Conv2DGradWeights {
    /// `gf = Bᵀ·gz` for `B: f ↦ conv2d(x, f)`: against `g` (shaped like `f`), `⟨g, Bᵀgz⟩ = ⟨conv2d(x, g), gz⟩`,
    /// so `x` gets the input gradient of `conv2d(x, g)` and `gz` gets `conv2d(x, g)`.
    package func secondDerivative(_ inputs: [TensorVariable], _ g: TensorVariable?) -> [TensorVariable?] {
        guard let g else { return [nil, nil, nil] }
        let (x, gz, f) = (inputs[0], inputs[1], inputs[2])
        let dx = Conv2DGradInputs(settings: settings)(g, gz, x)
        let dgz = Conv2D(settings: settings)(x, g)
        return [cast(dx, x.dtype), cast(dgz, gz.dtype), zerosLike(f)]
    }
}
