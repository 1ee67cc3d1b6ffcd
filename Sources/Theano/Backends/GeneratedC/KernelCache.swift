import Foundation
import Synchronization

/// The on-disk cache of compiled kernel libraries, shared by every process of the user.
///
/// An entry is `KEY.so` (with its source beside it as `KEY.c`), where KEY hashes the compiler, its
/// flags, the CPU and the source, so a different machine, compiler or kernel never reads it. A missing
/// entry is compiled under a temporary name unique to the process and renamed into place, which is
/// atomic: two processes that race write the same content, and a process that already loaded the
/// file keeps its mapping. Each library ends with a seal (its key and a digest of its bytes), checked
/// before it is loaded, because loading a damaged library can crash the process; a library with a bad
/// seal, or that does not say its own key once loaded, is deleted and rebuilt.
public struct KernelCache: Sendable {
    /// The folder holding the compiled libraries.
    public let directory: String

    /// A cache in `directory`, created when first written.
    public init(directory: String) { self.directory = directory }

    /// The user's cache: `$THEANO_SWIFT_CACHE`, else `$XDG_CACHE_HOME/theano-swift/v1`, else
    /// `~/.cache/theano-swift/v1`; a per-user temporary directory where that one cannot be written.
    public static var standard: KernelCache { KernelCache(directory: writableDirectory) }

    private static let writableDirectory: String = {
        let preferred = BackendInfo.cacheDirectory
        try? FileManager.default.createDirectory(atPath: preferred, withIntermediateDirectories: true)
        if access(preferred, W_OK) == 0 { return preferred }
        return NSTemporaryDirectory() + "theano-swift-\(getuid())/v1"
    }()

    /// A 128-bit content hash (two FNV-1a lanes) of everything that decides the compiled code.
    func key(for source: String, compiler: CCompiler) -> String {
        let parts = ["theano-swift kernels v1", compiler.path, compiler.identity, compiler.flags.joined(separator: " "), KernelCache.cpuSignature, source]
        return KernelCache.digest(parts.map { Array($0.utf8) })
    }

    static func digest(_ parts: [[UInt8]]) -> String {
        var lanes: (UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
        for part in parts {
            for byte in part + [0] {
                lanes.0 = (lanes.0 ^ UInt64(byte)) &* 0x100_0000_01b3
                lanes.1 = (lanes.1 ^ UInt64(byte)) &* 0x100_0000_01b3 ^ (lanes.1 >> 29)
            }
        }
        return String(format: "%016llx%016llx", lanes.0, lanes.1)
    }

    /// The seal appended to a library: ELF loaders ignore bytes after the sections they map.
    static func seal(_ library: [UInt8], key: String) -> [UInt8] {
        Array("\ntheano-kernels \(key) \(digest([library, Array(key.utf8)]))\n".utf8)
    }

    /// Whether the file at `path` is a whole library sealed for `key`.
    static func isSealed(_ path: String, key: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let bytes = [UInt8](data)
        let sealLength = seal([], key: key).count
        guard bytes.count > sealLength else { return false }
        let library = Array(bytes[..<(bytes.count - sealLength)])
        return Array(bytes[(bytes.count - sealLength)...]) == seal(library, key: key)
    }

    /// The library for `source`: already loaded, loaded from disk, or compiled now (and then cached).
    func library(for source: String, compiler: CCompiler) throws -> KernelLibrary {
        let key = key(for: source, compiler: compiler)
        let path = "\(directory)/\(key).so"
        // One loader at a time in this process, so a path is never opened while it is being replaced.
        return try KernelCache.loaded.withLock { loaded in
            if let library = loaded[path] { return library }
            var rebuilt = false
            if FileManager.default.fileExists(atPath: path) {
                if KernelCache.isSealed(path, key: key), let library = KernelLibrary.open(path, key: key, rebuilt: false) {
                    loaded[path] = library
                    return library
                }
                // Damaged, truncated or not ours: replace it.
                unlink(path)
                rebuilt = true
            }
            try compile(source, key: key, compiler: compiler, into: path)
            guard let library = KernelLibrary.open(path, key: key, rebuilt: rebuilt) else {
                throw TheanoError(.compilationFailed, "generated kernels: \(path) was compiled but does not load (\(KernelLibrary.lastError))")
            }
            loaded[path] = library
            return library
        }
    }

    private func compile(_ source: String, key: String, compiler: CCompiler, into path: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        removeStaleTemporaries()
        let temporary = "\(directory)/\(key).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            unlink(temporary + ".c")
            unlink(temporary + ".so")
        }
        let text = source + "\nconst char *theano_kernel_key(void) { return \"\(key)\"; }\n"
        try text.write(toFile: temporary + ".c", atomically: false, encoding: .utf8)
        try compiler.compile(temporary + ".c", to: temporary + ".so")
        guard let handle = FileHandle(forUpdatingAtPath: temporary + ".so") else {
            throw TheanoError(.io, "generated kernels: cannot open the compiled library \(temporary).so")
        }
        let library = [UInt8](try handle.readToEnd() ?? Data())
        try handle.write(contentsOf: KernelCache.seal(library, key: key))
        try handle.close()
        // The source goes in first, so an entry's library always has its source beside it.
        if rename(temporary + ".c", "\(directory)/\(key).c") != 0 || rename(temporary + ".so", path) != 0 {
            throw TheanoError(.io, "generated kernels: cannot move the compiled library into \(directory): \(String(cString: strerror(errno)))")
        }
    }

