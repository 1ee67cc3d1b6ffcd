import Testing
@testable import Theano

/// Distinct values in [-1, 1), so no window has two maxima and finite differences see one piece.
private func distinct(_ shape: [Int], seed: UInt64) -> NDArray {
    var generator = SplitMix64(seed: seed)
    return NDArray((0..<shape.reduce(1, *)).map { _ in 2 * generator.nextUnit() - 1 }, shape: shape)
}

private func shifted(_ p: NDArray, _ d: NDArray, _ eps: Double) -> NDArray {
    NDArray(zip(p.doubles, d.doubles).map { $0 + eps * $1 }, shape: p.shape)
}

/// Central differences of `f` at `p` along `d`.
private func finiteDifference(_ f: Function<NDArray>, _ p: NDArray, _ d: NDArray, eps: Double = 1e-6) throws -> [Double] {
    zip(try f(shifted(p, d, eps)).doubles, try f(shifted(p, d, -eps)).doubles).map { ($0 - $1) / (2 * eps) }
}

private func near(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

/// Max pooling's R-operator, Theano's `Pool.R_op` through `DownsampleFactorMaxGradGrad`: for each
/// window, the eval point's value where the input has its maximum.
@Suite struct PoolROpTests {
    static let image = NDArray([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4] as [Double], shape: [1, 1, 4, 5])
    static let point = NDArray((0..<20).map { Double($0) / 10 }, shape: [1, 1, 4, 5])

    /// numpy: `ev[argmax]` of each window (np.argmax takes the first maximum, as `Pool2DGrad` does).
    @Test(arguments: [
        (PoolCase(ws: (2, 2), ignoreBorder: false), [0.5, 0.7, 0.4, 1.1, 1.2, 1.4], [1, 1, 2, 3]),
        (PoolCase(ws: (2, 2), ignoreBorder: true), [0.5, 0.7, 1.1, 1.2], [1, 1, 2, 2]),
        // Two nines in the first 3×3 window: the first one, at (1, 0), is selected.
        (PoolCase(ws: (3, 3), ignoreBorder: true, stride: (1, 1)), [0.5, 1.2, 1.2, 0.5, 1.2, 1.2], [1, 1, 2, 3]),
    ])
    func selectsTheEvalPointAtEachWindowsMaximum(_ pool: PoolCase, _ expected: [Double], _ shape: [Int]) throws {
        let x = dtensor4("x"), v = dtensor4("v")
        let jv = try rop(pool.apply(x), wrt: x, evalPoint: v)
        #expect(jv.owner?.op is MaxPoolGradGrad)
        let value = try function([x, v], jv)(Self.image, Self.point)
        #expect(value.shape == shape)
        #expect(near(value.doubles, expected), "\(value.doubles)")
        // The same through the reference backend and the shape feature.
        #expect(try function([x, v], jv, mode: Mode.none)(Self.image, Self.point).doubles == value.doubles)
        #expect(try function([x, v], jv.shape)(Self.image, Self.point).scalars(as: Int64.self) == shape.map(Int64.init))
    }

    /// `rop(pool2d(x), x, v)` is the directional derivative: central differences agree.
    @Test(arguments: [PoolCase(ws: (2, 2), ignoreBorder: false), PoolCase(ws: (3, 2), ignoreBorder: true, stride: (1, 2)),
                      PoolCase(ws: (2, 2), ignoreBorder: true, pad: (1, 1))])
    func equalsFiniteDifferences(_ pool: PoolCase) throws {
        let x = dtensor4("x"), v = dtensor4("v")
        let y = pool.apply(x)
        let jv = try function([x, v], try rop(y, wrt: x, evalPoint: v))
        let (p, d) = (distinct([2, 1, 5, 6], seed: 1), distinct([2, 1, 5, 6], seed: 2))
        let f = try function([x], y)
        #expect(near(try jv(p, d).doubles, try finiteDifference(f, p, d)))
        // The double pull-back now gets through max pooling too: Pool2DGrad has a gradient.
        let pulled = try function([x, v], try rop(y, wrt: x, evalPoint: v, method: .throughPullback))
        #expect(near(try pulled(p, d).doubles, try finiteDifference(f, p, d)))
    }

    /// Average and sum pooling are linear: the R-operator is the pooled eval point.
    @Test func averagePoolingsROpIsThePooledEvalPoint() throws {
        let x = dtensor4("x"), v = dtensor4("v")
        for mode in [PoolMode.sum, .averageIncPad, .averageExcPad] {
            let jv = try function([x, v], try rop(pool2d(x, ws: (2, 2), ignoreBorder: true, pad: (1, 1), mode: mode), wrt: x, evalPoint: v),
                                  onUnusedInput: .ignore)  // linear: the value of x is not needed
            let pooled = try function([v], pool2d(v, ws: (2, 2), ignoreBorder: true, pad: (1, 1), mode: mode))
            #expect(try jv(Self.image, Self.point).doubles == pooled(Self.point).doubles)
        }
    }

    /// The Hessian-times-vector recipe through a max-pooled cost, against differences of the gradient.
    @Test func hessianTimesVectorThroughMaxPooling() throws {
        let x = dtensor4("x"), v = dtensor4("v")
        let cost = (pool2d(x, ws: (2, 2), ignoreBorder: false) ** 3).sum()
        let g = try grad(cost, wrt: x)
        let hv = try function([x, v], try rop(g, wrt: x, evalPoint: v))
        let hvByLop = try function([x, v], try lop(g, wrt: x, evalPoint: v))
        let (p, d) = (distinct([1, 2, 3, 5], seed: 3), distinct([1, 2, 3, 5], seed: 4))
        let numeric = try finiteDifference(try function([x], g), p, d)
        #expect(near(try hv(p, d).doubles, numeric))
        #expect(near(try hvByLop(p, d).doubles, numeric))
    }

    /// Second derivatives of pooling (Theano's `MaxPoolGrad.grad`, `AveragePoolGrad.grad`).
    @Test func gradientsOfThePoolingGradients() throws {
        for mode in [PoolMode.max, .sum, .averageIncPad] {
            try verifyGrad({ v in
                let g = (try? grad((pool2d(v[0], ws: (2, 2), ignoreBorder: false, mode: mode) ** 2).sum(), wrt: v[0])) ?? v[0]
                return (g * g).sum()
            }, at: [distinct([1, 1, 3, 5], seed: 5)])
        }
        let pooled = pool2d(dtensor4("x"), ws: (2, 2))
        try verifyGrad({ v in MaxPoolGradGrad(pool: pooled.owner!.op as! Pool2D)(v[0], pool2d(v[0], ws: (2, 2)), v[1]) },
                       at: [distinct([1, 1, 4, 4], seed: 6), distinct([1, 1, 4, 4], seed: 7)])
    }

    @Test func badShapesNameTheOpAndBothShapes() throws {
        let x = dtensor4("x"), z = dtensor4("z"), e = dtensor4("e")
        let op = MaxPoolGradGrad(pool: pool2d(x, ws: (2, 2)).owner!.op as! Pool2D)
        let f = try function([x, z, e], op(x, z, e))
        let badPoint = try #require(throws: TheanoError.self) { try f(Self.image, NDArray([Double](repeating: 0, count: 4), shape: [1, 1, 2, 2]), Self.point.reshaped([1, 1, 5, 4])) }
        #expect(badPoint.message.contains("MaxPoolGradGrad") && badPoint.message.contains("[1, 1, 5, 4]") && badPoint.message.contains("[1, 1, 4, 5]"), "\(badPoint.message)")
        let badMaxima = try #require(throws: TheanoError.self) { try f(Self.image, NDArray([Double](repeating: 0, count: 6), shape: [1, 1, 2, 3]), Self.point) }
        #expect(badMaxima.message.contains("pooled maxima") && badMaxima.message.contains("[1, 1, 2, 3]") && badMaxima.message.contains("[1, 1, 2, 2]"), "\(badMaxima.message)")
    }

    /// The gradient ops without an R-operator in Theano still say which op stops `rop`.
    @Test func softmaxsGradientHasNoROperatorAndSaysSo() throws {
        let a = dmatrix("a"), v = dmatrix("v")
        let error = try #require(throws: TheanoError.self) { try rop(try grad(softmax(a).max(), wrt: a), wrt: a, evalPoint: v) }
        #expect(error.kind == .unsupported && error.message.hasPrefix("rop: SoftmaxGrad{axis=1} has no R-operator"), "\(error.message)")
        // Nor for the gradients of a convolution (Theano's AbstractConv2d_gradInputs and _gradWeights).
        let images = dtensor4("images"), filters = dtensor4("filters"), tangent = dtensor4("t")
        let cost = (conv2d(images, filters) ** 2).sum()
        let throughInputs = try #require(throws: TheanoError.self) { try rop(try grad(cost, wrt: images), wrt: images, evalPoint: tangent) }
        #expect(throughInputs.message.hasPrefix("rop: Conv2DGrad"), "\(throughInputs.message)")
    }
}

/// One way of calling `pool2d` in max mode.
struct PoolCase: CustomTestStringConvertible, Sendable {
    var ws: (Int, Int)
    var ignoreBorder: Bool
    var stride: (Int, Int)? = nil
    var pad: (Int, Int) = (0, 0)
    func apply(_ x: TensorVariable) -> TensorVariable { pool2d(x, ws: ws, ignoreBorder: ignoreBorder, stride: stride, pad: pad) }
    var testDescription: String { "ws=\(ws) ignoreBorder=\(ignoreBorder) stride=\(String(describing: stride)) pad=\(pad)" }
}
