import Foundation
import Theano

/// `theano train digits`: a multilayer perceptron and a small convolutional network on the bundled
/// handwritten digits, trained with minibatch SGD and momentum written as `updates`.
///
/// After every epoch the parameters, the momentum and the curves so far are saved to
/// `digits-NAME.npz`, which `numpy.load` reads; `resume` continues from that file, and a run resumed
/// after epoch k ends with the same parameters as one that never stopped.
public enum DigitsTraining {
    /// The per-epoch numbers the chart shows.
    public struct Curve: Equatable, Sendable {
        public var loss: [Double] = []
        public var testLoss: [Double] = []
        public var trainAccuracy: [Double] = []
        public var testAccuracy: [Double] = []
        public init() {}
        /// How many epochs it holds.
        public var epochs: Int { loss.count }
    }

    /// What one model's training came to.
    public struct Outcome: Sendable {
        public let model: String
        public let curve: Curve
        public let checkpoint: String
        public let chart: String
    }

    /// Trains the models `model` names ("mlp", "cnn" or "both") for `epochs` epochs in all, writing a
    /// checkpoint and a chart per model into `outputDirectory`; with `resume`, each model starts from
    /// its checkpoint there.
    @discardableResult
    ///
    /// With a `communicator` of several ranks (`theano train` under `mpirun`), each step's global batch
    /// is split across the ranks, the gradients are averaged, and only rank 0 writes the files.
    public static func run(dataset: String, model: String, epochs: Int?, outputDirectory: String, resume: Bool = false,
                           progress: ProgressReporter.Style = .automatic, communicator: Communicator = .single) throws -> [Outcome] {
        guard dataset == "digits" else {
            throw TheanoError(.badArgument, "train: unknown data set '\(dataset)'; the bundled one is 'digits'")
        }
        let models = model == "both" ? ["mlp", "cnn"] : [model]
        for name in models where name != "mlp" && name != "cnn" {
            throw TheanoError(.badArgument, "train: unknown model '\(name)'; choose mlp, cnn or both")
        }
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let digits = try Digits.load()
        let (train, test) = digits.split(testFraction: 0.2, seed: 2026)
        print("digits: \(train.count) training and \(test.count) test images of 8×8 pixels, 10 classes")
        if communicator.size > 1 {
            print("data-parallel on \(communicator.size) ranks: each takes \(32 / communicator.size) of every batch of 32 and the gradients are averaged")
        }
        var outcomes: [Outcome] = []
        for name in models {
            let network = name == "mlp" ? Network.mlp(seed: 1) : Network.cnn(seed: 2)
            let checkpoint = "\(outputDirectory)/digits-\(name).npz"
            let trainer = try Trainer(network, communicator: communicator)
            var curve = Curve()
            if resume {
                guard FileManager.default.fileExists(atPath: checkpoint) else {
                    throw TheanoError(.io, "train --resume: no checkpoint \(checkpoint); train without --resume first")
                }
                curve = try trainer.restore(from: checkpoint)
                print("\(name.uppercased()): resuming after epoch \(curve.epochs) from \(checkpoint)")
            }
            let total = epochs ?? (name == "mlp" ? 30 : 20)
            if curve.epochs >= total {
                print("\(name.uppercased()): the checkpoint already holds \(curve.epochs) epochs; ask for more with --epochs")
            }
            let start = Date()
            var reporter = ProgressReporter(style: progress, epochs: total, stepsPerEpoch: trainer.batches(train), batchSize: trainer.batchSize)
            let firstEpoch = curve.epochs + 1
            if firstEpoch <= total {
                for epoch in firstEpoch...total {
                    try trainer.epoch(epoch, train: train, test: test, curve: &curve, reporter: &reporter)
                    if communicator.rank == 0 { try trainer.save(curve, to: checkpoint) }
                }
            }
            let seconds = Date().timeIntervalSince(start)
            let accuracy = curve.testAccuracy.last ?? 0
            print(String(format: "%@: test accuracy %.2f%% after %d epochs (%d this run, %.1f s)", name.uppercased(), accuracy * 100,
                         curve.epochs, max(0, total - firstEpoch + 1), seconds))
            let chart = "\(outputDirectory)/digits-\(name).svg"
            if communicator.rank == 0 {
                try TrainingChart.svg(curve, title: "\(name.uppercased()) on digits").write(toFile: chart, atomically: true, encoding: .utf8)
            }
            print("  parameters: \(checkpoint) (numpy.load reads it)\n  curves: \(chart)")
            outcomes.append(Outcome(model: name, curve: curve, checkpoint: checkpoint, chart: chart))
        }
        return outcomes
    }

