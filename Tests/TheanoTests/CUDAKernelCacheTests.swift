import Foundation
import Testing
@testable import Theano

/// Compiled CUDA images (PTX or cubin) are cached on disk, keyed by source, architecture, options,
/// NVRTC's and the driver's versions, under the CPU kernel cache's rules: atomic rename, a seal that
/// catches truncated and damaged entries (rebuilt), and a directory and entries that must be this
/// user's alone. The compile closure is a fake that returns bytes and counts its calls, so these tests
/// run on every machine; the last one goes through NVRTC where it is installed.
@Suite struct CUDAKernelCacheTests {
    static let isRoot = geteuid() == 0
    static let source = "extern \"C\" __global__ void theano_cached(float *x) { x[threadIdx.x] *= 2.0f; }\n"
    static let toolchain = CUDAKernelCache.Toolchain(nvrtc: "13.0", driver: nil)

    static func directory(_ name: String) -> String {
        NSTemporaryDirectory() + "theano-cuda-cache-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The bytes the fake compiler gives for `source` and `architecture`: different inputs, different bytes.
    static func fakeImage(_ source: String, _ architecture: String) -> [UInt8] {
        Array("// fake image for \(architecture)\n\(source)".utf8) + [0]
    }

    /// A fake compiler that counts its calls.
    final class FakeCompiler: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var calls: Int { lock.withLock { count } }

        func output(_ source: String, _ architecture: String) -> NVRTC.Output {
            lock.withLock { count += 1 }
            return NVRTC.Output(image: fakeImage(source, architecture), isCubin: architecture.hasPrefix("sm_"), log: "")
        }
    }

