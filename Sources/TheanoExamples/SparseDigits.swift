import Foundation
import Theano

/// Logistic regression (softmax over the ten classes) on the digits' pixels binarized (a pixel is on
/// when it is at least half lit) and stored as a CSR matrix, trained beside the same model on the
/// dense matrix: full-batch gradient descent from zero weights, so both runs take the same steps and
/// end with the same accuracy. The sparse model's only change is `structuredDot(x, W)` for `dot(x, W)`.
public enum SparseDigits {
    /// What the two runs came to.
    public struct Outcome: Sendable {
        /// Test accuracy of the model trained on the sparse input, and on the dense one.
        public let sparseAccuracy, denseAccuracy: Double
        /// Final training loss of each run.
        public let sparseLoss, denseLoss: Double
        /// The fraction of the training matrix that is stored.
        public let density: Double
    }

    /// The binarized pixels of `digits` as a dense float64 matrix.
    public static func binarized(_ digits: Digits) -> NDArray {
        NDArray(digits.images.doubles.map { $0 >= 0.5 ? 1.0 : 0.0 }, shape: digits.images.shape)
    }

    /// Trains both models for `steps` full-batch steps of `learningRate` and scores them on the test split.
    public static func run(_ digits: Digits, steps: Int = 60, learningRate: Double = 0.5, seed: UInt64 = 2026) throws -> Outcome {
        let (train, test) = digits.split(testFraction: 0.2, seed: seed)
        let trainDense = binarized(train), testDense = binarized(test)
        let trainSparse = try SparseMatrix(dense: trainDense), testSparse = try SparseMatrix(dense: testDense)
        let trainLabels = train.labels.astype(.int32), testLabels = test.labels.astype(.int32)

        /// One model: its training step and its accuracy, given how it multiplies the input by W.
        func model(_ input: [TensorVariable], _ logits: (SharedVariable) -> TensorVariable) throws
            -> (step: Function<NDArray>, accuracy: Function<NDArray>) {
            let w = shared(NDArray(zeros: [64, 10], dtype: .float64), name: "W")
            let b = shared(NDArray(zeros: [10], dtype: .float64), name: "b")
            let y = ivector("y")
            let p = softmax(logits(w) + b)
            let loss = categoricalCrossentropy(p, y).mean()
            let (gw, gb) = try { let g = try grad(loss, wrt: [w, b]); return (g[0], g[1]) }()
            let step = try function(input + [y], loss, updates: [(w, w - learningRate * gw), (b, b - learningRate * gb)])
            let accuracy = try function(input + [y], cast(eq(p.argmax(axis: 1), y), .float64).mean())
            return (step, accuracy)
        }

        let x = csrMatrix("x", dtype: .float64)
        let sparse = try model(x.inputs) { structuredDot(x, $0) }
        let d = dmatrix("x")
        let dense = try model([d]) { dot(d, $0) }
        var sparseLoss = 0.0, denseLoss = 0.0
        for _ in 0..<steps {
            sparseLoss = try sparse.step.call(trainSparse.arguments + [trainLabels]).item()
            denseLoss = try dense.step.call([trainDense, trainLabels]).item()
        }
        return Outcome(sparseAccuracy: try sparse.accuracy.call(testSparse.arguments + [testLabels]).item(),
                       denseAccuracy: try dense.accuracy.call([testDense, testLabels]).item(),
                       sparseLoss: sparseLoss, denseLoss: denseLoss,
                       density: Double(trainSparse.nnz) / Double(trainDense.count))
    }
}
