import Foundation

/// Which rewrites fired during one compilation, how often, and how long each took.
public struct RewriteReport: Sendable, CustomStringConvertible {
    package init(entries: [Entry] = [], totalSeconds: Double = 0) { self.entries = entries; self.totalSeconds = totalSeconds }
    /// One rewrite's record.
    public struct Entry: Sendable {
        package init(name: String, count: Int, seconds: Double) { self.name = name; self.count = count; self.seconds = seconds }
        /// The rewrite's name.
        public let name: String
        /// How many times it changed the graph.
        public var count: Int
        /// The time spent in it.
        public var seconds: Double
    }
    /// The rewrites that fired, in the order they first did.
    public var entries: [Entry] = []
    /// The time the whole optimization took.
    public var totalSeconds: Double = 0

    /// How many times a rewrite fired.
    public func count(_ name: String) -> Int { entries.first { $0.name == name }?.count ?? 0 }

    package mutating func record(_ name: String, count: Int = 1, seconds: Double) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i].count += count
            entries[i].seconds += seconds
        } else {
            entries.append(Entry(name: name, count: count, seconds: seconds))
        }
    }

    public var description: String {
        var lines = ["rewrites: \(entries.reduce(0) { $0 + $1.count }) applications in \(String(format: "%.3f", totalSeconds * 1000)) ms"]
        for e in entries.sorted(by: { $0.count > $1.count }) {
            lines.append("  \(e.name): \(e.count) times, \(String(format: "%.3f", e.seconds * 1000)) ms")
        }
        return lines.joined(separator: "\n")
    }
}
