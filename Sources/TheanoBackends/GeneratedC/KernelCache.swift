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
///
/// Loading a library runs its code, so nothing is loaded from a directory another user could write to:
/// the cache directory is created with mode 0700 and used only while it is a directory owned by this
/// user that no one else can write (nor rename, through its parent); a library is loaded only when it
/// is a regular file owned by this user that no one else can write. A library that fails the check is
/// replaced, never opened. See SECURITY.md.
public struct KernelCache: Sendable {
    /// The folder holding the compiled libraries.
    public let directory: String
    /// Why the standard cache is not in the preferred directory, when it is not.
    public let note: String?

    /// A cache in `directory`, created when first written.
    public init(directory: String) {
        self.directory = directory
        note = nil
    }

    private init(directory: String, note: String) {
        self.directory = directory
        self.note = note
    }

    /// The user's cache: `$THEANO_SWIFT_CACHE`, else `$XDG_CACHE_HOME/theano-swift/v1`, else
    /// `~/.cache/theano-swift/v1`. Where that directory cannot be created, is not a directory, or is not
    /// safe (owned by another user, or writable by others), a private directory made by `mkdtemp` for
    /// this process, removed at exit; `note` says why.
    public static let standard: KernelCache = {
        let preferred = BackendInfo.cacheDirectory
        guard let problem = prepare(preferred) else { return KernelCache(directory: preferred) }
        var template = Array((NSTemporaryDirectory() + "theano-swift-\(geteuid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            return KernelCache(directory: preferred, note: "\(problem), and no private temporary directory could be made (\(String(cString: strerror(errno))))")
        }
        let fallback = String(cString: made)
        temporaryDirectory.withLock { $0 = fallback }
        atexit { KernelCache.temporaryDirectory.withLock { $0.map { try? FileManager.default.removeItem(atPath: $0) } } }
        return KernelCache(directory: fallback, note: "a private temporary directory for this process, because \(problem)")
    }()

    /// The standard cache's `mkdtemp` directory, if it has one: removed when the process exits.
    private static let temporaryDirectory = Mutex<String?>(nil)

    /// Where the libraries are cached, and why there when it is not the preferred directory (`theano info`).
    public var location: String { note.map { "\(directory) (\($0))" } ?? directory }

    // MARK: - Trust

    /// Creates `path` (and missing parents) with mode 0700, then checks that it can hold libraries
    /// safely; nil when it can, else why not.
    package static func prepare(_ path: String) -> String? {
        var status = stat()
        if stat(path, &status) != 0 {
            var prefix = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                prefix += "/" + component
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                    return "the cache directory \(path) cannot be created (\(prefix): \(String(cString: strerror(errno))))"
                }
            }
        }
        if let problem = trustProblem(path) { return problem }
        return access(path, W_OK | X_OK) == 0 ? nil : "the cache directory \(path) is not writable"
    }

    /// Why libraries in `directory` cannot be trusted, or nil: it must be a directory owned by this user
    /// that no one else can write, inside a parent that no one else can write either (or that, like
    /// /tmp, is sticky), so no one can swap it.
    package static func trustProblem(_ directory: String) -> String? {
        var status = stat()
        guard stat(directory, &status) == 0 else { return "the cache directory \(directory) cannot be read (\(String(cString: strerror(errno))))" }
        guard status.st_mode & S_IFMT == S_IFDIR else { return "the cache directory \(directory) is not a directory" }
        if let problem = ownershipProblem(status, "the cache directory \(directory)") { return problem }
        let parent = URL(fileURLWithPath: directory).resolvingSymlinksInPath().deletingLastPathComponent().path
        guard stat(parent, &status) == 0 else { return nil }
        if status.st_uid != geteuid() && status.st_uid != 0 {
            return "the cache directory's parent \(parent) is owned by uid \(status.st_uid), not by this user (uid \(geteuid())) or root"
        }
        if status.st_mode & 0o022 != 0 && status.st_mode & S_ISVTX == 0 {
            return "the cache directory's parent \(parent) is writable by other users (mode \(String(status.st_mode & 0o7777, radix: 8)))"
        }
        return nil
    }

    /// Why a file or directory with this `stat` is not this user's alone, or nil.
    package static func ownershipProblem(_ status: stat, _ what: String) -> String? {
        if status.st_uid != geteuid() { return "\(what) is owned by uid \(status.st_uid), not by this user (uid \(geteuid()))" }
        if status.st_mode & 0o022 != 0 { return "\(what) is writable by other users (mode \(String(status.st_mode & 0o7777, radix: 8)))" }
        return nil
    }

    /// Why the library at `path` must not be loaded, or nil: it must be a regular file (not a link, a
    /// directory or a pipe) owned by this user and writable by no one else.
    package static func libraryProblem(_ path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return "\(path) cannot be read (\(String(cString: strerror(errno))))" }
        guard status.st_mode & S_IFMT == S_IFREG else { return "\(path) is not a regular file" }
        return ownershipProblem(status, path)
    }

    /// A 128-bit content hash (two FNV-1a lanes) of everything that decides the compiled code.
    package func key(for source: String, compiler: CCompiler) -> String {
        let parts = ["theano-swift kernels v1", compiler.path, compiler.identity, compiler.flags.joined(separator: " "), KernelCache.cpuSignature, source]
        return KernelCache.digest(parts.map { Array($0.utf8) })
    }

    package static func digest(_ parts: [[UInt8]]) -> String {
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
    package static func seal(_ library: [UInt8], key: String) -> [UInt8] {
        Array("\ntheano-kernels \(key) \(digest([library, Array(key.utf8)]))\n".utf8)
    }

    /// Whether the file at `path` is a whole library sealed for `key`.
    package static func isSealed(_ path: String, key: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return unsealed([UInt8](data), key: key) != nil
    }

    /// The bytes before the seal, when `bytes` are whole and sealed for `key`; nil when truncated or damaged.
    package static func unsealed(_ bytes: [UInt8], key: String) -> [UInt8]? {
        let sealLength = seal([], key: key).count
        guard bytes.count > sealLength else { return nil }
        let content = Array(bytes[..<(bytes.count - sealLength)])
        return Array(bytes[(bytes.count - sealLength)...]) == seal(content, key: key) ? content : nil
    }

    /// The library for `source`: already loaded, loaded from disk, or compiled now (and then cached).
    /// Throws when the cache directory is not safe to load from, saying why.
    package func library(for source: String, compiler: CCompiler) throws -> KernelLibrary {
        let key = key(for: source, compiler: compiler)
        let path = "\(directory)/\(key).so"
        // One loader at a time in this process, so a path is never opened while it is being replaced.
        return try KernelCache.loaded.withLock { loaded in
            if let library = loaded[path] { return library }
            if let problem = KernelCache.prepare(directory) {
                throw TheanoError(.io, "generated kernels: refusing the cache, because \(problem)")
            }
            var rebuilt = false
            var status = stat()
            if lstat(path, &status) == 0 {
                // Only a regular file of this user's, whole and sealed, is opened; anything else is replaced.
                if KernelCache.libraryProblem(path) == nil, KernelCache.isSealed(path, key: key),
                   let library = KernelLibrary.open(path, key: key, rebuilt: false) {
                    loaded[path] = library
                    return library
                }
                KernelCache.remove(path)
                rebuilt = true
            }
            let library = try compile(source, key: key, compiler: compiler, into: path, rebuilt: rebuilt)
            loaded[path] = library
            return library
        }
    }

    /// Deletes a cache entry whatever it is: a file, a link, or a directory squatting on its name.
    package static func remove(_ path: String) {
        if unlink(path) != 0 && errno != ENOENT { try? FileManager.default.removeItem(atPath: path) }
    }

    private func compile(_ source: String, key: String, compiler: CCompiler, into path: String, rebuilt: Bool) throws -> KernelLibrary {
        KernelCache.removeStaleTemporaries(in: directory)
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
        // Whatever the umask, no one else may write what this process will load.
        chmod(temporary + ".so", 0o700)
        chmod(temporary + ".c", 0o600)
        // The source goes in first, so an entry's library always has its source beside it.
        if rename(temporary + ".c", "\(directory)/\(key).c") != 0 || rename(temporary + ".so", path) != 0 {
            // Something that cannot be replaced holds the name (a directory that could not be removed):
            // the kernels are loaded from the temporary copy, which stays mapped once unlinked.
            let why = String(cString: strerror(errno))
            guard let loaded = KernelLibrary.open(temporary + ".so", key: key, rebuilt: rebuilt) else {
                throw TheanoError(.compilationFailed, "generated kernels: \(temporary).so was compiled but does not load (\(KernelLibrary.lastError))")
            }
            loaded.note = "not cached: \(path) cannot be replaced (\(why))"
            return loaded
        }
        guard let loaded = KernelLibrary.open(path, key: key, rebuilt: rebuilt) else {
            throw TheanoError(.compilationFailed, "generated kernels: \(path) was compiled but does not load (\(KernelLibrary.lastError))")
        }
        return loaded
    }

    /// Temporaries left by a process that stopped while compiling, once they are an hour old.
    package static func removeStaleTemporaries(in directory: String) {
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
        package init(key: String, bytes: Int, modified: Date) { self.key = key; self.bytes = bytes; self.modified = modified }
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
            guard attributes?[.type] as? FileAttributeType == .typeRegular, let bytes = attributes?[.size] as? Int,
                  let modified = attributes?[.modificationDate] as? Date else { return nil }
            return Entry(key: String(file.dropLast(3)), bytes: bytes, modified: modified)
        }.sorted { $0.modified < $1.modified }
    }

    /// Deletes every entry and temporary, and whatever squats on their names; returns how many
    /// libraries were removed.
    @discardableResult
    public func clear() -> Int {
        let count = entries.count
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where file.hasSuffix(".so") || file.hasSuffix(".c") || file.contains(".tmp-") {
            KernelCache.remove("\(directory)/\(file)")
        }
        return count
    }

    /// Libraries loaded by this process, by path.
    private static let loaded = Mutex<[String: KernelLibrary]>([:])

    /// The CPU's feature flags: `-march=native` code must not run on another CPU sharing the home directory.
    package static let cpuSignature: String = {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") } ?? ""
        return "\(model)\n\(flags)"
    }()
}

