import Foundation
import Testing
import Theano
@testable import TheanoExamples

/// `theano train digits`: progress that suits where it is shown, a real chart, and checkpoints that
/// resume and reload.
@Suite struct TrainingExperienceTests {
    /// A clock that moves one second per reading.
    final class FakeClock: @unchecked Sendable {
        var time = 0.0
        func now() -> Double { time += 1; return time }
    }

    func curve(epochs: Int) -> DigitsTraining.Curve {
        var curve = DigitsTraining.Curve()
        for e in 0..<epochs {
            let t = Double(e)
            curve.loss.append(1.2 * Foundation.exp(-t / 3) + 0.05)
            curve.testLoss.append(1.1 * Foundation.exp(-t / 4) + 0.12)
            curve.trainAccuracy.append(0.99 - 0.35 * Foundation.exp(-t / 3))
            curve.testAccuracy.append(0.96 - 0.3 * Foundation.exp(-t / 4))
        }
        return curve
    }

    func simulate(_ style: ProgressReporter.Style, epochs: Int = 3, steps: Int = 5) -> String {
        var text = ""
        let clock = FakeClock()
        var reporter = ProgressReporter(style: style, epochs: epochs, stepsPerEpoch: steps, batchSize: 32,
                                        write: { text += $0 }, now: clock.now)
        let full = curve(epochs: epochs)
        for epoch in 1...epochs {
            reporter.beginEpoch(epoch)
            for step in 1...steps { reporter.step(step, loss: 0.5, accuracy: 0.9) }
            var soFar = DigitsTraining.Curve()
            soFar.loss = Array(full.loss.prefix(epoch)); soFar.testLoss = Array(full.testLoss.prefix(epoch))
            soFar.trainAccuracy = Array(full.trainAccuracy.prefix(epoch)); soFar.testAccuracy = Array(full.testAccuracy.prefix(epoch))
            reporter.endEpoch(soFar)
        }
        return text
    }

    @Test func offATerminalEachEpochIsOnePlainLine() {
        let text = simulate(.plain)
        #expect(!text.contains("\r") && !text.contains("\u{1B}"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("epoch 1/3  loss 1.2500  acc 0.640  test loss 1.2200  test acc 0.660") == true)
    }

