/// The nnet stage's rewrites, registered with the optimizer.
package enum NNetRewrites {
    package static var all: [LocalRewrite] { [softmaxCrossentropy, logOfSoftmax, softmaxCrossentropyGrad] }

    /// SoftmaxGrad(Crossentropy1HotGrad(g, sm, y), sm) → (sm − onehot(y))·g: finite where sm underflows to 0.
    package static let softmaxCrossentropyGrad = LocalRewrite("crossentropy_softmax_1hot_grad", tags: ["stabilize"]) { node in
        guard let op = node.op as? SoftmaxGrad, op.axis == 1, let inner = node.inputs[0].owner,
              inner.op is CrossentropyCategorical1HotGrad, inner.inputs[1] === node.inputs[1] else { return nil }
        let (g, sm, y) = (inner.inputs[0], node.inputs[1], inner.inputs[2])
        let oneHot = cast(OneHot()(y, shapeI(sm, 1)), sm.dtype)
        return ((sm - oneHot) * g.dimshuffle(0, nil)).fitted(to: node.outputs[0].type).map { [$0] }
    }

    /// CrossentropyCategorical1Hot(softmax(x), y) → CrossentropySoftmax1Hot(x, y).
    package static let softmaxCrossentropy = LocalRewrite("crossentropy_softmax_1hot", tags: ["stabilize"]) { node in
        guard node.op is CrossentropyCategorical1Hot, let sm = node.inputs[0].owner, let op = sm.op as? Softmax,
              op.axis == 1 else { return nil }
        return CrossentropySoftmax1Hot()(sm.inputs[0], node.inputs[1]).fitted(to: node.outputs[0].type).map { [$0] }
    }

    /// log(softmax(x)) → logSoftmax(x).
    package static let logOfSoftmax = LocalRewrite("local_logsoftmax", tags: ["stabilize"]) { node in
        guard (node.op as? Elemwise)?.scalarOp == .log, let sm = node.inputs[0].owner, let op = sm.op as? Softmax else { return nil }
        return LogSoftmax(axis: op.axis)(sm.inputs[0]).fitted(to: node.outputs[0].type).map { [$0] }
    }
}
