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

    /// The output columns x whose source column x·sw − pw + j·dw lies inside the image.
    @inline(__always)
    private func validColumns(_ j: Int) -> Range<Int> {
        let offset = j * dw - pw
        // offset + x·sw ≥ 0  and  offset + x·sw < w
        let first = offset >= 0 ? 0 : (-offset + sw - 1) / sw
        let last = w - offset <= 0 ? 0 : (w - offset - 1) / sw + 1
        return Swift.min(first, ow)..<Swift.max(Swift.min(last, ow), Swift.min(first, ow))
    }

    /// Patches of one image (c, h, w) as rows of a (c·kh·kw, oh·ow) block, zero where the patch is
    /// outside; row r of the block starts at `cols + r·ld`, so images can sit side by side.
    func im2col<T: FloatTensorElement>(_ image: UnsafePointer<T>, channels: Int, into cols: UnsafeMutablePointer<T>, ld: Int) {
        for c in 0..<channels {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = cols + ((c * kh + i) * kw + j) * ld
                    let valid = validColumns(j)
                    for y in 0..<oh {
                        let out = row + y * ow
                        let sy = y * sh - ph + i * dh
                        guard sy >= 0 && sy < h else { out.update(repeating: 0, count: ow); continue }
                        let source = image + (c * h + sy) * w + j * dw - pw
                        out.update(repeating: 0, count: valid.lowerBound)
                        if sw == 1 {
                            (out + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                        } else {
                            for x in valid { out[x] = source[x * sw] }
                        }
                        (out + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each patch entry back to the pixel it came from.
    func col2im<T: FloatTensorElement>(_ cols: UnsafePointer<T>, ld: Int, channels: Int, into image: UnsafeMutablePointer<T>) {
        for c in 0..<channels {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = cols + ((c * kh + i) * kw + j) * ld
                    let valid = validColumns(j)
                    for y in 0..<oh {
                        let sy = y * sh - ph + i * dh
                        guard sy >= 0 && sy < h else { continue }
                        let target = image + (c * h + sy) * w + j * dw - pw
                        let source = row + y * ow
                        for x in valid { target[x * sw] += source[x] }
                    }
                }
            }
        }
    }
}

/// The convolution's matrices, in the dtype the convolution computes in (float32 or float64, as Theano).
enum ConvMath {
    /// Filters (o, c, kh, kw) as an (o, c·kh·kw) matrix, flipped in both spatial axes when the
    /// convolution is a true convolution.
    static func orientedFilters(_ f: NDArray, flip: Bool, _ dtype: DType) -> NDArray {
        let (o, c, kh, kw) = (f.shape[0], f.shape[1], f.shape[2], f.shape[3])
        let oriented = flip ? f.sliced([(0, o, 1), (0, c, 1), (kh - 1, kh, -1), (kw - 1, kw, -1)]) : f
        return oriented.astype(dtype).contiguous().reshaped([o, c * kh * kw])
    }

    /// Every image's patches side by side: a (c·kh·kw, b·oh·ow) matrix.
    static func patches(_ x: NDArray, _ g: ConvGeometry, _ dtype: DType) -> NDArray {
        let (b, c) = (x.shape[0], x.shape[1])
        let patch = g.oh * g.ow
        let images = x.astype(dtype).contiguous()
        let cols = NDArray(uninitialized: [c * g.kh * g.kw, b * patch], dtype: dtype)
        func fill<T: FloatTensorElement>(_: T.Type) {
            let source = images.baseAddress.assumingMemoryBound(to: T.self), target = cols.baseAddress.assumingMemoryBound(to: T.self)
            for n in 0..<b { g.im2col(source + n * c * g.h * g.w, channels: c, into: target + n * patch, ld: b * patch) }
        }
        if dtype == .float32 { fill(Float.self) } else { fill(Double.self) }
        return withExtendedLifetime(images) { cols }
    }

    /// Adds each image's block of patch gradients (c·kh·kw, b·oh·ow) back to its pixels.
    static func images(from cols: NDArray, _ g: ConvGeometry, shape: [Int]) -> NDArray {
        let (b, c) = (shape[0], shape[1])
        let patch = g.oh * g.ow
        let out = NDArray(zeros: shape, dtype: cols.dtype)
        func add<T: FloatTensorElement>(_: T.Type) {
            let source = cols.baseAddress.assumingMemoryBound(to: T.self), target = out.baseAddress.assumingMemoryBound(to: T.self)
            for n in 0..<b { g.col2im(source + n * patch, ld: b * patch, channels: c, into: target + n * c * g.h * g.w) }
        }
        if cols.dtype == .float32 { add(Float.self) } else { add(Double.self) }
        return withExtendedLifetime(cols) { out }
    }

    /// (b, o, oh, ow) gradients as an (o, b·oh·ow) matrix, matching `patches`' columns.
    static func gradientColumns(_ gz: NDArray, _ dtype: DType) -> NDArray {
        let (b, o) = (gz.shape[0], gz.shape[1])
        return gz.astype(dtype).transposed([1, 0, 2, 3]).contiguous().reshaped([o, b * gz.shape[2] * gz.shape[3]])
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
        let (b, o) = (x.shape[0], f.shape[0])
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        // One product for the whole batch: (o, c·kh·kw) · (c·kh·kw, b·oh·ow).
        let dtype = DType.upcast(x.dtype, f.dtype).upgradedToFloat
        let product = matrixMultiply(ConvMath.orientedFilters(f, flip: settings.flip, dtype), ConvMath.patches(x, g, dtype))
        return [product.reshaped([o, b, g.oh, g.ow]).transposed([1, 0, 2, 3]).contiguous()]
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
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        let dtype = gz.dtype.upgradedToFloat
        // Patch gradients for the whole batch: filtersᵀ · gz, then each image's block back to pixels.
        let cols = matrixMultiply(ConvMath.orientedFilters(f, flip: settings.flip, dtype).T, ConvMath.gradientColumns(gz, dtype))
        return [ConvMath.images(from: cols, g, shape: x.shape).astype(gz.dtype)]
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
        let g = try settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        // Summed over the batch in one product: gz (o, b·oh·ow) · patchesᵀ (b·oh·ow, c·kh·kw).
        let dtype = gz.dtype.upgradedToFloat
        let total = matrixMultiply(ConvMath.gradientColumns(gz, dtype), ConvMath.patches(x, g, dtype).T).reshaped(f.shape)
        // A flipped convolution's filter gradient is flipped back.
        return [ConvMath.orientedFilters(total, flip: settings.flip, dtype).reshaped(f.shape).astype(gz.dtype)]
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
