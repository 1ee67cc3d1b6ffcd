import Foundation

/// Training curves as a standalone SVG chart: loss on the left, accuracy on the right, each with
/// ticks and labels on both axes, the test curve beside the training one, and one legend under the
/// title, outside both plots, so it covers no curve.
public enum TrainingChart {
    static let width = 860.0, height = 380.0
    static let trainingColor = "#1f77b4", testColor = "#ff7f0e"

    /// The chart of `curve`.
    public static func svg(_ curve: DigitsTraining.Curve, title: String) -> String {
        let epochs = max(curve.epochs, 1)
        let lossTop = niceCeiling(max(curve.loss.max() ?? 1, curve.testLoss.max() ?? 1, 1e-6))
        let lowestAccuracy = min(curve.trainAccuracy.min() ?? 0, curve.testAccuracy.min() ?? 0)
        let accuracyBottom = max(0, (lowestAccuracy * 10).rounded(.down) / 10)
        let panelWidth = (width - 3 * 70) / 2
        let loss = Panel(x: 70, y: 80, width: panelWidth, height: height - 80 - 56, epochs: epochs,
                         low: 0, high: lossTop, title: "Loss (cross-entropy)", valueFormat: "%.2g")
        let accuracy = Panel(x: 70 * 2 + panelWidth, y: 80, width: panelWidth, height: height - 80 - 56, epochs: epochs,
                             low: accuracyBottom, high: 1, title: "Accuracy", valueFormat: "%.0f%%", valueScale: 100)
        var parts: [String] = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(Int(width / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">\(escape(title))</text>",
        ]
        parts.append(legend(centreX: width / 2, y: 50))
        parts.append(loss.render(series: [(curve.loss, trainingColor, false, "training loss"), (curve.testLoss, testColor, true, "test loss")]))
        parts.append(accuracy.render(series: [(curve.trainAccuracy, trainingColor, false, "training accuracy"),
                                              (curve.testAccuracy, testColor, true, "test accuracy")]))
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// One legend for both panels: the training line solid, the test line dashed.
    static func legend(centreX: Double, y: Double) -> String {
        let left = centreX - 120
        return """
        <g class="legend">
        <line x1="\(f(left))" y1="\(f(y))" x2="\(f(left + 30))" y2="\(f(y))" stroke="\(trainingColor)" stroke-width="2.5"/>
        <text x="\(f(left + 36))" y="\(f(y + 4))">training set</text>
        <line x1="\(f(left + 130))" y1="\(f(y))" x2="\(f(left + 160))" y2="\(f(y))" stroke="\(testColor)" stroke-width="2.5" stroke-dasharray="7 4"/>
        <text x="\(f(left + 166))" y="\(f(y + 4))">test set</text>
        </g>
        """
    }

    struct Panel {
        let x: Double, y: Double, width: Double, height: Double
        let epochs: Int
        let low: Double, high: Double
        let title: String
        let valueFormat: String
        var valueScale = 1.0

        func px(_ epoch: Double) -> Double { epochs <= 1 ? x + width / 2 : x + width * (epoch - 1) / Double(epochs - 1) }
        func py(_ value: Double) -> Double { y + height - height * (value - low) / max(high - low, 1e-12) }

        func render(series: [(values: [Double], color: String, dashed: Bool, name: String)]) -> String {
            var out = ["<g class=\"panel\">"]
            out.append("<text x=\"\(f(x + width / 2))\" y=\"\(f(y - 8))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(title)</text>")
            // Grid and y ticks.
            for value in ticks(low, high, count: 5) {
                let yy = py(value)
                out.append("<line x1=\"\(f(x))\" y1=\"\(f(yy))\" x2=\"\(f(x + width))\" y2=\"\(f(yy))\" stroke=\"#e5e5e5\"/>")
                out.append("<line x1=\"\(f(x - 5))\" y1=\"\(f(yy))\" x2=\"\(f(x))\" y2=\"\(f(yy))\" stroke=\"black\"/>")
                out.append("<text x=\"\(f(x - 8))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(String(format: valueFormat, value * valueScale))</text>")
            }
            // x ticks: whole epochs.
            for epoch in epochTicks(epochs) {
                let xx = px(Double(epoch))
                out.append("<line x1=\"\(f(xx))\" y1=\"\(f(y + height))\" x2=\"\(f(xx))\" y2=\"\(f(y + height + 5))\" stroke=\"black\"/>")
                out.append("<text x=\"\(f(xx))\" y=\"\(f(y + height + 19))\" text-anchor=\"middle\">\(epoch)</text>")
            }
            out.append("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"black\"/>")
            out.append("<text x=\"\(f(x + width / 2))\" y=\"\(f(y + height + 40))\" text-anchor=\"middle\">epoch</text>")
            for s in series where !s.values.isEmpty {
                let points = s.values.enumerated().map { "\(f(px(Double($0.offset + 1)))),\(f(py($0.element)))" }.joined(separator: " ")
                let dash = s.dashed ? " stroke-dasharray=\"7 4\"" : ""
                out.append("<polyline class=\"series\" data-name=\"\(s.name)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2.5\"\(dash) points=\"\(points)\"/>")
                if s.values.count == 1 {
                    out.append("<circle cx=\"\(f(px(1)))\" cy=\"\(f(py(s.values[0])))\" r=\"3\" fill=\"\(s.color)\"/>")
                }
            }
            out.append("</g>")
            return out.joined(separator: "\n")
        }
    }

    /// Round values from `low` to `high`, about `count` of them, at a step of 1, 2 or 5 × 10ⁿ.
    static func ticks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        let step = niceStep((high - low) / Double(max(count, 1)))
        var values: [Double] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + step * 1e-9 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return values
    }

    /// Whole epochs, at most about ten of them, always including the first and last.
    static func epochTicks(_ epochs: Int) -> [Int] {
        guard epochs > 1 else { return [1] }
        let step = max(1, Int(niceStep(Double(epochs - 1) / 8).rounded(.up)))
        var values = [1] + Array(stride(from: step, through: epochs, by: step)).filter { $0 > 1 }
        if values.last != epochs {
            if let last = values.last, Double(epochs - last) < Double(step) / 2, values.count > 1 { values.removeLast() }
            values.append(epochs)
        }
        return values
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
    }

    /// The first 1, 2 or 5 × 10ⁿ at or above `value`, so the top tick is round.
    static func niceCeiling(_ value: Double) -> Double {
        let step = niceStep(value / 5)
        return (value / step).rounded(.up) * step
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
