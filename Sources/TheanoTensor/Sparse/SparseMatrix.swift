/// How a compressed sparse matrix orders its stored values: by rows (`csr`) or by columns (`csc`),
/// as scipy's `csr_matrix` and `csc_matrix`.
public enum SparseFormat: String, Hashable, Sendable, CaseIterable {
    case csr, csc

    /// The other format: a CSR matrix's arrays, read as CSC, are its transpose.
    public var flipped: SparseFormat { self == .csr ? .csc : .csr }
}

/// A sparse matrix value in scipy's compressed layout: `data` (the stored values), `indices` (the column
/// of each value in CSR, its row in CSC), `indptr` (where each row, or column, starts in `data`) and
/// `shape`.
///
/// Indices are int32 as scipy writes them. A value is checked when it is made, the way scipy's
/// `check_format` does, so every kernel may trust its pattern. Indices within a row need not be sorted,
/// and duplicates add up when the matrix is made dense, as in scipy.
public struct SparseMatrix: Sendable, CustomStringConvertible {
    /// CSR or CSC.
    public let format: SparseFormat
    /// The stored values, a vector.
    public let data: NDArray
    /// The minor index (column in CSR, row in CSC) of each stored value, int32.
    public let indices: NDArray
    /// Where each row (CSR) or column (CSC) starts in `data`, int32, one more than the rows or columns.
    public let indptr: NDArray
    /// Rows and columns.
    public let shape: [Int]

    /// A matrix from its four parts; throws `TheanoError` naming the part that is inconsistent.
    public init(format: SparseFormat, data: NDArray, indices: NDArray, indptr: NDArray, shape: [Int]) throws {
        let pattern = try SparsePattern(format: format, indices: indices, indptr: indptr, shape: shape,
                                        dataCount: data.ndim == 1 ? data.count : nil, context: "SparseMatrix")
        guard data.ndim == 1 else {
            throw TheanoError(.ndimMismatch, "SparseMatrix: data must be a vector, got shape \(data.shape)")
        }
        self.init(checked: pattern, data: data)
    }

    /// A matrix from a pattern already checked.
    package init(checked pattern: SparsePattern, data: NDArray) {
        self.format = pattern.format
        self.data = data
        self.indices = NDArray(pattern.indices, shape: [pattern.indices.count])
        self.indptr = NDArray(pattern.indptr, shape: [pattern.indptr.count])
        self.shape = [pattern.rows, pattern.columns]
    }

    /// The nonzero elements of a dense matrix, stored in `format` with sorted indices (scipy's
    /// `csr_matrix(dense)`).
    public init(dense: NDArray, format: SparseFormat = .csr) throws {
        guard dense.ndim == 2 else {
            throw TheanoError(.ndimMismatch, "SparseMatrix(dense:): expected a matrix (rank 2), got shape \(dense.shape)")
        }
        let (pattern, positions) = SparsePattern.nonzeros(of: dense, format: format)
        let flat = dense.contiguous().doubles
        self.init(checked: pattern, data: NDArray(positions.map { flat[$0] }, shape: [positions.count]).astype(dense.dtype))
    }

    /// The number of stored values (scipy's `nnz`, explicit zeros included).
    public var nnz: Int { data.count }
    /// The element type of the stored values.
    public var dtype: DType { data.dtype }

    /// The pattern, known to be consistent.
    package var pattern: SparsePattern {
        SparsePattern(format: format, indices: indices.scalars(as: Int32.self), indptr: indptr.scalars(as: Int32.self),
                      rows: shape[0], columns: shape[1])
    }

    /// The dense matrix, duplicates summed.
    public func toDense() -> NDArray {
        switch dtype {
        case .float32: return scattered(Float.self)
        case .float64: return scattered(Double.self)
        default: return pattern.scatter(data.doubles).astype(data.dtype)
        }
    }

    /// The dense matrix written in place, without a float64 copy of it (one 10,000 × 50,000 float32
    /// matrix is 2 GB).
    private func scattered<T: FloatTensorElement>(_: T.Type) -> NDArray {
        let out = NDArray(zeros: shape, dtype: dtype)
        let p = out.storage.pointer.assumingMemoryBound(to: T.self), columns = shape[1]
        let values = data.scalars(as: T.self)
        pattern.forEach { k, r, c in p[r * columns + c] += values[k] }
        return out
    }

    /// The transpose, without copying: the same arrays read in the other format.
    public var T: SparseMatrix {
        SparseMatrix(checked: pattern.transposed, data: data)
    }

