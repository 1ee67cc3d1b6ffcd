import Foundation
import Testing
@testable import Theano

/// Generated C kernels: compiled once a function is hot (or before the first call when asked), swapped
/// in under running calls, and shared through one on-disk cache by every process. Where no C compiler
/// exists the tests that need one are skipped, and the VM's own kernels serve every call.
@Suite struct GeneratedCTests {
    static let compilerPresent: Bool = if case .success = CCompiler.find() { true } else { false }

    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "theano-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(.enabled(if: compilerPresent))
    func aHotFunctionGetsItsKernelsInTheBackground() throws {
        let x = dvector("x")
        let f = try function([x], exp(sin(x * x)) * 2 + 1, mode: Mode.fastRun.generatedC(.background))
        let small = NDArray([0.5, 1.5, -2], shape: [3])
        let before = try f(small)
        // Small calls never make a function hot: compiling would cost more than it saves.
        #expect(f.generatedC == .waiting)
        let large = NDArray((0..<(GeneratedKernels.hotElements + 1)).map { Double($0 % 1000) / 300 }, shape: [GeneratedKernels.hotElements + 1])
        let vmResult = try f(large)
        #expect(f.waitForGeneratedC() == .ready(kernels: 1))
        #expect(close(try f(small).doubles, before.doubles, tolerance: 1e-13))
        #expect(close(try f(large).doubles, vmResult.doubles, tolerance: 1e-13))
    }

    @Test func theModeAndTheConfigurationTurnItOff() throws {
        let x = dvector("x")
        let off = try function([x], exp(x) + 1, mode: Mode.fastRun.generatedC(.off))
        #expect(off.generatedC == .off("turned off by the mode"))
        #expect(try off([0.0]).doubles == [2])
        let reference = try function([x], exp(x) + 1, mode: .reference)
        #expect(reference.generatedC == .off("the reference executor runs each op's perform and generates no C"))
        let nothingToCompile = try function([x], x.sum(), mode: Mode.fastRun.generatedC(.synchronous))
        #expect(nothingToCompile.generatedC == .off("no elementwise loops to compile"))
    }

