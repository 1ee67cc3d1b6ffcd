/// α·dot(A, B) + β·C for float matrices in one node, Theano's `Gemm`. The optimizer makes it from
/// `dot(A, B)` added to a matrix (`local_gemm`); users write the sum.
public struct Gemm: Op {
    /// The scale of the product.
    public let alpha: Double
    /// The scale of the accumulated matrix.
    public let beta: Double
    /// `β·C + α·dot(A, B)` with these scales.
    public init(alpha: Double, beta: Double) { (self.alpha, self.beta) = (alpha, beta) }
    public var description: String { "Gemm{alpha=\(alpha), beta=\(beta)}" }

    /// Inputs: C, A, B.
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let (c, a, b) = (inputs[0], inputs[1], inputs[2])
        precondition(c.ndim == 2 && a.ndim == 2 && b.ndim == 2 && c.dtype.isFloat && a.dtype == c.dtype && b.dtype == c.dtype,
                     "gemm: needs three float matrices of one dtype, got \(c), \(a) and \(b)")
        return [c]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try combine(inputs, multiply: referenceMatrixMultiply)]
    }

    /// α·(A·B) + β·C with the product computed by `multiply`.
    package func combine(_ inputs: [NDArray], multiply: (NDArray, NDArray) -> NDArray) throws -> NDArray {
        let (c, a, b) = (inputs[0], inputs[1], inputs[2])
        guard a.shape[1] == b.shape[0] else {
            throw OpFailure(.shapeMismatch, input: 2, "shapes \(a.shape) and \(b.shape) are not aligned")
        }
        guard c.shape == [a.shape[0], b.shape[1]] else {
            throw OpFailure(.shapeMismatch, input: 0, "the product has shape \([a.shape[0], b.shape[1]]), but C has shape \(c.shape)")
        }
        var product = multiply(a, b).contiguous()
        let cc = c.contiguous()
        func combine<T: FloatTensorElement>(_: T.Type) {
            let p = product.storage.pointer.assumingMemoryBound(to: T.self), q = cc.baseAddress.assumingMemoryBound(to: T.self)
            let (alpha, beta) = (T(self.alpha), T(self.beta))
            for i in 0..<product.count { p[i] = alpha * p[i] + beta * q[i] }
        }
        if c.dtype == .float32 { combine(Float.self) } else { combine(Double.self) }
        product.offset = 0
        return withExtendedLifetime(cc) { product }
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil, nil] }
        let (a, b) = (inputs[1], inputs[2])
        func scaled(_ v: TensorVariable, _ s: Double) -> TensorVariable { s == 1 ? v : cast(s * v, v.dtype) }
        return [scaled(gz, beta), scaled(dot(gz, b.T), alpha), scaled(dot(a.T, gz), alpha)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "gemm(\(inputs[0]), \(alpha), \(inputs[1]), \(inputs[2]), \(beta))" }
}

package enum BlasRewrites {
    /// dot(A, B)·α + C·β → Gemm, when nothing else reads the product (it would be computed twice).
    package static let gemm = LocalRewrite("local_gemm", tags: ["specialize"], inGraph: { node, graph in
        let out = node.outputs[0]
        guard let op = ElemwiseRewrites.scalarOp(out), op == .add || op == .sub, node.inputs.count == 2,
              out.ndim == 2, out.dtype.isFloat else { return nil }
        /// A term as (scale, variable): `c * v` with a scalar constant c, `-v`, or `v`.
        func scaled(_ v: TensorVariable) -> (Double, TensorVariable) {
            let args = ElemwiseRewrites.args(v)
            if ElemwiseRewrites.scalarOp(v) == .neg { return (-1, args[0]) }
            if ElemwiseRewrites.scalarOp(v) == .mul, args.count == 2 {
                for (c, x) in [(args[0], args[1]), (args[1], args[0])] {
                    if let value = ElemwiseRewrites.constantValue(c), c.broadcastable.allSatisfy({ $0 }) { return (value, x) }
                }
            }
            return (1, v)
        }
        var terms = node.inputs.map(scaled)
        if op == .sub { terms[1].0 = -terms[1].0 }
        for (i, j) in [(0, 1), (1, 0)] {
            let (alpha, product) = terms[i], (beta, c) = terms[j]
            guard let dotNode = product.owner, dotNode.op is Dot, dotNode.inputs.allSatisfy({ $0.ndim == 2 && $0.dtype == out.dtype }),
                  product.broadcastable == [false, false], c.type == out.type,
                  graph.clients[product]?.count == 1 else { continue }
            return [Gemm(alpha: alpha, beta: beta)(c, dotNode.inputs[0], dotNode.inputs[1])]
        }
        return nil
    })
}
