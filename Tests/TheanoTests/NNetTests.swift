import Foundation
import Testing
@testable import Theano

@Suite struct NNetValueTests {
    @Test func softmaxRowsSumToOneAndSurviveHugeLogits() throws {
        let x = dmatrix("x")
        let out = try evaluate([x], softmax(x), [[[1.0, 2.0, 3.0], [1e4, -1e4, 0.0]]])
        let e = [Foundation.exp(-2.0), Foundation.exp(-1.0), 1.0], total = e.reduce(0, +)
        #expect(close(Array(out.doubles.prefix(3)), e.map { $0 / total }))
        #expect(Array(out.doubles.suffix(3)) == [1, 0, 0])
        let logp = try evaluate([x], logSoftmax(x), [[[1e4, -1e4]]]).doubles
        #expect(logp == [0, -2e4])
    }

    @Test func crossentropyWithLabelsAndOneHot() throws {
        let p = dmatrix("p"), y = lvector("y"), t = dmatrix("t")
        let probabilities: [[Double]] = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
        let byLabel = try evaluate([p, y], categoricalCrossentropy(p, y), [probabilities, [0, 2]])
        #expect(close(byLabel.doubles, [-Foundation.log(0.7), -Foundation.log(0.8)]))
        let byOneHot = try evaluate([p, t], categoricalCrossentropy(p, t), [probabilities, [[1.0, 0, 0], [0, 0, 1.0]]])
        #expect(close(byOneHot.doubles, byLabel.doubles))
        #expect(throws: TheanoError.self) { try evaluate([p, y], categoricalCrossentropy(p, y), [probabilities, [0, 3]]) }
    }

    /// Regression: a label out of range in the gradient alone (OneHot of the labels and x.shape[1])
    /// named x.shape[1] as the input at fault.
    @Test func badLabelsInTheGradientNameTheLabels() throws {
        let x = dmatrix("x"), y = lvector("y")
        for loss in [categoricalCrossentropy(softmax(x), y).mean(), crossentropySoftmax1Hot(x, y).sum()] {
            for mode in [Mode.reference, .fastRun] {
                let f = try function([x, y], try grad(loss, wrt: x), mode: mode)
                let error = try #require(throws: TheanoError.self) { try f(NDArray([[1.0, 2.0, 3.0]]), NDArray([Int64(7)])) }
                #expect(error.kind == .indexOutOfRange && error.message.contains("label 7 is outside the 3 classes"), "\(error)")
                #expect(error.message.contains("input 0: y") && !error.message.contains("input 1: x.shape[1]"), "\(error)")
            }
        }
    }

