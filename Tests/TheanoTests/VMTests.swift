import Foundation
import Testing
@testable import Theano

/// The VM must agree with the reference executor on every graph, and never overwrite a result a caller kept.
@Suite struct VMConformanceTests {
    static let names = ["add", "fused", "scalar broadcast", "row broadcast", "transpose", "activations", "reduce", "dot", "pow", "full sum", "sum with another reader"]

    static func build(_ name: String, _ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        switch name {
        case "add": return a + b
        case "fused": return exp(sin(a * a)) + b / 2
        case "scalar broadcast": return a * 0.5 + 1 + b * 0
        case "row broadcast": return a + b.sum(axis: 0, keepdims: true)
        case "transpose": return a.T * 2 + b.T
        case "activations": return sigmoid(a) * tanh(b) - softplus(a)
        case "reduce": return (a * b).sum(axis: 1)
        case "dot": return dot(a, b.T) + 1
        case "full sum": return sqr(a - b).sum()
        // Regression: the sum was fused although dot also read the array, which then was never stored.
        case "sum with another reader": let e = exp(a); return dot(e, b.T) + e.sum()
        default: return abs(a) ** 1.5 + maximum(a, b)
        }
    }

    @Test(arguments: [DType.float32, .float64], 0..<names.count)
    func vmMatchesTheReference(_ dtype: DType, _ k: Int) throws {
        for variant in VMVariant.allCases { try vmMatchesTheReference(dtype, k, variant) }
    }

    func vmMatchesTheReference(_ dtype: DType, _ k: Int, _ variant: VMVariant) throws {
        let name = Self.names[k]
        let a = tensor(dtype: dtype, broadcastable: [false, false], name: "a"), b = tensor(dtype: dtype, broadcastable: [false, false], name: "b")
        let expr = Self.build(name, a, b)
        var generator = SplitMix64(seed: UInt64(k))
        for shape in [[1, 1], [3, 5], [17, 33]] {
            let x = NDArray((0..<shape[0] * shape[1]).map { _ in generator.nextUnit() * 2 - 1 }, shape: shape).astype(dtype)
            let y = NDArray((0..<shape[0] * shape[1]).map { _ in generator.nextUnit() * 2 - 1 }, shape: shape).astype(dtype)
            let fast = try variant.function([a, b], expr).call([x, y])
            let slow = try function([a, b], expr, mode: .reference).call([x, y])
            #expect(fast.dtype == slow.dtype && fast.shape == slow.shape, "\(name) \(variant)")
            #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-5 : 1e-12), "\(name) \(shape)")
        }
    }

    /// Mixed dtypes, integer constants, broadcast and strided inputs go through the VM's gather path,
    /// and float32 steps inside a float64 program are rounded as float32 arithmetic would be.
    @Test(arguments: VMVariant.allCases)
    func mixedDtypesBroadcastsAndViewsMatchTheReference(_ variant: VMVariant) throws {
        let a = fmatrix("a"), b = dmatrix("b"), v = dvector("v")
        let cases: [(String, TensorVariable)] = [
            ("float32 with a float64 row", a * 2 + b.sum(axis: 0, keepdims: true)),
            ("integer constants", (1 - b) * 3 + b / 2),
            ("float32 arithmetic inside float64", cast(a * a + 1, .float64) * b),
            ("float32 transcendental inside float64", cast(exp(a), .float64) + b),
            ("column broadcast", b + b.sum(axis: 1, keepdims: true)),
            ("strided views", a.T.T * 3 + b[.slice(nil, nil, -1)]),
            ("vector over rows", b * v + cast(a, .float64)),
            ("float32 output of float64 work", cast(b * 0.1 + 2, .float32) - a),
        ]
        var generator = SplitMix64(seed: 99)
        for shape in [[1, 1], [5, 3], [67, 129]] {
            let count = shape[0] * shape[1]
            let args: [NDArray] = [
                NDArray((0..<count).map { _ in Float(generator.nextUnit() * 4 - 2) }, shape: shape),
                NDArray((0..<count).map { _ in generator.nextUnit() * 4 - 2 }, shape: shape),
                NDArray((0..<shape[1]).map { _ in generator.nextUnit() }, shape: [shape[1]]),
            ]
            for (name, expr) in cases {
                let fast = try variant.function([a, b, v], expr).call(args)
                let slow = try function([a, b, v], expr, mode: .reference, onUnusedInput: .ignore).call(args)
                #expect(fast.dtype == slow.dtype && fast.shape == slow.shape, "\(name)")
                #expect(fast.doubles == slow.doubles, "\(name) \(shape)")
            }
        }
    }

