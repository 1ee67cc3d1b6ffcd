import Foundation
import Testing
@testable import Theano

/// Every fused elementwise kernel of the conformance graphs, rendered in the CUDA dialect and compiled
/// with NVRTC, which needs no GPU: kernel source errors are caught on any machine that has NVRTC
/// (`.ci/run` installs the `nvidia-cuda-nvrtc` pip package and points `THEANO_CUDA_ROOT` at it).
/// Nothing here runs a kernel: that needs a GPU and the CUDA backend.
@Suite struct CUDAKernelCompileTests {
    static let nvrtc = try? NVRTC.loaded.get()
    static var whyNoNVRTC: Comment {
        if case .failure(let why) = NVRTC.loaded { return "NVRTC is not available: \(why)" }
        return "NVRTC is available"
    }
    /// Hopper (the H200) as PTX: the kernels' source is checked whatever GPU will load them.
    static let architecture = "compute_90"

    /// The CUDA kernels of every elementwise loop of `outputs`' optimized graph, and whether the CPU's C
    /// dialect renders them too (ops with no C template have neither).
    static func render(_ inputs: [TensorVariable], _ outputs: [TensorVariable]) throws -> (source: CUDAKernelSource?, cpu: Bool) {
        let f = try function(inputs, outputs, mode: Mode.fastRun.generatedC(.off), onUnusedInput: .ignore)
        let loops = f.graph.toposort.compactMap { node -> CUDAKernelSource.Loop? in
            guard let e = node.op as? Elemwise, let loop = ElemwiseLoop(e, node) else { return nil }
            return CUDAKernelSource.Loop(loop, inputTypes: node.inputs.map(\.dtype), rank: node.outputs[0].ndim)
        }
        return (CUDAKernelSource(loops), CKernelSource(loops.map(\.loop)) != nil)
    }

    static func compile(_ source: CUDAKernelSource, _ name: String) throws {
        let nvrtc = try #require(nvrtc)
        let output = try nvrtc.compile(source.text, name: "\(name).cu", architecture: architecture)
        let ptx = String(decoding: output.image, as: UTF8.self)
        for symbol in source.symbols.compactMap({ $0 }) {
            #expect(ptx.contains(".entry \(symbol)(") && ptx.contains(".entry \(symbol)_strided("), "\(name): \(symbol) missing from the PTX")
        }
    }

    @Test(.enabled(if: nvrtc != nil, whyNoNVRTC), arguments: [DType.float32, .float64])
    func everyElementwiseFunctionCompiles(_ dtype: DType) throws {
        let x = tensor(dtype: dtype, broadcastable: [false, false], name: "x")
        let y = tensor(dtype: dtype, broadcastable: [false, false], name: "y")
        let unary = ElementwiseFunctionTable.unary.map { ($0.0, $0.1(x)) }
        let binary = ElementwiseFunctionTable.binary.map { ($0.0, $0.1(x, y)) }
        let basics: [(String, TensorVariable)] = [
            ("exp", exp(x)), ("log", log(x)), ("sin", sin(x)), ("tanh", tanh(x)), ("sigmoid", sigmoid(x)), ("softplus", softplus(x)),
            ("sqrt", sqrt(x)), ("abs", abs(x)), ("relu", relu(x)), ("pow", x ** y), ("maximum", maximum(x, y)), ("clip", clip(x, -1, 1)),
            ("switch", `switch`(gt(x, y), x, y)), ("mod", x % y), ("floor", floor(x)), ("round", round(x)), ("log1p", log1p(x)), ("expm1", expm1(x)),
        ]
        var compiled = 0
        for (name, output) in unary + binary + basics {
            let (source, cpu) = try Self.render([x, y], [output])
            #expect((source != nil) == cpu, "\(name): the CUDA and C dialects disagree on whether it has a C form")
            guard let source else { continue }
            try Self.compile(source, "\(name)_\(dtype)")
            compiled += 1
        }
        #expect(compiled >= 35, "only \(compiled) functions have a C form")
    }