    @Test func fusedSoftmaxCrossentropyIsStable() throws {
        let x = dmatrix("x"), y = lvector("y")
        let loss = categoricalCrossentropy(softmax(x), y).mean()
        let f = try function([x, y], [loss, try grad(loss, wrt: x)], mode: Mode.fastRun.on(.reference))
        #expect(f.graph.toposort.contains { $0.op is CrossentropySoftmax1Hot })
        let out = try f([[1e4, -1e4], [-1e4, 1e4]], [1, 1])
        #expect(out[0].item(as: Double.self) == 1e4)
        let finite = out[1].doubles.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func binaryCrossentropiesAtTheEdges() throws {
        let x = dvector("x"), t = dvector("t")
        let stable = try evaluate([x, t], sigmoidBinaryCrossentropy(x, t), [[1e4, -1e4, 0.0], [1.0, 0.0, 1.0]])
        #expect(close(stable.doubles, [0, 0, Foundation.log(2)]))
        let plain = try evaluate([x, t], binaryCrossentropy(x, t), [[0.5, 0.9], [1.0, 0.0]])
        #expect(close(plain.doubles, [Foundation.log(2), -Foundation.log(0.1)]))
    }

    @Test func activations() throws {
        let x = dvector("x")
        let v: [Double] = [-2, -0.5, 0, 1.5]
        #expect(try evaluate([x], relu(x), [v]).doubles == [0, 0, 0, 1.5])
        #expect(close(try evaluate([x], relu(x, alpha: 0.1), [v]).doubles, [-0.2, -0.05, 0, 1.5]))
        #expect(close(try evaluate([x], elu(x), [v]).doubles, v.map { $0 > 0 ? $0 : Foundation.expm1($0) }))
        #expect(close(try evaluate([x], softsign(x), [v]).doubles, v.map { $0 / (1 + Swift.abs($0)) }))
        #expect(close(try evaluate([x], hardSigmoid(x), [v]).doubles, [0.1, 0.4, 0.5, 0.8]))
        #expect(try evaluate([x], selu(x), [[0.0, 1.0]]).doubles[1] == 1.0507009873554805)
    }

    /// The whole batch goes through one matrix product; each image must come out as if alone.
    @Test func aBatchConvolvesLikeEachImageAlone() throws {
        let x = tensor4("x", dtype: .float64), w = tensor4("w", dtype: .float64)
        var generator = SplitMix64(seed: 21)
        let images = NDArray((0..<3 * 2 * 6 * 5).map { _ in generator.nextUnit() - 0.5 }, shape: [3, 2, 6, 5])
        let filters = NDArray((0..<4 * 2 * 3 * 2).map { _ in generator.nextUnit() - 0.5 }, shape: [4, 2, 3, 2])
        for expr in [conv2d(x, w, borderMode: .half, subsample: (2, 1)), conv2d(x, w, borderMode: .full, filterDilation: (2, 1))] {
            let f = try function([x, w], expr)
            let batch = try f(images, filters)
            for n in 0..<3 {
                let alone = try f(images.sliced([(n, 1, 1), (0, 2, 1), (0, 6, 1), (0, 5, 1)]), filters)
                let row = batch.sliced([(n, 1, 1), (0, batch.shape[1], 1), (0, batch.shape[2], 1), (0, batch.shape[3], 1)])
                #expect(close(row.doubles, alone.doubles))
            }
        }
        // float32 inputs convolve in float32, as in Theano, within float32 rounding of the float64 result.
        let x32 = tensor4("x32", dtype: .float32), w32 = tensor4("w32", dtype: .float32)
        let single = try function([x32, w32], conv2d(x32, w32, borderMode: .half))(images.astype(.float32), filters.astype(.float32))
        let double = try function([x, w], conv2d(x, w, borderMode: .half))(images, filters)
        #expect(single.dtype == .float32 && close(single.doubles, double.doubles, tolerance: 1e-5))
    }

    @Test func convolutionMatchesAHandComputedExample() throws {
        let x = tensor4("x", dtype: .float64), w = tensor4("w", dtype: .float64)
        let image = NDArray([1.0, 2, 3, 4, 5, 6, 7, 8, 9], shape: [1, 1, 3, 3])
        let kernel = NDArray([1.0, 0, 0, -1], shape: [1, 1, 2, 2])
        // Cross-correlation: x[i,j] - x[i+1,j+1] = -4 everywhere.
        #expect(try evaluate([x, w], conv2d(x, w, filterFlip: false), [image, kernel]).doubles == [-4, -4, -4, -4])
        // True convolution flips the kernel: x[i+1,j+1] - x[i,j] = 4.
        #expect(try evaluate([x, w], conv2d(x, w), [image, kernel]).doubles == [4, 4, 4, 4])
        let full = try evaluate([x, w], conv2d(x, w, borderMode: .full), [image, kernel])
        #expect(full.shape == [1, 1, 4, 4])
        let strided = try evaluate([x, w], conv2d(x, w, borderMode: .half, subsample: (2, 2)), [image, kernel])
        #expect(strided.shape == [1, 1, 2, 2])
        #expect(throws: TheanoError.self) { try evaluate([x, w], conv2d(x, w), [image, NDArray(zeros: [1, 2, 2, 2], dtype: .float64)]) }
    }

    @Test func poolingModes() throws {
        let x = dmatrix("x")
        let v: [[Double]] = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
        #expect(try evaluate([x], pool2d(x, ws: (2, 2)), [v]).doubles == [6, 8])
        #expect(try evaluate([x], pool2d(x, ws: (2, 2), ignoreBorder: false), [v]).doubles == [6, 8, 10, 12])
        #expect(try evaluate([x], pool2d(x, ws: (2, 2), mode: .sum), [v]).doubles == [14, 22])
        #expect(try evaluate([x], pool2d(x, ws: (2, 2), mode: .averageIncPad), [v]).doubles == [3.5, 5.5])
        #expect(try evaluate([x], pool2d(x, ws: (2, 2), ignoreBorder: true, pad: (1, 1), mode: .averageExcPad), [v]).shape == [2, 3])
    }

    /// Theano's output size floors: with ignore_border=True, a window larger than the image leaves no
    /// output (truncating division gave one window), and without it a partial window remains.
    @Test func aWindowLargerThanTheImage() throws {
        let x = dtensor4("x")
        let image = NDArray([1.0, 2.0, 3.0, 4.0], shape: [1, 1, 2, 2])
        for mode in [Mode.reference, .fastRun] {
            #expect(try function([x], pool2d(x, ws: (3, 3)), mode: mode)(image).shape == [1, 1, 0, 0])
            #expect(try function([x], pool2d(x, ws: (3, 3), stride: (1, 1)), mode: mode)(image).shape == [1, 1, 0, 0])
            #expect(try function([x], pool2d(x, ws: (3, 3), ignoreBorder: false), mode: mode)(image).doubles == [4])
        }
    }

    /// Regression: an empty image tripped a precondition (the output's planes were counted from its
    /// elements); the result keeps the planes and has no windows.
    @Test func emptyImagesGiveEmptyResults() throws {
        let x = dtensor4("x")
        for shape in [[2, 3, 0, 4], [2, 3, 0, 0], [0, 1, 4, 4]] {
            let empty = NDArray(zeros: shape, dtype: .float64)
            for (pool, expected) in [(pool2d(x, ws: (2, 2)), [2, 2]), (pool2d(x, ws: (2, 2), ignoreBorder: false), [2, 2]),
                                     (pool2d(x, ws: (2, 2), pad: (1, 1), mode: .averageIncPad), [3, 3]),
                                     (pool2d(x, ws: (3, 3), ignoreBorder: false, stride: (1, 1)), [2, 2])] {
                let out = try evaluate([x], pool, [empty])
                #expect(out.shape == Array(shape.prefix(2)) + shape.suffix(2).map { $0 == 0 ? 0 : expected[0] }, "\(shape)")
                let g = try evaluate([x], try grad(pool.sum(), wrt: x), [empty])
                #expect(g.shape == shape)
            }
        }
    }
}

@Suite struct NNetGradientTests {
    let logits = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])

    @Test func softmaxFamilyGradients() throws {
        try verifyGrad({ softmax($0[0]) }, at: [logits])
        try verifyGrad({ logSoftmax($0[0], axis: 0) }, at: [logits])
        try verifyGrad({ categoricalCrossentropy(softmax($0[0]), constant(NDArray([2, 0]))) }, at: [logits])
        try verifyGrad({ crossentropySoftmax1Hot($0[0], constant(NDArray([1, 2]))) }, at: [logits])
        try verifyGrad({ categoricalCrossentropy(softmax($0[0]), constant(NDArray([[0.0, 1, 0], [1, 0, 0]]))) }, at: [logits])
    }

    @Test func activationAndLossGradients() throws {
        let v = NDArray([[-1.3, 0.4], [0.9, 1.7]])
        try verifyGrad({ relu($0[0], alpha: 0.2) }, at: [v])
        try verifyGrad({ elu($0[0]) }, at: [v])
        try verifyGrad({ softsign($0[0]) }, at: [v])
        try verifyGrad({ sigmoidBinaryCrossentropy($0[0], constant(NDArray([[1.0, 0], [0, 1]]))) }, at: [v])
        try verifyGrad({ binaryCrossentropy(sigmoid($0[0]), constant(NDArray([[1.0, 0], [0, 1]]))) }, at: [v])
    }

    @Test func convolutionGradients() throws {
        var generator = SplitMix64(seed: 3)
        let x = NDArray((0..<2 * 2 * 4 * 4).map { _ in generator.nextUnit() - 0.5 }, shape: [2, 2, 4, 4])
        let w = NDArray((0..<3 * 2 * 2 * 2).map { _ in generator.nextUnit() - 0.5 }, shape: [3, 2, 2, 2])
        try verifyGrad({ conv2d($0[0], $0[1]) }, at: [x, w])
        try verifyGrad({ conv2d($0[0], $0[1], borderMode: .full, filterFlip: false) }, at: [x, w])
        try verifyGrad({ conv2d($0[0], $0[1], borderMode: .explicit(1, 0), subsample: (2, 1), filterDilation: (1, 2)) }, at: [x, w])
    }

    @Test func poolingGradients() throws {
        let v = NDArray([[0.1, 0.9, 0.3, 0.4], [0.5, 0.2, 0.7, 0.8], [0.95, 0.15, 0.35, 0.25]])
        for mode in [PoolMode.max, .sum, .averageIncPad, .averageExcPad] {
            try verifyGrad({ pool2d($0[0], ws: (2, 2), ignoreBorder: false, mode: mode) }, at: [v])
        }
    }
}

