import Foundation
import Testing
@testable import Theano

/// Loading a kernel library runs its code, so the cache loads nothing another user could have put
/// there or changed: its directory is made with mode 0700 and must be this user's alone, and so must
/// every library before `dlopen`. What fails the check is refused, saying why, or replaced. The tests
/// run as root, so "another user" is uid 65534 (nobody), given with chown.
@Suite struct KernelCacheSecurityTests {
    static let compilerPresent = GeneratedCTests.compilerPresent
    static let isRoot = geteuid() == 0
    static let source = "double theano_secure(double x) { return x * 5 - 1; }\n"

    static func directory(_ name: String) -> String {
        NSTemporaryDirectory() + "theano-security-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A real library for `source`, sealed for its key, built in another cache and copied to where
    /// `cache` looks for it; then `damage` is done to the copy.
    static func plantLibrary(in cache: KernelCache, damage: (String) throws -> Void) throws -> String {
        let compiler = try CCompiler.find().get()
        let other = KernelCache(directory: directory("builder"))
        defer { try? FileManager.default.removeItem(atPath: other.directory) }
        _ = try other.library(for: source, compiler: compiler)
        #expect(KernelCache.prepare(cache.directory) == nil)
        let key = cache.key(for: source, compiler: compiler)
        let path = "\(cache.directory)/\(key).so"
        try FileManager.default.copyItem(atPath: "\(other.directory)/\(key).so", toPath: path)
        try damage(path)
        return path
    }

    static func owner(_ path: String) -> uid_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_uid : uid_t.max
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    static func callProbe(_ library: KernelLibrary) throws -> Double {
        typealias Probe = @convention(c) (Double) -> Double
        return unsafeBitCast(try #require(library.symbol("theano_secure")), to: Probe.self)(2)
    }

    /// The directory and every parent it has to create are made with mode 0700.
    @Test(.enabled(if: compilerPresent))
    func theCacheDirectoryIsCreatedPrivate() throws {
        let root = Self.directory("created")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = KernelCache(directory: root + "/theano-swift/v1")
        _ = try cache.library(for: Self.source, compiler: try CCompiler.find().get())
        for path in [root, root + "/theano-swift", cache.directory] { #expect(Self.mode(path) == 0o700, "\(path)") }
        for entry in try FileManager.default.contentsOfDirectory(atPath: cache.directory) {
            #expect(Self.mode("\(cache.directory)/\(entry)") & 0o022 == 0, "\(entry)")
        }
    }

    /// Regression: a cache directory another user owns, or that others can write, was used as is, so
    /// another local user could plant a library for this one to load.
    @Test(.enabled(if: compilerPresent && isRoot), arguments: ["owned by uid 65534", "mode 777", "mode 757", "parent mode 777"])
    func anUnsafeCacheDirectoryIsRefused(_ problem: String) throws {
        let root = Self.directory("unsafe")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = KernelCache(directory: root + "/v1")
        try FileManager.default.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
        switch problem {
        case "owned by uid 65534": chown(cache.directory, 65534, 65534)
        case "mode 777": chmod(cache.directory, 0o777)
        case "mode 757": chmod(cache.directory, 0o757)
        default: chmod(root, 0o777)
        }
        let error = try #require(throws: TheanoError.self) { try cache.library(for: Self.source, compiler: try CCompiler.find().get()) }
        #expect(error.message.contains("refusing the cache"), "\(error.message)")
        #expect(error.message.contains(problem == "parent mode 777" ? "parent \(root) is writable by other users" : problem), "\(error.message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
    }

    /// A library is opened only when it is a regular file of this user's that no one else can write;
    /// anything else is deleted and compiled again, never loaded.
    @Test(.enabled(if: compilerPresent && isRoot), arguments: ["another owner", "group-writable", "world-writable", "a symlink"])
    func anUntrustedLibraryIsReplacedNotLoaded(_ damage: String) throws {
        let cache = KernelCache(directory: Self.directory("library"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let elsewhere = Self.directory("elsewhere.so")
        defer { unlink(elsewhere) }
        let path = try Self.plantLibrary(in: cache) { path in
            switch damage {
            case "another owner": chown(path, 65534, 65534)
            case "group-writable": chmod(path, 0o775)
            case "world-writable": chmod(path, 0o757)
            default:
                // A link to a valid library somewhere else: what it points at can change under the check.
                try FileManager.default.moveItem(atPath: path, toPath: elsewhere)
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
            }
        }
        #expect(KernelCache.libraryProblem(path) != nil)
        let library = try cache.library(for: Self.source, compiler: try CCompiler.find().get())
        #expect(library.rebuilt)
        #expect(try Self.callProbe(library) == 9)
        #expect(KernelCache.libraryProblem(path) == nil && Self.owner(path) == geteuid())
    }

    /// A trusted copy of the same library is loaded as it is: the check does not rebuild good entries.
    @Test(.enabled(if: compilerPresent))
    func aTrustedLibraryIsLoadedAsItIs() throws {
        let cache = KernelCache(directory: Self.directory("trusted"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        _ = try Self.plantLibrary(in: cache) { _ in }
        let library = try cache.library(for: Self.source, compiler: try CCompiler.find().get())
        #expect(!library.rebuilt && library.note == nil)
        #expect(try Self.callProbe(library) == 9)
    }

    /// Regression: a directory squatting on a library's name made every compile fail until the cache
    /// was cleared by hand. It is removed and the library compiled into its place.
    @Test(.enabled(if: compilerPresent))
    func aDirectoryOnALibrarysNameIsRecovered() throws {
        let compiler = try CCompiler.find().get()
        let cache = KernelCache(directory: Self.directory("squat"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        #expect(KernelCache.prepare(cache.directory) == nil)
        let path = "\(cache.directory)/\(cache.key(for: Self.source, compiler: compiler)).so"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        let library = try cache.library(for: Self.source, compiler: compiler)
        #expect(library.rebuilt && library.note == nil)
        #expect(try Self.callProbe(library) == 9)
        #expect(cache.entries.count == 1 && KernelCache.libraryProblem(path) == nil)
    }

    /// `clear` removes what squats on an entry's name too, so clearing always brings the cache back.
    @Test func clearRemovesSquattingDirectories() throws {
        let cache = KernelCache(directory: Self.directory("clear"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        try FileManager.default.createDirectory(atPath: cache.directory + "/0123.so/inside", withIntermediateDirectories: true)
        #expect(cache.entries.isEmpty)
        cache.clear()
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
    }

    /// Regression: a cache path that is a regular file failed with a raw Foundation error.
    @Test(.enabled(if: compilerPresent))
    func aCachePathThatIsAFileIsAClearError() throws {
        let path = Self.directory("file")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let error = try #require(throws: TheanoError.self) {
            try KernelCache(directory: path).library(for: Self.source, compiler: try CCompiler.find().get())
        }
        #expect(error.message == "generated kernels: refusing the cache, because the cache directory \(path) is not a directory")
        let below = try #require(throws: TheanoError.self) {
            try KernelCache(directory: path + "/v1").library(for: Self.source, compiler: try CCompiler.find().get())
        }
        #expect(below.message.contains("cannot be created"), "\(below.message)")
    }

    /// The standard cache falls back to a private `mkdtemp` directory, never to a predictable shared
    /// path, when the preferred one is unusable; `theano info` says where and why, and generated C still
    /// runs. Each case runs in a new process, since the standard cache is chosen once per process.
    @Test(.enabled(if: compilerPresent && isRoot && GeneratedCTests.theanoExecutable != nil),
          arguments: ["a regular file", "owned by uid 65534", "writable by other users"])
    func theStandardCacheFallsBackToAPrivateDirectory(_ problem: String) throws {
        let preferred = Self.directory("preferred")
        defer { try? FileManager.default.removeItem(atPath: preferred) }
        switch problem {
        case "a regular file":
            try Data().write(to: URL(fileURLWithPath: preferred))
        case "owned by uid 65534":
            try FileManager.default.createDirectory(atPath: preferred, withIntermediateDirectories: true)
            chown(preferred, 65534, 65534)
        default:
            try FileManager.default.createDirectory(atPath: preferred, withIntermediateDirectories: true)
            chmod(preferred, 0o777)
        }
        let environment = ["THEANO_SWIFT_CACHE": preferred, "THEANO_FLAGS": "cxx_compile=synchronous"]
        let info = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: environment))
        let reason = problem == "a regular file" ? "is not a directory" : problem == "owned by uid 65534" ? "is owned by uid 65534" : "is writable by other users"
        #expect(info.output.contains("a private temporary directory for this process, because the cache directory \(preferred) \(reason)"), "\(info.output)")
        #expect(info.output.contains("cached in \(NSTemporaryDirectory())theano-swift-\(geteuid())-"), "\(info.output)")
        let run = GeneratedCTests.finish(try GeneratedCTests.launch(["examples", "--only", "logistic"], environment: environment))
        let vmOnly = GeneratedCTests.finish(try GeneratedCTests.launch(["examples", "--only", "logistic"], environment: ["THEANO_FLAGS": "cxx="]))
        #expect(run.status == 0 && run.output == vmOnly.output, "\(run.output)")
        if problem != "a regular file" { #expect(try FileManager.default.contentsOfDirectory(atPath: preferred).isEmpty) }
    }
}
