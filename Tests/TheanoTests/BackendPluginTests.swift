import Foundation
import Testing
@testable import Theano

/// A backend that only a test knows: it counts the nodes it runs and delegates to the reference executor.
final class CountingBackend: Backend, @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var ran: [String] = []
    init(name: String) { self.name = name }

    var nodes: [String] { lock.withLock { ran } }

    func link(_ graph: FunctionGraph, mode: Mode, observer: NodeObserver?) throws -> any Program {
        try ReferenceBackend().link(graph, mode: mode) { node, outputs in
            self.lock.withLock { self.ran.append("\(node.op)") }
            try observer?(node, outputs)
        }
    }
}

/// Backends are plug-ins: registered by name, chosen by the mode or `THEANO_FLAGS=device=`, wrapped by
/// the debug and NaN-guard checks, and given their own kernel tables, without touching the ops.
@Suite struct BackendPluginTests {
    @Test func aBackendRegisteredByATestRunsFunctions() throws {
        let backend = CountingBackend(name: "counting-\(#line)")
        BackendRegistry.register(backend)
        let x = dvector("x")
        let f = try function([x], exp(x) * 2, mode: Mode.fastRun.excluding("fusion").on(.init(rawValue: backend.name)))
        #expect(try f([0.0, 1.0]).doubles == [2, 2 * Foundation.exp(1.0)])
        #expect(backend.nodes == ["Elemwise{exp}", "Elemwise{mul}"])
        #expect(f.generatedC == .off("the reference executor runs each op's perform and generates no C"))
    }

    @Test func anUnknownBackendIsAnErrorNamingTheRegisteredOnes() throws {
        let x = dvector("x")
        #expect {
            try function([x], x + 1, mode: Mode.fastRun.on("no-such-device"))
        } throws: { error in
            let message = (error as? TheanoError)?.message ?? ""
            return message.contains("no-such-device") && message.contains("cpu") && message.contains("reference")
        }
    }

    /// Theano's `device=cuda`: until a CUDA backend registers, the error says where the GPU stands.
    @Test func aCUDADeviceSaysThereIsNoCUDABackendYetAndWhy() throws {
        let x = dvector("x")
        let error = #expect(throws: TheanoError.self) { try function([x], x + 1, mode: Mode.fastRun.on("cuda0")) }
        let message = error?.message ?? ""
        #expect(message.contains("'cuda0'") && message.contains("no CUDA backend yet") && message.contains("GPU: \(CUDADevices.summary)"), "\(message)")
    }

    @Test func theDeviceFlagNamesTheDefaultBackend() {
        #expect(TheanoConfig(flags: "device=cuda0").device == "cuda0")
        #expect(TheanoConfig(flags: nil).device == "cpu")
        #expect(Mode.fastRun.backend == .device && Mode.reference.resolvedBackend == .reference)
    }

    @Test func theNaNGuardAndTheDebugModeWrapTheVM() throws {
        let x = dvector("x")
        let guarded = try function([x], log(x) * 2, mode: Mode.nanGuard.on(.cpu))
        #expect(try guarded([1.0, 2.0]).doubles == [0, 2 * Foundation.log(2.0)])
        #expect(throws: TheanoError.self) { try guarded([-1.0]) }
        let debug = try function([x], exp(x) + exp(x), mode: Mode.debug.on(.cpu))
        #expect(debug.program is DebugProgram)
        #expect(try debug([0.0]).doubles == [2])
    }

    @Test func aKernelTableEntryReplacesAnOpsPerformWithoutTouchingTheOp() throws {
        let calls = Mutexed(0)
        var table = KernelTable.cpu
        table.register(Dot.self) { _ in
            { @Sendable inputs in
                calls.add(1)
                return [try Dot.product(inputs, multiply: referenceMatrixMultiply)]
            }
        }
        let name = "cpu-counting-dot-\(#line)"
        BackendRegistry.register(VMBackend(name: name, kernels: table))
        let a = dmatrix("a"), b = dmatrix("b")
        let f = try function([a, b], dot(a, b), mode: Mode.fastRun.on(.init(rawValue: name)))
        #expect(try f([[1.0, 2.0]], [[3.0], [4.0]]).doubles == [11])
        #expect(calls.value == 1)
    }

    /// The CPU backend's fusion policy is its own: a full sum of an elementwise loop becomes one node
    /// there (recorded like any rewrite), and stays two nodes on the reference executor.
    @Test func eachBackendAddsItsOwnFusionRewrites() throws {
        let a = dvector("a"), b = dvector("b")
        var mode = Mode.fastRun
        mode.recordRewrites = true
        let onVM = try function([a, b], sqr(a - b).sum(), mode: mode)
        let onReference = try function([a, b], sqr(a - b).sum(), mode: mode.on(.reference))
        #expect(onVM.rewriteReport.count("vm_sum_of_elemwise") == 1)
        #expect(onVM.graph.toposort.map { "\($0.op)" }.contains { $0.hasPrefix("Sum{") })
        #expect(onReference.rewriteReport.count("vm_sum_of_elemwise") == 0)
        let args: [any NDArrayConvertible] = [[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]]
        #expect(try onVM.call(args).doubles == [0.25 + 2.25 + 6.25])
        #expect(try onReference.call(args).doubles == [0.25 + 2.25 + 6.25])
    }
}