@Suite struct BatchNormalizationTests {
    let x = dmatrix("x"), gamma = dvector("gamma"), beta = dvector("beta")
    let batch: [[Double]] = [[1, 2], [3, 4], [5, 9]]

    @Test func trainingFormNormalisesEachActivationOverTheBatch() throws {
        let bn = batchNormalizationTrain(x, gamma: gamma, beta: beta, epsilon: 0)
        let f = try function([x, gamma, beta], [bn.output, bn.mean, bn.invStd])
        let r = try f.call([batch, [1.0, 2.0], [0.0, 10.0]])
        #expect(r[1].doubles == [3, 5])
        let sd0 = (8.0 / 3).squareRoot(), sd1 = (26.0 / 3).squareRoot()
        let invStd: [Double] = [1 / sd0, 1 / sd1]
        let column0: [Double] = [-2 / sd0, 0, 2 / sd0], column1: [Double] = [-3 / sd1, -1 / sd1, 4 / sd1]
        let expected: [Double] = (0..<3).flatMap { [column0[$0], 10 + 2 * column1[$0]] }
        #expect(close(r[2].doubles, invStd))
        #expect(close(r[0].doubles, expected))
    }

    @Test func runningAveragesUseTheUnbiasedVariance() throws {
        let rm = dvector("rm"), rv = dvector("rv")
        let bn = batchNormalizationTrain(x, gamma: gamma, beta: beta, runningAverageFactor: 0.5, runningMean: rm, runningVar: rv)
        let f = try function([x, rm, rv], [try #require(bn.newRunningMean), try #require(bn.newRunningVar)])
        let r = try f.call([batch, [1.0, 1.0], [2.0, 2.0]])
        #expect(r[0].doubles == [2, 3])
        // Unbiased batch variances are 4 and 13; the running value moves halfway from 2.
        let expected: [Double] = [1 + 2, 1 + 6.5]
        #expect(close(r[1].doubles, expected))
    }

    @Test func testFormWithBatchStatisticsMatchesTrainingForm() throws {
        let t = dtensor4("t"), g = dtensor4("g"), b = dtensor4("b")
        let pattern = [true, false, true, true]
        let gb = Rebroadcast(pattern: pattern)(g), bb = Rebroadcast(pattern: pattern)(b)
        let train = batchNormalizationTrain(t, gamma: gb, beta: bb, axes: .spatial)
        let variance = 1 / sqr(train.invStd) - 1e-4
        let test = batchNormalizationTest(t, gamma: gb, beta: bb, mean: train.mean, variance: variance, axes: .spatial)
        let input = NDArray((0..<24).map { sin(Double($0)) }, shape: [2, 3, 2, 2])
        let scale = NDArray([0.5, 1.0, 2.0], shape: [1, 3, 1, 1]), shift = NDArray([0.1, 0.2, 0.3], shape: [1, 3, 1, 1])
        let r = try function([t, g, b], [train.output, test])(input, scale, shift)
        #expect(close(r[0].doubles, r[1].doubles, tolerance: 1e-9))
        // Each channel of the normalised output has mean beta.
        let channelMeans = try function([t, g, b], train.output.mean(axes: [0, 2, 3]))(input, scale, shift)
        #expect(close(channelMeans.doubles, [0.1, 0.2, 0.3], tolerance: 1e-9))
    }

    @Test func gradients() throws {
        let input = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4], [0.5, 0.9, -2.0], [1.5, -0.1, 0.2]])
        try verifyGrad({ batchNormalizationTrain($0[0], gamma: $0[1], beta: $0[2]).output * constant(NDArray([1.0, -2.0, 3.0])) },
                       at: [input, NDArray([1.0, 0.5, 2.0]), NDArray([0.1, 0.2, 0.3])])
        try verifyGrad({ batchNormalizationTest($0[0], gamma: $0[1], beta: $0[2], mean: $0[3], variance: $0[4]) },
                       at: [input, NDArray([1.0, 0.5, 2.0]), NDArray([0.1, 0.2, 0.3]), NDArray([0.5, 0.0, -0.5]), NDArray([1.0, 2.0, 0.5])])
    }

    @Test func mismatchedParameterShapesThrowAtCallTime() throws {
        let bn = batchNormalizationTrain(x, gamma: gamma, beta: beta)
        let f = try function([x, gamma, beta], bn.output)
        #expect(throws: TheanoError.self) { try f.call([batch, [1.0, 2.0, 3.0], [0.0, 0.0]]) }
    }
}

