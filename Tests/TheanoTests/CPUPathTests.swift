import Foundation
import Testing
@testable import Theano

/// The built-in GEMM on the path in use, on shapes either side of every blocking boundary: the micro-tile
/// (6 or 12 rows; 8, 16 or 32 columns), the packed block of A (96 or 192 rows), of k (256 or 128) and
/// of B's columns (1,024 doubles, 2,048 floats). Small integers keep every sum exact, so any path must match the
/// reference loop bit for bit.
@Suite struct BuiltInGEMMTests {
    static func integers(_ shape: [Int], _ dtype: DType, seed: UInt64) -> NDArray {
        var generator = SplitMix64(seed: seed)
        let count = shape.reduce(1, *)
        return NDArray((0..<count).map { _ in Double(Int(generator.nextUnit() * 7) - 3) }, shape: shape).astype(dtype)
    }

    /// The built-in kernel, split over the cores as the VM splits it, whatever CBLAS is loaded.
    static func builtIn(_ a: NDArray, _ b: NDArray) -> NDArray {
        let out = NDArray(uninitialized: [a.shape[0], b.shape[1]], dtype: a.dtype)
        MatMulJob(a: MatrixOperand(a), b: MatrixOperand(b), c: out.baseAddress, m: a.shape[0], n: b.shape[1], k: a.shape[1],
                  isFloat32: a.dtype == .float32).runSplit()
        return withExtendedLifetime((a, b)) { out }
    }

    static let boundaryShapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (5, 7, 3), (6, 8, 1), (11, 31, 17), (12, 32, 255), (13, 33, 256), (25, 17, 257),
        (95, 65, 100), (96, 64, 513), (97, 95, 40), (24, 40, 127), (36, 33, 128), (37, 31, 129), (191, 15, 31), (192, 17, 130), (401, 40, 10),
        (193, 15, 31), (7, 1023, 20), (9, 1025, 9), (14, 2047, 5), (3, 2049, 6),
    ]

    @Test(arguments: [DType.float32, .float64])
    func matchesTheReferenceAcrossEveryBlockingBoundary(_ dtype: DType) {
        for (index, shape) in Self.boundaryShapes.enumerated() {
            let a = Self.integers([shape.m, shape.k], dtype, seed: UInt64(2 * index))
            let b = Self.integers([shape.k, shape.n], dtype, seed: UInt64(2 * index + 1))
            let expected = referenceMatrixMultiply(a, b)
            #expect(Self.builtIn(a, b).doubles == expected.doubles, "\(shape) \(dtype) on \(CPUISA.active)")
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func readsTransposedAndSlicedOperandsWithoutCopies(_ dtype: DType) {
        // Aᵀ is read with unit row stride, and B is every other column of a wider matrix.
        let aT = Self.integers([257, 37], dtype, seed: 7)
        let wide = Self.integers([257, 2 * 45], dtype, seed: 8)
        let a = aT.transposed([1, 0]), b = wide.sliced([(0, 257, 1), (0, 45, 2)])
        #expect(a.strides[0] == 1 && b.strides[1] == 2)
        #expect(Self.builtIn(a, b).doubles == referenceMatrixMultiply(a.contiguous(), b.contiguous()).doubles)
    }

    /// Set by `CPUPathTests` in the child processes it starts.
    static let expectedPath = ProcessInfo.processInfo.environment["THEANO_TEST_EXPECTED_CPU_ISA"]

    @Test(.enabled(if: expectedPath != nil))
    func runsOnThePathTheParentForced() {
        #expect(CPUISA.active.description == Self.expectedPath)
        #expect(BackendInfo.cpuFeatures.contains("kernels on the \(CPUISA.active) path"))
    }
}

/// `THEANO_FLAGS=cpu_isa=…` forces a lower instruction-set path, so this machine runs the backend
/// conformance suites on every path it has, each in a child process (the path is fixed per process).
@Suite struct CPUPathTests {
    static let conformanceSuites = "BuiltInGEMMTests|PairwiseSumTests|AxisReductionKernelTests|ArgReduceKernelTests|KernelTableConformanceTests|VMConformanceTests|VMPerOpConformanceTests|DotTests|ElementwiseFunctionTable|ReductionValueTests|GeneratedCTests|GEMMEpilogueTests"

    /// The paths below the detected one; the detected path is the one this process runs.
    static let lowerPaths = CPUISA.allCases.filter { $0.rawValue < CPUISA.detected.rawValue }

    @Test(.enabled(if: CBLASBindingTests.testBundle != nil && BuiltInGEMMTests.expectedPath == nil), arguments: lowerPaths)
    func conformanceSuitesPassOnALowerPath(_ path: CPUISA) throws {
        let flags = [ProcessInfo.processInfo.environment["THEANO_FLAGS"], "cpu_isa=\(path)"].compactMap { $0 }.joined(separator: ",")
        let (status, output) = try CBLASBindingTests.runSuites(Self.conformanceSuites, environment: [
            "THEANO_FLAGS": flags, "THEANO_BLAS": "none", "THEANO_TEST_EXPECTED_CPU_ISA": path.description,
        ])
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("runsOnThePathTheParentForced() passed"), "\(output.suffix(3000))")
        #expect(output.contains("Suite KernelTableConformanceTests passed"), "\(output.suffix(3000))")
    }

    @Test func thePathInUseIsNeverAboveWhatTheCPUSupports() {
        #expect(CPUISA.allCases.map(\.description) == ["generic", "avx2", "avx512"])
        #expect(CPUISA.active.rawValue <= CPUISA.detected.rawValue)
        #expect(config.cpuISA == CPUISA.active)
    }

    @Test(.enabled(if: GeneratedCTests.theanoExecutable != nil))
    func theanoInfoNamesThePath() throws {
        let forced = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: ["THEANO_FLAGS": "cpu_isa=generic"]))
        #expect(forced.output.contains("kernels on the generic path"), "\(forced.output)")
        let unknown = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: ["THEANO_FLAGS": "cpu_isa=sse9"]))
        #expect(unknown.output.contains("cpu_isa=sse9 names no path"), "\(unknown.output)")
        #expect(unknown.output.contains("kernels on the \(CPUISA.detected) path"), "\(unknown.output)")
    }
}

