import Foundation

/// The bundled handwritten-digits data set (UCI, CC BY 4.0; see Data/README.md): 1797 8×8 images.
public struct Digits: Sendable {
    /// Pixel values scaled to [0, 1], shape (n, 64), float64.
    public let images: NDArray
    /// Class labels 0–9, shape (n,), int64.
    public let labels: NDArray

    /// The number of images.
    public var count: Int { labels.count }

    /// Where the file is looked for: `$THEANO_DIGITS`, else `Data/digits.csv.gz` in this package's checkout.
    public static var defaultPath: String {
        if let path = Settings.digits { return path }
        let source = URL(fileURLWithPath: #filePath)
        return source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/digits.csv.gz").path
    }

    /// Loads and parses the data set. Throws `.io` naming the file and line for a malformed file.
    public static func load(path: String = defaultPath) throws -> Digits {
        guard let compressed = FileManager.default.contents(atPath: path) else {
            throw TheanoError(.io, "Digits.load: cannot read \(path); set THEANO_DIGITS to the digits.csv.gz file")
        }
        let text = String(decoding: try Gzip.decompress(compressed, source: path), as: UTF8.self)
        var pixels: [Double] = [], labels: [Int64] = []
        for (lineNumber, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            // Every field must be an integer: one that is not fails the line instead of being skipped.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count == 65, fields.allSatisfy({ $0 != nil }), fields[0..<64].allSatisfy({ (0...16).contains($0!) }),
                  (0...9).contains(fields[64]!) else {
                throw TheanoError(.io, "Digits.load(\(path)): line \(lineNumber + 1) should hold 64 pixels 0-16 and a label 0-9, got \(line.prefix(40).debugDescription)…")
            }
            pixels += fields[0..<64].map { Double($0!) / 16 }
            labels.append(Int64(fields[64]!))
        }
        guard !labels.isEmpty else { throw TheanoError(.io, "Digits.load(\(path)): the file holds no rows") }
        return Digits(images: NDArray(pixels, shape: [labels.count, 64]), labels: NDArray(labels, shape: [labels.count]))
    }

    /// A deterministic shuffle and split into (train, test), with `testFraction` of the rows held out.
    public func split(testFraction: Double = 0.2, seed: UInt64 = 0) -> (train: Digits, test: Digits) {
        var generator = SplitMix64(seed: seed)
        let order = Array(0..<count).shuffled(using: &generator)
        let testCount = Int(Double(count) * testFraction)
        return (subset(Array(order[testCount...])), subset(Array(order[..<testCount])))
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Digits {
        let all = images.doubles, y = labels.scalars(as: Int64.self)
        var pixels: [Double] = []
        pixels.reserveCapacity(indices.count * 64)
        for i in indices { pixels += all[i * 64..<(i + 1) * 64] }
        return Digits(images: NDArray(pixels, shape: [indices.count, 64]), labels: NDArray(indices.map { y[$0] }, shape: [indices.count]))
    }
}
