/// Shape and indexing nodes that change nothing: Theano's `local_useless_reshape`,
/// `local_useless_subtensor` and `local_useless_rebroadcast`.
package enum ShapeRewrites {
    package static let useless = LocalRewrite("local_useless_shape_ops", tags: ["canonicalize", "useless"]) { node in
        let x = node.inputs[0], out = node.outputs[0]
        func keep() -> [TensorVariable]? { x.fitted(to: out.type).map { [$0] } }
        switch node.op {
        case let subtensor as Subtensor:
            // x[:], x[:, :]: every item a full slice.
            return subtensor.items.allSatisfy({ $0 == .slice(start: false, stop: false, step: false) }) ? keep() : nil
        case let reshape as Reshape:
            // reshape(x, (x.shape[0], …, x.shape[n-1])), which `reshape(like: x)` and grads build.
            guard reshape.ndim == x.ndim else { return nil }
            let sizes = node.inputs.dropFirst()
            // Compared with the shape feature's sizes, which may already have replaced `Shape_i(x)`.
            let same = sizes.enumerated().allSatisfy { axis, size in ShapeFeature.sameSize(size, shapeI(x, axis)) }
            return same ? keep() : nil
        case let rebroadcast as Rebroadcast:
            return rebroadcast.pattern == x.broadcastable ? [x] : nil
        default:
            return nil
        }
    }

    /// x.shape[i] → Shape_i{i}(x), for a constant i: the form the other shape rewrites recognise.
    package static let shapeToShapeI = LocalRewrite("local_shape_to_shape_i", tags: ["canonicalize"]) { node in
        guard let subtensor = node.op as? Subtensor, subtensor.items == [.index],
              let shapeNode = node.inputs[0].owner, shapeNode.op is ShapeOp,
              let index = ElemwiseRewrites.constantValue(node.inputs[1]) else { return nil }
        let x = shapeNode.inputs[0]
        let axis = Int(index) < 0 ? Int(index) + x.ndim : Int(index)
        guard axis >= 0 && axis < x.ndim else { return nil }
        return [shapeI(x, axis)]
    }
}