    /// A model: its symbolic input, its class probabilities, and its parameters.
    public struct Network {
        public let input: TensorVariable
        public let probabilities: TensorVariable
        public let parameters: [SharedVariable]

        static func dense(_ rows: Int, _ columns: Int, name: String, generator: inout SplitMix64) -> (SharedVariable, SharedVariable) {
            // He initialisation suits ReLU layers.
            let scale = (2.0 / Double(rows)).squareRoot()
            let w = NDArray((0..<rows * columns).map { _ in generator.nextGaussian() * scale }, shape: [rows, columns]).astype(.float32)
            return (shared(w, name: "W_\(name)"), shared(NDArray(zeros: [columns], dtype: .float32), name: "b_\(name)"))
        }

        /// 64 pixels → 64 ReLU units → 10 classes.
        public static func mlp(seed: UInt64) -> Network {
            var generator = SplitMix64(seed: seed)
            let x = fmatrix("x")
            let (w1, b1) = dense(64, 64, name: "hidden", generator: &generator)
            let (w2, b2) = dense(64, 10, name: "out", generator: &generator)
            let hidden = relu(dot(x, w1) + b1)
            return Network(input: x, probabilities: softmax(dot(hidden, w2) + b2), parameters: [w1, b1, w2, b2])
        }

        /// Sixteen 3×3 filters, 2×2 max pooling, 64 ReLU units, 10 classes.
        public static func cnn(seed: UInt64) -> Network {
            var generator = SplitMix64(seed: seed)
            let x = fmatrix("x")
            let filters = shared(NDArray((0..<16 * 9).map { _ in generator.nextGaussian() * (2.0 / 9).squareRoot() }, shape: [16, 1, 3, 3]).astype(.float32), name: "W_conv")
            let filterBias = shared(NDArray(zeros: [16], dtype: .float32), name: "b_conv")
            let images = x.reshape([-1, 1, 8, 8])
            let convolved = relu(conv2d(images, filters) + filterBias.dimshuffle(nil, 0, nil, nil))
            let pooled = pool2d(convolved, ws: (2, 2), ignoreBorder: true)
            let (w1, b1) = dense(16 * 3 * 3, 64, name: "hidden", generator: &generator)
            let (w2, b2) = dense(64, 10, name: "out", generator: &generator)
            let hidden = relu(dot(pooled.flatten(outdim: 2), w1) + b1)
            return Network(input: x, probabilities: softmax(dot(hidden, w2) + b2), parameters: [filters, filterBias, w1, b1, w2, b2])
        }
    }

    /// The compiled training step and evaluation of one network, with its momentum.
    public final class Trainer {
        public let network: Network
        public let batchSize: Int
        let velocities: [SharedVariable]
        let trainStep: Function<[NDArray]>
        let evaluate: Function<[NDArray]>

        /// The communicator whose ranks share each batch; `.single` trains alone.
        public let communicator: Communicator

        public init(_ network: Network, batchSize: Int = 32, learningRate: Double = 0.05, momentum: Double = 0.9,
                    communicator: Communicator = .single) throws {
            self.network = network
            self.communicator = communicator
            self.batchSize = batchSize
            let labels = lvector("y")
            let cost = categoricalCrossentropy(network.probabilities, labels).mean()
            let correct = eq(network.probabilities.argmax(axis: 1), labels).mean()
            let gradients = try grad(cost, wrt: network.parameters)
            var updates: [(SharedVariable, TensorVariable)] = []
            var velocities: [SharedVariable] = []
            for (parameter, gradient) in zip(network.parameters, gradients) {
                let velocity = shared(NDArray(zeros: parameter.getValue().shape, dtype: parameter.dtype), name: "v_\(parameter.name ?? "")")
                let step = cast(momentum * velocity - learningRate * gradient, parameter.dtype)
                updates.append((velocity, step))
                updates.append((parameter, parameter + step))
                velocities.append(velocity)
            }
            self.velocities = velocities
            trainStep = communicator === Communicator.single
                ? try function([network.input, labels], [cost, correct], updates: updates, allowInputDowncast: true)
                : try function([network.input, labels], [cost, correct], updates: updates, allowInputDowncast: true, communicator: communicator)
            evaluate = try function([network.input, labels], [cost, correct], allowInputDowncast: true)
        }

