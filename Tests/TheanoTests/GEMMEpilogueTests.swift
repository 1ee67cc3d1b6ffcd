import Foundation
import Testing
@testable import Theano

/// `relu(dot(x, w) + b)` and `dot(x, w) + b` become one `DotBiasActivation` node on the CPU backend, run
/// as the built-in GEMM with the bias and relu applied to each finished tile. The values are those of
/// the graph without the rewrite, bit for bit, NaN and signed zeros included, on every ISA path.
@Suite struct GEMMEpilogueTests {
    static let unfused = Mode.fastRun.excluding("vm_gemm_bias_relu")

    /// Each element's bit pattern (NaNs as one pattern), so NaN and -0.0 compare exactly.
    static func bits(_ x: NDArray) -> [UInt64] { x.doubles.map { $0.isNaN ? UInt64.max : $0.bitPattern } }
    /// How many elements differ in their bits (or in shape: all of them), so failures stay short.
    static func mismatches(_ a: NDArray, _ b: NDArray) -> Int {
        a.shape != b.shape ? Swift.max(a.count, b.count) : zip(bits(a), bits(b)).filter { $0 != $1 }.count
    }

    static func fusedNodes<Output>(_ f: Function<Output>) -> [DotBiasActivation] { f.graph.toposort.compactMap { $0.op as? DotBiasActivation } }

    static func variables(_ dtype: DType) -> (TensorVariable, TensorVariable, TensorVariable) {
        (TensorType(dtype, [false, false])("x"), TensorType(dtype, [false, false])("w"), TensorType(dtype, [false])("b"))
    }

    @Test func aW6StyleNetworkRunsEachLayerAsOneFusedProduct() throws {
        let (x, w1, b1) = Self.variables(.float32)
        let w2 = fmatrix("w2"), b2 = fvector("b2"), w3 = fmatrix("w3"), b3 = fvector("b3")
        let logits = dot(relu(dot(relu(dot(x, w1) + b1), w2) + b2), w3) + b3
        var recording = Mode.fastRun
        recording.recordRewrites = true
        let f = try function([x, w1, b1, w2, b2, w3, b3], logits, mode: recording)
        #expect(Self.fusedNodes(f).map(\.description) == ["DotBiasActivation{relu}", "DotBiasActivation{relu}", "DotBiasActivation{add}"])
        #expect(!f.graph.toposort.contains { $0.op is Dot }, "\(debugprint(f))")
        #expect(f.rewriteReport.count("vm_gemm_bias_relu") == 3)
        let g = try function([x, w1, b1, w2, b2, w3, b3], logits, mode: Self.unfused)
        #expect(Self.fusedNodes(g).isEmpty)
        let sizes = [17, 40, 33, 9]
        var args: [NDArray] = [KernelTableConformanceTests.random([6, sizes[0]], .float32, seed: 1)]
        for layer in 0..<3 {
            args.append(KernelTableConformanceTests.random([sizes[layer], sizes[layer + 1]], .float32, seed: UInt64(10 + layer)))
            args.append(KernelTableConformanceTests.random([sizes[layer + 1]], .float32, seed: UInt64(20 + layer)))
        }
        #expect(Self.mismatches(try f.call(args), try g.call(args)) == 0)
    }

    /// Odd shapes, and shapes across the GEMM's blocks (193 rows, k = 257), both dtypes, with and without
    /// relu, the bias on either side; x holds a NaN, which reaches its whole row.
    @Test(arguments: [DType.float32, .float64])
    func valuesAreBitIdenticalToTheUnfusedGraph(_ dtype: DType) throws {
        let (x, w, b) = Self.variables(dtype)
        let expressions = [relu(dot(x, w) + b), dot(x, w) + b, relu(b + dot(x, w)), b + dot(x, w)]
        for (m, k, n) in [(37, 53, 61), (193, 257, 33), (2, 3, 2), (13, 1, 40), (300, 20, 520)] {
            var values = KernelTableConformanceTests.random([m, k], .float64, seed: UInt64(m)).doubles
            values[k] = .nan
            let xv = NDArray(values, shape: [m, k]).astype(dtype)
            let wv = KernelTableConformanceTests.random([k, n], dtype, seed: UInt64(n)), bv = KernelTableConformanceTests.random([n], dtype, seed: 5)
            for (index, expr) in expressions.enumerated() {
                let fused = try function([x, w, b], expr), plain = try function([x, w, b], expr, mode: Self.unfused)
                #expect(Self.fusedNodes(fused).count == 1 && Self.fusedNodes(plain).isEmpty)
                let (got, expected) = (try fused.call([xv, wv, bv]), try plain.call([xv, wv, bv]))
                #expect(got.shape == [m, n] && got.dtype == dtype)
                #expect(Self.mismatches(got, expected) == 0, "\((m, k, n)) \(dtype) expression \(index) on \(CPUISA.active)")
                #expect(got.doubles[n..<2 * n].allSatisfy(\.isNaN) && !got.doubles[0].isNaN)
            }
        }
    }