/// Where an activation or a loss meets ±∞, it takes its mathematical limit (not ∞ − ∞ = NaN), on the
/// reference executor and on the VM, with its own kernels and with generated C, alike.
@Suite struct NNetAtInfinityTests {
    enum Backend: String, CaseIterable, Sendable { case reference, builtInKernels, generatedC }

    static let inf = Double.infinity

    func run(_ backend: Backend, _ inputs: [TensorVariable], _ outputs: [TensorVariable], _ args: [NDArray]) throws -> [[Double]] {
        let f: Function<[NDArray]>
        switch backend {
        case .reference: f = try function(inputs, outputs, mode: .reference)
        case .builtInKernels: f = try function(inputs, outputs, mode: VMVariant.builtInKernels.mode)
        case .generatedC:
            f = try function(inputs, outputs, mode: VMVariant.generatedC.mode)
            if case .failed(let why) = f.generatedC { Issue.record("generated C failed: \(why)") }
        }
        return try f.call(args).map(\.doubles)
    }

    /// Equal, NaN matching NaN and infinities exactly; finite values within `tolerance`.
    func matches(_ got: [Double], _ want: [Double], tolerance: Double = 1e-12) -> Bool {
        got.count == want.count && zip(got, want).allSatisfy { g, w in
            (g.isNaN && w.isNaN) || g == w || (g.isFinite && w.isFinite && Swift.abs(g - w) <= tolerance * Swift.max(1, Swift.abs(w)))
        }
    }

