import Testing
@testable import Theano

/// The CPU backend's `StructuredDot` kernel (`SparseDot`) against the op's `perform`, on matrices large
/// enough to take each of its split paths over the cores, and on its own checks of the pattern.
@Suite struct SparseKernelTests {
    /// A random (rows, columns) matrix of `format` with about `density` of its elements stored.
    static func random(_ rows: Int, _ columns: Int, density: Double, _ format: SparseFormat, _ dtype: DType, seed: UInt64) -> SparseMatrix {
        var generator = SplitMix64(seed: seed)
        let values = (0..<rows * columns).map { _ in generator.nextUnit() < density ? generator.nextUnit() * 2 - 1 : 0 }
        return try! SparseMatrix(dense: NDArray(values, shape: [rows, columns]).astype(dtype), format: format)
    }

    static func kernel(_ op: StructuredDot, _ inputs: [NDArray]) throws -> NDArray {
        let implementation = try #require(KernelTable.cpu.implementation(for: op))
        return try implementation(inputs)[0]
    }

    @Test(arguments: [DType.float32, .float64])
    func everySplitPathMatchesTheReference(_ dtype: DType) throws {
        // (rows, columns, dense columns): one column (CSC sums per-core buffers), few, and many (CSC splits
        // the output columns); small ones run on one core.
        let cases: [(Int, Int, Int?)] = [(400, 900, nil), (400, 900, 1), (300, 500, 3), (200, 300, 40), (7, 5, 2), (0, 4, 3), (5, 0, 2)]
        for format in SparseFormat.allCases {
            for (seed, (m, k, n)) in cases.enumerated() {
                let a = Self.random(m, k, density: 0.05, format, dtype, seed: UInt64(seed))
                let b = KernelTableConformanceTests.random(n.map { [k, $0] } ?? [k], dtype, seed: UInt64(100 + seed))
                let op = StructuredDot(format: format)
                let fast = try Self.kernel(op, a.arguments + [b]), slow = try op.perform(a.arguments + [b])[0]
                #expect(fast.shape == slow.shape && fast.dtype == slow.dtype, "\(format) \(m)x\(k) · \(n.map(String.init) ?? "vector")")
                #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-4 : 1e-12), "\(format) \(m)x\(k) · \(n.map(String.init) ?? "vector")")
            }
        }
    }

    @Test func theCPUBackendRunsTheKernelInAGraph() throws {
        // A strided dense operand (a transpose) and mixed dtypes go through the same kernel.
        let x = csrMatrix("x", dtype: .float32), d = dmatrix("d")
        let value = Self.random(50, 60, density: 0.1, .csr, .float32, seed: 7)
        let dense = KernelTableConformanceTests.random([3, 60], .float64, seed: 8)
        let expr = structuredDot(x, d.T)
        let fast = try function(x.inputs + [d], expr, mode: .fastRun).call(value.arguments + [dense])
        let slow = try function(x.inputs + [d], expr, mode: .reference).call(value.arguments + [dense])
        #expect(fast.dtype == .float64 && fast.shape == [50, 3] && close(fast.doubles, slow.doubles, tolerance: 1e-12))
    }

    @Test func theKernelChecksThePatternItReads() throws {
        let a = Self.random(6, 4, density: 0.5, .csr, .float64, seed: 3)
        var parts = a.arguments
        var indices = parts[1].scalars(as: Int32.self)
        indices[indices.count - 1] = 4
        parts[1] = NDArray(indices, shape: [indices.count])
        let b = NDArray(zeros: [4, 2], dtype: .float64)
        let failure = try #require(throws: OpFailure.self) { try Self.kernel(StructuredDot(format: .csr), parts + [b]) }
        #expect(failure.input == 1 && failure.message.contains("index 4 at position \(indices.count - 1) is out of range for 4 columns"))
        var pointers = a.arguments[2].scalars(as: Int32.self)
        pointers[0] = 1
        let start = try #require(throws: OpFailure.self) {
            try Self.kernel(StructuredDot(format: .csc), [a.data, a.indices, NDArray(pointers, shape: [pointers.count]), NDArray([Int64(4), 6], shape: [2]), NDArray(zeros: [6], dtype: .float64)])
        }
        #expect(start.input == 2 && start.message.contains("indptr must start at 0"))
    }
}
