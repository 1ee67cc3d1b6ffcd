import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The CUDA libraries, found at run time with `dlopen`; nothing CUDA is needed to build or test the
/// package. Each is searched in `$THEANO_CUDA_ROOT` (and its `lib64` and `lib`), then on the loader's
/// path, then in the usual install folders.
package enum CUDALibraries {
    /// A library that was opened, or why none was.
    package struct Found: @unchecked Sendable {
        package let handle: UnsafeMutableRawPointer?
        package let path: String?
        package let status: String

        /// The symbol's address, when the library and the symbol exist.
        package func symbol(_ name: String) -> UnsafeMutableRawPointer? { handle.flatMap { dlsym($0, name) } }
    }

    /// Folders searched before the loader's path: `root`, its `lib64` and `lib`.
    package static func folders(root: String?) -> [String] {
        let installs = ["/usr/local/cuda", "/usr/local/cuda-13", "/usr/local/cuda-12", "/opt/cuda"]
        return ((root.map { [$0] } ?? []) + installs).flatMap { [$0, "\($0)/lib64", "\($0)/lib"] }
    }

    /// Opens the first of `names` found in `folders` (by full path) or on the loader's path.
    package static func open(_ what: String, names: [String], folders: [String]) -> Found {
        let manager = FileManager.default
        for folder in folders {
            for name in names where manager.fileExists(atPath: "\(folder)/\(name)") {
                let path = "\(folder)/\(name)"
                if let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) { return Found(handle: handle, path: path, status: "\(path)") }
                let why = dlerror().map { String(cString: $0) } ?? "dlopen failed"
                return Found(handle: nil, path: path, status: "\(path) is there but does not load: \(why)")
            }
        }
        for name in names {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return Found(handle: handle, path: name, status: "\(name) (loader path)") }
        }
        let searched = folders.prefix(3).joined(separator: ", ")
        return Found(handle: nil, path: nil, status: "no \(what) (\(names.joined(separator: ", "))) in \(searched), the usual CUDA folders or on the loader path; set THEANO_CUDA_ROOT to its folder")
    }

    private static var searchFolders: [String] { folders(root: Settings.cudaRoot) }

    /// The driver API, which comes with the GPU driver.
    package static let driver = open("CUDA driver", names: ["libcuda.so.1", "libcuda.so"], folders: searchFolders)
    /// The runtime compiler: needs no GPU, so kernels can be compiled and checked on any machine.
    package static let nvrtc = open("NVRTC", names: ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"], folders: searchFolders)
    package static let cublas = open("cuBLAS", names: ["libcublas.so.13", "libcublas.so.12", "libcublas.so"], folders: searchFolders)
}