    /// Temporaries left by a process that stopped while compiling, once they are an hour old.
    private func removeStaleTemporaries() {
        let hourAgo = Date().addingTimeInterval(-3600)
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.contains(".tmp-") {
            let path = "\(directory)/\(file)"
            if let date = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, date < hourAgo {
                unlink(path)
            }
        }
    }

    /// One cached library.
    public struct Entry: Sendable {
        /// The hash of compiler, flags, CPU flags and source that names the library.
        public let key: String
        /// The library's size in bytes.
        public let bytes: Int
        /// When the library was written.
        public let modified: Date
    }

    /// The compiled libraries in the cache, oldest first.
    public var entries: [Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".so") && !$0.contains(".tmp-") }.compactMap { file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")
            guard let bytes = attributes?[.size] as? Int, let modified = attributes?[.modificationDate] as? Date else { return nil }
            return Entry(key: String(file.dropLast(3)), bytes: bytes, modified: modified)
        }.sorted { $0.modified < $1.modified }
    }

    /// Deletes every entry and temporary; returns how many libraries were removed.
    @discardableResult
    public func clear() -> Int {
        let count = entries.count
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where file.hasSuffix(".so") || file.hasSuffix(".c") || file.contains(".tmp-") {
            unlink("\(directory)/\(file)")
        }
        return count
    }

    /// Libraries loaded by this process, by path.
    private static let loaded = Mutex<[String: KernelLibrary]>([:])

    /// The CPU's feature flags: `-march=native` code must not run on another CPU sharing the home directory.
    static let cpuSignature: String = {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") } ?? ""
        return "\(model)\n\(flags)"
    }()
}

/// A loaded kernel library. It stays loaded for the life of the process: kernels swapped into running
/// functions point into it.
final class KernelLibrary: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let key: String
    /// Whether a damaged cache entry was replaced to load it.
    let rebuilt: Bool

    private init(handle: UnsafeMutableRawPointer, key: String, rebuilt: Bool) {
        (self.handle, self.key, self.rebuilt) = (handle, key, rebuilt)
    }

    /// Opens `path` and checks that it is the library for `key`; nil (and nothing left open) otherwise.
    static func open(_ path: String, key: String, rebuilt: Bool) -> KernelLibrary? {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        typealias KeyFunction = @convention(c) () -> UnsafePointer<CChar>?
        if let symbol = dlsym(handle, "theano_kernel_key"),
           let text = unsafeBitCast(symbol, to: KeyFunction.self)(), String(cString: text) == key {
            return KernelLibrary(handle: handle, key: key, rebuilt: rebuilt)
        }
        dlclose(handle)
        return nil
    }

    static var lastError: String { dlerror().map { String(cString: $0) } ?? "no error reported" }

    func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }
}
