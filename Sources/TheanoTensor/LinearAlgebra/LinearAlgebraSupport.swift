/// What every linear-algebra op shares: the dtype rule, batching over leading axes, and the conversion
/// between arrays and ``DenseMatrix`` blocks.
///
/// Like PyTensor's `Blockwise` and numpy's gufuncs, each op has a core signature (`(m,m)->(m,m)` for
/// `matrixInverse`, `(m,m),(m,n)->(m,n)` for `solve`) and maps over any leading axes; the leading axes of
/// several inputs broadcast where their types allow it.
package enum LinearAlgebra {
    /// The dtype LAPACK would work in, as PyTensor's `linalg_output_dtype`: float32 for float32, bool,
    /// int8 and int16; float64 for float64, int32 and int64; the widest of several inputs.
    package static func outputDType(_ dtypes: [DType], _ op: String) -> DType {
        for dtype in dtypes {
            precondition(!dtype.isComplex, "\(op): complex matrices are not supported, got \(dtype)")
        }
        return DType.upcast(dtypes.map(\.upgradedToFloat))
    }

    /// Stops with a message when a static type cannot hold a batch of matrices (or vectors).
    package static func requireRank(_ type: TensorType, atLeast rank: Int, _ op: String, _ what: String = "input") {
        precondition(type.ndim >= rank, "\(op): the \(what) must have rank ≥ \(rank) (\(rank == 1 ? "a vector" : "a matrix") or a batch of them), got \(type)")
    }

    /// The broadcastable flags of the batch axes of inputs with `core` trailing core axes each.
    package static func batchPattern(_ types: [TensorType], core: [Int]) -> [Bool] {
        let ranks = zip(types, core).map { $0.ndim - $1 }
        let rank = ranks.max() ?? 0
        return (0..<rank).map { axis in
            zip(types, ranks).allSatisfy { type, r in
                let i = axis - (rank - r)
                return i < 0 || type.broadcastable[i]
            }
        }
    }

    /// Each input's batch flags, for ops that keep them to refuse a size-1 axis the type does not let broadcast.
    package static func batchFlags(_ types: [TensorType], core: [Int]) -> [[Bool]] {
        zip(types, core).map { Array($0.broadcastable.dropLast($1)) }
    }

    /// The runtime batch shape of arrays whose last `core[i]` axes are core axes. A size-1 axis stretches
    /// only where `flags` (each input's batch flags) say so; nil lets any size-1 axis stretch.
    package static func batchShape(_ arrays: [NDArray], core: [Int], flags: [[Bool]]? = nil, _ op: String) throws -> [Int] {
        let shapes = zip(arrays, core).map { Array($0.shape.dropLast($1)) }
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        var owner = [Int?](repeating: nil, count: rank)
        for (i, shape) in shapes.enumerated() {
            let pad = rank - shape.count
            for (d, size) in shape.enumerated() {
                let axis = d + pad
                let stretches = flags.map { $0[i].count == shape.count ? $0[i][d] : size == 1 } ?? (size == 1)
                if stretches && size == 1 { continue }
                if let j = owner[axis], out[axis] != size {
                    throw OpFailure(.shapeMismatch, input: i, "\(op): the batch axes do not broadcast: axis \(axis) of the batch has size \(out[axis]) in input \(j) and \(size) in input \(i) (shapes \(arrays.map { "\($0.shape)" }.joined(separator: " and ")))")
                }
                out[axis] = size
                owner[axis] = i
            }
        }
        return out
    }

    /// The core blocks of `a` (its last `core` axes) for each index of `batch` in row-major order, as
    /// flat row-major float64 values.
    package static func blocks(_ a: NDArray, core: Int, batch: [Int]) -> [[Double]] {
        let coreShape = Array(a.shape.suffix(core))
        let size = coreShape.reduce(1, *)
        let count = batch.reduce(1, *)
        guard count > 0 else { return [] }
        let values = a.astype(.float64).broadcast(to: batch + coreShape).contiguous().doubles
        return (0..<count).map { Array(values[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// The matrices of `a` (its last two axes) for each index of `batch`.
    package static func matrices(_ a: NDArray, batch: [Int]) -> [DenseMatrix] {
        let (rows, columns) = (a.shape[a.ndim - 2], a.shape[a.ndim - 1])
        return blocks(a, core: 2, batch: batch).map { DenseMatrix(rows: rows, columns: columns, values: $0) }
    }

    /// The vectors (or, `asMatrices`, n×1 matrices) of `b`'s last axis for each index of `batch`.
    package static func columns(_ b: NDArray, batch: [Int]) -> [DenseMatrix] {
        let n = b.shape[b.ndim - 1]
        return blocks(b, core: 1, batch: batch).map { DenseMatrix(rows: n, columns: 1, values: $0) }
    }

    /// An array of `dtype` and shape `batch + core` from one block of values per batch index.
    package static func assemble(_ blocks: [[Double]], batch: [Int], core: [Int], dtype: DType) -> NDArray {
        let shape = batch + core
        if shape.reduce(1, *) == 0 { return NDArray(zeros: shape, dtype: dtype) }
        return NDArray(blocks.flatMap { $0 }, shape: shape).astype(dtype)
    }

    package static func assemble(_ matrices: [DenseMatrix], batch: [Int], rows: Int, columns: Int, dtype: DType) -> NDArray {
        assemble(matrices.map(\.values), batch: batch, core: [rows, columns], dtype: dtype)
    }

    /// The batch shape of a single input with `core` core axes.
    package static func batch(of a: NDArray, core: Int) -> [Int] { Array(a.shape.dropLast(core)) }

    /// Throws unless the last two axes of input `input` have equal sizes.
    package static func requireSquare(_ a: NDArray, input: Int = 0, _ op: String) throws {
        let (m, n) = (a.shape[a.ndim - 2], a.shape[a.ndim - 1])
        guard m == n else {
            throw OpFailure(.shapeMismatch, input: input, "\(op): input \(input) must be a square matrix (or a batch of them), but its last two axes are \(m)×\(n) (shape \(a.shape))")
        }
    }

    /// Where in the batch a failing matrix sits, for error messages: "" for an unbatched input.
    package static func position(_ index: Int, in batch: [Int]) -> String {
        guard !batch.isEmpty else { return "" }
        var rest = index
        var position = [Int](repeating: 0, count: batch.count)
        for axis in stride(from: batch.count - 1, through: 0, by: -1) where batch[axis] > 0 {
            position[axis] = rest % batch[axis]
            rest /= batch[axis]
        }
        return " (the matrix at batch index \(position))"
    }

    // MARK: - Gradient helpers

    /// Sums a gradient down to `x`'s type: over the leading batch axes `x` lacks and the batch axes it
    /// broadcasts along, then casts it to `x`'s dtype.
    package static func reduced(_ g: TensorVariable, to x: TensorVariable) -> TensorVariable {
        var g = g
        let extra = g.ndim - x.ndim
        if extra > 0 { g = g.sum(axes: Array(0..<extra)) }
        let axes = (0..<x.ndim).filter { x.broadcastable[$0] && !g.broadcastable[$0] }
        if !axes.isEmpty { g = g.sum(axes: axes, keepdims: true) }
        return g.dtype == x.dtype ? g : cast(g, x.dtype)
    }

    /// `x` with two trailing broadcastable axes, so a batch of scalars scales a batch of matrices.
    package static func asMatrices(_ x: TensorVariable) -> TensorVariable {
        x.dimshuffle(Array(0..<x.ndim) + [nil, nil])
    }

    /// The lower (or upper) triangle of a matrix gradient plus the transpose of the other strict
    /// triangle: the gradient with respect to the entries an op that reads one triangle actually reads.
    package static func foldedOntoTriangle(_ g: TensorVariable, lower: Bool) -> TensorVariable {
        lower ? tril(g) + triu(g, k: 1).mT : triu(g) + tril(g, k: -1).mT
    }
}

/// Ops whose CPU-backend kernel is their own computation run on LAPACK's kernels instead of the
/// built-in ones (see ``LinearAlgebraKernels``).
package protocol DenseKernelOp: Op {
    func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray]
}

extension TensorVariable {
    /// The transpose of the last two axes (numpy's `.mT`): the matrix transpose of each matrix of a batch.
    public var mT: TensorVariable {
        precondition(ndim >= 2, "mT: needs rank ≥ 2, got \(type)")
        return dimshuffle(Array(0..<(ndim - 2)) + [ndim - 1, ndim - 2])
    }
}
