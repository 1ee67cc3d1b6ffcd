import Testing
import Theano
import TheanoExamples

/// The sparse-input training example: logistic regression on the binarized digits stored as CSR
/// trains exactly as it does on the dense matrix.
@Suite struct SparseDigitsTests {
    @Test func theSparseInputTrainsToTheDenseRunsAccuracy() throws {
        let outcome = try SparseDigits.run(try Digits.load(), steps: 60)
        #expect(outcome.sparseAccuracy == outcome.denseAccuracy, "sparse \(outcome.sparseAccuracy), dense \(outcome.denseAccuracy)")
        #expect(Swift.abs(outcome.sparseLoss - outcome.denseLoss) < 1e-9, "losses \(outcome.sparseLoss) and \(outcome.denseLoss)")
        // It learns: well above the 10% of guessing, and the binarized pixels are stored, not all 64.
        #expect(outcome.sparseAccuracy > 0.85, "accuracy \(outcome.sparseAccuracy)")
        #expect(outcome.density > 0.2 && outcome.density < 0.6, "density \(outcome.density)")
    }
}