        func batches(_ train: Digits) -> Int { train.count / batchSize }

        /// One pass over the training set in an order fixed by the epoch's number, then the test set.
        func epoch(_ epoch: Int, train: Digits, test: Digits, curve: inout Curve, reporter: inout ProgressReporter) throws {
            var generator = SplitMix64(seed: 99 &+ UInt64(epoch))
            let order = Array(0..<train.count).shuffled(using: &generator)
            let batches = batches(train)
            var lossSum = 0.0, accuracySum = 0.0
            reporter.beginEpoch(epoch)
            for b in 0..<batches {
                // This rank's part of the global batch (all of it on one process).
                let part = batchSize / communicator.size, start = b * batchSize + communicator.rank * part
                let batch = train.subset(Array(order[start..<(start + part)]))
                let out = try trainStep(batch.images, batch.labels)
                lossSum += out[0].item()
                accuracySum += out[1].item()
                reporter.step(b + 1, loss: lossSum / Double(b + 1), accuracy: accuracySum / Double(b + 1))
            }
            let scores = try evaluate(test.images, test.labels)
            curve.loss.append(lossSum / Double(batches))
            curve.trainAccuracy.append(accuracySum / Double(batches))
            curve.testLoss.append(scores[0].item())
            curve.testAccuracy.append(scores[1].item())
            reporter.endEpoch(curve)
        }

        /// Test loss and accuracy of the parameters as they are.
        public func score(_ data: Digits) throws -> (loss: Double, accuracy: Double) {
            let out = try evaluate(data.images, data.labels)
            return (out[0].item(), out[1].item())
        }

        /// Writes the parameters (under their names), the momentum (`v_` + name) and the curves.
        func save(_ curve: Curve, to path: String) throws {
            var arrays: [String: NDArray] = [:]
            for p in network.parameters { arrays[p.name ?? "p"] = p.getValue() }
            for v in velocities { arrays[v.name ?? "v"] = v.getValue() }
            arrays["curve_loss"] = NDArray(curve.loss)
            arrays["curve_test_loss"] = NDArray(curve.testLoss)
            arrays["curve_train_accuracy"] = NDArray(curve.trainAccuracy)
            arrays["curve_test_accuracy"] = NDArray(curve.testAccuracy)
            try NPZ.save(arrays, to: path)
        }

        /// Loads what ``save(_:to:)`` wrote and returns the curves so far.
        func restore(from path: String) throws -> Curve {
            let arrays = try NPZ.load(path)
            for variable in network.parameters + velocities {
                let name = variable.name ?? ""
                guard let value = arrays[name] else {
                    throw TheanoError(.io, "train --resume: \(path) has no array '\(name)'; it was not written for this model")
                }
                guard value.shape == variable.getValue().shape else {
                    throw TheanoError(.shapeMismatch, "train --resume: '\(name)' in \(path) has shape \(value.shape), the model's has \(variable.getValue().shape)")
                }
                try variable.setValue(value)
            }
            var curve = Curve()
            curve.loss = arrays["curve_loss"]?.doubles ?? []
            curve.testLoss = arrays["curve_test_loss"]?.doubles ?? []
            curve.trainAccuracy = arrays["curve_train_accuracy"]?.doubles ?? []
            curve.testAccuracy = arrays["curve_test_accuracy"]?.doubles ?? []
            guard Set([curve.loss.count, curve.testLoss.count, curve.trainAccuracy.count, curve.testAccuracy.count]).count == 1 else {
                throw TheanoError(.io, "train --resume: the curves in \(path) have different lengths")
            }
            return curve
        }
    }
}
