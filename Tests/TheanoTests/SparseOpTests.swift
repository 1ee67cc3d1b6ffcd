import Foundation
import Testing
@testable import Theano

/// Sparse values and graphs against scipy 1.17 (numbers from `scipy.sparse` on the same matrices), on
/// the reference executor and on the CPU backend.
enum SparseRun {
    static let modes: [Mode] = [.reference, .fastRun]

    /// The outputs in `mode`, after checking that the other modes agree.
    static func all(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ args: [NDArray],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [NDArray] {
        let reference = try function(inputs, outputs, mode: .reference, onUnusedInput: .ignore).call(args)
        for mode in [Mode.fastRun, .debug] {
            let other = try function(inputs, outputs, mode: mode, onUnusedInput: .ignore).call(args)
            for (r, o) in zip(reference, other) {
                #expect(r.shape == o.shape && r.dtype == o.dtype && close(r.doubles, o.doubles, tolerance: 1e-12),
                        "\(mode.name): \(o) differs from the reference \(r)", sourceLocation: sourceLocation)
            }
        }
        return reference
    }
}

@Suite struct SparseOpTests {
    // A (3, 4) with 5 stored values, B (4, 2) dense, C (3, 4) a second pattern.
    static let a = NDArray([1.0, 0, 2, 0, 0, 0, 0, 3, 4, 5, 0, 0], shape: [3, 4])
    static let b = NDArray([1.0, -1, 2, 0.5, 0, 3, -2, 1], shape: [4, 2])
    static let c = NDArray([0.0, 0, -1, 0, 0, 6, 0, 0.5, 1, 0, 0, 0], shape: [3, 4])
    static let csr = try! SparseMatrix(dense: a, format: .csr)
    static let csc = try! SparseMatrix(dense: a, format: .csc)

    @Test func valuesConvertFromAndToDenseAsScipyStoresThem() throws {
        #expect(Self.csr.data.doubles == [1, 2, 3, 4, 5] && Self.csr.indices.scalars(as: Int32.self) == [0, 2, 3, 0, 1])
        #expect(Self.csr.indptr.scalars(as: Int32.self) == [0, 2, 3, 5] && Self.csr.shape == [3, 4] && Self.csr.nnz == 5)
        #expect(Self.csc.data.doubles == [1, 4, 5, 2, 3] && Self.csc.indices.scalars(as: Int32.self) == [0, 2, 2, 0, 1])
        #expect(Self.csc.indptr.scalars(as: Int32.self) == [0, 2, 3, 4, 5])
        #expect(Self.csr.toDense().doubles == Self.a.doubles && Self.csc.toDense().doubles == Self.a.doubles)
        #expect(Self.csr.T.toDense().doubles == Self.a.T.copy().doubles && Self.csr.T.format == .csc)
        let converted = Self.csr.asFormat(.csc)
        #expect(converted.data.doubles == Self.csc.data.doubles && converted.indices.scalars(as: Int32.self) == [0, 2, 2, 0, 1])
        // Duplicates add up when made dense, as scipy's do.
        let duplicated = try SparseMatrix(format: .csr, data: NDArray([1.0, 2], shape: [2]), indices: NDArray([Int32(1), 1], shape: [2]),
                                          indptr: NDArray([Int32(0), 2], shape: [2]), shape: [1, 2])
        #expect(duplicated.toDense().doubles == [0, 3])
        #expect(try SparseMatrix(dense: NDArray([Float(0), 1.5, -2, 0], shape: [2, 2])).dtype == .float32)
    }

    @Test func structuredDotWithDenseOperandsOnEitherSideMatchesNumpy() throws {
        for format in SparseFormat.allCases {
            let x = sparseMatrix(format, "x", dtype: .float64), y = dmatrix("y"), v = dvector("v"), d = dmatrix("d")
            let value = format == .csr ? Self.csr : Self.csc
            let out = try SparseRun.all(x.inputs + [y, v, d], [structuredDot(x, y), dot(x, v), structuredDot(d, x), dot(d, x)],
                                        value.arguments + [Self.b, NDArray([1.0, -1, 2, 0.5], shape: [4]), NDArray([1.0, 2, 3, 0, -1, 1], shape: [2, 3])])
            #expect(out[0].shape == [3, 2] && out[0].doubles == [1, 5, -6, 3, 14, -1.5], "\(format)")
            #expect(out[1].shape == [3] && out[1].doubles == [5, 1.5, -1])
            #expect(out[2].shape == [2, 4] && out[2].doubles == [13, 15, 2, 6, 4, 5, 0, -3] && out[3].doubles == out[2].doubles)
        }
        // float32 stays float32; integer values and a float32 operand give float64 (Theano's upcast).
        let x = csrMatrix("x", dtype: .float32), y = fmatrix("y")
        #expect(structuredDot(x, y).dtype == .float32)
        #expect(structuredDot(csrMatrix("i", dtype: .int32), y).dtype == .float64)
    }

