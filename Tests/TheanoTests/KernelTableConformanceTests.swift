import Testing
@testable import Theano

/// The CPU backend's kernel table (GEMM and GEMV, multi-core reductions, im2col convolutions) against
/// each op's `perform`, which is the plain reference.
@Suite struct KernelTableConformanceTests {
    static func random(_ shape: [Int], _ dtype: DType, seed: UInt64) -> NDArray {
        var generator = SplitMix64(seed: seed)
        let count = shape.reduce(1, *)
        return NDArray((0..<count).map { _ in generator.nextUnit() * 2 - 1 }, shape: shape).astype(dtype)
    }

    func compare(_ inputs: [TensorVariable], _ expr: TensorVariable, _ args: [NDArray], _ label: String) throws {
        let fast = try function(inputs, expr, mode: .fastRun, onUnusedInput: .ignore).call(args)
        let slow = try function(inputs, expr, mode: .reference, onUnusedInput: .ignore).call(args)
        let tolerance = expr.dtype == .float32 ? 1e-4 : 1e-11
        #expect(fast.shape == slow.shape && fast.dtype == slow.dtype, "\(label)")
        #expect(close(fast.doubles, slow.doubles, tolerance: tolerance), "\(label)")
    }

    @Test(arguments: [DType.float32, .float64])
    func everyRankOfDotAndGemm(_ dtype: DType) throws {
        let shapes: [([Int], [Int])] = [([5], [5]), ([4, 5], [5]), ([5], [5, 3]), ([4, 5], [5, 3]), ([2, 4, 5], [5, 3]), ([4, 5], [2, 5, 3]), ([0, 5], [5, 3])]
        for (sa, sb) in shapes {
            let a = tensor(dtype: dtype, broadcastable: sa.map { _ in false }, name: "a")
            let b = tensor(dtype: dtype, broadcastable: sb.map { _ in false }, name: "b")
            try compare([a, b], dot(a, b), [Self.random(sa, dtype, seed: 1), Self.random(sb, dtype, seed: 2)], "dot \(sa) \(sb)")
        }
        let (c, a, b) = (tensor(dtype: dtype, broadcastable: [false, false], name: "c"), tensor(dtype: dtype, broadcastable: [false, false], name: "a"), tensor(dtype: dtype, broadcastable: [false, false], name: "b"))
        try compare([c, a, b], Gemm(alpha: 0.5, beta: -2)(c, a, b), [Self.random([6, 3], dtype, seed: 3), Self.random([6, 7], dtype, seed: 4), Self.random([7, 3], dtype, seed: 5)], "gemm")
    }

    @Test(arguments: [DType.float32, .float64])
    func reductionsOverLeadingTrailingAndMiddleAxes(_ dtype: DType) throws {
        let x = tensor(dtype: dtype, broadcastable: [false, false, false], name: "x")
        let value = Self.random([6, 5, 300], dtype, seed: 9)
        for axes in [[0], [2], [1], [0, 1], [1, 2], [0, 1, 2]] {
            try compare([x], x.sum(axes: axes), [value], "sum \(axes)")
            try compare([x], x.max(axes: axes), [value], "max \(axes)")
        }
        let long = tensor(dtype: dtype, broadcastable: [false], name: "v")
        try compare([long], long.sum(), [Self.random([1 << 19], dtype, seed: 10)], "a long sum split over the cores")
    }

    @Test(arguments: [BorderMode.valid, .full, .half, .explicit(1, 2)])
    func convolutionsAndTheirGradients(_ border: BorderMode) throws {
        let x = dtensor4("x"), f = dtensor4("f")
        for (subsample, dilation, flip) in [((1, 1), (1, 1), true), ((2, 1), (1, 2), false)] {
            let out = conv2d(x, f, borderMode: border, subsample: subsample, filterDilation: dilation, filterFlip: flip)
            let cost = (out * out).sum()
            let (gx, gf) = try (grad(cost, wrt: x), grad(cost, wrt: f))
            let args = [Self.random([2, 3, 9, 8], .float64, seed: 11), Self.random([4, 3, 3, 2], .float64, seed: 12)]
            let label = "\(border) subsample \(subsample) dilation \(dilation) flip \(flip)"
            try compare([x, f], out, args, "conv2d \(label)")
            try compare([x, f], gx, args, "input gradient \(label)")
            try compare([x, f], gf, args, "filter gradient \(label)")
        }
    }
}