    @Test(.enabled(if: compilerPresent))
    func callsGoOnWhileTheKernelsSwapIn() throws {
        let x = dvector("x")
        let f = try function([x], tanh(x) * x - 0.5, mode: Mode.fastRun.generatedC(.background))
        let input = NDArray((0..<5000).map { Double($0) / 1000 - 2.5 }, shape: [5000])
        let expected = try function([x], tanh(x) * x - 0.5, mode: .reference)(input).doubles
        let failures = Mutexed(0)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            if worker == 0 {
                if f.waitForGeneratedC() != .ready(kernels: 1) { failures.add(1000) }
                return
            }
            for _ in 0..<300 {
                let out = (try? f(input))?.doubles ?? []
                if !close(out, expected, tolerance: 1e-13) { failures.add(1) }
            }
        }
        #expect(failures.value == 0)
    }

    @Test(.enabled(if: compilerPresent))
    func scanStepsGetTheirKernelsToo() throws {
        let xs = dmatrix("xs"), h0 = dvector("h0")
        let (states, _) = try scan({ s in [tanh(s[1] * 0.5 + s[0])] }, sequences: [xs], outputsInfo: [ScanOutput(initial: h0)])
        let f = try function([xs, h0], states[0], mode: Mode.fastRun.generatedC(.background))
        let inputs = (NDArray((0..<40).map { Double($0) / 10 - 2 }, shape: [10, 4]), NDArray([0.1, -0.2, 0.3, 0.0], shape: [4]))
        let before = try f(inputs.0, inputs.1)
        _ = f.waitForGeneratedC()
        let vm = try #require(f.program as? VMProgram)
        let steps: [VMProgram] = vm.kernels.flatMap { kernel -> [VMProgram] in if case .subgraph(_, let programs) = kernel { programs } else { [] } }
        #expect(steps.count == 1 && steps[0].generatedC == .ready(kernels: 1))
        #expect(close(try f(inputs.0, inputs.1).doubles, before.doubles, tolerance: 1e-13))
    }

    /// No fast-math: NaN, ±Inf and ±0 come out of every generated op as they come out of the reference.
    @Test(arguments: [DType.float32, .float64])
    func specialValuesKeepTheirMeaningInGeneratedC(_ dtype: DType) throws {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x"), y = tensor(dtype: dtype, broadcastable: [false], name: "y")
        let unary: [TensorVariable] = [-x, abs(x), exp(x), log(x), log1p(x), expm1(x), sqrt(x), sqr(x), sin(x), cos(x), tan(x),
                                       tanh(x), sigmoid(x), softplus(x), floor(x), ceil(x), sgn(x), reciprocal(x)]
        let binary: [TensorVariable] = [x + y, x - y, x * y, x / y, x ** y, maximum(x, y), minimum(x, y)]
        let specials: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1, -1, 0.5, 700, -700, 1e-30]
        // Every pair of special values, as two long vectors.
        let a = NDArray(specials.flatMap { v in specials.map { _ in v } }, shape: [specials.count * specials.count]).astype(dtype)
        let b = NDArray(Array(repeating: specials, count: specials.count).flatMap { $0 }, shape: [specials.count * specials.count]).astype(dtype)
        let outputs = unary + binary
        let generated = try function([x, y], outputs, mode: Mode.fastRun.generatedC(.synchronous))
        if Self.compilerPresent, case .ready = generated.generatedC {} else if Self.compilerPresent {
            Issue.record("generated C not in use: \(generated.generatedC)")
        }
        let fast = try generated(a, b), slow = try function([x, y], outputs, mode: .reference)(a, b)
        for (k, (f, r)) in zip(fast, slow).enumerated() {
            let ok = zip(f.doubles, r.doubles).allSatisfy { p, q in
                p == q || (p.isNaN && q.isNaN) || Swift.abs(p - q) <= (dtype == .float32 ? 1e-5 : 1e-13) * Swift.max(1, Swift.abs(q))
            }
            #expect(ok, "output \(k): \(pp(outputs[k])) \(dtype)")
        }
    }

    /// Regression: sigmoid's C had exp in both arms of a branch, which kept GCC from vectorizing the
    /// loop, and W5 ran at half the VM's speed. It computes exp once and branches on values only.
    /// Regression: kernels vectorized libm calls with other libmvec entry points than the VM's (the
    /// AVX-512 ones on such CPUs, SSE ones for loop remainders), so tanh, log1p and softplus changed in
    /// the last bits when a kernel was swapped in under a running function.
    @Test(.enabled(if: compilerPresent), arguments: [DType.float32, .float64])
    func kernelsGiveTheVMsBitsSoResultsNeverChangeMidRun(_ dtype: DType) throws {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x")
        let graphs: [(String, TensorVariable)] = [
            ("tanh", tanh(x)), ("log1p", log1p(abs(x))), ("softplus", softplus(x)), ("sigmoid", sigmoid(x)),
            ("exp(sin(x²))", exp(sin(x * x))), ("expm1 and erf", expm1(x) * erf(x)), ("cosh", cosh(x) - 1),
        ]
        for (name, expr) in graphs {
            let vm = try VMVariant.builtInKernels.function([x], expr)
            let compiled = try VMVariant.generatedC.function([x], expr)
            if case .ready = compiled.generatedC {} else { Issue.record("\(name): \(compiled.generatedC)") }
            for count in [5, 13, 2047, 4099] {
                let value = VMPerOpConformanceTests.inputs(count, dtype, seed: UInt64(count))
                let a = try vm(value).doubles, b = try compiled(value).doubles
                #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(name) \(dtype) \(count)")
            }
        }
    }

    @Test func sigmoidInCComputesExpOnceAndBranchesOnValues() throws {
        let c = try #require(CKernelSource.expression(.sigmoid, ["r0"], "double"))
        #expect(c.components(separatedBy: "exp(").count == 2, "\(c)")
        #expect(c.contains("(r0 >= 0 ? (double)1 : e) / (1 + e)"), "\(c)")
    }

    /// A kernel library that does not load, or that is another key's, is deleted and compiled again.
    @Test(.enabled(if: compilerPresent), arguments: ["garbage", "truncated", "another kernel"])
    func aDamagedCacheEntryIsRebuilt(_ damage: String) throws {
        let compiler = try CCompiler.find().get()
        let cache = KernelCache(directory: Self.temporaryDirectory("damaged"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let source = "double theano_probe(double x) { return x * 3 + 1; }\n"
        let path = "\(cache.directory)/\(cache.key(for: source, compiler: compiler)).so"
        switch damage {
        case "garbage":
            try Data("not a shared library".utf8).write(to: URL(fileURLWithPath: path))
        case "truncated", _:
            // A real library, cut short or built for another source.
            let other = KernelCache(directory: Self.temporaryDirectory("other"))
            defer { try? FileManager.default.removeItem(atPath: other.directory) }
            let otherSource = damage == "truncated" ? source : "double theano_probe(double x) { return -x; }\n"
            _ = try other.library(for: otherSource, compiler: compiler)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(other.directory)/\(other.key(for: otherSource, compiler: compiler)).so"))
            try (damage == "truncated" ? bytes.prefix(bytes.count / 3) : bytes).write(to: URL(fileURLWithPath: path))
        }
        let library = try cache.library(for: source, compiler: compiler)
        #expect(library.rebuilt)
        typealias Probe = @convention(c) (Double) -> Double
        let probe = try #require(library.symbol("theano_probe"))
        #expect(unsafeBitCast(probe, to: Probe.self)(2) == 7)
        #expect(cache.entries.count == 1)
    }

    /// A compile that fails throws with the compiler's own message and leaves nothing in the cache.
    @Test(.enabled(if: compilerPresent))
    func aFailedCompileThrowsAndLeavesNothingBehind() throws {
        let compiler = try CCompiler.find().get()
        let cache = KernelCache(directory: Self.temporaryDirectory("failed"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let error = try #require(throws: TheanoError.self) { try cache.library(for: "this is not C;\n", compiler: compiler) }
        #expect(error.kind == .compilationFailed)
        #expect(error.message.contains("error"), "\(error.message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
    }

    @Test(.enabled(if: compilerPresent))
    func theCacheListsAndClearsItsEntries() throws {
        let compiler = try CCompiler.find().get()
        let cache = KernelCache(directory: Self.temporaryDirectory("list"))
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        #expect(cache.entries.isEmpty)
        let source = "int theano_listed(void) { return 42; }\n"
        _ = try cache.library(for: source, compiler: compiler)
        #expect(cache.entries.map(\.key) == [cache.key(for: source, compiler: compiler)])
        #expect(FileManager.default.fileExists(atPath: "\(cache.directory)/\(cache.entries[0].key).c"))
        #expect(cache.clear() == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
        #expect(cache.entries.isEmpty && left.isEmpty)
    }

    /// The key changes with the source and with the compiler's flags, and with nothing else.
    @Test(.enabled(if: compilerPresent))
    func cacheKeysFollowTheContent() throws {
        let compiler = try CCompiler.find().get()
        let cache = KernelCache(directory: "/nonexistent")
        let key = cache.key(for: "int a;", compiler: compiler)
        #expect(key.count == 32 && key == cache.key(for: "int a;", compiler: compiler))
        #expect(key != cache.key(for: "int b;", compiler: compiler))
        let otherFlags = CCompiler(path: compiler.path, identity: compiler.identity, flags: compiler.flags + ["-O1"])
        #expect(key != cache.key(for: "int a;", compiler: otherFlags))
    }

    // MARK: - Several processes

    /// The `theano` executable that `swift test` builds beside the test bundle.
    static var theanoExecutable: String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("theano").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func launch(_ arguments: [String], environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(theanoExecutable, "the theano executable is built beside the tests"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    static func finish(_ launched: (Process, Pipe)) -> (status: Int32, output: String) {
        let data = launched.1.fileHandleForReading.readDataToEndOfFile()
        launched.0.waitUntilExit()
        return (launched.0.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: compilerPresent && theanoExecutable != nil))
    func twoProcessesFillOneCache() throws {
        let directory = Self.temporaryDirectory("shared")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["THEANO_SWIFT_CACHE": directory, "THEANO_FLAGS": "cxx_compile=synchronous"]
        let arguments = ["examples", "--only", "logistic"]
        // Both processes compile the same kernels at once, race to rename them in, and load them.
        let runs = try [Self.launch(arguments, environment: environment), Self.launch(arguments, environment: environment)].map(Self.finish)
        let vmOnly = Self.finish(try Self.launch(arguments, environment: ["THEANO_FLAGS": "cxx="]))
        for run in runs {
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output == vmOnly.output)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!files.contains { $0.contains(".tmp-") }, "\(files)")
        let cache = KernelCache(directory: directory)
        #expect(!cache.entries.isEmpty && files.count == 2 * cache.entries.count, "\(files)")
        // A third process finds every kernel in the cache and compiles nothing.
        let before = cache.entries.map(\.modified)
        let third = Self.finish(try Self.launch(arguments, environment: environment))
        #expect(third.status == 0 && third.output == vmOnly.output)
        #expect(cache.entries.map(\.modified) == before)
    }

    @Test(.enabled(if: theanoExecutable != nil))
    func withoutACompilerTheVMRunsAlone() throws {
        let normal = Self.finish(try Self.launch(["examples", "--only", "logistic"], environment: [:]))
        let hidden = ["PATH": "/nonexistent", "THEANO_FLAGS": "cxx_compile=synchronous"]
        let noCompiler = Self.finish(try Self.launch(["examples", "--only", "logistic"], environment: hidden))
        #expect(noCompiler.status == 0 && noCompiler.output == normal.output)
        let info = Self.finish(try Self.launch(["info"], environment: hidden))
        #expect(info.output.contains("no C compiler (cc, gcc, clang) on PATH"), "\(info.output)")
        let disabled = Self.finish(try Self.launch(["info"], environment: ["THEANO_FLAGS": "cxx="]))
        #expect(disabled.output.contains("disabled by configuration"), "\(disabled.output)")
    }
}
