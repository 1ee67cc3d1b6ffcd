import CTheanoKernels
import Dispatch
import Synchronization

/// Where an elementwise loop finds its generated kernel: empty until one is compiled, then set once.
/// Reads and the write are atomic, because calls on other threads may be running the loop meanwhile.
package final class KernelSlot: @unchecked Sendable {
    private let cell = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
    package init() { cell.initialize(to: nil) }
    deinit { cell.deallocate() }

    @inline(__always) package var kernel: UnsafeMutableRawPointer? { theano_atomic_load_pointer(cell) }
    package func install(_ kernel: UnsafeMutableRawPointer) { theano_atomic_store_pointer(cell, kernel) }
}

/// The generated kernels of one VM program: the C source for its elementwise loops, compiled once
/// (in the background, or before the first call when asked) and swapped into the loops when loaded.
/// Finding the compiler and writing the source wait for the compile too, so building a function that
/// never gets hot costs nothing.
package final class GeneratedKernels: @unchecked Sendable {
    private let loops: [ElemwiseLoop]
    private let state: Mutex<GeneratedCStatus>
    private let finished = DispatchGroup()

    /// Compiles run one at a time, off the callers' threads; each costs about 0.1 s of a core.
    private static let queue = DispatchQueue(label: "theano.generated-c", qos: .utility)
    /// Elementwise work (elements over all calls) after which a function is worth compiling.
    package static let hotElements = 1 << 20

    /// The work a loop of `count` elements counts towards `hotElements`: loops shorter than one block
    /// count nothing, because their time goes to per-call bookkeeping that C would not remove.
    @inline(__always) package static func work(_ count: Int) -> Int { count >= ElemwiseLoop.blockSize ? count : 0 }

    /// The generated kernels for a program's loops, or why there are none.
    package static func prepare(_ loops: [ElemwiseLoop], mode: Mode.GeneratedC) -> Result<GeneratedKernels, GeneratedCUnavailable> {
        if loops.isEmpty { return .failure(.init("no elementwise loops to compile")) }
        if mode == .off { return .failure(.init("turned off by the mode")) }
        if config.cxx == "" { return .failure(.init("turned off by configuration (cxx=\"\")")) }
        let kernels = GeneratedKernels(loops)
        if mode == .synchronous { _ = kernels.waitUntilDone() }
        return .success(kernels)
    }

    private init(_ loops: [ElemwiseLoop]) {
        self.loops = loops
        state = Mutex(.waiting)
    }

    package var status: GeneratedCStatus { state.withLock { $0 } }

    /// Starts the compile unless it has started already.
    package func start() {
        let first = state.withLock { status in
            guard status == .waiting else { return false }
            status = .compiling
            // Inside the lock, so a caller who sees `.compiling` and waits really waits.
            finished.enter()
            return true
        }
        guard first else { return }
        GeneratedKernels.queue.async { [self] in
            let outcome = compileAndInstall()
            state.withLock { $0 = outcome }
            finished.leave()
        }
    }

    private func compileAndInstall() -> GeneratedCStatus {
        let compiler: CCompiler
        switch CCompiler.find() {
        case .success(let found): compiler = found
        case .failure(let why): return .off(why.description)
        }
        guard let source = CKernelSource(loops) else { return .off("no elementwise loop has a C form") }
        do {
            let library = try KernelCache.standard.library(for: source.text, compiler: compiler)
            var installed = 0
            for (loop, symbol) in zip(loops, source.symbols) {
                guard let symbol, let kernel = library.symbol(symbol) else { continue }
                loop.generated.install(kernel)
                installed += 1
            }
            return .ready(kernels: installed)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Starts the compile if needed and waits for it.
    package func waitUntilDone() -> GeneratedCStatus {
        start()
        finished.wait()
        return status
    }
}
