import Testing
import Theano

/// Literals are lifted to a tensor's rank by a `DimShuffle` that constant folding removes; `grad`'s
/// stabilization must fold them too, or its patterns never see the constant 1 of a vector sigmoid.
@Suite struct LiftedLiteralStabilityTests {
    /// Regression: the cross-entropy of a vector logistic regression whose logits saturate had a NaN
    /// gradient after literals stopped being reshaped in `elemwise()` (W7 trained to chance).
    @Test func theGradientOfASaturatedVectorSigmoidStaysFinite() throws {
        let x = dmatrix("x"), y = dvector("y"), w = dvector("w")
        let p = 1 / (1 + exp(-dot(x, w)))
        let cost = (-y * log(p) - (1 - y) * log(1 - p)).mean()
        let gw = try grad(cost, wrt: w)
        // Logits of ±800: exp overflows and p is exactly 0 or 1 unless the graph is stabilized.
        let f = try function([x, y, w], gw, mode: .reference)
        let g = try f([[800.0, 0], [0, -800.0]], [0.0, 1.0], [1.0, 1.0]).doubles
        #expect(g.allSatisfy { $0.isFinite }, "gradient \(g)")
        #expect(g == [400, 400], "xᵀ(p − y) / 2 with p − y = [1, −1]")
    }

    @Test func theStabilizedCostSoftplusIsWhatGradDifferentiates() throws {
        let z = dvector("z")
        let g = try grad(log(1 / (1 + exp(-z))).sum(), wrt: z)
        let f = try function([z], g, mode: .reference)
        let values = try f([-1000.0, 0, 1000]).doubles
        #expect(values == [1, 0.5, 0])
    }
}
