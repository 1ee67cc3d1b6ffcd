/// Padding of a 2-D convolution, Theano's `border_mode`.
public enum BorderMode: Hashable, Sendable {
    case valid, full, half
    case explicit(Int, Int)

    package func padding(_ kh: Int, _ kw: Int) -> (Int, Int) {
        switch self {
        case .valid: return (0, 0)
        case .full: return (kh - 1, kw - 1)
        case .half: return (kh / 2, kw / 2)
        case .explicit(let h, let w): return (h, w)
        }
    }
}

/// The static settings shared by a convolution and its two gradients.
public struct ConvSettings: Hashable, Sendable {
    /// How the filters meet the image's edges.
    public let border: BorderMode
    /// The strides along rows and columns.
    public let subsample: (Int, Int)
    /// The spacing between filter taps.
    public let dilation: (Int, Int)
    /// Whether filters are flipped (a true convolution) or not (a correlation).
    public let flip: Bool

    public static func == (a: ConvSettings, b: ConvSettings) -> Bool {
        a.border == b.border && a.subsample == b.subsample && a.dilation == b.dilation && a.flip == b.flip
    }
    public func hash(into h: inout Hasher) {
        h.combine(border); h.combine(subsample.0); h.combine(subsample.1); h.combine(dilation.0); h.combine(dilation.1); h.combine(flip)
    }

    /// The geometry for an input of (h, w) and a kernel of (kh, kw).
    package func geometry(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int) throws -> ConvGeometry {
        let (ph, pw) = border.padding(kh, kw)
        let (eh, ew) = ((kh - 1) * dilation.0 + 1, (kw - 1) * dilation.1 + 1)
        let oh = (h + 2 * ph - eh) / subsample.0 + 1, ow = (w + 2 * pw - ew) / subsample.1 + 1
        guard h + 2 * ph >= eh, w + 2 * pw >= ew, oh > 0, ow > 0 else {
            throw OpFailure(.shapeMismatch, "the \(kh)×\(kw) kernel (dilation \(dilation)) does not fit the \(h)×\(w) input with padding (\(ph), \(pw))")
        }
        return ConvGeometry(h: h, w: w, kh: kh, kw: kw, ph: ph, pw: pw, sh: subsample.0, sw: subsample.1, dh: dilation.0, dw: dilation.1, oh: oh, ow: ow)
    }
}

/// Sizes of one convolution.
package struct ConvGeometry {
    package let h, w, kh, kw, ph, pw, sh, sw, dh, dw, oh, ow: Int
}

package enum ConvShapes {
    package static func checkShapes(_ x: NDArray, _ f: NDArray) throws {
        guard x.ndim == 4, f.ndim == 4, x.shape[1] == f.shape[1] else {
            throw OpFailure(.shapeMismatch, input: 1, "conv2d: input \(x.shape) (batch, channels, rows, columns) and filters \(f.shape) (filters, channels, rows, columns) disagree on channels")
        }
    }

    /// A gradient op's sizes: the image and filters agree, and the incoming gradient `gz` (input
    /// `gzInput` of the op) has the convolution's output shape.
    package static func checkGradient(_ op: String, x: NDArray, f: NDArray, gz: NDArray, gzInput: Int, _ settings: ConvSettings) throws -> ConvGeometry {
        try checkShapes(x, f)
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        let expected = [x.shape[0], f.shape[0], g.oh, g.ow]
        guard gz.shape == expected else {
            throw OpFailure(.shapeMismatch, input: gzInput, "\(op): the gradient of the output has shape \(gz.shape), but the convolution of \(x.shape) by \(f.shape) gives \(expected)")
        }
        return g
    }
}