    /// relu as the scalar op defines it: NaN stays NaN, negatives and zero sums become +0.
    @Test func reluOfNaNAndZerosMatchesTheScalarOp() throws {
        let (x, w, b) = Self.variables(.float64)
        let f = try function([x, w, b], relu(dot(x, w) + b))
        #expect(Self.fusedNodes(f).count == 1)
        // Row 0: 1 - 1 = 0, NaN, -2 + 1 = -1 → +0, 1 + 3 - 1 = 3.
        let args = [NDArray([[1.0, 1.0], [2.0, 0.5]]), NDArray([[1.0, .nan, -2.0, 1.0], [0.0, 0.0, 1.0, 3.0]]), NDArray([-1.0, 0.0, -0.0, -1.0])]
        let result = try f.call(args)
        #expect(Self.bits(result) == Self.bits(try function([x, w, b], relu(dot(x, w) + b), mode: Self.unfused).call(args)))
        #expect(Self.bits(result.sliced([(0, 1, 1), (0, 4, 1)]).contiguous()) == Self.bits(NDArray([[0.0, .nan, 0.0, 3.0]])), "\(result.doubles)")
    }

    /// The kernel against the op's reference `perform`: small integers keep every sum exact, so the GEMM
    /// with its epilogue must match the reference loop bit for bit; a strided bias takes the unfused path.
    @Test(arguments: [DType.float32, .float64])
    func theKernelMatchesTheReferencePerform(_ dtype: DType) throws {
        let (x, w, b) = Self.variables(dtype)
        for expr in [relu(dot(x, w) + b), b + dot(x, w)] {
            let op = try #require(Self.fusedNodes(try function([x, w, b], expr)).first)
            let kernel = try #require(KernelTable.cpu.implementation(for: op))
            for (m, k, n) in [(193, 257, 33), (25, 17, 2049), (7, 300, 9)] {
                let xv = BuiltInGEMMTests.integers([m, k], dtype, seed: 1), wv = BuiltInGEMMTests.integers([k, n], dtype, seed: 2)
                let wide = BuiltInGEMMTests.integers([2 * n], dtype, seed: 3)
                let row = wide.reshaped([1, 2 * n])
                for bias in [row.sliced([(0, 1, 1), (0, n, 1)]), row.sliced([(0, 1, 1), (0, n, 2)])] {
                    var inputs = [xv, wv, bias]
                    if op.relu { inputs.append(NDArray(zeros: [1, 1], dtype: dtype)) }
                    if op.biasInput == 3 { inputs.swapAt(2, 3) }
                    let expected = try op.perform(inputs)[0]
                    #expect(Self.mismatches(try kernel(inputs)[0], expected) == 0, "\(op) \((m, k, n)) \(dtype) bias strides \(bias.strides)")
                }
            }
        }
    }