    @Test(arguments: Backend.allCases)
    func reluIsZeroAtMinusInfinityAndKeepsTheanosSlopeAtZero(_ backend: Backend) throws {
        let x = dvector("x")
        let v: [Double] = [-Self.inf, -1, 0, 2, 1e308, Self.inf, .nan]
        let plain = relu(x), leaky = relu(x, alpha: 0.1)
        let r = try run(backend, [x], [plain, leaky, try grad(plain.sum(), wrt: x), try grad(leaky.sum(), wrt: x)], [NDArray(v)])
        #expect(matches(r[0], [0, 0, 0, 2, 1e308, Self.inf, .nan]), "\(r[0])")
        #expect(matches(r[1], [-Self.inf, -0.1, 0, 2, 1e308, Self.inf, .nan]), "\(r[1])")
        #expect(matches(Array(r[2].prefix(6)), [0, 0, 0.5, 1, 1, 1]), "\(r[2])")
        #expect(matches(Array(r[3].prefix(6)), [0.1, 0.1, 0.55, 1, 1, 1]), "\(r[3])")
        let single = fvector("single")
        let s = try run(backend, [single], [relu(single), relu(single, alpha: 0.5)], [NDArray([-Float.infinity, -2, 0, 3e38, .infinity])])
        #expect(matches(s[0], [0, 0, 0, Double(Float(3e38)), Self.inf]), "\(s[0])")
        #expect(matches(s[1], [-Self.inf, -1, 0, Double(Float(3e38)), Self.inf]), "\(s[1])")
    }

