// The second derivative of max pooling, and the R-operators and gradients built on it.

/// Theano's `DownsampleFactorMaxGradGrad`: for each pooling window, the value of `ev` at the position
/// of the window's maximum in `x` (the first one, where `Pool2DGrad` sends the gradient).
///
/// Max pooling is piecewise linear: on each piece it picks one element per window, so its R-operator
/// at the eval point `ev` and the gradient of `Pool2DGrad` with respect to its incoming gradient are
/// both this selection. Inputs are `x`, the pooled maxima `z = pool2d(x)` and `ev`, shaped like `x`;
/// the output is shaped like `z`.
public struct MaxPoolGradGrad: Op {
    package init(pool: Pool2D) {
        precondition(pool.mode == .max, "MaxPoolGradGrad: only max pooling selects one element per window, got \(pool.mode.rawValue)")
        self.pool = pool
    }
    /// The max pooling whose second derivative this is.
    public let pool: Pool2D
    public var description: String { "MaxPoolGradGrad{ws=\(pool.ws)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == inputs[2].ndim && inputs[1].ndim == inputs[0].ndim,
                     "MaxPoolGradGrad: x, the pooled maxima and the eval point need one rank, got \(inputs[0]), \(inputs[1]), \(inputs[2])")
        return [TensorType(inputs[2].dtype, inputs[1].broadcastable)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[1]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, z, ev) = (inputs[0], inputs[1], inputs[2])
        guard ev.shape == x.shape else {
            throw OpFailure(.shapeMismatch, input: 2, "MaxPoolGradGrad: the eval point has shape \(ev.shape), expected the input's \(x.shape)")
        }
        let (h, w) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        let expected = Array(x.shape.dropLast(2)) + [pool.outputSize(h, 0), pool.outputSize(w, 1)]
        guard z.shape == expected else {
            throw OpFailure(.shapeMismatch, input: 1, "MaxPoolGradGrad: the pooled maxima have shape \(z.shape), expected \(expected) for an input of shape \(x.shape)")
        }
        let (oh, ow) = (expected[expected.count - 2], expected[expected.count - 1])
        let planes = x.shape.dropLast(2).reduce(1, *)
        let v = x.doubles, zv = z.doubles, e = ev.doubles
        var out = [Double](repeating: 0, count: z.count)
        pool.forEachWindow(planes: planes, h, w, oh, ow) { window in
            if let at = pool.firstMaximum(window, v, zv[window.output], h, w) { out[window.output] = e[at] }
        }
        return [NDArray(out, shape: z.shape).astype(ev.dtype)]
    }

    /// Theano's: linear in `ev`, whose gradient routes back through `Pool2DGrad`; the selection is
    /// piecewise constant in `x` and `z`.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil, nil] }
        return [zerosLike(inputs[0]), zerosLike(inputs[1]), Pool2DGrad(pool: pool)(inputs[0], inputs[1], gz)]
    }

    /// Linear in the eval point: the same selection of its tangent.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[2] else { return [nil] }
        return [self(inputs[0], inputs[1], point)]
    }
}

extension Pool2DGrad {
    /// Theano's `MaxPoolGrad.grad` and `AveragePoolGrad.grad`: linear in the incoming gradient, so its
    /// gradient is the max selection or the pooling of `ggx`, and zero (piecewise) in `x` and `z`.
    package func secondDerivative(_ inputs: [TensorVariable], _ ggx: TensorVariable?) -> [TensorVariable?] {
        guard let ggx else { return [nil, nil, nil] }
        let ggz = pool.mode == .max ? MaxPoolGradGrad(pool: pool)(inputs[0], inputs[1], ggx) : pool(ggx)
        return [zerosLike(inputs[0]), zerosLike(inputs[1]), cast(ggz, inputs[2].dtype)]
    }

    /// Linear in the incoming gradient and piecewise constant in `x` (Theano's `MaxPoolGrad` has none;
    /// this one lets `rop(grad(cost, wrt: x), wrt: x, evalPoint: v)` pass through pooling).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[2] else { return [nil] }
        return [self(inputs[0], inputs[1], point)]
    }
}
