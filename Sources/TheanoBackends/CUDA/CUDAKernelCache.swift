import Foundation

/// The on-disk cache of compiled CUDA images (PTX or cubin), in the `cuda` folder of the CPU kernel
/// cache's directory, under the same rules as ``KernelCache``.
///
/// An entry is `KEY.ptx` or `KEY.cubin`, where KEY hashes the kernel source, the target architecture,
/// the compile options, NVRTC's version and, when a driver is loaded, its version: an image is never
/// read by another toolchain. A missing entry is compiled and written under a temporary name unique to
/// the process, then renamed into place, which is atomic: two threads or processes that race both get
/// a whole image and the last rename wins. Each image ends with ``KernelCache``'s seal (its key and a
/// digest of its bytes), stripped before the image is returned; a truncated or damaged entry fails it
/// and is deleted and compiled again.
///
/// A GPU runs the code of an image it loads, so the trust checks are ``KernelCache``'s: the directory
/// is created with mode 0700 and used only while it is this user's alone (else `image` throws, saying
/// why), and an entry is read only when it is a regular file of this user's that no one else can
/// write (else it is replaced). See SECURITY.md.
public struct CUDAKernelCache: Sendable {
    /// The folder holding the compiled images.
    public let directory: String

    /// A cache in `directory`, created when first written.
    public init(directory: String) { self.directory = directory }

    /// The `cuda` folder of ``KernelCache/standard``'s directory (a private temporary one when the
    /// preferred directory is not safe).
    public static let standard = CUDAKernelCache(directory: KernelCache.standard.directory + "/cuda")

    /// What decides a compiled image besides its source and architecture: NVRTC's version, and the
    /// driver's when one is loaded (the driver JIT-compiles PTX, and may reject newer PTX).
    package struct Toolchain: Sendable, Hashable {
        package let nvrtc: String
        package let driver: String?

        package init(nvrtc: String, driver: String?) { (self.nvrtc, self.driver) = (nvrtc, driver) }

        /// The loaded NVRTC's version (`none` without one) and the loaded driver's.
        package static var current: Toolchain {
            let nvrtc = (try? NVRTC.loaded.get())?.version ?? "none"
            return Toolchain(nvrtc: nvrtc, driver: CUDAKernelCache.driverVersion)
        }
    }

    /// `cuDriverGetVersion` of the loaded driver (`13.0`), or nil without one. It needs no `cuInit`.
    package static let driverVersion: String? = {
        typealias VersionFunction = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
        guard let symbol = CUDALibraries.driver.symbol("cuDriverGetVersion") else { return nil }
        var version: Int32 = 0
        guard unsafeBitCast(symbol, to: VersionFunction.self)(&version) == 0 else { return nil }
        return "\(version / 1000).\(version % 1000 / 10)"
    }()

    /// A cached or freshly compiled image.
    package struct Image: Sendable {
        /// The PTX text (NUL-terminated, as NVRTC gives it) or the cubin, without the seal.
        package let bytes: [UInt8]
        package let isCubin: Bool
        /// Whether a damaged or untrusted entry was replaced to produce it.
        package let rebuilt: Bool
        /// Why the image is not in the cache, when it could not be put there.
        package let note: String?
    }

    /// The key of `source` compiled for `architecture` with `options` by `toolchain`.
    package func key(for source: String, architecture: String, options: [String] = [], toolchain: Toolchain = .current) -> String {
        let parts = ["theano-swift cuda images v1", architecture, options.joined(separator: " "),
                     "nvrtc \(toolchain.nvrtc)", "driver \(toolchain.driver ?? "none")", source]
        return KernelCache.digest(parts.map { Array($0.utf8) })
    }

    /// The path of the entry for `key`: a cubin for a real architecture (`sm_90`), else PTX.
    package func path(key: String, architecture: String) -> String {
        "\(directory)/\(key).\(architecture.hasPrefix("sm_") ? "cubin" : "ptx")"
    }