    @Test func transposeIsTheOtherFormatOverTheSameArrays() throws {
        let x = csrMatrix("x", dtype: .float64)
        let t = x.T
        #expect(t.format == .csc && transpose(x).format == .csc && t.data === x.data)
        let out = try SparseRun.all(x.inputs, [t.toDense(), t.shape], Self.csr.arguments)
        #expect(out[0].shape == [4, 3] && out[0].doubles == Self.a.T.copy().doubles)
        #expect(out[1].scalars(as: Int64.self) == [4, 3])
    }

    @Test func addAndMulWithSparseOrDenseOperandsMatchScipy() throws {
        let x = csrMatrix("x", dtype: .float64), z = csrMatrix("z", dtype: .float64), d = dmatrix("d"), r = drow("r"), v = dvector("v")
        let cValue = try SparseMatrix(dense: Self.c)
        let sum = x + z, product = x * z, scaled = x * d, byRow = x * r, byVector = v * x
        let out = try SparseRun.all(x.inputs + z.inputs + [d, r, v],
                                    sum.inputs + [product.data, product.indices, product.indptr, product.toDense(),
                                                  scaled.toDense(), byRow.toDense(), byVector.data, x + d, d + x],
                                    Self.csr.arguments + cValue.arguments + [Self.c, NDArray([1.0, 2, 3, 4], shape: [1, 4]), NDArray([1.0, 2, 3, 4], shape: [4])])
        // scipy: (A + C) sorted, data [1, 1, 6, 3.5, 5, 5], indices [0, 2, 1, 3, 0, 1], indptr [0, 2, 4, 6].
        #expect(out[0].doubles == [1, 1, 6, 3.5, 5, 5] && out[1].scalars(as: Int32.self) == [0, 2, 1, 3, 0, 1])
        #expect(out[2].scalars(as: Int32.self) == [0, 2, 4, 6] && out[3].scalars(as: Int64.self) == [3, 4])
        // scipy: A.multiply(C) has data [-2, 1.5, 4], indices [2, 3, 0], indptr [0, 1, 2, 3].
        #expect(out[4].doubles == [-2, 1.5, 4] && out[5].scalars(as: Int32.self) == [2, 3, 0] && out[6].scalars(as: Int32.self) == [0, 1, 2, 3])
        #expect(out[7].doubles == [0, 0, -2, 0, 0, 0, 0, 1.5, 4, 0, 0, 0])
        #expect(out[8].doubles == [0, 0, -2, 0, 0, 0, 0, 1.5, 4, 0, 0, 0])
        // scipy: A.multiply([[1, 2, 3, 4]]).
        #expect(out[9].doubles == [1, 0, 6, 0, 0, 0, 0, 12, 4, 10, 0, 0])
        #expect(out[10].doubles == [1, 6, 12, 4, 10])
        let dense = zip(Self.a.doubles, Self.c.doubles).map { $0 + $1 }
        #expect(out[11].doubles == dense && out[12].doubles == dense)
    }

    @Test func structuredUnaryOpsTouchOnlyTheStoredValues() throws {
        let x = csrMatrix("x", dtype: .float64)
        let out = try SparseRun.all(x.inputs, [structuredSigmoid(x).data, structuredSigmoid(x).toDense(), sqr(x).data, structuredExp(x).data,
                                               structuredPow(x, 3.0).data, structuredAdd(x, 1.0).data, structuredMinimum(x, 2.5).data,
                                               sqrt(x).data, neg(x).data, tanh(x).data, log1p(x).data, structuredLog(x).data],
                                    Self.csr.arguments)
        #expect(close(out[0].doubles, [0.7310585786300049, 0.8807970779778823, 0.9525741268224334, 0.9820137900379085, 0.9933071490757153], tolerance: 1e-15))
        #expect(out[1].doubles[1] == 0 && out[1].doubles[3] == 0 && close([out[1].doubles[0]], [0.7310585786300049], tolerance: 1e-15))
        #expect(out[2].doubles == [1, 4, 9, 16, 25])
        #expect(close(out[3].doubles, [1, 2, 3, 4, 5].map { Foundation.exp($0) }, tolerance: 1e-13))
        #expect(out[4].doubles == [1, 8, 27, 64, 125] && out[5].doubles == [2, 3, 4, 5, 6] && out[6].doubles == [1, 2, 2.5, 2.5, 2.5])
        #expect(close(out[7].doubles, [1, 2, 3, 4, 5].map { Foundation.sqrt($0) }) && out[8].doubles == [-1, -2, -3, -4, -5])
        #expect(close(out[9].doubles, [1, 2, 3, 4, 5].map { Foundation.tanh($0) }) && close(out[10].doubles, [1, 2, 3, 4, 5].map { Foundation.log1p($0) }))
        #expect(close(out[11].doubles, [1, 2, 3, 4, 5].map { Foundation.log($0) }))
    }

