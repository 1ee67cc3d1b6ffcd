import Testing
@testable import Theano

/// Second derivatives of conv2d (Theano's gradients of `AbstractConv2d_gradInputs` and `_gradWeights`):
/// a cost built from the gradient of a convolution has a gradient of its own.
@Suite struct ConvSecondDerivativeTests {
    private static func values(_ shape: [Int], seed: UInt64) -> NDArray {
        var generator = SplitMix64(seed: seed)
        return NDArray((0..<shape.reduce(1, *)).map { _ in 2 * generator.nextUnit() - 1 }, shape: shape)
    }

    static let settings: [(BorderMode, (Int, Int), (Int, Int), Bool)] = [
        (.valid, (1, 1), (1, 1), true), (.full, (1, 1), (1, 1), false), (.half, (2, 2), (1, 1), true),
        (.explicit(1, 0), (2, 1), (1, 1), true), (.valid, (1, 1), (2, 2), false),
    ]

    /// The squared norm of each gradient, differentiated with respect to the image and the filters.
    @Test(arguments: settings.indices)
    func gradientsOfTheGradientsMatchFiniteDifferences(_ k: Int) throws {
        let (border, stride, dilation, flip) = Self.settings[k]
        let points = [Self.values([2, 2, 6, 5], seed: 1), Self.values([3, 2, 3, 2], seed: 2)]
        try verifyGrad({ v in
            let y = conv2d(v[0], v[1], borderMode: border, subsample: stride, filterDilation: dilation, filterFlip: flip)
            let g = (try? grad((y * y * y).sum(), wrt: v)) ?? v
            return (g[0] * g[0]).sum() + (g[1] * g[1]).sum()
        }, at: points)
    }

    /// The Hessian-times-vector recipe through a convolution, by the double pull-back, against
    /// differences of the gradient.
    @Test func hessianTimesVectorThroughAConvolution() throws {
        let x = dtensor4("x"), f = dtensor4("f"), v = dtensor4("v")
        let cost = (tanh(conv2d(x, f, borderMode: .half)) ** 2).sum()
        let g = try grad(cost, wrt: x)
        let hv = try function([x, f, v], try lop(g, wrt: x, evalPoint: v))
        let (p, w, d) = (Self.values([1, 2, 5, 5], seed: 3), Self.values([2, 2, 3, 3], seed: 4), Self.values([1, 2, 5, 5], seed: 5))
        let gradient = try function([x, f], g)
        let eps = 1e-6
        func shifted(_ sign: Double) -> NDArray { NDArray(zip(p.doubles, d.doubles).map { $0 + sign * eps * $1 }, shape: p.shape) }
        let numeric = zip(try gradient(shifted(1), w).doubles, try gradient(shifted(-1), w).doubles).map { ($0 - $1) / (2 * eps) }
        #expect(close(try hv(p, w, d).doubles, numeric, tolerance: 1e-6))
    }
}