    /// The built-in GEMM with the epilogue, called directly (whatever CBLAS is loaded), on shapes either
    /// side of every blocking boundary, split over the cores by rows or by columns: small integers keep
    /// every sum exact, so each tile must equal the reference product plus bias, then relu.
    @Test(arguments: [DType.float32, .float64])
    func theEpilogueReachesEveryTileAcrossTheBlockingBoundaries(_ dtype: DType) {
        // One row or column goes to GEMV, which the fused node never uses (it falls back there).
        for (index, shape) in BuiltInGEMMTests.boundaryShapes.enumerated() where shape.m > 1 && shape.n > 1 {
            let a = BuiltInGEMMTests.integers([shape.m, shape.k], dtype, seed: UInt64(2 * index))
            let b = BuiltInGEMMTests.integers([shape.k, shape.n], dtype, seed: UInt64(2 * index + 1))
            let bias = BuiltInGEMMTests.integers([shape.n], dtype, seed: 99)
            let product = referenceMatrixMultiply(a, b).doubles, biasValues = bias.doubles
            for relu in [false, true] {
                let out = NDArray(uninitialized: [shape.m, shape.n], dtype: dtype)
                MatMulJob(a: MatrixOperand(a), b: MatrixOperand(b), c: out.baseAddress, m: shape.m, n: shape.n, k: shape.k,
                          isFloat32: dtype == .float32, bias: bias.baseAddress, relu: relu).runSplit()
                let expected = product.indices.map { i in
                    let v = product[i] + biasValues[i % shape.n]
                    return relu ? (v > 0 ? v : (v < 0 ? 0 : v)) : v
                }
                let got = withExtendedLifetime((a, b, bias)) { Self.bits(out) }
                #expect(zip(got, expected.map(\.bitPattern)).filter { $0 != $1 }.count == 0, "\(shape) \(dtype) relu \(relu) on \(CPUISA.active)")
            }
        }
    }

    @Test func theGradientFlowsThroughTheFusedNode() throws {
        let (x, w, b) = Self.variables(.float64)
        let f = try function([x, w, b], relu(dot(x, w) + b))
        let op = try #require(Self.fusedNodes(f).first)
        let xv = NDArray([[0.3, -1.2, 0.5], [2.0, 1.1, -0.4]]), wv = NDArray([[1.0, -0.5], [0.25, 2.0], [-1.5, 0.75]])
        let slope = TensorConstant(NDArray(zeros: [1, 1], dtype: .float64))
        try verifyGrad({ op([$0[0], $0[1], $0[2].dimshuffle(nil, 0), slope]) }, at: [xv, wv, NDArray([0.7, -0.3])])
        try verifyGrad({ op([$0[0], $0[1], $0[2].dimshuffle(nil, 0), slope]) }, at: [xv, wv, NDArray([0.7, -0.3])], mode: .fastRun)
        // The gradient of the graph that gets fused equals the unfused graph's.
        let cost = Theano.sum(relu(dot(x, w) + b) * 3)
        let grads = try Theano.grad(cost, wrt: [x, w, b])
        let args = [xv, wv, NDArray([0.7, -0.3])]
        let fused = try function([x, w, b], grads), plain = try function([x, w, b], grads, mode: Self.unfused)
        #expect(zip(try fused.call(args), try plain.call(args)).allSatisfy { Self.mismatches($0, $1) == 0 })
    }

    /// Misaligned operands fail as the unfused `dot` does, naming both shapes; a bias of the wrong width
    /// fails too.
    @Test func aBadShapeThrowsTheErrorOfTheUnfusedDot() throws {
        let (x, w, b) = Self.variables(.float32)
        let expr = relu(dot(x, w) + b)
        let args: [NDArray] = [NDArray(zeros: [3, 4], dtype: .float32), NDArray(zeros: [5, 2], dtype: .float32), NDArray(zeros: [2], dtype: .float32)]
        let fused = try function([x, w, b], expr)
        #expect(Self.fusedNodes(fused).count == 1)
        let got = try #require(throws: TheanoError.self) { try fused.call(args) }
        let expected = try #require(throws: TheanoError.self) { try function([x, w, b], expr, mode: Self.unfused).call(args) }
        #expect(got.message == expected.message)
        #expect(got.message.contains("Dot failed") && got.message.contains("[3, 4]") && got.message.contains("[5, 2]"), "\(got.message)")
        let narrow: [NDArray] = [NDArray(zeros: [3, 4], dtype: .float32), NDArray(zeros: [4, 2], dtype: .float32), NDArray(zeros: [3], dtype: .float32)]
        #expect(throws: TheanoError.self) { try fused.call(narrow) }
    }

    @Test func aProductWithAnotherReaderOrOfIntegersIsLeftAlone() throws {
        let (x, w, b) = Self.variables(.float32)
        let p = dot(x, w)
        #expect(Self.fusedNodes(try function([x, w, b], [relu(p + b), p])).isEmpty)
        #expect(Self.fusedNodes(try function([x, w, b], relu(p + b) * 2)).isEmpty)
        let i = imatrix("i"), j = imatrix("j"), c = ivector("c")
        #expect(Self.fusedNodes(try function([i, j, c], dot(i, j) + c)).isEmpty)
        #expect(pp(relu(p + b)).contains("dot(x, w)"))
    }
}
