/// The CPU backend's convolutions: im2col, then one matrix product for the whole batch, through the
/// backend's GEMM.
extension ConvGeometry {
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
    package func im2col<T: FloatTensorElement>(_ image: UnsafePointer<T>, channels: Int, into cols: UnsafeMutablePointer<T>, ld: Int) {
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
    package func col2im<T: FloatTensorElement>(_ cols: UnsafePointer<T>, ld: Int, channels: Int, into image: UnsafeMutablePointer<T>) {
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
package enum ConvMath {
    /// Filters (o, c, kh, kw) as an (o, c·kh·kw) matrix, flipped in both spatial axes when the
    /// convolution is a true convolution.
    package static func orientedFilters(_ f: NDArray, flip: Bool, _ dtype: DType) -> NDArray {
        let (o, c, kh, kw) = (f.shape[0], f.shape[1], f.shape[2], f.shape[3])
        let oriented = flip ? f.sliced([(0, o, 1), (0, c, 1), (kh - 1, kh, -1), (kw - 1, kw, -1)]) : f
        return oriented.astype(dtype).contiguous().reshaped([o, c * kh * kw])
    }

    /// Every image's patches side by side: a (c·kh·kw, b·oh·ow) matrix.
    package static func patches(_ x: NDArray, _ g: ConvGeometry, _ dtype: DType) -> NDArray {
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
    package static func images(from cols: NDArray, _ g: ConvGeometry, shape: [Int]) -> NDArray {
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
    package static func gradientColumns(_ gz: NDArray, _ dtype: DType) -> NDArray {
        let (b, o) = (gz.shape[0], gz.shape[1])
        return gz.astype(dtype).transposed([1, 0, 2, 3]).contiguous().reshaped([o, b * gz.shape[2] * gz.shape[3]])
    }
}

package enum Im2colConvolution {
    package static func forward(_ op: Conv2D, _ inputs: [NDArray]) throws -> [NDArray] {
        let (x, f) = (inputs[0], inputs[1])
        try ConvShapes.checkShapes(x, f)
        let (b, o) = (x.shape[0], f.shape[0])
        let g = try op.settings.geometry(x.shape[2], x.shape[3], f.shape[2], f.shape[3])
        // One product for the whole batch: (o, c·kh·kw) · (c·kh·kw, b·oh·ow).
        let dtype = DType.upcast(x.dtype, f.dtype).upgradedToFloat
        let product = matrixMultiply(ConvMath.orientedFilters(f, flip: op.settings.flip, dtype), ConvMath.patches(x, g, dtype))
        return [product.reshaped([o, b, g.oh, g.ow]).transposed([1, 0, 2, 3]).contiguous()]
    }

    package static func inputGradient(_ op: Conv2DGradInputs, _ inputs: [NDArray]) throws -> [NDArray] {
        let (f, gz, x) = (inputs[0], inputs[1], inputs[2])
        let g = try ConvShapes.checkGradient("Conv2DGradInputs", x: x, f: f, gz: gz, gzInput: 1, op.settings)
        let dtype = gz.dtype.upgradedToFloat
        // Patch gradients for the whole batch: filtersᵀ · gz, then each image's block back to pixels.
        let cols = matrixMultiply(ConvMath.orientedFilters(f, flip: op.settings.flip, dtype).T, ConvMath.gradientColumns(gz, dtype))
        return [ConvMath.images(from: cols, g, shape: x.shape).astype(gz.dtype)]
    }

    package static func filterGradient(_ op: Conv2DGradWeights, _ inputs: [NDArray]) throws -> [NDArray] {
        let (x, gz, f) = (inputs[0], inputs[1], inputs[2])
        let g = try ConvShapes.checkGradient("Conv2DGradWeights", x: x, f: f, gz: gz, gzInput: 1, op.settings)
        // Summed over the batch in one product: gz (o, b·oh·ow) · patchesᵀ (b·oh·ow, c·kh·kw).
        let dtype = gz.dtype.upgradedToFloat
        let total = matrixMultiply(ConvMath.gradientColumns(gz, dtype), ConvMath.patches(x, g, dtype).T).reshaped(f.shape)
        // A flipped convolution's filter gradient is flipped back.
        return [ConvMath.orientedFilters(total, flip: op.settings.flip, dtype).reshaped(f.shape).astype(gz.dtype)]
    }
}
