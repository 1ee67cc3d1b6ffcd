import Foundation

/// Training progress: on a terminal, one line redrawn in place with a bar, the rate and the time left;
/// anywhere else (a pipe, a log file, CI), one plain line per epoch and no carriage returns.
public struct ProgressReporter {
    /// How progress is shown.
    public enum Style: Sendable {
        /// A bar on a terminal, plain lines elsewhere (decided by `isatty` on standard output).
        case automatic
        /// The redrawn bar, with rate and time left.
        case terminal
        /// One line per epoch.
        case plain
    }

    let isTerminal: Bool
    let epochs: Int
    let stepsPerEpoch: Int
    let batchSize: Int
    let write: (String) -> Void
    let now: () -> Double
    private var epoch = 0
    private var runStart: Double
    private var epochStart: Double
    private var stepsDone = 0
    private var lastDraw = -Double.infinity

    /// - Parameters:
    ///   - write: where the text goes; standard output by default.
    ///   - now: the clock, in seconds; tests pass their own.
    public init(style: Style, epochs: Int, stepsPerEpoch: Int, batchSize: Int,
                write: ((String) -> Void)? = nil,
                now: @escaping () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        switch style {
        case .automatic: isTerminal = isatty(STDOUT_FILENO) == 1
        case .terminal: isTerminal = true
        case .plain: isTerminal = false
        }
        (self.epochs, self.stepsPerEpoch, self.batchSize, self.write, self.now) = (epochs, max(stepsPerEpoch, 1), batchSize, write ?? Self.standardOutput, now)
        runStart = now()
        epochStart = runStart
    }

    /// Writes through `print`, so the lines keep their place among the other output, and flushes.
    static func standardOutput(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }

    /// Marks the start of an epoch (the first of a resumed run need not be 1).
    public mutating func beginEpoch(_ epoch: Int) {
        if stepsDone == 0 { runStart = now() }
        self.epoch = epoch
        epochStart = now()
    }

    /// Reports a finished minibatch; on a terminal, redraws the line at most ten times a second.
    public mutating func step(_ step: Int, loss: Double, accuracy: Double) {
        stepsDone += 1
        guard isTerminal else { return }
        let t = now()
        guard t - lastDraw >= 0.1 || step == stepsPerEpoch else { return }
        lastDraw = t
        write("\r" + line(step: step, loss: loss, accuracy: accuracy, time: t) + "\u{1B}[K")
    }

    /// Reports the end of an epoch with its numbers; a terminal keeps the finished line.
    public mutating func endEpoch(_ curve: DigitsTraining.Curve) {
        let seconds = now() - epochStart
        let text = "epoch \(counter(epoch, of: epochs))" + String(format: "  loss %.4f  acc %.3f  test loss %.4f  test acc %.3f  (%.2f s)",
                          curve.loss.last ?? .nan, curve.trainAccuracy.last ?? .nan,
                          curve.testLoss.last ?? .nan, curve.testAccuracy.last ?? .nan, seconds)
        write(isTerminal ? "\r" + text + "\u{1B}[K\n" : text + "\n")
    }

    /// The bar line: `epoch  3/30 [=======>      ] 21/44  loss 0.1234  acc 0.967  5120 img/s  ETA 0:04`.
    func line(step: Int, loss: Double, accuracy: Double, time: Double) -> String {
        let width = 24, filled = width * step / stepsPerEpoch
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let elapsed = max(time - runStart, 1e-9)
        let rate = Double(stepsDone * batchSize) / elapsed
        let remainingSteps = (epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - step)
        let eta = Double(remainingSteps) * elapsed / Double(max(stepsDone, 1))
        return "epoch \(counter(epoch, of: epochs)) [\(bar)] \(counter(step, of: stepsPerEpoch))"
            + String(format: "  loss %.4f  acc %.3f  %.0f img/s  ETA ", loss, accuracy, rate) + Self.clock(eta)
    }

    /// ` 3/30`: the count padded to the width of the total, so the line does not jump.
    private func counter(_ n: Int, of total: Int) -> String {
        let text = String(n)
        return String(repeating: " ", count: max(0, String(total).count - text.count)) + text + "/\(total)"
    }

    /// `m:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
