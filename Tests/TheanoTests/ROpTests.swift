import Testing
@testable import Theano

/// Deterministic test values in [-1, 1) (not numpy's: only their role as a direction matters).
private func values(_ shape: [Int], seed: UInt64, offset: Double = 0) -> NDArray {
    var generator = SplitMix64(seed: seed)
    return NDArray((0..<shape.reduce(1, *)).map { _ in 2 * generator.nextUnit() - 1 + offset }, shape: shape)
}

/// Checks `rop` of `build(inputs)` at `points` along random directions three ways: Theano's per-op
/// R-operators, the double pull-back, and central finite differences of the compiled expression.
private func checkROp(_ points: [NDArray], tolerance: Double = 1e-6, pullback: Bool = true, _ build: ([TensorVariable]) -> TensorVariable) throws {
    let inputs = points.map { tensor(dtype: .float64, broadcastable: [Bool](repeating: false, count: $0.ndim)) }
    let tangents = points.map { tensor(dtype: .float64, broadcastable: [Bool](repeating: false, count: $0.ndim)) }
    let y = build(inputs)
    let direct = try rop([y], wrt: inputs, evalPoints: tangents)[0]
    let pulled = pullback ? try rop([y], wrt: inputs, evalPoints: tangents, method: .throughPullback)[0] : direct
    #expect(direct.type == y.type)
    let f = try function(inputs, y)
    let jv = try function(inputs + tangents, [direct, pulled], onUnusedInput: .ignore)
    let directions = points.enumerated().map { values($1.shape, seed: 100 + UInt64($0)) }
    let results = try jv.call(points + directions)
    let eps = 1e-6
    func shifted(_ sign: Double) -> [NDArray] {
        zip(points, directions).map { p, d in NDArray(zip(p.doubles, d.doubles).map { $0 + sign * eps * $1 }, shape: p.shape) }
    }
    let numeric = zip(try f.call(shifted(1)).doubles, try f.call(shifted(-1)).doubles).map { ($0 - $1) / (2 * eps) }
    #expect(results[0].shape == results[1].shape)
    #expect(close(results[0].doubles, numeric, tolerance: tolerance), "R-operators: \(results[0].doubles) vs finite differences \(numeric)")
    #expect(close(results[1].doubles, numeric, tolerance: tolerance), "double pull-back: \(results[1].doubles) vs finite differences \(numeric)")
}

@Suite struct ROpTests {
    // MARK: Theano's tutorial (doc/tutorial/gradients.txt)

    @Test func tutorialRopOfAMatrixProduct() throws {
        let W = dmatrix("W"), V = dmatrix("V"), x = dvector("x")
        let y = dot(x, W)
        let JV = try rop(y, wrt: W, evalPoint: V)
        // JV is dot(x, V): Theano's graph also reads W, through dot(zeros_like(x), W), and this one does not.
        let f = try function([W, V, x], JV, onUnusedInput: .ignore)
        #expect(try f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).doubles == [2, 2])
    }

    @Test func tutorialLopOfAMatrixProduct() throws {
        let W = dmatrix("W"), v = dvector("v"), x = dvector("x")
        let y = dot(x, W)
        let VJ = try lop(y, wrt: W, evalPoint: v)
        let f = try function([v, x], VJ)
        let out = try f([2, 2], [0, 1])
        #expect(out.shape == [2, 2] && out.doubles == [0, 0, 2, 2])
    }

    @Test func tutorialHessianTimesVector() throws {
        let x = dvector("x"), v = dvector("v")
        let y = (x ** 2).sum()
        let gy = try grad(y, wrt: x)
        let vH = try grad((gy * v).sum(), wrt: x)
        #expect(try function([x, v], vH)([4, 4], [2, 2]).doubles == [4, 4])
        let Hv = try rop(gy, wrt: x, evalPoint: v)
        #expect(try function([x, v], Hv)([4, 4], [2, 2]).doubles == [4, 4])
        let vHByLop = try lop(gy, wrt: x, evalPoint: v)
        #expect(try function([x, v], vHByLop)([4, 4], [2, 2]).doubles == [4, 4])
    }

    // MARK: Hessian-vector products against the Hessian

