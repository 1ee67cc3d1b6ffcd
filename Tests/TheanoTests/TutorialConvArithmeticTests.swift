import Testing
@testable import Theano

/// Theano's "Convolution arithmetic tutorial" (doc/tutorial/conv_arithmetic.txt): the output size of
/// each kind of convolution, on the tutorial's figures' sizes, and the transposed convolutions
/// (`conv2d_grad_wrt_inputs(output, filters, input_shape=...)`, here `conv2dGradWrtInputs`), which are
/// the vector-Jacobian products of `conv2d` with respect to its input.
@Suite struct TutorialConvArithmeticTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let relationship: Int, i: Int, k: Int, border: BorderMode, s: Int, d: Int, o: Int
        var testDescription: String { "Relationship \(relationship): i=\(i) k=\(k) \(border) s=\(s) d=\(d)" }
    }

    /// Each relationship's example, with the size its formula gives.
    static let cases: [Case] = [
        Case(relationship: 1, i: 4, k: 3, border: .explicit(0, 0), s: 1, d: 1, o: (4 - 3) + 1),  // o = (i - k) + 1
        Case(relationship: 2, i: 5, k: 4, border: .explicit(2, 2), s: 1, d: 1, o: (5 - 4) + 2 * 2 + 1),  // o = (i - k) + 2p + 1
        Case(relationship: 3, i: 5, k: 3, border: .half, s: 1, d: 1, o: 5),  // half padding: o = i
        Case(relationship: 4, i: 5, k: 3, border: .full, s: 1, d: 1, o: 5 + (3 - 1)),  // full padding: o = i + (k - 1)
        Case(relationship: 5, i: 5, k: 3, border: .explicit(0, 0), s: 2, d: 1, o: (5 - 3) / 2 + 1),  // o = ⌊(i - k) / s⌋ + 1
        Case(relationship: 6, i: 5, k: 3, border: .explicit(1, 1), s: 2, d: 1, o: (5 + 2 - 3) / 2 + 1),  // o = ⌊(i + 2p - k) / s⌋ + 1
        Case(relationship: 6, i: 6, k: 3, border: .explicit(1, 1), s: 2, d: 1, o: (6 + 2 - 3) / 2 + 1),  // the odd case: also 3
        Case(relationship: 14, i: 7, k: 3, border: .valid, s: 1, d: 2, o: (7 - 3 - (3 - 1) * (2 - 1)) / 1 + 1),  // dilation
    ]

    @Test(arguments: cases)
    func outputSize(_ c: Case) throws {
        let input = dtensor4("input"), filters = dtensor4("filters")
        let output = conv2d(input, filters, borderMode: c.border, subsample: (c.s, c.s), filterDilation: (c.d, c.d))
        let image = NDArray([Double](repeating: 1, count: 2 * c.i * c.i), shape: [1, 2, c.i, c.i])
        let kernel = NDArray([Double](repeating: 1, count: 3 * 2 * c.k * c.k), shape: [3, 2, c.k, c.k])
        let value = try function([input, filters], output)(image, kernel)
        #expect(value.shape == [1, 3, c.o, c.o])
        // The shape feature gives the same size without convolving.
        #expect(try function([input, filters], output.shape)(image, kernel).scalars(as: Int64.self) == [1, 3, Int64(c.o), Int64(c.o)])
    }

    /// Relationships 8 to 13: the transposed convolution maps an output of size o back to the input's
    /// size i, even where two sizes of input give one output size (i = 5 and i = 6 above,
    /// `o' = s (i' - 1) + a + k - 2p` with a = (i + 2p - k) mod s).
    @Test(arguments: cases)
    func transposedConvolutionRestoresTheInputSize(_ c: Case) throws {
        let input = dtensor4("input"), filters = dtensor4("filters"), upstream = dtensor4("upstream")
        let output = conv2d(input, filters, borderMode: c.border, subsample: (c.s, c.s), filterDilation: (c.d, c.d))
        let transposed = try lop(output, wrt: input, evalPoint: upstream)
        let f = try function([input, filters, upstream], transposed, onUnusedInput: .ignore)
        let image = NDArray([Double](repeating: 1, count: 2 * c.i * c.i), shape: [1, 2, c.i, c.i])
        let kernel = NDArray([Double](repeating: 1, count: 3 * 2 * c.k * c.k), shape: [3, 2, c.k, c.k])
        let back = try f(image, kernel, NDArray([Double](repeating: 1, count: 3 * c.o * c.o), shape: [1, 3, c.o, c.o]))
        #expect(back.shape == [1, 2, c.i, c.i])
        // Theano's spelling, told the input's shape, computes the same.
        let o = dtensor4("o")
        let direct = conv2dGradWrtInputs(o, filters, inputShape: [1, 2, c.i, c.i], borderMode: c.border, subsample: (c.s, c.s),
                                         filterDilation: (c.d, c.d))
        let g = try function([o, filters], direct)
        let gradient = NDArray((0..<3 * c.o * c.o).map { Double($0 % 5) - 2 }, shape: [1, 3, c.o, c.o])
        #expect(try g(gradient, kernel) == f(image, kernel, gradient))
        if c.d == 1, case .explicit(let p, _) = c.border {
            let a = (c.i + 2 * p - c.k) % c.s
            #expect(c.s * (c.o - 1) + a + c.k - 2 * p == c.i)  // Relationship 13
        }
    }

    /// A transposed convolution's values, against numpy's loop: each output-gradient element spreads
    /// the flipped filter over the input window it came from.
    @Test func transposedConvolutionValues() throws {
        let o = dtensor4("o"), filters = dtensor4("filters")
        let f = try function([o, filters], conv2dGradWrtInputs(o, filters, inputShape: [1, 1, 3, 3]))
        let gx = try f(NDArray([1, 2, 3, 4] as [Double], shape: [1, 1, 2, 2]), NDArray([1, 0, 2, -1] as [Double], shape: [1, 1, 2, 2]))
        #expect(gx.doubles == [-1, 0, 4, -3, 3, 10, 0, 3, 4])
        // Differentiable in the output gradient and the filters (a convolution and a filter gradient).
        try verifyGrad({ v in conv2dGradWrtInputs(v[0], v[1], inputShape: [2, 2, 5, 4], borderMode: .explicit(1, 0), subsample: (2, 1)) },
                       at: [NDArray((0..<54).map { Double($0 % 7) / 7 - 0.5 }, shape: [2, 3, 3, 3]),
                            NDArray((0..<36).map { Double($0 % 5) / 5 - 0.4 }, shape: [3, 2, 3, 2])])
        // The shape may come from the graph.
        let x = dtensor4("x")
        let sized = try function([o, filters, x], conv2dGradWrtInputs(o, filters, inputShape: [x.shape[0], x.shape[1], x.shape[2], x.shape[3]]),
                                 onUnusedInput: .ignore)
        let zeros = NDArray([Double](repeating: 0, count: 9), shape: [1, 1, 3, 3])
        #expect(try sized(NDArray([1, 2, 3, 4] as [Double], shape: [1, 1, 2, 2]), NDArray([1, 0, 2, -1] as [Double], shape: [1, 1, 2, 2]), zeros).doubles == gx.doubles)
    }

    /// An output gradient of the wrong shape for the input shape is an error naming the op and both
    /// shapes, on every backend.
    @Test func aMismatchedOutputGradientIsNamed() throws {
        let o = dtensor4("o"), filters = dtensor4("filters")
        for mode in [Mode.reference, .fastRun] {
            let f = try function([o, filters], conv2dGradWrtInputs(o, filters, inputShape: [1, 1, 4, 4]), mode: mode)
            let error = try #require(throws: TheanoError.self) {
                try f(NDArray([1, 2, 3, 4] as [Double], shape: [1, 1, 2, 2]), NDArray([1, 0, 2, -1] as [Double], shape: [1, 1, 2, 2]))
            }
            #expect(error.message.contains("Conv2DGradInputs") && error.message.contains("[1, 1, 2, 2]") && error.message.contains("[1, 1, 3, 3]"),
                    "\(mode.name): \(error.message)")
        }
        // The same through lop with an eval point of the wrong shape.
        let x = dtensor4("x"), v = dtensor4("v")
        let pulled = try function([x, filters, v], try lop(conv2d(x, filters), wrt: x, evalPoint: v))
        let error = try #require(throws: TheanoError.self) {
            try pulled(NDArray([Double](repeating: 1, count: 16), shape: [1, 1, 4, 4]), NDArray([1, 0, 2, -1] as [Double], shape: [1, 1, 2, 2]),
                       NDArray([1, 2, 3, 4] as [Double], shape: [1, 1, 2, 2]))
        }
        #expect(error.message.contains("the gradient of the output has shape [1, 1, 2, 2]"), "\(error.message)")
    }
}