/// Sums keep numpy's pairwise order, and its bits, on every path: the vector kernels hold numpy's eight
/// accumulators in one AVX-512 register, two AVX2 registers or eight scalars.
@Suite struct PairwiseSumTests {
    static func harmonic(_ n: Int) -> [Double] { (1...Swift.max(n, 1)).prefix(n).map { 1 / Double($0) } }

    @Test func theVectorKernelsFollowTheReferenceTreeBitForBit() {
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 1000, 2049, 4097, 100_003] {
            let values = Self.harmonic(n).enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element * 1.5 }
            let floats = values.map { Float($0) }
            values.withUnsafeBufferPointer { p in
                #expect(VectorPairwiseSum.sum(p.baseAddress!, n) == PairwiseSum.sum(p.baseAddress!, n), "float64, n = \(n), \(CPUISA.active)")
            }
            floats.withUnsafeBufferPointer { p in
                #expect(VectorPairwiseSum.sum(p.baseAddress!, n) == PairwiseSum.sum(p.baseAddress!, n), "float32, n = \(n), \(CPUISA.active)")
            }
        }
    }

    /// numpy 2: `np.sum(1 / np.arange(1, n + 1))` and `np.sum((1 / np.arange(1, n + 1)) ** 2)`; a
    /// running sum gives 5.44089903057367, 7.485470860550343 and 12.090176129263348.
    @Test(arguments: [(129, 5.440899030573669, 1.6372120974969775), (1000, 7.485470860550345, 1.6439345666815601),
                      (100_003, 12.090176129263444, 1.6449240671982146)])
    func sumsGiveNumpysBits(_ n: Int, _ sum: Double, _ sumOfSquares: Double) throws {
        let x = dvector("x")
        let f = try function([x], [Theano.sum(x), Theano.sum(x ** 2)])
        let results = try f(NDArray(Self.harmonic(n)))
        #expect(results[0].doubles == [sum], "n = \(n) on \(CPUISA.active)")
        #expect(results[1].doubles == [sumOfSquares], "n = \(n) on \(CPUISA.active)")
    }
}

/// With a CBLAS loaded, each shape goes to the faster of the two kernels, decided once per process.
@Suite struct GEMMChoiceTests {
    @Test(.enabled(if: CBLAS.loaded.library != nil, "needs a CBLAS"))
    func aShapeIsTimedOnceAndThenAlwaysGoesToTheSameKernel() throws {
        // A shape no other test multiplies, so this test sees its first product.
        let a = KernelTableConformanceTests.random([41, 61], .float64, seed: 3), b = KernelTableConformanceTests.random([61, 37], .float64, seed: 4)
        let shape = GEMMChoice.Shape(m: 41, n: 37, k: 61, isFloat32: false, transposedA: false, transposedB: false)
        #expect(GEMMChoice.choice(shape) == nil)
        let first = matrixMultiply(a, b)
        let kernel = try #require(GEMMChoice.choice(shape))
        #expect(GEMMChoice.decided.contains { $0.0 == shape && $0.1 == kernel })
        let again = matrixMultiply(a, b)
        #expect(first.doubles == again.doubles)
        let expected = kernel == .builtIn ? builtInMultiply(a, b) : matrixMultiply(a, b)
        #expect(first.doubles == expected.doubles)
        #expect(zip(first.doubles, referenceMatrixMultiply(a, b).doubles).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    }

    @Test func largeAndSmallProductsAreNotTimed() {
        let large = GEMMChoice.Shape(m: 1024, n: 1024, k: 1024, isFloat32: true, transposedA: false, transposedB: false)
        #expect(GEMMChoice.choice(large) == .blas)
        let small = GEMMChoice.Shape(m: 4, n: 8, k: 2, isFloat32: false, transposedA: false, transposedB: false)
        #expect(GEMMChoice.choice(small) == .builtIn)
        #expect(!GEMMChoice.decided.contains { $0.0 == small }, "a small product is never timed")
    }
}
