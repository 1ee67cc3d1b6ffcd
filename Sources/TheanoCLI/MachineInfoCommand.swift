import ArgumentParser
import Foundation
import Theano

/// `theano info` and `theano cache`.
enum MachineInfo {
    static func report() -> String { BackendInfo.report }
}

enum KernelCacheCommand {
    enum Action: String, CaseIterable, ExpressibleByArgument { case list, clear }

    static func run(_ action: Action) {
        let cache = KernelCache.standard
        switch action {
        case .list:
            let entries = cache.entries
            print("kernel cache: \(cache.directory) (\(entries.count) compiled librar\(entries.count == 1 ? "y" : "ies"))")
            if let note = cache.note { print("  \(note)") }
            for entry in entries {
                print("  \(entry.key)  \(entry.bytes / 1024) KiB  \(entry.modified.formatted(date: .numeric, time: .standard))")
            }
            let images = CUDAKernelCache.standard.entries
            print("CUDA images: \(CUDAKernelCache.standard.directory) (\(images.count) compiled image\(images.count == 1 ? "" : "s"))")
            for image in images {
                print("  \(image.key).\(image.kind)  \(image.bytes / 1024) KiB  \(image.modified.formatted(date: .numeric, time: .standard))")
            }
        case .clear:
            let removed = cache.clear()
            print("kernel cache cleared: \(removed) compiled librar\(removed == 1 ? "y" : "ies") removed from \(cache.directory)")
            let images = CUDAKernelCache.standard.clear()
            print("CUDA images cleared: \(images) compiled image\(images == 1 ? "" : "s") removed from \(CUDAKernelCache.standard.directory)")
        }
    }
}