    /// The image of `source` for `architecture`: read from the cache, or made by `compile` (which must
    /// compile exactly that source for that architecture with `options`) and then cached. Throws what
    /// `compile` throws, and when the cache directory is not safe to read from, saying why.
    package func image(for source: String, architecture: String, options: [String] = [], toolchain: Toolchain = .current,
                       compile: () throws -> NVRTC.Output) throws -> (image: Image, fromCache: Bool) {
        let key = key(for: source, architecture: architecture, options: options, toolchain: toolchain)
        let path = path(key: key, architecture: architecture)
        let isCubin = architecture.hasPrefix("sm_")
        if let problem = KernelCache.prepare(directory) {
            throw TheanoError(.io, "CUDA kernels: refusing the cache, because \(problem)")
        }
        var rebuilt = false
        var status = stat()
        if lstat(path, &status) == 0 {
            // Only a regular file of this user's, whole and sealed, is read; anything else is replaced.
            if KernelCache.libraryProblem(path) == nil, let data = FileManager.default.contents(atPath: path),
               let bytes = KernelCache.unsealed([UInt8](data), key: key) {
                return (Image(bytes: bytes, isCubin: isCubin, rebuilt: false, note: nil), true)
            }
            KernelCache.remove(path)
            rebuilt = true
        }
        let output = try compile()
        guard output.isCubin == isCubin else {
            throw TheanoError(.compilationFailed, "CUDA kernels: asked for \(architecture), the compiler gave \(output.isCubin ? "a cubin" : "PTX")")
        }
        let note = store(output.image, key: key, at: path)
        return (Image(bytes: output.image, isCubin: isCubin, rebuilt: rebuilt, note: note), false)
    }

    /// Writes `image`, sealed, under a temporary name and renames it to `path`; why not, on failure (the
    /// compiled image is still used, just not cached).
    private func store(_ image: [UInt8], key: String, at path: String) -> String? {
        KernelCache.removeStaleTemporaries(in: directory)
        let temporary = "\(directory)/\(key).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(temporary) }
        // O_EXCL: the temporary is this process's own new file, never something planted under its name.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return "not cached: \(temporary) cannot be created (\(String(cString: strerror(errno))))" }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: image + KernelCache.seal(image, key: key))
            try handle.close()
        } catch {
            return "not cached: \(temporary) cannot be written (\(error.localizedDescription))"
        }
        // Whatever the umask, no one else may write what a GPU will run.
        chmod(temporary, 0o600)
        guard rename(temporary, path) == 0 else {
            return "not cached: \(path) cannot be replaced (\(String(cString: strerror(errno))))"
        }
        return nil
    }

    /// One cached image.
    public struct Entry: Sendable {
        /// The hash of source, architecture, options and toolchain that names the image.
        public let key: String
        /// `ptx` or `cubin`.
        public let kind: String
        /// The file's size in bytes.
        public let bytes: Int
        /// When the image was written.
        public let modified: Date
    }

    /// The compiled images in the cache, oldest first.
    public var entries: [Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { !$0.contains(".tmp-") }.compactMap { file -> Entry? in
            let name = file as NSString
            guard ["ptx", "cubin"].contains(name.pathExtension) else { return nil }
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")
            guard attributes?[.type] as? FileAttributeType == .typeRegular, let bytes = attributes?[.size] as? Int,
                  let modified = attributes?[.modificationDate] as? Date else { return nil }
            return Entry(key: name.deletingPathExtension, kind: name.pathExtension, bytes: bytes, modified: modified)
        }.sorted { $0.modified < $1.modified }
    }

    /// Deletes every image and temporary, and whatever squats on their names; returns how many images
    /// were removed.
    @discardableResult
    public func clear() -> Int {
        let count = entries.count
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where file.hasSuffix(".ptx") || file.hasSuffix(".cubin") || file.contains(".tmp-") {
            KernelCache.remove("\(directory)/\(file)")
        }
        return count
    }
}