/// 2-D convolution of NCHW images with (out, in, rows, columns) filters. `perform` is the direct sum; the
/// CPU backend computes it by im2col and one matrix product.
public struct Conv2D: Op {
    /// The convolution's border, strides, dilation and flip.
    public let settings: ConvSettings
    public var description: String { "Conv2D" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 4 && inputs[1].ndim == 4, "conv2d: needs a 4-d input (batch, channels, rows, columns) and 4-d filters, got \(inputs[0]) and \(inputs[1])")
        return [TensorType(DType.upcast(inputs[0].dtype, inputs[1].dtype).upgradedToFloat, [inputs[0].broadcastable[0], inputs[1].broadcastable[0], false, false])]
    }

    /// `ConvSettings.geometry` written symbolically: (h + 2·pad − extent) // stride + 1.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let S = SymbolicShape.self
        let (x, f) = (inputShapes[0], inputShapes[1])
        func size(_ n: TensorVariable, _ k: TensorVariable, dilation: Int, stride: Int, explicit: Int) -> TensorVariable {
            let pad: TensorVariable
            switch settings.border {
            case .valid: pad = S.constant(0)
            case .full: pad = S.sub(k, S.constant(1))
            case .half: pad = S.floorDiv(k, S.constant(2))
            case .explicit: pad = S.constant(explicit)
            }
            let extent = S.add(S.mul(S.sub(k, S.constant(1)), S.constant(dilation)), S.constant(1))
            return S.add(S.floorDiv(S.sub(S.add(n, S.mul(S.constant(2), pad)), extent), S.constant(stride)), S.constant(1))
        }
        var (eh, ew) = (0, 0)
        if case .explicit(let h, let w) = settings.border { (eh, ew) = (h, w) }
        return [[x[0], f[0], size(x[2], f[2], dilation: settings.dilation.0, stride: settings.subsample.0, explicit: eh),
                 size(x[3], f[3], dilation: settings.dilation.1, stride: settings.subsample.1, explicit: ew)]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, f) = (inputs[0], inputs[1])
        try ConvShapes.checkShapes(x, f)
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        return [ReferenceConvolution.forward(x, f, g, flip: settings.flip, DType.upcast(x.dtype, f.dtype).upgradedToFloat)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        let (x, f) = (inputs[0], inputs[1])
        let gx = Conv2DGradInputs(settings: settings)(f, gz, x)
        let gf = Conv2DGradWeights(settings: settings)(x, gz, f)
        return [cast(gx, x.dtype), cast(gf, f.dtype)]
    }
}

/// The gradient of a convolution with respect to its input: col2im of filtersᵀ · gz.
public struct Conv2DGradInputs: Op {
    package init(settings: ConvSettings) { self.settings = settings }
    /// The convolution's border, strides, dilation and flip.
    public let settings: ConvSettings
    public var description: String { "Conv2DGradInputs" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(inputs[1].dtype, inputs[2].broadcastable)] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[2]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (f, gz, x) = (inputs[0], inputs[1], inputs[2])
        let g = try ConvShapes.checkGradient("Conv2DGradInputs", x: x, f: f, gz: gz, gzInput: 1, settings)
        return [ReferenceConvolution.inputGradient(f, gz, g, shape: x.shape, flip: settings.flip, gz.dtype.upgradedToFloat).astype(gz.dtype)]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        secondDerivative(inputs, outputGrads[0])
    }
}

/// The gradient of a convolution with respect to its filters: gz · colsᵀ, summed over the batch.
public struct Conv2DGradWeights: Op {
    package init(settings: ConvSettings) { self.settings = settings }
    /// The convolution's border, strides, dilation and flip.
    public let settings: ConvSettings
    public var description: String { "Conv2DGradWeights" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(inputs[1].dtype, inputs[2].broadcastable)] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[2]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, gz, f) = (inputs[0], inputs[1], inputs[2])
        let g = try ConvShapes.checkGradient("Conv2DGradWeights", x: x, f: f, gz: gz, gzInput: 1, settings)
        return [ReferenceConvolution.filterGradient(x, gz, g, shape: f.shape, flip: settings.flip, gz.dtype.upgradedToFloat).astype(gz.dtype)]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        secondDerivative(inputs, outputGrads[0])
    }
}

/// Theano's `conv2d`: NCHW `input`, (out, in, rows, columns) `filters`; `filterFlip` (the default) makes it
/// a true convolution, `false` a cross-correlation.
public func conv2d(_ input: TensorVariable, _ filters: TensorVariable, borderMode: BorderMode = .valid,
                   subsample: (Int, Int) = (1, 1), filterDilation: (Int, Int) = (1, 1), filterFlip: Bool = true) -> TensorVariable {
    precondition(subsample.0 > 0 && subsample.1 > 0 && filterDilation.0 > 0 && filterDilation.1 > 0, "conv2d: subsample and dilation must be positive")
    return Conv2D(settings: ConvSettings(border: borderMode, subsample: subsample, dilation: filterDilation, flip: filterFlip))(input, filters)
}
