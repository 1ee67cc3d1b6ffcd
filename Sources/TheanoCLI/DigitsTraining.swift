import Foundation
import Theano

/// `theano train digits`: a multilayer perceptron and a small convolutional network on the bundled
/// handwritten digits, trained with minibatch SGD and momentum written as `updates`.
enum DigitsTraining {
    struct Curve {
        var loss: [Double] = []
        var trainAccuracy: [Double] = []
        var testAccuracy: [Double] = []
    }

    static func run(dataset: String, model: String, epochs: Int?, outputDirectory: String) throws {
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
        for name in models {
            let network = name == "mlp" ? Network.mlp(seed: 1) : Network.cnn(seed: 2)
            let start = Date()
            let curve = try fit(network, train: train, test: test, epochs: epochs ?? (name == "mlp" ? 30 : 20))
            let seconds = Date().timeIntervalSince(start)
            let accuracy = curve.testAccuracy.last ?? 0
            print(String(format: "%@: test accuracy %.2f%% after %d epochs in %.1f s", name.uppercased(), accuracy * 100, curve.loss.count, seconds))
            let parameters = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name ?? "p", $0.getValue()) })
            let npz = "\(outputDirectory)/digits-\(name).npz"
            try NPZ.save(parameters, to: npz)
            let svg = "\(outputDirectory)/digits-\(name).svg"
            try TrainingPlot.svg(curve, title: "\(name.uppercased()) on digits").write(toFile: svg, atomically: true, encoding: .utf8)
            print("  parameters: \(npz) (numpy.load reads it)\n  curves: \(svg)")
        }
    }

    /// A model: its symbolic input, its class probabilities, and its parameters.
    struct Network {
        let input: TensorVariable
        let probabilities: TensorVariable
        let parameters: [SharedVariable]

        static func dense(_ rows: Int, _ columns: Int, name: String, generator: inout SplitMix64) -> (SharedVariable, SharedVariable) {
            // He initialisation suits ReLU layers.
            let scale = (2.0 / Double(rows)).squareRoot()
            let w = NDArray((0..<rows * columns).map { _ in generator.nextGaussian() * scale }, shape: [rows, columns]).astype(.float32)
            return (shared(w, name: "W_\(name)"), shared(NDArray(zeros: [columns], dtype: .float32), name: "b_\(name)"))
        }

        static func mlp(seed: UInt64) -> Network {
            var generator = SplitMix64(seed: seed)
            let x = fmatrix("x")
            let (w1, b1) = dense(64, 64, name: "hidden", generator: &generator)
            let (w2, b2) = dense(64, 10, name: "out", generator: &generator)
            let hidden = relu(dot(x, w1) + b1)
            return Network(input: x, probabilities: softmax(dot(hidden, w2) + b2), parameters: [w1, b1, w2, b2])
        }

        static func cnn(seed: UInt64) -> Network {
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

    static func fit(_ network: Network, train: Digits, test: Digits, epochs: Int, batchSize: Int = 32,
                      learningRate: Double = 0.05, momentum: Double = 0.9) throws -> Curve {
        let labels = lvector("y")
        let cost = categoricalCrossentropy(network.probabilities, labels).mean()
        let correct = eq(network.probabilities.argmax(axis: 1), labels).mean()
        let gradients = try grad(cost, wrt: network.parameters)
        var updates: [(SharedVariable, TensorVariable)] = []
        for (parameter, gradient) in zip(network.parameters, gradients) {
            let velocity = shared(NDArray(zeros: parameter.getValue().shape, dtype: parameter.dtype), name: "v_\(parameter.name ?? "")")
            let step = cast(momentum * velocity - learningRate * gradient, parameter.dtype)
            updates.append((velocity, step))
            updates.append((parameter, parameter + step))
        }
        let trainStep = try function([network.input, labels], [cost, correct], updates: updates, allowInputDowncast: true)
        let evaluate = try function([network.input, labels], correct, allowInputDowncast: true)

        var curve = Curve()
        var generator = SplitMix64(seed: 99)
        let batches = train.count / batchSize
        for epoch in 1...epochs {
            let order = Array(0..<train.count).shuffled(using: &generator)
            var lossSum = 0.0, accuracySum = 0.0
            for b in 0..<batches {
                let batch = train.subset(Array(order[b * batchSize..<(b + 1) * batchSize]))
                let out = try trainStep(batch.images, batch.labels)
                lossSum += out[0].item()
                accuracySum += out[1].item()
                if b % 8 == 0 { ProgressBar.draw(epoch: epoch, of: epochs, step: b + 1, of: batches, loss: lossSum / Double(b + 1), accuracy: accuracySum / Double(b + 1)) }
            }
            curve.loss.append(lossSum / Double(batches))
            curve.trainAccuracy.append(accuracySum / Double(batches))
            curve.testAccuracy.append(try evaluate(test.images, test.labels).item())
            ProgressBar.finish(epoch: epoch, of: epochs, loss: curve.loss.last!, accuracy: curve.trainAccuracy.last!, testAccuracy: curve.testAccuracy.last!)
        }
        return curve
    }
}

/// A one-line progress bar redrawn in place.
enum ProgressBar {
    static func draw(epoch: Int, of epochs: Int, step: Int, of steps: Int, loss: Double, accuracy: Double) {
        let width = 24, filled = width * step / max(steps, 1)
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        print(String(format: "\repoch %2d/%d [%@] loss %.4f acc %.3f", epoch, epochs, bar, loss, accuracy), terminator: "")
        FileHandle.standardOutput.synchronizeFile()
    }

    static func finish(epoch: Int, of epochs: Int, loss: Double, accuracy: Double, testAccuracy: Double) {
        print(String(format: "\repoch %2d/%d [%@] loss %.4f acc %.3f test acc %.3f", epoch, epochs, String(repeating: "=", count: 24), loss, accuracy, testAccuracy))
    }
}

/// Training curves as a small standalone SVG: loss on the left axis, accuracies on the right.
enum TrainingPlot {
    static func svg(_ curve: DigitsTraining.Curve, title: String) -> String {
        let width = 640.0, height = 360.0, margin = 48.0
        let n = max(curve.loss.count, 2)
        let maxLoss = max(curve.loss.max() ?? 1, 1e-9)
        func x(_ i: Int) -> Double { margin + (width - 2 * margin) * Double(i) / Double(n - 1) }
        func y(_ v: Double, _ top: Double) -> Double { height - margin - (height - 2 * margin) * v / top }
        func line(_ values: [Double], _ top: Double, _ color: String) -> String {
            let points = values.enumerated().map { String(format: "%.1f,%.1f", x($0.offset), y($0.element, top)) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>"
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(width / 2))" y="24" text-anchor="middle" font-size="16">\(title)</text>
        <line x1="\(margin)" y1="\(height - margin)" x2="\(width - margin)" y2="\(height - margin)" stroke="black"/>
        <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(height - margin)" stroke="black"/>
        <text x="\(Int(width / 2))" y="\(Int(height - 12))" text-anchor="middle">epoch (1–\(curve.loss.count))</text>
        \(line(curve.loss, maxLoss, "#d62728"))
        \(line(curve.trainAccuracy, 1, "#1f77b4"))
        \(line(curve.testAccuracy, 1, "#2ca02c"))
        <text x="\(Int(width - margin - 150))" y="\(Int(margin))" fill="#d62728">training loss (max \(String(format: "%.3f", maxLoss)))</text>
        <text x="\(Int(width - margin - 150))" y="\(Int(margin + 16))" fill="#1f77b4">training accuracy</text>
        <text x="\(Int(width - margin - 150))" y="\(Int(margin + 32))" fill="#2ca02c">test accuracy</text>
        </svg>
        """
    }
}
