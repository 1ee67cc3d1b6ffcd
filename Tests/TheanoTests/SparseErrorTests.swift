import Foundation
import Testing
@testable import Theano

/// Bad sparse values: each is a thrown `TheanoError` naming the op, the input and what was expected,
/// on the reference executor and on the CPU backend (whose `StructuredDot` kernel checks for itself).
@Suite struct SparseErrorTests {
    static let modes: [Mode] = [.reference, .fastRun]

    func failure(_ inputs: [TensorVariable], _ output: TensorVariable, _ args: [NDArray], _ mode: Mode,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(throws: TheanoError.self, sourceLocation: sourceLocation) { try function(inputs, output, mode: mode, onUnusedInput: .ignore).call(args) }.message
    }

    static func ints(_ values: [Int32]) -> NDArray { NDArray(values, shape: [values.count]) }

    @Test(arguments: modes)
    func structuredDotRefusesOperandsThatDoNotAlign(_ mode: Mode) throws {
        let x = csrMatrix("x", dtype: .float64), y = dmatrix("y")
        let message = try failure(x.inputs + [y], structuredDot(x, y), SparseOpTests.csr.arguments + [NDArray(zeros: [3, 2], dtype: .float64)], mode)
        #expect(message.contains("StructuredDot{csr} failed") && message.contains("not aligned: 4 columns against 3 rows") && message.contains("input 4: y"), "\(message)")
    }

    @Test(arguments: modes)
    func inconsistentPartsAreRefusedNamingThePart(_ mode: Mode) throws {
        let x = csrMatrix("x", dtype: .float64), y = dmatrix("y")
        let parts = SparseOpTests.csr.arguments, b = SparseOpTests.b
        for (n, output) in [structuredDot(x, y), x.toDense(), x.sum(axis: 0)].enumerated() {
            let inputs = x.inputs + [y]
            let bad = try failure(inputs, output, [parts[0], Self.ints([0, 2, 4, 0, 1]), parts[2], parts[3], b], mode)
            #expect(bad.contains("index 4 at position 2 is out of range for 4 columns") && bad.contains("input 1: x.indices"), "\(bad)")
            let short = try failure(inputs, output, [parts[0], parts[1], Self.ints([0, 2, 5]), parts[3], b], mode)
            #expect(short.contains("indptr must have 4 entries") && short.contains("x.indptr"), "\(short)")
            let decreasing = try failure(inputs, output, [parts[0], parts[1], Self.ints([0, 3, 2, 5]), parts[3], b], mode)
            #expect(decreasing.contains("indptr must not decrease, but entry 2 is 2 after 3"), "\(decreasing)")
            let ends = try failure(inputs, output, [parts[0], parts[1], Self.ints([0, 2, 3, 4]), parts[3], b], mode)
            #expect(ends.contains("indptr ends at 4 but there are 5 indices"), "\(ends)")
            let data = try failure(inputs, output, [NDArray([1.0, 2], shape: [2]), parts[1], parts[2], parts[3], b], mode)
            // The kernel checks sizes before it reads the pattern, so its message words this differently.
            let kernelWords = mode == .fastRun && n == 0
            #expect(data.contains(kernelWords ? "data has 2 values but indices has shape [5]" : "data has 2 values but there are 5 indices") && data.contains("input 0: x.data"), "\(data)")
            let shape = try failure(inputs, output, [parts[0], parts[1], parts[2], NDArray([Int64(3)], shape: [1]), b], mode)
            #expect(shape.contains("vector of 2 sizes") && shape.contains("x.shape"), "\(shape)")
        }
    }

    @Test(arguments: modes)
    func elementwiseOperandsMustHaveOneShape(_ mode: Mode) throws {
        let x = csrMatrix("x", dtype: .float64), z = csrMatrix("z", dtype: .float64), d = dmatrix("d")
        let small = try SparseMatrix(dense: NDArray([1.0, 0, 0, 2], shape: [2, 2]))
        let added = try failure(x.inputs + z.inputs, (x + z).data, SparseOpTests.csr.arguments + small.arguments, mode)
        #expect(added.contains("SparseMerge{csr, union} failed") && added.contains("shapes [3, 4] and [2, 2]"), "\(added)")
        let scaled = try failure(x.inputs + [d], (x * d).data, SparseOpTests.csr.arguments + [NDArray(zeros: [3, 3], dtype: .float64)], mode)
        #expect(scaled.contains("SparseGather") && scaled.contains("the dense operand has shape [3, 3] but the sparse matrix has shape [3, 4]"), "\(scaled)")
        let twice = try SparseMatrix(format: .csr, data: NDArray([1.0, 2, 3, 4, 5], shape: [5]), indices: Self.ints([0, 0, 3, 0, 1]),
                                     indptr: Self.ints([0, 2, 3, 5]), shape: [3, 4])
        let product = try failure(x.inputs + z.inputs, (x * z).data, twice.arguments + SparseOpTests.csr.arguments, mode)
        #expect(product.contains("index 0 is stored twice in row 0; sum the duplicates first"), "\(product)")
        let sampled = try failure([d] + x.inputs, samplingDot(d, d, x).data, [NDArray(zeros: [2, 2], dtype: .float64)] + SparseOpTests.csr.arguments, mode)
        #expect(sampled.contains("x has 2 rows but the pattern has shape [3, 4]"), "\(sampled)")
    }

    @Test(arguments: modes)
    func slicesAndConversionsCheckThePatternToo(_ mode: Mode) throws {
        let x = csrMatrix("x", dtype: .float64)
        let parts = SparseOpTests.csr.arguments
        let bad = [parts[0], parts[1], Self.ints([0, 2, 3, 9]), parts[3]]
        let rows = try failure(x.inputs, x[rows: 0..<2].data, bad, mode)
        #expect(rows.contains("SparseSlice{csr, axis=0, 0:2} failed: indptr ends at 9 but there are 5 indices") && rows.contains("x.indptr"), "\(rows)")
        let columns = try failure(x.inputs, x[columns: 1..<3].toDense(), bad, mode)
        #expect(columns.contains("SparseSlice{csr, axis=1, 1:3} failed"), "\(columns)")
        let sums = try failure(x.inputs, sum(x, axis: 1), bad, mode)
        #expect(sums.contains("SparseSum{csr, axis=1} failed"), "\(sums)")
    }

    @Test func valuesAreCheckedWhenTheyAreMade() throws {
        let bad = try #require(throws: TheanoError.self) {
            try SparseMatrix(format: .csc, data: NDArray([1.0], shape: [1]), indices: Self.ints([3]), indptr: Self.ints([0, 1, 1]), shape: [3, 2])
        }
        #expect(bad.message == "SparseMatrix: index 3 at position 0 is out of range for 3 rows" && bad.kind == .indexOutOfRange)
        let shape = try #require(throws: TheanoError.self) {
            try SparseMatrix(format: .csr, data: NDArray([Double](), shape: [0]), indices: Self.ints([]), indptr: Self.ints([0]), shape: [-1, 2])
        }
        #expect(shape.message.contains("the shape must be two sizes between 0 and 2147483647, got [-1, 2]"))
        let dense = try #require(throws: TheanoError.self) { try SparseMatrix(dense: NDArray([1.0, 2], shape: [2])) }
        #expect(dense.message.contains("expected a matrix (rank 2), got shape [2]"))
    }
}