    /// cost = sum(tanh(W·x)²) + sum(exp(x)·x); H·v from rop(grad), from lop(grad) (H is symmetric) and
    /// from hessian(cost)·v, which numpy gives (below).
    @Test func hessianVectorProductsAgreeWithTheHessian() throws {
        let x = dvector("x"), v = dvector("v")
        let W = TensorConstant(NDArray([0.5, -1.0, 0.25, 1.5, 0.75, -0.5], shape: [2, 3]))
        let cost = (tanh(dot(W, x)) ** 2).sum() + (exp(x) * x).sum()
        let g = try grad(cost, wrt: x)
        let byROp = try rop(g, wrt: x, evalPoint: v)
        let byPullback = try rop(g, wrt: x, evalPoint: v, method: .throughPullback)
        let byLop = try lop(g, wrt: x, evalPoint: v)
        let byHessian = dot(try hessian(cost, wrt: x), v)
        let f = try function([x, v], [byROp, byPullback, byLop, byHessian])
        let out = try f([0.3, -0.2, 0.1], [1.0, 2.0, -1.0])
        // numpy: x=[.3,-.2,.1]; v=[1,2,-1]; W as above; a=W@x; t=tanh(a);
        // H = W.T @ diag(2*(1-t**2)*(1-3*t**2)) @ W + diag(exp(x)*(x+2)); H@v
        let expected = [10.26100152067259, 8.869697005397938, -5.487668736605893]
        for (k, result) in out.enumerated() {
            #expect(close(result.doubles, expected, tolerance: 1e-10), "form \(k): \(result.doubles)")
        }
    }

    @Test func lopIsTheGradientOfTheProjectedOutput() throws {
        let x = dmatrix("x"), u = dmatrix("u")
        let y = softmax(x * 2) + sigmoid(x).sum(axis: 0, keepdims: true)
        let byLop = try lop(y, wrt: x, evalPoint: u)
        let byGrad = try grad((y * u).sum(), wrt: x)
        let f = try function([x, u], [byLop, byGrad])
        let out = try f.call([values([3, 4], seed: 1), values([3, 4], seed: 2)])
        #expect(close(out[0].doubles, out[1].doubles, tolerance: 1e-12))
        #expect(out[0].doubles.contains { Swift.abs($0) > 1e-3 })
    }

    // MARK: Each family against finite differences

    @Test func elementwiseWithBroadcasting() throws {
        try checkROp([values([3, 4], seed: 1), values([4], seed: 2, offset: 2)]) { v in
            let (x, b) = (v[0], v[1])
            return tanh(x * b) + x / b - exp(-(x ** 2)) + log1p(x * x) * sigmoid(b) + maximum(x, b - 2) + abs(x) ** 1.5
        }
    }

    @Test func shapesAndJoins() throws {
        try checkROp([values([2, 3], seed: 3), values([2, 3], seed: 4)]) { v in
            concatenate([v[0].T, (v[1] * v[0]).T], axis: 1).reshape([3, 2, 2]).dimshuffle([2, 0, 1]).flatten() * 3
        }
    }

    @Test func indexingAndIncrements() throws {
        let rows = TensorConstant(NDArray([2, 0, 2] as [Int64], shape: [3]))
        try checkROp([values([4, 3], seed: 5), values([2, 3], seed: 6)]) { v in
            let region = v[0][1..<3]
            let incremented = incSubtensor(region, v[1] * v[1])
            let set = setSubtensor(v[0][0], v[1][1] * 2)
            return incremented[rows] * set[rows] + sin(v[0][.all, 1]).sum()
        }
    }

    @Test func productsAndReductions() throws {
        try checkROp([values([3, 4], seed: 7), values([4, 2], seed: 8)]) { v in
            let p = dot(v[0], v[1])
            return concatenate([p.max(axis: 0, keepdims: true), p.sum(axis: 0, keepdims: true), p.min(axis: 0, keepdims: true), matmul(v[0], v[1]).mean(axis: 0, keepdims: true)], axis: 0)
        }
    }

    @Test func softmaxAndLogSoftmax() throws {
        try checkROp([values([3, 5], seed: 9)]) { v in softmax(v[0] * 3) + logSoftmax(v[0], axis: 0) }
    }

    @Test func convolutionAndAveragePooling() throws {
        // The double pull-back goes through the second derivatives of conv2d.
        try checkROp([values([1, 2, 5, 5], seed: 10), values([3, 2, 2, 2], seed: 11)]) { v in
            pool2d(conv2d(v[0], v[1]), ws: (2, 2), mode: .averageIncPad)
        }
    }

    @Test func inverseAndIfElse() throws {
        let noise = values([3, 3], seed: 12).doubles
        let wellConditioned = NDArray((0..<9).map { noise[$0] + ($0 % 4 == 0 ? 3 : 0) }, shape: [3, 3])
        try checkROp([wellConditioned, values([], seed: 13)]) { v in
            (try? ifelse(gt(v[1], -2.0), matrixInverse(v[0]) * v[1], v[0])) ?? v[0]
        }
    }

