import Foundation

/// NVIDIA's runtime compiler for CUDA C++, through `dlopen`. It needs no GPU: the tests compile every
/// rendered kernel with it wherever it is installed (the `nvidia-cuda-nvrtc` pip package is enough).
package struct NVRTC: @unchecked Sendable {
    private typealias Program = OpaquePointer?
    private typealias Strings = UnsafePointer<UnsafePointer<CChar>?>?
    private typealias VersionFunction = @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32
    private typealias ErrorStringFunction = @convention(c) (Int32) -> UnsafePointer<CChar>?
    private typealias CreateFunction = @convention(c) (UnsafeMutablePointer<Program>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Int32, Strings, Strings) -> Int32
    private typealias CompileFunction = @convention(c) (Program, Int32, Strings) -> Int32
    private typealias SizeFunction = @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
    private typealias BytesFunction = @convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32
    private typealias DestroyFunction = @convention(c) (UnsafeMutablePointer<Program>) -> Int32
    private typealias CountFunction = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32

    private let versionFunction: VersionFunction
    private let errorString: ErrorStringFunction
    private let create: CreateFunction
    private let compileProgram: CompileFunction
    private let logSize: SizeFunction, log: BytesFunction
    private let ptxSize: SizeFunction, ptx: BytesFunction
    private let cubinSize: SizeFunction?, cubin: BytesFunction?
    private let destroy: DestroyFunction
    private let archCount: CountFunction?, archs: CountFunction?
    package let path: String

    /// The NVRTC `CUDALibraries` found, or why there is none.
    package static let loaded: Result<NVRTC, GeneratedCUnavailable> = load(CUDALibraries.nvrtc)

    package static func load(_ found: CUDALibraries.Found) -> Result<NVRTC, GeneratedCUnavailable> {
        guard found.handle != nil, let path = found.path else { return .failure(.init(found.status)) }
        func function<F>(_ name: String, _: F.Type) -> F? { found.symbol(name).map { unsafeBitCast($0, to: F.self) } }
        guard let version = function("nvrtcVersion", VersionFunction.self), let errorString = function("nvrtcGetErrorString", ErrorStringFunction.self),
              let create = function("nvrtcCreateProgram", CreateFunction.self), let compile = function("nvrtcCompileProgram", CompileFunction.self),
              let logSize = function("nvrtcGetProgramLogSize", SizeFunction.self), let log = function("nvrtcGetProgramLog", BytesFunction.self),
              let ptxSize = function("nvrtcGetPTXSize", SizeFunction.self), let ptx = function("nvrtcGetPTX", BytesFunction.self),
              let destroy = function("nvrtcDestroyProgram", DestroyFunction.self) else {
            return .failure(.init("\(path) lacks the NVRTC entry points (nvrtcCreateProgram, nvrtcCompileProgram, nvrtcGetPTX …)"))
        }
        return .success(NVRTC(versionFunction: version, errorString: errorString, create: create, compileProgram: compile,
                              logSize: logSize, log: log, ptxSize: ptxSize, ptx: ptx,
                              cubinSize: function("nvrtcGetCUBINSize", SizeFunction.self), cubin: function("nvrtcGetCUBIN", BytesFunction.self),
                              destroy: destroy, archCount: function("nvrtcGetNumSupportedArchs", CountFunction.self),
                              archs: function("nvrtcGetSupportedArchs", CountFunction.self), path: path))
    }

    /// `major.minor`, as NVRTC reports it.
    package var version: String {
        var major: Int32 = 0, minor: Int32 = 0
        return versionFunction(&major, &minor) == 0 ? "\(major).\(minor)" : "unknown"
    }

    /// The real architectures this NVRTC compiles for (`90` for sm_90), newest last.
    package var supportedArchitectures: [Int] {
        guard let archCount, let archs else { return [] }
        var count: Int32 = 0
        guard archCount(&count) == 0, count > 0 else { return [] }
        var values = [Int32](repeating: 0, count: Int(count))
        guard archs(&values) == 0 else { return [] }
        return values.map(Int.init)
    }

    /// What one compilation produced: PTX for a virtual architecture (`compute_90`), a cubin for a
    /// real one (`sm_90`), and NVRTC's log (warnings, when it succeeded).
    package struct Output: Sendable {
        package let image: [UInt8]
        package let isCubin: Bool
        package let log: String

        package init(image: [UInt8], isCubin: Bool, log: String) { (self.image, self.isCubin, self.log) = (image, isCubin, log) }
    }

    /// Compiles `source` (named `name` in messages) for `architecture`; throws with NVRTC's log.
    package func compile(_ source: String, name: String, architecture: String, options: [String] = []) throws -> Output {
        var program: Program = nil
        let created = source.withCString { s in name.withCString { n in create(&program, s, n, 0, nil, nil) } }
        guard created == 0 else { throw failure("nvrtcCreateProgram", created, log: "") }
        defer { _ = destroy(&program) }
        let all = ["--gpu-architecture=\(architecture)", "--std=c++17"] + options
        let pointers = all.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        let constPointers = pointers.map { UnsafePointer<CChar>($0) }
        let status = constPointers.withUnsafeBufferPointer { compileProgram(program, Int32(all.count), $0.baseAddress) }
        let text = bytes(program, logSize, log).map { String(decoding: $0.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self) } ?? ""
        guard status == 0 else { throw failure("nvrtcCompileProgram of \(name) for \(architecture)", status, log: text) }
        let isCubin = architecture.hasPrefix("sm_")
        let image: [CChar]?
        if isCubin, let cubinSize, let cubin { image = bytes(program, cubinSize, cubin) } else { image = bytes(program, ptxSize, ptx) }
        guard let image else { throw TheanoError(.compilationFailed, "NVRTC: \(name) compiled for \(architecture) but its \(isCubin ? "cubin" : "PTX") could not be read") }
        return Output(image: image.map(UInt8.init(bitPattern:)), isCubin: isCubin, log: text)
    }

    private func bytes(_ program: Program, _ size: SizeFunction, _ read: BytesFunction) -> [CChar]? {
        var count = 0
        guard size(program, &count) == 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Swift.max(count, 1))
        return read(program, &buffer) == 0 ? buffer : nil
    }

    private func failure(_ call: String, _ status: Int32, log: String) -> TheanoError {
        let message = errorString(status).map { String(cString: $0) } ?? "error \(status)"
        return TheanoError(.compilationFailed, "NVRTC: \(call) failed (\(message))\(log.isEmpty ? "" : ":\n\(log.suffix(4000))")")
    }
}
