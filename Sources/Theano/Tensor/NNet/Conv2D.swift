/// Padding of a 2-D convolution, Theano's `border_mode`.
public enum BorderMode: Hashable, Sendable {
    case valid, full, half
    case explicit(Int, Int)

    func padding(_ kh: Int, _ kw: Int) -> (Int, Int) {
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
    public let border: BorderMode
    public let subsample: (Int, Int)
    public let dilation: (Int, Int)
    public let flip: Bool

    public static func == (a: ConvSettings, b: ConvSettings) -> Bool {
        a.border == b.border && a.subsample == b.subsample && a.dilation == b.dilation && a.flip == b.flip
    }
    public func hash(into h: inout Hasher) {
        h.combine(border); h.combine(subsample.0); h.combine(subsample.1); h.combine(dilation.0); h.combine(dilation.1); h.combine(flip)
    }

    /// The geometry for an input of (h, w) and a kernel of (kh, kw).
    func geometry(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int) throws -> ConvGeometry {
        let (ph, pw) = border.padding(kh, kw)
        let (eh, ew) = ((kh - 1) * dilation.0 + 1, (kw - 1) * dilation.1 + 1)
        let oh = (h + 2 * ph - eh) / subsample.0 + 1, ow = (w + 2 * pw - ew) / subsample.1 + 1
        guard h + 2 * ph >= eh, w + 2 * pw >= ew, oh > 0, ow > 0 else {
            throw OpFailure(.shapeMismatch, "the \(kh)×\(kw) kernel (dilation \(dilation)) does not fit the \(h)×\(w) input with padding (\(ph), \(pw))")
        }
        return ConvGeometry(h: h, w: w, kh: kh, kw: kw, ph: ph, pw: pw, sh: subsample.0, sw: subsample.1, dh: dilation.0, dw: dilation.1, oh: oh, ow: ow)
    }
}

/// Sizes of one convolution, and the im2col/col2im moves between an image and its patch matrix.
struct ConvGeometry {
    let h, w, kh, kw, ph, pw, sh, sw, dh, dw, oh, ow: Int