    // MARK: Bad inputs

    @Test func anOpWithoutAnROperatorIsNamed() throws {
        let a = dmatrix("a"), v = dmatrix("v")
        let error = try #require(throws: TheanoError.self) { try rop(cholesky(a), wrt: a, evalPoint: v) }
        #expect(error.kind == .unsupported)
        #expect(error.message.hasPrefix("rop: Cholesky"), "\(error.message)")
        #expect(error.message.contains("has no R-operator"))
        let product = try #require(throws: TheanoError.self) { try rop(a.prod(), wrt: a, evalPoint: v) }
        #expect(product.message.contains("Prod"), "\(product.message)")
        let determinant = try #require(throws: TheanoError.self) { try rop(det(a), wrt: a, evalPoint: v) }
        #expect(determinant.message.hasPrefix("rop: Det has no R-operator (Theano defines none for it)"), "\(determinant.message)")
        // Theano has no R-operator for the gradient of softmax either, so rop of that gradient stops there.
        let softGrad = try #require(throws: TheanoError.self) { try rop(try grad(softmax(a).max(), wrt: a), wrt: a, evalPoint: v) }
        #expect(softGrad.message.hasPrefix("rop: SoftmaxGrad{axis=1}"), "\(softGrad.message)")
        // The double pull-back needs only gradients, so it gets through where the R-operator is missing.
        let viaPullback = try rop(a.prod(), wrt: a, evalPoint: v, method: .throughPullback)
        let value = try function([a, v], viaPullback)([[1, 2], [3, 4]], [[1, 0], [0, 1]])
        #expect(value.item() == 24 * (1.0 / 1 + 1.0 / 4))
    }

    @Test func mismatchedEvalPointsAreRefused() throws {
        let x = dmatrix("x"), v = dvector("v"), y = dvector("y")
        let rank = try #require(throws: TheanoError.self) { try rop(x * 2, wrt: x, evalPoint: v) }
        #expect(rank.kind == .ndimMismatch)
        #expect(rank.message.contains("element 0 of wrt/evalPoints have mismatched dimensionality: x is TensorType(float64, matrix) (rank 2) but its eval point v"), "\(rank.message)")
        let count = try #require(throws: TheanoError.self) { try rop([x * 2], wrt: [x], evalPoints: []) }
        #expect(count.kind == .badArgument && count.message.contains("1 variable in wrt but 0 eval points"))
        let lopRank = try #require(throws: TheanoError.self) { try lop(y * 2, wrt: y, evalPoint: x) }
        #expect(lopRank.kind == .ndimMismatch && lopRank.message.contains("has rank 1 but its eval point x has rank 2"), "\(lopRank.message)")
        let integer = try #require(throws: TheanoError.self) { try lop(y * 2, wrt: y, evalPoint: lvector("k")) }
        #expect(integer.kind == .dtypeMismatch && integer.message.contains("has dtype int64"), "\(integer.message)")
    }

    @Test func disconnectedOutputsRaiseOrGiveZeros() throws {
        let x = dvector("x"), z = dvector("z"), v = dvector("v")
        let error = try #require(throws: TheanoError.self) { try rop(z * 2, wrt: x, evalPoint: v) }
        #expect(error.kind == .disconnectedInput && error.message.contains("does not depend on"), "\(error.message)")
        let zeros = try rop(z * 2, wrt: x, evalPoint: v, disconnectedOutputs: .returnZeros)
        #expect(try function([z], zeros)([1, 2]).doubles == [0, 0])
        // Only through a non-differentiable op (argmax, a comparison) is disconnected too.
        #expect(throws: TheanoError.self) { try rop(cast(x.argmax(), .float64), wrt: x, evalPoint: v) }
        let lopError = try #require(throws: TheanoError.self) { try lop(z * 2, wrt: x, evalPoint: v) }
        #expect(lopError.kind == .disconnectedInput && lopError.message.hasPrefix("lop: asked for the vector-Jacobian product with respect to x"), "\(lopError.message)")
        #expect(try function([x], try lop(z * 2, wrt: x, evalPoint: v, disconnectedInputs: .returnZeros))([3, 4]).doubles == [0, 0])
        // An eval point of another dtype is cast to its variable's, as Theano's filter_variable does.
        let f32 = fvector("f"), v64 = dvector("v64")
        #expect(try rop(f32 * 2, wrt: f32, evalPoint: v64).dtype == .float32)
    }
}
