import Testing
@testable import Theano

/// Theano's "Convolution arithmetic tutorial" (doc/tutorial/conv_arithmetic.txt): the output size of
/// each kind of convolution, on the tutorial's figures' sizes. Theano spells the transposed
/// convolution `conv2d_grad_wrt_inputs(output, filters, input_shape=...)`; here it is the
/// vector-Jacobian product of `conv2d` with respect to its input (`lop`), whose input shape is known.
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
        if c.d == 1, case .explicit(let p, _) = c.border {
            let a = (c.i + 2 * p - c.k) % c.s
            #expect(c.s * (c.o - 1) + a + c.k - 2 * p == c.i)  // Relationship 13
        }
    }
}
