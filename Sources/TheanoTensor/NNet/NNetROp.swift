// R-operators of the neural-network ops.

extension Softmax {
    /// Theano's `Softmax.R_op`: the Jacobian is symmetric, so it is the gradient applied to the eval point.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[0] else { return [nil] }
        return [SoftmaxGrad(axis: axis)(point, outputs[0])]
    }
}

extension LogSoftmax {
    /// `ev - sum(softmax(x) * ev)`: Theano spells log-softmax `log(softmax(x))`, whose ops both have R-operators.
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[0] else { return [nil] }
        return [point - (exp(outputs[0]) * point).sum(axis: axis, keepdims: true)]
    }
}

extension Pool2D {
    /// Theano's `Pool.R_op`: for sum and average pooling (linear) the pooled eval point; for max
    /// pooling the eval point at each window's maximum (`MaxPoolGradGrad`).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let point = evalPoints[0] else { return [nil] }
        guard mode != .max else { return [MaxPoolGradGrad(pool: self)(inputs[0], outputs[0], point)] }
        return [self(point)]
    }
}

extension Conv2D {
    /// Bilinear in the image and the filters (Theano's `ConvOp.R_op`).
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        bilinearROp(self, inputs, evalPoints)
    }
}