    /// The same matrix in `target` format (a conversion when it differs).
    public func asFormat(_ target: SparseFormat) -> SparseMatrix {
        if target == format { return self }
        let (converted, positions) = pattern.converted()
        let values = data.doubles
        return SparseMatrix(checked: converted, data: NDArray(positions.map { values[$0] }, shape: [positions.count]).astype(dtype))
    }

    /// The four parts as a compiled function takes them for a `SparseVariable`'s `inputs`:
    /// data, indices, indptr, and the shape as an int64 vector.
    public var arguments: [NDArray] { [data, indices, indptr, NDArray(shape.map(Int64.init), shape: [2])] }

    public var description: String {
        "SparseMatrix(\(format), shape: \(shape), nnz: \(nnz), dtype: \(dtype))"
    }
}

/// The structure of a compressed sparse matrix as Swift arrays: what the reference ops work on.
package struct SparsePattern: Hashable, Sendable {
    package let format: SparseFormat
    package let indices: [Int32]
    package let indptr: [Int32]
    package let rows: Int
    package let columns: Int

    package init(format: SparseFormat, indices: [Int32], indptr: [Int32], rows: Int, columns: Int) {
        (self.format, self.indices, self.indptr, self.rows, self.columns) = (format, indices, indptr, rows, columns)
    }

    /// Rows in CSR, columns in CSC.
    package var majorCount: Int { format == .csr ? rows : columns }
    /// Columns in CSR, rows in CSC.
    package var minorCount: Int { format == .csr ? columns : rows }
    package var nnz: Int { indices.count }

    /// Checks the parts as scipy's `check_format` does; `dataCount` is the length data must have.
    package init(format: SparseFormat, indices: NDArray, indptr: NDArray, shape: [Int], dataCount: Int?, context: String,
         inputs: (indices: Int?, indptr: Int?, shape: Int?, data: Int?) = (nil, nil, nil, nil)) throws {
        func fail(_ kind: TheanoError.Kind, _ input: Int?, _ why: String) -> Error {
            if let input { return OpFailure(kind, input: input, why) }
            return TheanoError(kind, "\(context): \(why)")
        }
        guard shape.count == 2, shape[0] >= 0, shape[1] >= 0, shape[0] <= Int(Int32.max), shape[1] <= Int(Int32.max) else {
            throw fail(.shapeMismatch, inputs.shape, "the shape must be two sizes between 0 and \(Int32.max), got \(shape)")
        }
        guard indices.ndim == 1, indices.dtype.isInteger else {
            throw fail(.typeMismatch, inputs.indices, "indices must be an integer vector, got \(indices.dtype) of shape \(indices.shape)")
        }
        guard indptr.ndim == 1, indptr.dtype.isInteger else {
            throw fail(.typeMismatch, inputs.indptr, "indptr must be an integer vector, got \(indptr.dtype) of shape \(indptr.shape)")
        }
        let major = format == .csr ? shape[0] : shape[1], minor = format == .csr ? shape[1] : shape[0]
        let pointers = indptr.scalars(as: Int64.self), minors = indices.scalars(as: Int64.self)
        guard pointers.count == major + 1 else {
            throw fail(.shapeMismatch, inputs.indptr, "indptr must have \(major + 1) entries for a \(format) matrix of shape \(shape), got \(pointers.count)")
        }
        guard pointers[0] == 0 else { throw fail(.badArgument, inputs.indptr, "indptr must start at 0, got \(pointers[0])") }
        for k in 1..<pointers.count where pointers[k] < pointers[k - 1] {
            throw fail(.badArgument, inputs.indptr, "indptr must not decrease, but entry \(k) is \(pointers[k]) after \(pointers[k - 1])")
        }
        guard pointers[major] == Int64(minors.count) else {
            throw fail(.shapeMismatch, inputs.indptr, "indptr ends at \(pointers[major]) but there are \(minors.count) indices")
        }
        if let dataCount, dataCount != minors.count {
            throw fail(.shapeMismatch, inputs.data, "data has \(dataCount) values but there are \(minors.count) indices")
        }
        for (k, i) in minors.enumerated() where i < 0 || i >= Int64(minor) {
            throw fail(.indexOutOfRange, inputs.indices, "index \(i) at position \(k) is out of range for \(minor) \(format == .csr ? "columns" : "rows")")
        }
        self.init(format: format, indices: minors.map { Int32($0) }, indptr: pointers.map { Int32($0) }, rows: shape[0], columns: shape[1])
    }

    /// Reads the three structural inputs of an op at `first`, `first + 1`, `first + 2` (indices, indptr,
    /// shape), throwing an `OpFailure` that blames the input at fault.
    package static func read(_ inputs: [NDArray], format: SparseFormat, at first: Int, data: Int? = nil) throws -> SparsePattern {
        let shapeValue = inputs[first + 2]
        guard shapeValue.ndim == 1, shapeValue.count == 2, shapeValue.dtype.isInteger else {
            throw OpFailure(.shapeMismatch, input: first + 2, "the shape must be an integer vector of 2 sizes, got \(shapeValue.dtype) of shape \(shapeValue.shape)")
        }
        let shape = shapeValue.scalars(as: Int64.self).map { Int(clamping: $0) }
        var dataCount: Int? = nil
        if let data {
            guard inputs[data].ndim == 1 else {
                throw OpFailure(.ndimMismatch, input: data, "data must be a vector, got shape \(inputs[data].shape)")
            }
            dataCount = inputs[data].count
        }
        return try SparsePattern(format: format, indices: inputs[first], indptr: inputs[first + 1], shape: shape, dataCount: dataCount,
                                 context: "", inputs: (first, first + 1, first + 2, data))
    }

    /// `(row, column)` of stored value `k` of major line `major`.
    @inline(__always)
    package func position(major: Int, k: Int) -> (row: Int, column: Int) {
        format == .csr ? (major, Int(indices[k])) : (Int(indices[k]), major)
    }

    /// Calls `body(k, row, column)` for every stored value.
    package func forEach(_ body: (Int, Int, Int) -> Void) {
        for major in 0..<majorCount {
            for k in Int(indptr[major])..<Int(indptr[major + 1]) {
                let (r, c) = position(major: major, k: k)
                body(k, r, c)
            }
        }
    }

    /// A dense float64 matrix with `values` added at their positions.
    package func scatter(_ values: [Double]) -> NDArray {
        var out = [Double](repeating: 0, count: rows * columns)
        forEach { k, r, c in out[r * columns + c] += values[k] }
        return NDArray(out, shape: [rows, columns])
    }

    /// The same arrays read in the other format: the transpose.
    package var transposed: SparsePattern {
        SparsePattern(format: format.flipped, indices: indices, indptr: indptr, rows: columns, columns: rows)
    }

    /// The pattern of the stored values in the other format, and for each new stored value the position
    /// of the old one it comes from.
    package func converted() -> (SparsePattern, [Int]) {
        let target = format.flipped
        var counts = [Int32](repeating: 0, count: minorCount + 1)
        for i in indices { counts[Int(i) + 1] += 1 }
        for m in 0..<minorCount { counts[m + 1] += counts[m] }
        var next = counts.dropLast().map { Int($0) }
        var newIndices = [Int32](repeating: 0, count: nnz), positions = [Int](repeating: 0, count: nnz)
        for major in 0..<majorCount {
            for k in Int(indptr[major])..<Int(indptr[major + 1]) {
                let m = Int(indices[k])
                newIndices[next[m]] = Int32(major)
                positions[next[m]] = k
                next[m] += 1
            }
        }
        return (SparsePattern(format: target, indices: newIndices, indptr: counts, rows: rows, columns: columns), positions)
    }

    /// The pattern of a dense matrix's nonzeros (NaN counts as nonzero), with each value's flat
    /// row-major position.
    package static func nonzeros(of dense: NDArray, format: SparseFormat) -> (SparsePattern, [Int]) {
        let values = dense.contiguous().doubles
        let (rows, columns) = (dense.shape[0], dense.shape[1])
        let (major, minor) = format == .csr ? (rows, columns) : (columns, rows)
        var indices: [Int32] = [], indptr: [Int32] = [0], positions: [Int] = []
        for a in 0..<major {
            for b in 0..<minor {
                let flat = format == .csr ? a * columns + b : b * columns + a
                if values[flat] != 0 {
                    indices.append(Int32(b))
                    positions.append(flat)
                }
            }
            indptr.append(Int32(indices.count))
        }
        return (SparsePattern(format: format, indices: indices, indptr: indptr, rows: rows, columns: columns), positions)
    }

    /// The three structural parts as arrays, in the order ops take them.
    package var arrays: [NDArray] {
        [NDArray(indices, shape: [indices.count]), NDArray(indptr, shape: [indptr.count]), NDArray([Int64(rows), Int64(columns)], shape: [2])]
    }
}