    @Test func onATerminalTheBarShowsRateAndTimeLeft() {
        let text = simulate(.terminal)
        #expect(text.contains("\r"))
        let firstDraw = text.components(separatedBy: "\r")[1]
        // Each step takes one fake second (beginEpoch and step each read the clock): 32 images in 2 s.
        #expect(firstDraw.hasPrefix("epoch 1/3 [====>                   ] 1/5  loss 0.5000  acc 0.900  16 img/s  ETA 0:28"))
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 3, "each finished epoch keeps its line")
    }

    @Test func timeLeftReadsAsAClock() {
        #expect(ProgressReporter.clock(4) == "0:04")
        #expect(ProgressReporter.clock(754) == "12:34")
        #expect(ProgressReporter.clock(3725) == "1:02:05")
    }

    @Test func theChartHasTwoPanelsWithTicksAndBothCurves() {
        let svg = TrainingChart.svg(curve(epochs: 30), title: "MLP on digits")
        #expect(svg.components(separatedBy: "<g class=\"panel\">").count == 3)
        for name in ["training loss", "test loss", "training accuracy", "test accuracy"] {
            #expect(svg.contains("data-name=\"\(name)\""), "\(name) is drawn")
        }
        #expect(svg.contains(">Loss (cross-entropy)<") && svg.contains(">Accuracy<"))
        #expect(svg.contains(">100%<") && svg.contains(">1.5<") && svg.contains(">30<"), "both axes have tick labels")
        #expect(svg.components(separatedBy: ">epoch<").count == 3, "each x axis is labelled")
    }

    @Test func ticksAreRoundNumbers() {
        #expect(TrainingChart.ticks(0, 1.5, count: 5) == [0, 0.5, 1, 1.5])
        #expect(TrainingChart.epochTicks(30) == [1, 5, 10, 15, 20, 25, 30])
        #expect(TrainingChart.epochTicks(3) == [1, 2, 3])
        #expect(TrainingChart.niceCeiling(1.23) == 1.5 && TrainingChart.niceCeiling(0.42) == 0.5)
    }

    /// The chart as a picture: rendered by rsvg-convert where it is installed (Debian's librsvg2-bin).
    @Test(.enabled(if: Tool.find("rsvg-convert") != nil, "needs rsvg-convert (apt-get install librsvg2-bin)"))
    func theChartRendersToAPictureThatIsNotBlank() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("chart.svg").path, png = directory.appendingPathComponent("chart.png").path
        try TrainingChart.svg(curve(epochs: 20), title: "MLP on digits").write(toFile: svg, atomically: true, encoding: .utf8)
        let result = try Tool.run(try #require(Tool.find("rsvg-convert")), [svg, "-o", png])
        #expect(result.status == 0)
        let image = try PNGImage(contentsOf: png)
        #expect(image.width == 860 && image.height == 380)
        #expect(image.inkedFraction > 0.01 && image.inkedFraction < 0.5, "ink covers \(image.inkedFraction)")
        #expect(image.contains(0x1F, 0x77, 0xB4), "the training curves are drawn")
        #expect(image.contains(0xFF, 0x7F, 0x0E), "the test curves are drawn")
    }

    /// Training 3 epochs straight ends with the same parameters as training 2, stopping, and resuming.
    @Test func aResumedRunEndsWhereAnUninterruptedOneDoes() throws {
        let straight = try temporaryDirectory(), interrupted = try temporaryDirectory()
        defer { for d in [straight, interrupted] { try? FileManager.default.removeItem(at: d) } }
        _ = try Transcript.capture {
            try DigitsTraining.run(dataset: "digits", model: "mlp", epochs: 3, outputDirectory: straight.path, progress: .plain)
            try DigitsTraining.run(dataset: "digits", model: "mlp", epochs: 2, outputDirectory: interrupted.path, progress: .plain)
        }
        var resumed: [DigitsTraining.Outcome] = []
        let printed = try Transcript.capture {
            resumed = try DigitsTraining.run(dataset: "digits", model: "mlp", epochs: 3, outputDirectory: interrupted.path,
                                             resume: true, progress: .plain)
        }
        #expect(printed.contains("resuming after epoch 2"))
        #expect(!printed.contains("epoch 1/3") && printed.contains("epoch 3/3"), "only the third epoch runs again")
        #expect(resumed.first?.curve.epochs == 3)
        let a = try NPZ.load(straight.appendingPathComponent("digits-mlp.npz").path)
        let b = try NPZ.load(interrupted.appendingPathComponent("digits-mlp.npz").path)
        #expect(a.keys.sorted() == b.keys.sorted())
        for key in a.keys.sorted() { #expect(a[key]?.doubles == b[key]?.doubles, "\(key) matches") }
    }

    @Test func resumingWithoutACheckpointSaysWhatToDo() throws {
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let error = try #require(throws: TheanoError.self) {
            _ = try Transcript.capture {
                try DigitsTraining.run(dataset: "digits", model: "mlp", epochs: 1, outputDirectory: empty.path, resume: true, progress: .plain)
            }
        }
        #expect(error.message.contains("train without --resume first"))
    }

    /// Two epochs of the MLP, saved into `directory`, and the test set they were scored on.
    func trainedCheckpoint(in directory: URL) throws -> (outcome: DigitsTraining.Outcome, test: Digits) {
        var outcomes: [DigitsTraining.Outcome] = []
        _ = try Transcript.capture {
            outcomes = try DigitsTraining.run(dataset: "digits", model: "mlp", epochs: 2, outputDirectory: directory.path, progress: .plain)
        }
        return (try #require(outcomes.first), try Digits.load().split(testFraction: 0.2, seed: 2026).test)
    }

    /// Loaded into a fresh network, the saved parameters score what training reported.
    @Test func theSavedModelReloadsInSwift() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (outcome, test) = try trainedCheckpoint(in: directory)
        let saved = try NPZ.load(outcome.checkpoint)
        let network = DigitsTraining.Network.mlp(seed: 12345)
        for parameter in network.parameters { try parameter.setValue(try #require(saved[parameter.name ?? ""])) }
        #expect(try DigitsTraining.Trainer(network).score(test).accuracy == outcome.curve.testAccuracy.last)
    }

    /// numpy reads the file and, computing the network itself, scores what training reported
    /// (where python3 with numpy is installed).
    @Test(.enabled(if: Tool.numpyPython != nil, "needs python3 with numpy"))
    func theSavedModelReloadsInNumpy() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (outcome, test) = try trainedCheckpoint(in: directory)
        let testSet = directory.appendingPathComponent("test.npz").path
        try NPZ.save(["images": test.images, "labels": test.labels], to: testSet)
        let script = """
        import sys, numpy as np
        p, t = np.load(sys.argv[1]), np.load(sys.argv[2])
        x = t["images"].astype(np.float32)
        hidden = np.maximum(x @ p["W_hidden"] + p["b_hidden"], 0)
        print((np.argmax(hidden @ p["W_out"] + p["b_out"], axis=1) == t["labels"]).mean())
        """
        let result = try Tool.run(try #require(Tool.numpyPython), ["-c", script, outcome.checkpoint, testSet])
        #expect(result.status == 0)
        let numpyAccuracy = try #require(Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let swiftAccuracy = try #require(outcome.curve.testAccuracy.last)
        // float32 sums in another order may flip a near tie: one image of 359 at most.
        #expect(Swift.abs(numpyAccuracy - swiftAccuracy) <= 1.0 / 359 + 1e-12)
    }
}