    @Test(.enabled(if: nvrtc != nil, whyNoNVRTC))
    func fusedCompositesMixedDtypesAndBroadcastingCompile() throws {
        // W4's chain; the logistic regression's gradient; float32 steps in a float64 program; an
        // int32 input and a broadcast row read through the strided kernel.
        let v = fvector("v"), m = dmatrix("m"), b = dvector("b"), i = imatrix("i"), f = fmatrix("f")
        let w4 = try #require(try Self.render([v], [exp(sin(v ** 2))]).source)
        try Self.compile(w4, "w4")
        let p = 1 / (1 + exp(-m - b.dimshuffle([nil, 0])))
        let logistic = try #require(try Self.render([m, b, i, f], [p * (1 - p) + cast(i, .float64) * 0.5 - cast(f, .float64)]).source)
        try Self.compile(logistic, "logistic")
        let mixed = try #require(try Self.render([m, i, f], [m * cast(i, .float64) + cast(f * f, .float64)]).source)
        #expect(mixed.text.contains("(double)(float)"), "a float32 step inside a float64 program is rounded")
        try Self.compile(mixed, "mixed")
        // One fused loop with two outputs, as multi-output fusion makes of a value read twice.
        let s = sigmoid(m)
        let twoOutputs = try #require(try Self.render([m], [exp(s), s * (1 - s)]).source)
        #expect(twoOutputs.text.contains("out1[i]"), "\(twoOutputs.text)")
        try Self.compile(twoOutputs, "two_outputs")
    }

    @Test(.enabled(if: nvrtc != nil, whyNoNVRTC))
    func aSourceErrorThrowsWithNVRTCsLog() throws {
        let nvrtc = try #require(Self.nvrtc)
        #expect(!nvrtc.version.isEmpty && nvrtc.version != "unknown")
        let error = #expect(throws: TheanoError.self) {
            try nvrtc.compile("extern \"C\" __global__ void k(float *o) { o[0] = undefined_name; }", name: "broken.cu", architecture: Self.architecture)
        }
        #expect(error?.description.contains("nvrtcCompileProgram of broken.cu") == true)
        #expect(error?.description.contains("undefined_name") == true, "NVRTC's log names the identifier")
    }

    @Test func aMissingLibraryIsNamedWithWhereItWasSought() throws {
        let folder = GeneratedCTests.temporaryDirectory("no-cuda")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let found = CUDALibraries.open("NVRTC", names: ["libnvrtc-that-does-not-exist.so.99"], folders: CUDALibraries.folders(root: folder))
        #expect(found.handle == nil)
        #expect(found.status.contains("no NVRTC") && found.status.contains(folder) && found.status.contains("THEANO_CUDA_ROOT"), "\(found.status)")
        guard case .failure(let why) = NVRTC.load(found) else { Issue.record("a missing library loaded"); return }
        #expect(why.description == found.status)
    }
}

/// The row kernels (reductions along the last axis, argmax, softmax and log-softmax rows), compiled
/// with NVRTC for both float types.
@Suite struct CUDARowKernelCompileTests {
    @Test(.enabled(if: CUDAKernelCompileTests.nvrtc != nil, CUDAKernelCompileTests.whyNoNVRTC))
    func everyRowKernelCompiles() throws {
        let nvrtc = try #require(CUDAKernelCompileTests.nvrtc)
        let (symbols, source) = CUDARowKernels.all
        #expect(symbols.count == 14)
        let ptx = String(decoding: try nvrtc.compile(source, name: "rows.cu", architecture: CUDAKernelCompileTests.architecture).image, as: UTF8.self)
        for symbol in symbols { #expect(ptx.contains(".entry \(symbol)("), "\(symbol) missing from the PTX") }
    }

    @Test func kindsWithoutARowKernelSayNil() {
        #expect(CUDARowKernels.reduction(.all, .float32) == nil)
        #expect(CUDARowKernels.reduction(.sum, .int32) == nil)
        #expect(CUDARowKernels.softmax(.int64, log: false) == nil)
    }
}
