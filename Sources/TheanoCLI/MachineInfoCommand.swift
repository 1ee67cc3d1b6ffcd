import Foundation
import Theano

/// `theano info` and `theano cache`.
enum MachineInfo {
    static func report() -> String { BackendInfo.report }
}

enum KernelCacheCommand {
    static func run(_ action: String) throws {
        let directory = BackendInfo.cacheDirectory
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        switch action {
        case "list":
            print("kernel cache: \(directory) (\(entries.count) entries)")
            for entry in entries.sorted() { print("  \(entry)") }
        case "clear":
            for entry in entries { try? FileManager.default.removeItem(atPath: directory + "/" + entry) }
            print("kernel cache cleared: \(entries.count) entries removed from \(directory)")
        default:
            throw TheanoError(.badArgument, "cache: unknown action '\(action)'; use list or clear")
        }
    }
}
