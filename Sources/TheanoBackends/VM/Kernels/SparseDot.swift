import Dispatch

/// The CPU backend's `StructuredDot` for float32/float64 values with int32 indices (what scipy and
/// `SparseMatrix` hold): CSR × dense splits the output rows into one band per core; CSC × dense splits
/// the output columns when there are enough of them, otherwise the stored columns, each core summing
/// into its own buffer. Anything else runs the op's `perform`.
package enum SparseDot {
    package static func run(_ op: StructuredDot, _ inputs: [NDArray]) throws -> [NDArray] {
        let outType = DType.upcast(inputs[0].dtype, inputs[4].dtype)
        guard outType == .float32 || outType == .float64,
              inputs[1].dtype == .int32, inputs[2].dtype == .int32 else { return try op.perform(inputs) }
        let (rows, columns, n) = try StructuredDot.operandShapes(inputs, format: op.format)
        let data = inputs[0].astype(outType).contiguous(), b = inputs[4].astype(outType).contiguous()
        let indices = inputs[1].contiguous(), indptr = inputs[2].contiguous()
        let out = try NDArray(checkedUninitialized: inputs[4].ndim == 1 ? [rows] : [rows, n], dtype: outType, op: "structuredDot")
        let job = Job(format: op.format, rows: rows, columns: columns, n: n, storedCount: inputs[1].count,
                      data: UnsafeRawPointer(data.baseAddress), b: UnsafeRawPointer(b.baseAddress),
                      indices: UnsafePointer(indices.baseAddress.assumingMemoryBound(to: Int32.self)),
                      indptr: UnsafePointer(indptr.baseAddress.assumingMemoryBound(to: Int32.self)),
                      out: out.baseAddress, isFloat32: outType == .float32)
        try job.validate()
        withExtendedLifetime((data, b, indices, indptr)) { job.runSplit() }
        return [out]
    }

    /// A buffer's address, shared with the cores that write disjoint parts of it.
    package struct Address: @unchecked Sendable {
        package let pointer: UnsafeMutableRawPointer
        package init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
    }

    package struct Job: @unchecked Sendable {
        package let format: SparseFormat
        package let rows, columns, n: Int
        /// The length of `indices` and `data`.
        package let storedCount: Int
        package let data, b: UnsafeRawPointer
        package let indices, indptr: UnsafePointer<Int32>
        package let out: UnsafeMutableRawPointer
        package let isFloat32: Bool

        package var majorCount: Int { format == .csr ? rows : columns }
        package var minorCount: Int { format == .csr ? columns : rows }
        package var nnz: Int { Int(indptr[majorCount]) }

        /// scipy's `check_format`, on the raw arrays: the kernel reads only inside them.
        package func validate() throws {
            guard indptr[0] == 0 else { throw OpFailure(.badArgument, input: 2, "indptr must start at 0, got \(indptr[0])") }
            for k in 0..<majorCount where indptr[k + 1] < indptr[k] {
                throw OpFailure(.badArgument, input: 2, "indptr must not decrease, but entry \(k + 1) is \(indptr[k + 1]) after \(indptr[k])")
            }
            guard nnz == storedCount else {
                throw OpFailure(.shapeMismatch, input: 2, "indptr ends at \(nnz) but there are \(storedCount) indices")
            }
            let limit = Int32(minorCount)
            for k in 0..<nnz where indices[k] < 0 || indices[k] >= limit {
                throw OpFailure(.indexOutOfRange, input: 1, "index \(indices[k]) at position \(k) is out of range for \(minorCount) \(format == .csr ? "columns" : "rows")")
            }
        }

        package func runSplit() {
            let parts = nnz * n >= 1 << 15 ? ProcessorCount.value : 1
            if isFloat32 { split(Float.self, parts) } else { split(Double.self, parts) }
        }

        private func split<T: FloatTensorElement>(_: T.Type, _ parts: Int) {
            let o = out.assumingMemoryBound(to: T.self)
            o.initialize(repeating: 0, count: rows * n)
            if parts == 1 { format == .csr ? csrRows(T.self, 0..<rows) : cscColumns(T.self, 0..<columns, 0..<n, into: out); return }
            if format == .csr {
                DispatchQueue.concurrentPerform(iterations: parts) { csrRows(T.self, band(rows, $0, parts)) }
            } else if n >= 4 * parts {
                // Disjoint output columns: every core walks the whole matrix for its own columns.
                DispatchQueue.concurrentPerform(iterations: parts) { cscColumns(T.self, 0..<columns, band(n, $0, parts), into: out) }
            } else if rows * n * parts <= 1 << 24 {
                // Few output columns: each core sums its share of the stored columns into a buffer of its own.
                let buffers = UnsafeMutablePointer<T>.allocate(capacity: rows * n * parts)
                defer { buffers.deallocate() }
                buffers.initialize(repeating: 0, count: rows * n * parts)
                let shared = Address(UnsafeMutableRawPointer(buffers)), size = rows * n * MemoryLayout<T>.stride
                DispatchQueue.concurrentPerform(iterations: parts) { cscColumns(T.self, nnzBand($0, parts), 0..<n, into: shared.pointer + $0 * size) }
                for p in 0..<parts {
                    let buffer = buffers + p * rows * n
                    for i in 0..<rows * n { o[i] += buffer[i] }
                }
            } else {
                cscColumns(T.self, 0..<columns, 0..<n, into: out)
            }
        }

        /// A band of the stored columns holding about an equal share of the values.
        private func nnzBand(_ part: Int, _ parts: Int) -> Range<Int> {
            func first(_ share: Int) -> Int {
                let target = Int32(nnz * share / parts)
                var lo = 0, hi = columns
                while lo < hi { let mid = (lo + hi) / 2; if indptr[mid] < target { lo = mid + 1 } else { hi = mid } }
                return lo
            }
            let begin = part == 0 ? 0 : first(part), end = part == parts - 1 ? columns : first(part + 1)
            return begin..<Swift.max(begin, end)
        }

        private func band(_ count: Int, _ part: Int, _ parts: Int) -> Range<Int> {
            (count * part / parts)..<(count * (part + 1) / parts)
        }

        /// out[r, :] = Σₖ data[k] · b[indices[k], :] for the rows in `range`.
        private func csrRows<T: FloatTensorElement>(_: T.Type, _ range: Range<Int>) {
            let v = data.assumingMemoryBound(to: T.self), x = b.assumingMemoryBound(to: T.self), o = out.assumingMemoryBound(to: T.self)
            for r in range {
                let begin = Int(indptr[r]), end = Int(indptr[r + 1])
                if n == 1 {
                    var total: T = 0
                    for k in begin..<end { total += v[k] * x[Int(indices[k])] }
                    o[r] = total
                } else {
                    let row = o + r * n
                    for k in begin..<end {
                        let a = v[k], source = x + Int(indices[k]) * n
                        for j in 0..<n { row[j] += a * source[j] }
                    }
                }
            }
        }

        /// target[indices[k], cols] += data[k] · b[c, cols] for the stored columns c in `range`.
        private func cscColumns<T: FloatTensorElement>(_: T.Type, _ range: Range<Int>, _ cols: Range<Int>, into address: UnsafeMutableRawPointer) {
            let target = address.assumingMemoryBound(to: T.self)
            let v = data.assumingMemoryBound(to: T.self), x = b.assumingMemoryBound(to: T.self)
            for c in range {
                let source = x + c * n
                for k in Int(indptr[c])..<Int(indptr[c + 1]) {
                    let a = v[k], row = target + Int(indices[k]) * n
                    for j in cols { row[j] += a * source[j] }
                }
            }
        }
    }
}