    @Test func keptResultsAreNeverOverwritten() throws {
        let x = dvector("x")
        let f = try function([x], exp(x) * 2, mode: .fastRun)
        let first = try f([0.0, 1.0])
        let second = try f([2.0, 3.0])
        #expect(close(first.doubles, [2, 2 * Foundation.exp(1)]))
        #expect(close(second.doubles, [2 * Foundation.exp(2), 2 * Foundation.exp(3)]))
    }

    @Test func twoThreadsCallingOneFunction() throws {
        let x = dvector("x")
        let f = try function([x], sin(x) * x + 1, mode: .fastRun)
        let failures = Mutexed(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<200 {
                let v = Double(worker * 1000 + i)
                let out = (try? f([v, -v]))?.doubles ?? []
                // Generated C may take libmvec's sin, within an ulp or two of libm's.
                if !close(out, [Foundation.sin(v) * v + 1, Foundation.sin(-v) * -v + 1], tolerance: 1e-12) { failures.add(1) }
            }
        }
        #expect(failures.value == 0)
    }
}

/// The VM with its own kernels only, and with generated C compiled before the first call (which is the
/// VM alone where no C compiler is found).
enum VMVariant: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case builtInKernels, generatedC

    var mode: Mode { Mode.fastRun.generatedC(self == .generatedC ? .synchronous : .off) }
    var testDescription: String { rawValue }

    /// Compiles on this variant, and checks that generated C did not fail where it was asked for.
    func function(_ inputs: [any FunctionInput], _ output: TensorVariable) throws -> Function<NDArray> {
        let f = try Theano.function(inputs, output, mode: mode, onUnusedInput: .ignore)
        if case .failed(let why) = f.generatedC { Issue.record("generated C failed: \(why)") }
        return f
    }
}

final class Mutexed: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ value: Int) { count = value }
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

@Suite struct VMLargeArrayTests {
    /// Large arrays take the multi-core split and the vectorised math; both must match the reference.
    @Test(arguments: [DType.float32, .float64], VMVariant.allCases)
    func largeFusedLoopsMatchTheReference(_ dtype: DType, _ variant: VMVariant) throws {
        let n = 300_001
        var generator = SplitMix64(seed: 12)
        let data = NDArray((0..<n).map { _ in generator.nextUnit() * 6 - 3 }, shape: [n]).astype(dtype)
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x")
        let expr = exp(sin(x * x)) + log(abs(x) + 1) * cos(x)
        let fast = try variant.function([x], expr)(data).doubles
        let slow = try function([x], expr, mode: .reference)(data).doubles
        #expect(close(fast, slow, tolerance: dtype == .float32 ? 1e-5 : 1e-13))
        // A sum of a fused loop never stores the loop's array, and still has the reference's bits.
        let fastSum = try variant.function([x], (x * x + 1).sum())(data).doubles
        let slowSum = try function([x], (x * x + 1).sum(), mode: .reference)(data).doubles
        #expect(fastSum == slowSum)
        // glibc 2.35's vector tanh, log1p, expm1 and tan, and softplus built on exp and log1p.
        let more = tanh(x) + log1p(abs(x)) * expm1(x * 0.1) + softplus(x) + tan(x * 0.3)
        let fastMore = try variant.function([x], more)(data).doubles
        let slowMore = try function([x], more, mode: .reference)(data).doubles
        #expect(close(fastMore, slowMore, tolerance: dtype == .float32 ? 1e-5 : 1e-13))
        let extremes = NDArray([Double.nan, .infinity, -.infinity, 0, 800, -800], shape: [6]).astype(dtype)
        let soft = try variant.function([x], softplus(x) + tanh(x))(extremes).doubles
        #expect(soft[0].isNaN && soft[1] == .infinity && soft[2] == -1 && Swift.abs(soft[3] - Foundation.log(2.0)) < 1e-6 && soft[4] == 801 && soft[5] == -1)
        let special = NDArray([Double.nan, .infinity, -.infinity, 0, -0.0, 1e300], shape: [6]).astype(dtype)
        let e = try variant.function([x], exp(x))(special).doubles
        #expect(e[0].isNaN && e[1] == .infinity && e[2] == 0 && e[3] == 1)
    }
}

