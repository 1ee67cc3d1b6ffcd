/// Convolutions as the direct sums that define them: the reference the faster backends are tested
/// against. `F` is the filter as applied, flipped in both spatial axes for a true convolution.
///
///     out[n, k, y, x] = Σ_{c, i, j} in[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw] · F[k, c, i, j]
///
/// The forward sum and both gradients walk the same (output, tap) pairs, in the same order.
package enum ReferenceConvolution {
    package static func forward(_ x: NDArray, _ f: NDArray, _ g: ConvGeometry, flip: Bool, _ dtype: DType) -> NDArray {
        let out = NDArray(zeros: [x.shape[0], f.shape[0], g.oh, g.ow], dtype: dtype)
        func run<T: FloatTensorElement>(_: T.Type) {
            let input = x.astype(dtype).scalars(as: T.self), filters = f.astype(dtype).scalars(as: T.self)
            let target = out.baseAddress.assumingMemoryBound(to: T.self)
            forEachTap(g, batch: x.shape[0], channels: x.shape[1], filters: f.shape[0], flip: flip) { o, i, w in
                target[o] += input[i] * filters[w]
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// The gradient with respect to the input: each output gradient flows back to every pixel it read.
    package static func inputGradient(_ f: NDArray, _ gz: NDArray, _ g: ConvGeometry, shape: [Int], flip: Bool, _ dtype: DType) -> NDArray {
        let out = NDArray(zeros: shape, dtype: dtype)
        func run<T: FloatTensorElement>(_: T.Type) {
            let grads = gz.astype(dtype).scalars(as: T.self), filters = f.astype(dtype).scalars(as: T.self)
            let target = out.baseAddress.assumingMemoryBound(to: T.self)
            forEachTap(g, batch: shape[0], channels: shape[1], filters: f.shape[0], flip: flip) { o, i, w in
                target[i] += grads[o] * filters[w]
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// The gradient with respect to the filters, summed over the batch and the output positions.
    package static func filterGradient(_ x: NDArray, _ gz: NDArray, _ g: ConvGeometry, shape: [Int], flip: Bool, _ dtype: DType) -> NDArray {
        let out = NDArray(zeros: shape, dtype: dtype)
        func run<T: FloatTensorElement>(_: T.Type) {
            let input = x.astype(dtype).scalars(as: T.self), grads = gz.astype(dtype).scalars(as: T.self)
            let target = out.baseAddress.assumingMemoryBound(to: T.self)
            forEachTap(g, batch: x.shape[0], channels: x.shape[1], filters: shape[0], flip: flip) { o, i, w in
                target[w] += grads[o] * input[i]
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// Calls `body(output, input, filter)` with the flat indices of every output value, input pixel and
    /// filter tap that the sum pairs, skipping taps that fall in the padding.
    @inline(__always)
    private static func forEachTap(_ g: ConvGeometry, batch b: Int, channels c: Int, filters o: Int, flip: Bool,
                                   _ body: (Int, Int, Int) -> Void) {
        for n in 0..<b { for k in 0..<o { for y in 0..<g.oh { for xo in 0..<g.ow {
            let output = ((n * o + k) * g.oh + y) * g.ow + xo
            for ch in 0..<c { for i in 0..<g.kh { for j in 0..<g.kw {
                guard let pixel = g.source(y, xo, i, j) else { continue }
                body(output, ((n * c + ch) * g.h + pixel.row) * g.w + pixel.column, g.filterIndex(k, ch, i, j, channels: c, flip: flip))
            } } }
        } } } }
    }
}

extension ConvGeometry {
    /// The input pixel that filter tap (i, j) reads for output (y, x), or nil in the padding.
    @inline(__always)
    package func source(_ y: Int, _ x: Int, _ i: Int, _ j: Int) -> (row: Int, column: Int)? {
        let row = y * sh - ph + i * dh, column = x * sw - pw + j * dw
        return row >= 0 && row < h && column >= 0 && column < w ? (row, column) : nil
    }

    /// The flat index of tap (i, j) of filter k on channel c, as applied (flipped for a true convolution).
    @inline(__always)
    package func filterIndex(_ k: Int, _ c: Int, _ i: Int, _ j: Int, channels: Int, flip: Bool) -> Int {
        let (fi, fj) = flip ? (kh - 1 - i, kw - 1 - j) : (i, j)
        return ((k * channels + c) * kh + fi) * kw + fj
    }
}
