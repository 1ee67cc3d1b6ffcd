/// How `pool2d` combines a window.
public enum PoolMode: String, Hashable, Sendable {
    case max, sum, averageIncPad, averageExcPad
}

/// Windows over the last two dimensions of a tensor, Theano's `pool_2d`.
public struct Pool2D: Op {
    /// The pooling window.
    public let ws: [Int]
    /// How far the window moves.
    public let stride: [Int]
    /// Zero padding on each side.
    public let pad: [Int]
    /// Whether a partial window at the edge is dropped.
    public let ignoreBorder: Bool
    /// Max, or an average with or without the padding.
    public let mode: PoolMode
    public var description: String { "Pool2D{\(mode.rawValue), ws=\(ws)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim >= 2, "pool2d: needs at least 2 dimensions, got \(inputs[0])")
        var pattern = inputs[0].broadcastable
        pattern[pattern.count - 1] = false
        pattern[pattern.count - 2] = false
        return [TensorType(inputs[0].dtype, pattern)]
    }

    /// Output size along one axis, following Theano's rules for partial windows, with Python's floor
    /// division: a window larger than the image gives 0 with `ignoreBorder`, as in Theano (truncating
    /// division gave 1). An empty image gives an empty result in every mode, where Theano's formula
    /// without `ignoreBorder` and a stride below the window would place one window over nothing.
    package func outputSize(_ n: Int, _ axis: Int) -> Int {
        let (w, s, p) = (ws[axis], stride[axis], pad[axis])
        /// ⌊a / b⌋ for b > 0.
        func floorDivision(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        if n == 0 { return 0 }
        if ignoreBorder { return Swift.max(0, floorDivision(n + 2 * p - w, s) + 1) }
        if s >= w { return floorDivision(n - 1, s) + 1 }
        return Swift.max(0, floorDivision(n - 1 - w + s, s)) + 1
    }

    /// The window [start, end) of output position `o` along an axis, clipped to the padded input.
    package func window(_ o: Int, _ n: Int, _ axis: Int) -> (Int, Int, Int) {
        let start = o * stride[axis] - pad[axis]
        let end = Swift.min(start + ws[axis], n + pad[axis])
        return (Swift.max(start, 0), Swift.min(end, n), end - start)
    }

    /// One pooling window: its plane, its index in the pooled output, the input's flat indices it
    /// covers (clipped to the input) and its size with the padding counted.
    package struct Window {
        package let plane, output: Int
        package let rows, columns: Range<Int>
        package let paddedSize: Int
        /// The flat index of (row, column) of this window's plane in an input of width `w`.
        package func index(_ row: Int, _ column: Int, height h: Int, width w: Int) -> Int { (plane * h + row) * w + column }
    }

    /// Every window of `planes` planes of `h` × `w` pooled to `oh` × `ow`, in the output's order.
    package func forEachWindow(planes: Int, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int, _ body: (Window) -> Void) {
        for p in 0..<planes {
            for i in 0..<oh {
                let (r0, r1, rows) = window(i, h, 0)
                for j in 0..<ow {
                    let (c0, c1, cols) = window(j, w, 1)
                    body(Window(plane: p, output: (p * oh + i) * ow + j, rows: r0..<r1, columns: c0..<c1, paddedSize: rows * cols))
                }
            }
        }
    }

    /// The flat index of each window's first maximum in `v` (Theano's MaxPoolGrad takes the first).
    package func firstMaximum(_ window: Window, _ v: [Double], _ maximum: Double, _ h: Int, _ w: Int) -> Int? {
        for r in window.rows { for c in window.columns where v[window.index(r, c, height: h, width: w)] == maximum {
            return window.index(r, c, height: h, width: w)
        } }
        return nil
    }

    /// `outputSize` written symbolically.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let S = SymbolicShape.self
        func size(_ n: TensorVariable, _ axis: Int) -> TensorVariable {
            let (w, s) = (S.constant(ws[axis]), S.constant(stride[axis]))
            let one = S.constant(1)
            let pooled: TensorVariable
            if ignoreBorder {
                pooled = S.max(S.constant(0), S.add(S.floorDiv(S.sub(S.add(n, S.constant(2 * pad[axis])), w), s), one))
            } else if stride[axis] >= ws[axis] {
                pooled = S.add(S.floorDiv(S.sub(n, one), s), one)
            } else {
                pooled = S.add(S.max(S.constant(0), S.floorDiv(S.add(S.sub(S.sub(n, one), w), s), s)), one)
            }
            if let k = S.value(n) { return k == 0 ? S.constant(0) : pooled }
            return `switch`(eq(n, 0), S.constant(0), pooled)
        }
        let x = inputShapes[0], nd = x.count
        return [Array(x.dropLast(2)) + [size(x[nd - 2], 0), size(x[nd - 1], 1)]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        let (h, w) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        guard pad[0] < ws[0] && pad[1] < ws[1] else { throw OpFailure(.badArgument, input: 0, "pool2d: padding \(pad) must be smaller than the window \(ws)") }
        let (oh, ow) = (outputSize(h, 0), outputSize(w, 1))
        // Counted from the leading dimensions: an empty image still has its planes.
        let planes = x.shape.dropLast(2).reduce(1, *)
        let v = x.doubles
        var out = [Double](repeating: 0, count: planes * oh * ow)
        forEachWindow(planes: planes, h, w, oh, ow) { window in
            var acc = mode == .max ? -Double.infinity : 0
            for r in window.rows { for c in window.columns {
                let value = v[window.index(r, c, height: h, width: w)]
                acc = mode == .max ? Swift.max(acc, value) : acc + value
            } }
            switch mode {
            case .averageIncPad: acc /= Double(window.paddedSize)
            case .averageExcPad: acc /= Double(Swift.max(window.rows.count * window.columns.count, 1))
            default: break
            }
            out[window.output] = acc
        }
        return [NDArray(out, shape: Array(x.shape.dropLast(2)) + [oh, ow]).astype(x.dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil] }
        return [Pool2DGrad(pool: self)(inputs[0], outputs[0], gz)]
    }
}

/// Routes the pooled gradient back: to the maximum of each window, or spread over it.
public struct Pool2DGrad: Op {
    package init(pool: Pool2D) { self.pool = pool }
    /// The pooling whose gradient this is.
    public let pool: Pool2D
    public var description: String { "Pool2DGrad{\(pool.mode.rawValue)}" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [inputs[0]] }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, z, gz) = (inputs[0], inputs[1], inputs[2])
        let (h, w) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        let (oh, ow) = (z.shape[z.ndim - 2], z.shape[z.ndim - 1])
        let planes = x.shape.dropLast(2).reduce(1, *)
        let v = x.doubles, zv = z.doubles, g = gz.doubles
        var gx = [Double](repeating: 0, count: x.count)
        pool.forEachWindow(planes: planes, h, w, oh, ow) { window in
            let k = window.output
            switch pool.mode {
            case .max:
                // The first maximum takes the whole gradient, like Theano's MaxPoolGrad.
                if let at = pool.firstMaximum(window, v, zv[k], h, w) { gx[at] += g[k] }
            default:
                let size = pool.mode == .averageIncPad ? window.paddedSize : Swift.max(window.rows.count * window.columns.count, 1)
                let share = pool.mode == .sum ? g[k] : g[k] / Double(size)
                for r in window.rows { for c in window.columns { gx[window.index(r, c, height: h, width: w)] += share } }
            }
        }
        return [NDArray(gx, shape: x.shape).astype(x.dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        secondDerivative(inputs, outputGrads[0])
    }
}

/// Pools windows of the last two dimensions: `pool2d(x, ws: (2, 2))`.
public func pool2d(_ x: TensorVariable, ws: (Int, Int), ignoreBorder: Bool = true, stride: (Int, Int)? = nil,
                   pad: (Int, Int) = (0, 0), mode: PoolMode = .max) -> TensorVariable {
    let step = stride ?? ws
    precondition(ws.0 > 0 && ws.1 > 0 && step.0 > 0 && step.1 > 0, "pool2d: window and stride must be positive")
    precondition(pad == (0, 0) || ignoreBorder, "pool2d: padding requires ignoreBorder: true, as in Theano")
    return Pool2D(ws: [ws.0, ws.1], stride: [step.0, step.1], pad: [pad.0, pad.1], ignoreBorder: ignoreBorder, mode: mode)(x)
}