    @Test(arguments: Backend.allCases)
    func softsignTendsToPlusOrMinusOne(_ backend: Backend) throws {
        let x = dvector("x")
        let y = softsign(x)
        let r = try run(backend, [x], [y, try grad(y.sum(), wrt: x)], [NDArray([-Self.inf, -1, 0, 3, Self.inf, .nan])])
        #expect(matches(r[0], [-1, -0.5, 0, 0.75, 1, .nan]), "\(r[0])")
        #expect(matches(Array(r[1].prefix(5)), [0, 0.25, 1, 1.0 / 16, 0]), "\(r[1])")
    }

    @Test(arguments: Backend.allCases)
    func binaryCrossentropyFromInfiniteLogitsIsItsLimit(_ backend: Backend) throws {
        let x = dvector("x"), t = dvector("t")
        let loss = sigmoidBinaryCrossentropy(x, t)
        let logits: [Double] = [Self.inf, -Self.inf, Self.inf, -Self.inf, Self.inf, 2]
        let targets: [Double] = [1, 0, 0, 1, 0.25, 1]
        let r = try run(backend, [x, t], [loss, try grad(loss.sum(), wrt: x)], [NDArray(logits), NDArray(targets)])
        #expect(matches(r[0], [0, 0, Self.inf, Self.inf, Self.inf, Foundation.log1p(Foundation.exp(-2))]), "\(r[0])")
        // The slope is sigmoid(x) - t, whose limits are 1 - t and -t.
        #expect(matches(r[1], [0, 0, 1, -1, 0.75, 1 / (1 + Foundation.exp(-2)) - 1]), "\(r[1])")
    }

    @Test(arguments: Backend.allCases)
    func softmaxGivesPlusInfinityTheWholeMass(_ backend: Backend) throws {
        let x = dmatrix("x")
        let rows = NDArray([[Self.inf, 1], [Self.inf, Self.inf], [-Self.inf, 0], [Self.inf, .nan], [-Self.inf, -Self.inf]])
        let r = try run(backend, [x], [softmax(x), logSoftmax(x)], [rows])
        #expect(matches(r[0], [1, 0, 0.5, 0.5, 0, 1, .nan, .nan, .nan, .nan]), "\(r[0])")
        #expect(matches(r[1], [0, -Self.inf, -Foundation.log(2), -Foundation.log(2), -Self.inf, 0, .nan, .nan, .nan, .nan]), "\(r[1])")
        let y = lvector("y")
        let loss = crossentropySoftmax1Hot(x, y)
        let fused = try run(backend, [x, y], [loss], [NDArray([[Self.inf, 1], [Self.inf, 1]]), NDArray([Int64(0), 1])])
        #expect(fused[0] == [0, Self.inf])
    }
}