    /// Patches of one image (c, h, w) as a (c·kh·kw, oh·ow) matrix, zero where the patch is outside.
    func im2col(_ image: UnsafeBufferPointer<Double>, channels: Int, into cols: inout [Double]) {
        let patch = oh * ow
        for c in 0..<channels {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = ((c * kh + i) * kw + j) * patch
                    for y in 0..<oh {
                        let sy = y * sh - ph + i * dh
                        for x in 0..<ow {
                            let sx = x * sw - pw + j * dw
                            cols[row + y * ow + x] = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? image[(c * h + sy) * w + sx] : 0
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each patch entry back to the pixel it came from.
    func col2im(_ cols: [Double], channels: Int, into image: inout [Double], offset: Int) {
        let patch = oh * ow
        for c in 0..<channels {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = ((c * kh + i) * kw + j) * patch
                    for y in 0..<oh {
                        let sy = y * sh - ph + i * dh
                        guard sy >= 0 && sy < h else { continue }
                        for x in 0..<ow {
                            let sx = x * sw - pw + j * dw
                            if sx >= 0 && sx < w { image[offset + (c * h + sy) * w + sx] += cols[row + y * ow + x] }
                        }
                    }
                }
            }
        }
    }
}

enum ConvMath {
    /// (m, k) · (k, n) on flat row-major Double arrays.
    static func matmul(_ a: [Double], _ b: [Double], _ m: Int, _ k: Int, _ n: Int, transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
        let left = NDArray(a, shape: transposeA ? [k, m] : [m, k]), right = NDArray(b, shape: transposeB ? [n, k] : [k, n])
        return matrixMultiply(transposeA ? left.T.contiguous() : left, transposeB ? right.T.contiguous() : right).doubles
    }

    /// Filters (o, c, kh, kw), flipped in both spatial axes when the convolution is a true convolution.
    static func orientedFilters(_ f: NDArray, flip: Bool) -> [Double] {
        guard flip else { return f.doubles }
        let (o, c, kh, kw) = (f.shape[0], f.shape[1], f.shape[2], f.shape[3])
        let v = f.doubles
        var out = v
        for a in 0..<(o * c) { for i in 0..<kh { for j in 0..<kw { out[(a * kh + i) * kw + j] = v[(a * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] } } }
        return out
    }

    static func checkShapes(_ x: NDArray, _ f: NDArray) throws {
        guard x.ndim == 4, f.ndim == 4, x.shape[1] == f.shape[1] else {
            throw OpFailure(.shapeMismatch, input: 1, "conv2d: input \(x.shape) (batch, channels, rows, columns) and filters \(f.shape) (filters, channels, rows, columns) disagree on channels")
        }
    }
}

/// 2-D convolution of NCHW images with (out, in, rows, columns) filters, by im2col and a matrix product.
public struct Conv2D: Op {
    public let settings: ConvSettings
    public var description: String { "Conv2D" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 4 && inputs[1].ndim == 4, "conv2d: needs a 4-d input (batch, channels, rows, columns) and 4-d filters, got \(inputs[0]) and \(inputs[1])")
        return [TensorType(DType.upcast(inputs[0].dtype, inputs[1].dtype).upgradedToFloat, [inputs[0].broadcastable[0], inputs[1].broadcastable[0], false, false])]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, f) = (inputs[0], inputs[1])
        try ConvMath.checkShapes(x, f)
        let (b, c, o) = (x.shape[0], x.shape[1], f.shape[0])
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        let weights = ConvMath.orientedFilters(f, flip: settings.flip)
        let k = c * g.kh * g.kw, patch = g.oh * g.ow
        var out = [Double](repeating: 0, count: b * o * patch)
        var cols = [Double](repeating: 0, count: k * patch)
        let values = x.doubles
        values.withUnsafeBufferPointer { all in
            for n in 0..<b {
                g.im2col(UnsafeBufferPointer(rebasing: all[(n * c * g.h * g.w)..<((n + 1) * c * g.h * g.w)]), channels: c, into: &cols)
                let y = ConvMath.matmul(weights, cols, o, k, patch)
                out.replaceSubrange((n * o * patch)..<((n + 1) * o * patch), with: y)
            }
        }
        return [NDArray(out, shape: [b, o, g.oh, g.ow]).astype(DType.upcast(x.dtype, f.dtype).upgradedToFloat)]
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
    public let settings: ConvSettings
    public var description: String { "Conv2DGradInputs" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(inputs[1].dtype, inputs[2].broadcastable)] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (f, gz, x) = (inputs[0], inputs[1], inputs[2])
        let (b, c, o) = (x.shape[0], x.shape[1], f.shape[0])
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        let weights = ConvMath.orientedFilters(f, flip: settings.flip)
        let k = c * g.kh * g.kw, patch = g.oh * g.ow
        let gzv = gz.doubles
        var gx = [Double](repeating: 0, count: x.count)
        for n in 0..<b {
            let cols = ConvMath.matmul(weights, Array(gzv[(n * o * patch)..<((n + 1) * o * patch)]), k, o, patch, transposeA: true)
            g.col2im(cols, channels: c, into: &gx, offset: n * c * g.h * g.w)
        }
        return [NDArray(gx, shape: x.shape).astype(gz.dtype)]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        throw TheanoError(.unsupported, "second derivatives of conv2d are not implemented")
    }
}

/// The gradient of a convolution with respect to its filters: gz · colsᵀ, summed over the batch.
public struct Conv2DGradWeights: Op {
    public let settings: ConvSettings
    public var description: String { "Conv2DGradWeights" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(inputs[1].dtype, inputs[2].broadcastable)] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, gz, f) = (inputs[0], inputs[1], inputs[2])
        let (b, c, o) = (x.shape[0], x.shape[1], f.shape[0])
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        let k = c * g.kh * g.kw, patch = g.oh * g.ow
        let gzv = gz.doubles, values = x.doubles
        var total = [Double](repeating: 0, count: o * k)
        var cols = [Double](repeating: 0, count: k * patch)
        values.withUnsafeBufferPointer { all in
            for n in 0..<b {
                g.im2col(UnsafeBufferPointer(rebasing: all[(n * c * g.h * g.w)..<((n + 1) * c * g.h * g.w)]), channels: c, into: &cols)
                let part = ConvMath.matmul(Array(gzv[(n * o * patch)..<((n + 1) * o * patch)]), cols, o, patch, k, transposeB: true)
                for i in 0..<total.count { total[i] += part[i] }
            }
        }
        let result = NDArray(total, shape: f.shape)
        // A flipped convolution's filter gradient is flipped back.
        return [NDArray(ConvMath.orientedFilters(result, flip: settings.flip), shape: f.shape).astype(gz.dtype)]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        throw TheanoError(.unsupported, "second derivatives of conv2d are not implemented")
    }
}

/// Theano's `conv2d`: NCHW `input`, (out, in, rows, columns) `filters`; `filterFlip` (the default) makes it
/// a true convolution, `false` a cross-correlation.
public func conv2d(_ input: TensorVariable, _ filters: TensorVariable, borderMode: BorderMode = .valid,
                   subsample: (Int, Int) = (1, 1), filterDilation: (Int, Int) = (1, 1), filterFlip: Bool = true) -> TensorVariable {
    precondition(subsample.0 > 0 && subsample.1 > 0 && filterDilation.0 > 0 && filterDilation.1 > 0, "conv2d: subsample and dilation must be positive")
    return Conv2D(settings: ConvSettings(border: borderMode, subsample: subsample, dilation: filterDilation, flip: filterFlip))(input, filters)
}