    static func request(_ cache: CUDAKernelCache, _ compiler: FakeCompiler, source: String = source, architecture: String = "compute_90",
                        options: [String] = [], toolchain: CUDAKernelCache.Toolchain = toolchain) throws -> (image: CUDAKernelCache.Image, fromCache: Bool) {
        try cache.image(for: source, architecture: architecture, options: options, toolchain: toolchain) { compiler.output(source, architecture) }
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    /// The second request reads the image from disk, without compiling, and gets the same bytes.
    @Test func aSecondRequestIsServedFromTheCache() throws {
        let cache = CUDAKernelCache(directory: Self.directory("hit") + "/cuda")
        defer { try? FileManager.default.removeItem(atPath: (cache.directory as NSString).deletingLastPathComponent) }
        let compiler = FakeCompiler()
        let first = try Self.request(cache, compiler)
        #expect(!first.fromCache && !first.image.rebuilt && first.image.note == nil)
        let second = try Self.request(cache, compiler)
        #expect(second.fromCache && compiler.calls == 1)
        #expect(second.image.bytes == Self.fakeImage(Self.source, "compute_90") && !second.image.isCubin)
        #expect(cache.entries.map(\.kind) == ["ptx"])
        #expect(cache.entries.map(\.key) == [cache.key(for: Self.source, architecture: "compute_90", toolchain: Self.toolchain)])
        // Created private, like the CPU cache; the entry is this user's alone.
        #expect(Self.mode(cache.directory) == 0o700)
        let path = cache.path(key: cache.entries[0].key, architecture: "compute_90")
        #expect(Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory) == [(path as NSString).lastPathComponent])
    }

    /// Anything that decides the compiled code is in the key: changing it misses, and each variant is
    /// then served from its own entry. A real architecture (`sm_90`) is cached as a cubin.
    @Test func aChangedSourceArchitectureOptionOrToolchainMisses() throws {
        let cache = CUDAKernelCache(directory: Self.directory("miss"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let compiler = FakeCompiler()
        let other = Self.source.replacingOccurrences(of: "2.0f", with: "3.0f")
        let variants: [(source: String, architecture: String, options: [String], toolchain: CUDAKernelCache.Toolchain)] = [
            (Self.source, "compute_90", [], Self.toolchain),
            (other, "compute_90", [], Self.toolchain),
            (Self.source, "compute_80", [], Self.toolchain),
            (Self.source, "sm_90", [], Self.toolchain),
            (Self.source, "compute_90", ["--use_fast_math"], Self.toolchain),
            (Self.source, "compute_90", [], .init(nvrtc: "13.1", driver: nil)),
            (Self.source, "compute_90", [], .init(nvrtc: "13.0", driver: "13.0")),
        ]
        for (index, v) in variants.enumerated() {
            let result = try Self.request(cache, compiler, source: v.source, architecture: v.architecture, options: v.options, toolchain: v.toolchain)
            #expect(!result.fromCache && compiler.calls == index + 1, "variant \(index)")
        }
        for (index, v) in variants.enumerated() {
            let result = try Self.request(cache, compiler, source: v.source, architecture: v.architecture, options: v.options, toolchain: v.toolchain)
            #expect(result.fromCache && result.image.bytes == Self.fakeImage(v.source, v.architecture), "variant \(index)")
            #expect(result.image.isCubin == (v.architecture == "sm_90"), "variant \(index)")
        }
        #expect(compiler.calls == variants.count)
        #expect(cache.entries.count == variants.count && cache.entries.filter { $0.kind == "cubin" }.count == 1)
    }

    /// A truncated or damaged entry fails its seal: it is deleted and compiled again, never returned,
    /// and the rebuilt entry is served from then on. So is anything squatting on the entry's name.
    @Test(arguments: ["truncated by one byte", "cut to half", "empty", "one byte flipped", "the seal only", "a directory"])
    func aDamagedEntryIsRebuilt(_ damage: String) throws {
        let cache = CUDAKernelCache(directory: Self.directory("damaged"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let compiler = FakeCompiler()
        _ = try Self.request(cache, compiler)
        let path = cache.path(key: cache.key(for: Self.source, architecture: "compute_90", toolchain: Self.toolchain), architecture: "compute_90")
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let image = Self.fakeImage(Self.source, "compute_90")
        #expect(bytes.count > image.count && Array(bytes.prefix(image.count)) == image)
        switch damage {
        case "truncated by one byte": bytes.removeLast()
        case "cut to half": bytes.removeLast(bytes.count / 2)
        case "empty": bytes = []
        case "one byte flipped": bytes[image.count / 2] ^= 0x20
        case "the seal only": bytes.removeFirst(image.count)
        default: bytes = []
        }
        unlink(path)
        if damage == "a directory" {
            try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        } else {
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
        }
        let rebuilt = try Self.request(cache, compiler)
        #expect(!rebuilt.fromCache && rebuilt.image.rebuilt && rebuilt.image.note == nil && compiler.calls == 2)
        #expect(rebuilt.image.bytes == image)
        let again = try Self.request(cache, compiler)
        #expect(again.fromCache && again.image.bytes == image && compiler.calls == 2)
    }

    /// Two threads that miss the same entry at once both compile (each waits in its compile until the
    /// other is compiling too) and both get a whole image; the renames are atomic, so the entry left is
    /// whole, no temporary is left behind, and the next request reads it.
    @Test func twoThreadsFillingOneEntryBothGetAValidImage() throws {
        let cache = CUDAKernelCache(directory: Self.directory("race"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let compiler = FakeCompiler()
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var compiling = 0
            var results: [Result<(image: CUDAKernelCache.Image, fromCache: Bool), any Error>] = []
        }
        let shared = Shared()
        let done = DispatchGroup()
        for _ in 0..<2 {
            done.enter()
            Thread {
                let result = Result {
                    try cache.image(for: Self.source, architecture: "compute_90", toolchain: Self.toolchain) {
                        shared.lock.withLock { shared.compiling += 1 }
                        let deadline = Date().addingTimeInterval(10)
                        while shared.lock.withLock({ shared.compiling }) < 2 && Date() < deadline { usleep(1000) }
                        return compiler.output(Self.source, "compute_90")
                    }
                }
                shared.lock.withLock { shared.results.append(result) }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let image = Self.fakeImage(Self.source, "compute_90")
        let results = try shared.lock.withLock { shared.results }.map { try $0.get() }
        #expect(results.count == 2 && compiler.calls == 2, "both threads missed and compiled")
        for result in results { #expect(!result.fromCache && result.image.bytes == image && result.image.note == nil) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).filter { $0.contains(".tmp-") }.isEmpty)
        let next = try Self.request(cache, compiler)
        #expect(next.fromCache && next.image.bytes == image && compiler.calls == 2)
    }

    /// A cache directory another user owns, that others can write, or whose parent others can write,
    /// is refused as the CPU cache refuses it: nothing is compiled, read or written there.
    /// (Giving a file to another user needs root, so that case runs only as root, as the CI does.)
    @Test(arguments: (isRoot ? ["owned by uid 65534"] : []) + ["mode 777", "mode 757", "parent mode 777"])
    func anUnsafeCacheDirectoryIsRefused(_ problem: String) throws {
        let root = Self.directory("unsafe")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = CUDAKernelCache(directory: root + "/cuda")
        try FileManager.default.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
        chmod(root, 0o700)
        chmod(cache.directory, 0o700)
        switch problem {
        case "owned by uid 65534": chown(cache.directory, 65534, 65534)
        case "mode 777": chmod(cache.directory, 0o777)
        case "mode 757": chmod(cache.directory, 0o757)
        default: chmod(root, 0o777)
        }
        let compiler = FakeCompiler()
        let error = try #require(throws: TheanoError.self) { try Self.request(cache, compiler) }
        #expect(error.message.hasPrefix("CUDA kernels: refusing the cache, because the cache directory"), "\(error.message)")
        #expect(error.message.contains(problem == "parent mode 777" ? "parent \(root) is writable by other users" : problem), "\(error.message)")
        #expect(compiler.calls == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
    }

    /// A cache path that is a regular file is a clear error, not a raw Foundation one.
    @Test func aCachePathThatIsAFileIsAClearError() throws {
        let path = Self.directory("file")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let error = try #require(throws: TheanoError.self) { try Self.request(CUDAKernelCache(directory: path), FakeCompiler()) }
        #expect(error.message == "CUDA kernels: refusing the cache, because the cache directory \(path) is not a directory")
    }

    /// An entry is read only when it is a regular file of this user's that no one else can write;
    /// anything else (even with a valid seal) is replaced, never returned.
    @Test(arguments: (isRoot ? ["another owner"] : []) + ["group-writable", "world-writable", "a symlink"])
    func anUntrustedEntryIsReplacedNotRead(_ damage: String) throws {
        let cache = CUDAKernelCache(directory: Self.directory("untrusted"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let elsewhere = Self.directory("elsewhere.ptx")
        defer { unlink(elsewhere) }
        let compiler = FakeCompiler()
        _ = try Self.request(cache, compiler)
        let path = cache.path(key: cache.key(for: Self.source, architecture: "compute_90", toolchain: Self.toolchain), architecture: "compute_90")
        switch damage {
        case "another owner": chown(path, 65534, 65534)
        case "group-writable": chmod(path, 0o660)
        case "world-writable": chmod(path, 0o606)
        default:
            try FileManager.default.moveItem(atPath: path, toPath: elsewhere)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
        }
        #expect(KernelCache.libraryProblem(path) != nil)
        let result = try Self.request(cache, compiler)
        #expect(!result.fromCache && result.image.rebuilt && compiler.calls == 2)
        #expect(KernelCache.libraryProblem(path) == nil && Self.mode(path) == 0o600)
    }

    /// `clear` removes every image and whatever squats on an image's name; `entries` lists images only.
    @Test func clearRemovesEveryImage() throws {
        let cache = CUDAKernelCache(directory: Self.directory("clear"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let compiler = FakeCompiler()
        _ = try Self.request(cache, compiler)
        _ = try Self.request(cache, compiler, architecture: "sm_90")
        try FileManager.default.createDirectory(atPath: cache.directory + "/0123.ptx/inside", withIntermediateDirectories: true)
        #expect(Set(cache.entries.map(\.kind)) == ["ptx", "cubin"] && cache.entries.count == 2)
        #expect(cache.clear() == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
        #expect(cache.entries.isEmpty)
    }

    /// The standard cache is the `cuda` folder of the CPU kernel cache's directory, which the CPU
    /// cache's own listing and clearing leave alone.
    @Test func theStandardCacheIsBesideTheCPUKernels() {
        #expect(CUDAKernelCache.standard.directory == KernelCache.standard.directory + "/cuda")
    }

    /// Through NVRTC (where it is installed): the PTX compiled once is read back byte for byte, keyed
    /// with the loaded NVRTC's version.
    @Test(.enabled(if: CUDAKernelCompileTests.nvrtc != nil, CUDAKernelCompileTests.whyNoNVRTC))
    func nvrtcImagesAreCached() throws {
        let nvrtc = try #require(CUDAKernelCompileTests.nvrtc)
        let cache = CUDAKernelCache(directory: Self.directory("nvrtc"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        #expect(CUDAKernelCache.Toolchain.current.nvrtc == nvrtc.version)
        var compiles = 0
        func request() throws -> (image: CUDAKernelCache.Image, fromCache: Bool) {
            try cache.image(for: Self.source, architecture: "compute_90") {
                compiles += 1
                return try nvrtc.compile(Self.source, name: "theano_cached.cu", architecture: "compute_90")
            }
        }
        let first = try request()
        let second = try request()
        #expect(!first.fromCache && second.fromCache && compiles == 1)
        #expect(second.image.bytes == first.image.bytes)
        #expect(String(decoding: second.image.bytes, as: UTF8.self).contains(".entry theano_cached"))
    }
}