/// A loaded kernel library. It stays loaded for the life of the process: kernels swapped into running
/// functions point into it.
package final class KernelLibrary: @unchecked Sendable {
    package let handle: UnsafeMutableRawPointer
    package let key: String
    /// Whether a damaged or untrusted cache entry was replaced to load it.
    package let rebuilt: Bool
    /// Why the library is not in the cache, when it could not be put there.
    package var note: String?

    private init(handle: UnsafeMutableRawPointer, key: String, rebuilt: Bool) {
        (self.handle, self.key, self.rebuilt) = (handle, key, rebuilt)
    }

    /// Opens `path` and checks that it is the library for `key`; nil (and nothing left open) otherwise.
    package static func open(_ path: String, key: String, rebuilt: Bool) -> KernelLibrary? {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        typealias KeyFunction = @convention(c) () -> UnsafePointer<CChar>?
        if let symbol = dlsym(handle, "theano_kernel_key"),
           let text = unsafeBitCast(symbol, to: KeyFunction.self)(), String(cString: text) == key {
            return KernelLibrary(handle: handle, key: key, rebuilt: rebuilt)
        }
        dlclose(handle)
        return nil
    }

    package static var lastError: String { dlerror().map { String(cString: $0) } ?? "no error reported" }

    package func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }
}