/// Regression: sigmoid and softplus written over their input took the scalar libm loop; in place they
/// now take the same vectorised path, so the bits match the out-of-place result.
@Suite struct VMInPlaceActivationTests {
    @Test(arguments: [ScalarOp.sigmoid, .softplus])
    func inPlaceMatchesOutOfPlaceBitForBit(_ op: ScalarOp) {
        let n = 1000
        let input = UnsafeMutablePointer<Double>.allocate(capacity: n), output = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { input.deallocate(); output.deallocate() }
        for i in 0..<n { input[i] = Double(i) / 50 - 10 }
        let block = op.definition.real!.double.block
        block(input, input, input, output, n)
        block(input, input, input, input, n)
        #expect((0..<n).allSatisfy { input[$0] == output[$0] })
    }
}

/// Every elementwise op on the VM against the reference executor: float32 and float64, sizes around
/// the loop's block and vector widths, and a strided view as input.
@Suite struct VMPerOpConformanceTests {
    static let binary: [(String, @Sendable (TensorVariable, TensorVariable) -> TensorVariable)] = [
        ("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / ($1 + 3) }),
        ("pow", { abs($0) ** $1 }), ("maximum", { maximum($0, $1) }), ("minimum", { minimum($0, $1) }),
        ("second", { fill($0, $1) }),
    ]

    static func inputs(_ count: Int, _ dtype: DType, seed: UInt64) -> NDArray {
        var generator = SplitMix64(seed: seed)
        // Twice as long, read every other element: a strided view.
        let dense = NDArray((0..<2 * count).map { _ in generator.nextUnit() * 5 - 2.5 }, shape: [2 * count]).astype(dtype)
        return dense.sliced([(0, count, 2)])
    }

    @Test(arguments: [DType.float32, .float64], VMVariant.allCases)
    func everyUnaryOp(_ dtype: DType, _ variant: VMVariant) throws {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x")
        for (name, symbolic, _) in ElementwiseValueTests.unary {
            for count in [1, 7, 8, 2047, 2049] {
                let value = Self.inputs(count, dtype, seed: UInt64(count))
                let fast = try variant.function([x], symbolic(x))(value)
                let slow = try function([x], symbolic(x), mode: .reference)(value)
                #expect(fast.dtype == slow.dtype && fast.shape == slow.shape, "\(name)")
                #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-5 : 1e-13), "\(name) \(dtype) \(count)")
            }
        }
    }

    @Test(arguments: [DType.float32, .float64], VMVariant.allCases)
    func everyBinaryOp(_ dtype: DType, _ variant: VMVariant) throws {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x"), y = tensor(dtype: dtype, broadcastable: [false], name: "y")
        for (name, symbolic) in Self.binary {
            for count in [1, 9, 2049] {
                let (a, b) = (Self.inputs(count, dtype, seed: 1), Self.inputs(count, dtype, seed: 2))
                let fast = try variant.function([x, y], symbolic(x, y))(a, b)
                let slow = try function([x, y], symbolic(x, y), mode: .reference)(a, b)
                #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-5 : 1e-13), "\(name) \(dtype) \(count)")
            }
        }
    }
}
