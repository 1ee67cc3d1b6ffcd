/// A small dense row-major matrix of `Double`s: the working form of one matrix of a linear-algebra op.
///
/// Every linear-algebra op reads its input blocks into these (float32 and integer inputs are widened to
/// float64 first), factors or solves them with ``DenseLinearAlgebra``, and writes the results back in
/// the op's output dtype.
package struct DenseMatrix: Equatable, Sendable {
    package var rows: Int
    package var columns: Int
    /// Row-major elements: element (i, j) is `values[i * columns + j]`.
    package var values: [Double]

    package init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "DenseMatrix: \(values.count) values for \(rows)×\(columns)")
        (self.rows, self.columns, self.values) = (rows, columns, values)
    }

    package init(zeros rows: Int, _ columns: Int) {
        self.init(rows: rows, columns: columns, values: [Double](repeating: 0, count: rows * columns))
    }

    package static func identity(_ n: Int) -> DenseMatrix {
        var m = DenseMatrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A matrix from column-major elements, as LAPACK writes them.
    package init(columnMajor values: [Double], rows: Int, columns: Int, leading: Int? = nil) {
        let ld = leading ?? rows
        var out = [Double](repeating: 0, count: rows * columns)
        for j in 0..<columns { for i in 0..<rows { out[i * columns + j] = values[j * ld + i] } }
        self.init(rows: rows, columns: columns, values: out)
    }

    /// The elements column-major, as LAPACK reads them.
    package var columnMajor: [Double] {
        var out = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = values[i * columns + j] } }
        return out
    }

    package var isSquare: Bool { rows == columns }

    package subscript(i: Int, j: Int) -> Double {
        get { values[i * columns + j] }
        set { values[i * columns + j] = newValue }
    }

    package var transposed: DenseMatrix {
        var out = DenseMatrix(zeros: columns, rows)
        for i in 0..<rows { for j in 0..<columns { out.values[j * rows + i] = values[i * columns + j] } }
        return out
    }

    /// The plain product (i-k-j loop).
    package static func * (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        precondition(a.columns == b.rows, "DenseMatrix: \(a.rows)×\(a.columns) times \(b.rows)×\(b.columns)")
        var out = DenseMatrix(zeros: a.rows, b.columns)
        let n = b.columns
        a.values.withUnsafeBufferPointer { x in
            b.values.withUnsafeBufferPointer { y in
                out.values.withUnsafeMutableBufferPointer { o in
                    for i in 0..<a.rows {
                        for p in 0..<a.columns {
                            let aip = x[i * a.columns + p]
                            if aip == 0 { continue }
                            for j in 0..<n { o[i * n + j] += aip * y[p * n + j] }
                        }
                    }
                }
            }
        }
        return out
    }

    package static func + (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        DenseMatrix(rows: a.rows, columns: a.columns, values: zip(a.values, b.values).map { $0 + $1 })
    }

    package static func - (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        DenseMatrix(rows: a.rows, columns: a.columns, values: zip(a.values, b.values).map { $0 - $1 })
    }

    package static func * (s: Double, a: DenseMatrix) -> DenseMatrix {
        DenseMatrix(rows: a.rows, columns: a.columns, values: a.values.map { s * $0 })
    }

    /// Columns `range` of the matrix.
    package func columns(_ range: Range<Int>) -> DenseMatrix {
        var out = DenseMatrix(zeros: rows, range.count)
        for i in 0..<rows { for (k, j) in range.enumerated() { out[i, k] = self[i, j] } }
        return out
    }

    /// Rows `range` of the matrix.
    package func rows(_ range: Range<Int>) -> DenseMatrix {
        DenseMatrix(rows: range.count, columns: columns, values: Array(values[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The largest column sum of absolute values (the 1-norm).
    package var oneNorm: Double {
        (0..<columns).map { j in (0..<rows).reduce(0) { $0 + Swift.abs(self[$1, j]) } }.max() ?? 0
    }

    /// The square matrix whose `lower` (or upper) triangle is this one's and whose other triangle mirrors it.
    package func symmetrized(fromLower lower: Bool) -> DenseMatrix {
        var out = self
        for i in 0..<rows {
            for j in 0..<i {
                if lower { out[j, i] = self[i, j] } else { out[i, j] = self[j, i] }
            }
        }
        return out
    }

    package var isFinite: Bool { values.allSatisfy(\.isFinite) }

    /// An all-NaN matrix when the `lower` (else upper) triangle holds a NaN, else nil.
    /// NOTE: LAPACK libraries disagree about NaN in `potrf` (reference LAPACK 3.11 reports "not positive
    /// definite", OpenBLAS returns NaNs), so both kernel sets settle it first: NaN in, NaN out.
    package static func nanFactor(_ a: DenseMatrix, lower: Bool) -> DenseMatrix? {
        let n = a.rows
        for i in 0..<n { for j in (lower ? 0..<(i + 1) : i..<n) where a[i, j].isNaN {
            return DenseMatrix(rows: n, columns: n, values: [Double](repeating: .nan, count: n * n))
        } }
        return nil
    }
}