    @Test func sumsAlongEachAxisMatchScipy() throws {
        for value in [Self.csr, Self.csc] {
            let x = sparseMatrix(value.format, "x", dtype: .float64)
            let out = try SparseRun.all(x.inputs, [sum(x), x.sum(axis: 0), x.sum(axis: 1), sum(x, axis: -1)], value.arguments)
            #expect(out[0].item() == 15 && out[1].doubles == [5, 5, 2, 3] && out[2].doubles == [3, 3, 9] && out[3].doubles == [3, 3, 9])
        }
    }

    @Test func sparseFromDenseFindsTheNonzerosAsScipyDoes() throws {
        let d = dmatrix("d")
        let s = csrFromDense(d), t = cscFromDense(d)
        let out = try SparseRun.all([d], s.inputs + t.inputs + [s.toDense()], [Self.a])
        #expect(out[0].doubles == [1, 2, 3, 4, 5] && out[1].scalars(as: Int32.self) == [0, 2, 3, 0, 1] && out[2].scalars(as: Int32.self) == [0, 2, 3, 5])
        #expect(out[3].scalars(as: Int64.self) == [3, 4])
        #expect(out[4].doubles == [1, 4, 5, 2, 3] && out[5].scalars(as: Int32.self) == [0, 2, 2, 0, 1] && out[6].scalars(as: Int32.self) == [0, 2, 3, 4, 5])
        #expect(out[8].doubles == Self.a.doubles)
    }

    @Test func rowAndColumnSlicesMatchScipy() throws {
        let x = csrMatrix("x", dtype: .float64), y = cscMatrix("y", dtype: .float64)
        let rows = x[rows: 1..<3], columns = x[columns: 1..<3], cscColumns = y.columns(1, 3), tail = x.rows(-1), empty = x.rows(5, 9)
        let out = try SparseRun.all(x.inputs + y.inputs, rows.inputs + columns.inputs + cscColumns.inputs + [tail.toDense(), empty.shape],
                                    Self.csr.arguments + Self.csc.arguments)
        // scipy: A[1:3] has data [3, 4, 5], indices [3, 0, 1], indptr [0, 1, 3].
        #expect(out[0].doubles == [3, 4, 5] && out[1].scalars(as: Int32.self) == [3, 0, 1] && out[2].scalars(as: Int32.self) == [0, 1, 3])
        #expect(out[3].scalars(as: Int64.self) == [2, 4])
        // scipy: A[:, 1:3] has data [2, 5], indices [1, 0], indptr [0, 1, 1, 2], shape (3, 2).
        #expect(out[4].doubles == [2, 5] && out[5].scalars(as: Int32.self) == [1, 0] && out[6].scalars(as: Int32.self) == [0, 1, 1, 2])
        #expect(out[7].scalars(as: Int64.self) == [3, 2])
        // scipy: csc A[:, 1:3] has data [5, 2], indices [2, 0], indptr [0, 1, 2].
        #expect(out[8].doubles == [5, 2] && out[9].scalars(as: Int32.self) == [2, 0] && out[10].scalars(as: Int32.self) == [0, 1, 2])
        #expect(out[12].doubles == [4, 5, 0, 0] && out[13].scalars(as: Int64.self) == [0, 4])
    }

    @Test func csmPropertiesAndCSMTakeAMatrixApartAndPutItBack() throws {
        let x = csrMatrix("x", dtype: .float64)
        let parts = csmProperties(x)
        #expect(parts.data === x.data && parts.indices === x.indices && parts.indptr === x.indptr && parts.shape === x.shape)
        // Doubling the values of the parts and reassembling them.
        let rebuilt = csm(.csr, data: parts.data * 2, indices: parts.indices, indptr: parts.indptr, shape: parts.shape)
        let out = try SparseRun.all(x.inputs, [rebuilt.toDense()], Self.csr.arguments)
        #expect(out[0].doubles == Self.a.doubles.map { $0 * 2 })
        // A constant sparse matrix in a graph.
        let k = constant(Self.csc)
        #expect(try SparseRun.all([], [k.toDense()], [])[0].doubles == Self.a.doubles)
    }

    @Test func samplingDotComputesOnlyAtThePattern() throws {
        let x = dmatrix("x"), y = dmatrix("y"), p = csrMatrix("p", dtype: .float64)
        let out = try SparseRun.all([x, y] + p.inputs, [samplingDot(x, y, p).toDense(), samplingDot(x, y, p).indices],
                                    [NDArray([1.0, 2, 0, 1, -1, 1], shape: [3, 2]), NDArray([1.0, 0, 2, 1, 0, -1, 1, 1], shape: [4, 2])] + Self.csr.arguments)
        // scipy: A.multiply(x @ y.T).
        #expect(out[0].doubles == [1, 0, -4, 0, 0, 0, 0, 3, -4, -5, 0, 0] && out[1].scalars(as: Int32.self) == [0, 2, 3, 0, 1])
    }
}
