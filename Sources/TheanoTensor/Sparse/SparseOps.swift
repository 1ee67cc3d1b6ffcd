/// The sparse ops. Each takes a sparse matrix as its parts (data, then indices, indptr, shape) and each
/// `perform` is a plain loop over the stored values, computed in float64 and rounded to the output dtype.

/// Checks the static types of a sparse operand's parts, starting at `first` (data, or the structure
/// alone when `hasData` is false).
private func checkSparseTypes(_ inputs: [TensorType], at first: Int, hasData: Bool = true, _ op: String) {
    var k = first
    if hasData {
        precondition(inputs[k].ndim == 1, "\(op): the stored values must be a vector, got \(inputs[k])")
        k += 1
    }
    precondition(inputs[k].ndim == 1 && inputs[k].dtype.isInteger, "\(op): indices must be an integer vector, got \(inputs[k])")
    precondition(inputs[k + 1].ndim == 1 && inputs[k + 1].dtype.isInteger, "\(op): indptr must be an integer vector, got \(inputs[k + 1])")
    precondition(inputs[k + 2].ndim == 1 && inputs[k + 2].dtype.isInteger, "\(op): shape must be an integer vector, got \(inputs[k + 2])")
}

private let vectorType = [false]

/// The dtype a float op computes in: integer values become floatX-sized floats as in Theano's upcasts.
private func floatOutput(_ dtype: DType) -> DType { dtype.isFloat || dtype.isComplex ? dtype : DType.upcast(dtype, .float64) }

// MARK: - Dense from sparse and back

/// The dense matrix of a sparse one, duplicates summed: Theano's `DenseFromSparse`.
/// Inputs: data, indices, indptr, shape.
public struct SparseToDense: Op {
    public let format: SparseFormat
    public init(format: SparseFormat) { self.format = format }
    public var description: String { "DenseFromSparse{\(format)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        checkSparseTypes(inputs, at: 0, "dense")
        return [TensorType(inputs[0].dtype, [false, false])]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let pattern = try SparsePattern.read(inputs, format: format, at: 1, data: 0)
        _ = try ShapeCheck.elementCount([pattern.rows, pattern.columns], dtype: inputs[0].dtype, op: "dense", input: 3)
        return [pattern.scatter(inputs[0].doubles).astype(inputs[0].dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil, nil, nil, nil] }
        return [SparseGather(format: format, broadcastable: gz.broadcastable)([gz] + Array(inputs[1...])), nil, nil, nil]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "dense(\(inputs[0]))" }
}

/// The values of a dense matrix at a sparse pattern's positions, a vector in the pattern's order.
/// Dimensions of the dense operand flagged in `broadcastable` have size 1 and stretch, as numpy's do.
/// Inputs: dense, indices, indptr, shape.
public struct SparseGather: Op {
    public let format: SparseFormat
    /// The dense operand's broadcast pattern.
    public let broadcastable: [Bool]
    public init(format: SparseFormat, broadcastable: [Bool] = [false, false]) {
        self.format = format
        self.broadcastable = broadcastable
    }
    public var description: String { "SparseGather{\(format)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 2, "sparseGather: the dense operand must be a matrix, got \(inputs[0])")
        precondition(inputs[0].broadcastable == broadcastable, "sparseGather: built for a dense operand of pattern \(broadcastable), got \(inputs[0])")
        checkSparseTypes(inputs, at: 1, hasData: false, "sparseGather")
        return [TensorType(inputs[0].dtype, vectorType)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let pattern = try SparsePattern.read(inputs, format: format, at: 1)
        let dense = inputs[0]
        let expected = [pattern.rows, pattern.columns]
        for axis in 0..<2 where dense.shape[axis] != expected[axis] && !(broadcastable[axis] && dense.shape[axis] == 1) {
            throw OpFailure(.shapeMismatch, input: 0, "the dense operand has shape \(dense.shape) but the sparse matrix has shape \(expected)")
        }
        let values = dense.contiguous().doubles
        let rowStep = dense.shape[0] == 1 && broadcastable[0] ? 0 : dense.shape[1]
        let columnStep = dense.shape[1] == 1 && broadcastable[1] ? 0 : 1
        var out = [Double](repeating: 0, count: pattern.nnz)
        pattern.forEach { k, r, c in out[k] = values[r * rowStep + c * columnStep] }
        return [NDArray(out, shape: [out.count]).astype(dense.dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil, nil, nil, nil] }
        var gd = SparseToDense(format: format)([g] + Array(inputs[1...]))
        let axes = (0..<2).filter { broadcastable[$0] }
        if !axes.isEmpty { gd = gd.sum(axes: axes, keepdims: true) }
        if gd.broadcastable != inputs[0].broadcastable { gd = gd.reshape(like: inputs[0]) }
        return [gd, nil, nil, nil]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "\(inputs[0])[pattern of \(inputs[1])]" }
}

/// The pattern of a dense matrix's nonzeros: indices, indptr and shape (Theano's `CSMProperties` of
/// `csr_from_dense`); the values follow by `SparseGather`. Not differentiable: the pattern is integer.
public struct SparsePatternOfDense: Op {
    public let format: SparseFormat
    public init(format: SparseFormat) { self.format = format }
    public var description: String { "SparsePattern{\(format)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 2, "sparseFromDense: expected a matrix, got \(inputs[0])")
        return [TensorType(.int32, vectorType), TensorType(.int32, vectorType), TensorType(.int64, vectorType)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let dense = inputs[0]
        for (axis, size) in dense.shape.enumerated() where size > Int(Int32.max) {
            throw OpFailure(.shapeMismatch, input: 0, "dimension \(axis) has \(size) elements; sparse indices are int32")
        }
        guard dense.count <= Int(Int32.max) else {
            throw OpFailure(.shapeMismatch, input: 0, "\(dense.count) elements could give more nonzeros than int32 indptr holds")
        }
        return SparsePattern.nonzeros(of: dense, format: format).0.arrays
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil] }
}

// MARK: - Products

/// A sparse matrix times a dense vector or matrix, dense result: Theano's `StructuredDot`. The CPU
/// backend runs it over the cores (`SparseDot`). Inputs: data, indices, indptr, shape, dense.
public struct StructuredDot: Op {
    public let format: SparseFormat
    public init(format: SparseFormat) { self.format = format }
    public var description: String { "StructuredDot{\(format)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        checkSparseTypes(inputs, at: 0, "structuredDot")
        let b = inputs[4]
        precondition(b.ndim == 1 || b.ndim == 2, "structuredDot: the dense operand must be a vector or a matrix, got \(b)")
        let dtype = floatOutput(DType.upcast(inputs[0].dtype, b.dtype))
        return [TensorType(dtype, b.ndim == 1 ? [false] : [false, b.broadcastable[1]])]
    }

    /// The sizes of the operands, checked without reading the pattern's values (the CPU kernel checks
    /// those as it reads them): rows and columns of the sparse matrix, and the dense operand's columns.
    package static func operandShapes(_ inputs: [NDArray], format: SparseFormat) throws -> (rows: Int, columns: Int, n: Int) {
        let shapeValue = inputs[3]
        guard shapeValue.ndim == 1, shapeValue.count == 2 else {
            throw OpFailure(.shapeMismatch, input: 3, "the shape must be a vector of 2 sizes, got shape \(shapeValue.shape)")
        }
        let shape = shapeValue.scalars(as: Int64.self)
        guard shape.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
            throw OpFailure(.shapeMismatch, input: 3, "the shape must be two sizes between 0 and \(Int32.max), got \(shape)")
        }
        let (rows, columns) = (Int(shape[0]), Int(shape[1]))
        let major = format == .csr ? rows : columns
        guard inputs[0].ndim == 1 else { throw OpFailure(.ndimMismatch, input: 0, "data must be a vector, got shape \(inputs[0].shape)") }
        guard inputs[1].ndim == 1, inputs[1].count == inputs[0].count else {
            throw OpFailure(.shapeMismatch, input: 0, "data has \(inputs[0].count) values but indices has shape \(inputs[1].shape)")
        }
        guard inputs[2].ndim == 1, inputs[2].count == major + 1 else {
            throw OpFailure(.shapeMismatch, input: 2, "indptr must have \(major + 1) entries for a \(format) matrix of shape \(shape), got shape \(inputs[2].shape)")
        }
        let b = inputs[4]
        guard b.ndim == 1 || b.ndim == 2 else {
            throw OpFailure(.ndimMismatch, input: 4, "the dense operand must be a vector or a matrix, got shape \(b.shape)")
        }
        guard b.shape[0] == columns else {
            throw OpFailure(.shapeMismatch, input: 4, "shapes [\(rows), \(columns)] and \(b.shape) are not aligned: \(columns) columns against \(b.shape[0]) rows")
        }
        let n = b.ndim == 1 ? 1 : b.shape[1]
        _ = try ShapeCheck.elementCount([rows, n], dtype: .float64, op: "structuredDot", input: 4)
        return (rows, columns, n)
    }

    /// The checked operands: the pattern and the dense operand as (k, n).
    package static func operands(_ inputs: [NDArray], format: SparseFormat) throws -> (SparsePattern, k: Int, n: Int) {
        let pattern = try SparsePattern.read(inputs, format: format, at: 1, data: 0)
        let b = inputs[4]
        guard b.ndim == 1 || b.ndim == 2 else {
            throw OpFailure(.ndimMismatch, input: 4, "the dense operand must be a vector or a matrix, got shape \(b.shape)")
        }
        guard b.shape[0] == pattern.columns else {
            throw OpFailure(.shapeMismatch, input: 4, "shapes [\(pattern.rows), \(pattern.columns)] and \(b.shape) are not aligned: \(pattern.columns) columns against \(b.shape[0]) rows")
        }
        let n = b.ndim == 1 ? 1 : b.shape[1]
        _ = try ShapeCheck.elementCount([pattern.rows, n], dtype: .float64, op: "structuredDot", input: 4)
        return (pattern, b.shape[0], n)
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (pattern, _, n) = try Self.operands(inputs, format: format)
        let data = inputs[0].doubles, b = inputs[4].contiguous().doubles
        var out = [Double](repeating: 0, count: pattern.rows * n)
        pattern.forEach { k, r, c in
            for j in 0..<n { out[r * n + j] += data[k] * b[c * n + j] }
        }
        let dtype = floatOutput(DType.upcast(inputs[0].dtype, inputs[4].dtype))
        return [NDArray(out, shape: inputs[4].ndim == 1 ? [pattern.rows] : [pattern.rows, n]).astype(dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil, nil, nil, nil] }
        let a = SparseVariable(format: format, data: inputs[0], indices: inputs[1], indptr: inputs[2], shape: inputs[3])
        let b = inputs[4]
        let gz2 = b.ndim == 1 ? gz.dimshuffle(0, nil) : gz
        let b2 = b.ndim == 1 ? b.dimshuffle(0, nil) : b
        var gData = SampledDot(format: format)([gz2, b2] + a.structure)
        if gData.dtype != a.dtype { gData = cast(gData, a.dtype) }
        var gb = StructuredDot(format: format.flipped)(a.T.inputs + [gz])
        if gb.dtype != b.dtype { gb = cast(gb, b.dtype) }
        return [a.dtype.isDiscrete ? nil : gData, nil, nil, nil, b.dtype.isDiscrete ? nil : gb]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "structuredDot(\(inputs[0]), \(inputs[4]))" }
}

/// For each stored position (i, j) of a sparse pattern, the dot product of row i of `x` and row j of
/// `y`: the stored values of `x · yᵀ` at the pattern. With the pattern's values multiplied in it is
/// Theano's `SamplingDot`; alone it is the gradient of `structuredDot` with respect to the stored
/// values. Inputs: x (m, k), y (n, k), indices, indptr, shape (m, n).
public struct SampledDot: Op {
    public let format: SparseFormat
    public init(format: SparseFormat) { self.format = format }
    public var description: String { "SampledDot{\(format)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 2 && inputs[1].ndim == 2, "samplingDot: x and y must be matrices, got \(inputs[0]) and \(inputs[1])")
        checkSparseTypes(inputs, at: 2, hasData: false, "samplingDot")
        return [TensorType(floatOutput(DType.upcast(inputs[0].dtype, inputs[1].dtype)), vectorType)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let pattern = try SparsePattern.read(inputs, format: format, at: 2)
        let (x, y) = (inputs[0], inputs[1])
        guard x.shape[0] == pattern.rows else {
            throw OpFailure(.shapeMismatch, input: 0, "x has \(x.shape[0]) rows but the pattern has shape [\(pattern.rows), \(pattern.columns)]")
        }
        guard y.shape[0] == pattern.columns else {
            throw OpFailure(.shapeMismatch, input: 1, "y has \(y.shape[0]) rows but the pattern has \(pattern.columns) columns")
        }
        guard x.shape[1] == y.shape[1] else {
            throw OpFailure(.shapeMismatch, input: 1, "x has \(x.shape[1]) columns but y has \(y.shape[1])")
        }
        let k = x.shape[1], xs = x.contiguous().doubles, ys = y.contiguous().doubles
        var out = [Double](repeating: 0, count: pattern.nnz)
        pattern.forEach { s, r, c in
            var total = 0.0
            for t in 0..<k { total += xs[r * k + t] * ys[c * k + t] }
            out[s] = total
        }
        return [NDArray(out, shape: [out.count]).astype(floatOutput(DType.upcast(x.dtype, y.dtype)))]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil, nil, nil, nil, nil] }
        let (x, y) = (inputs[0], inputs[1])
        let weights = SparseVariable(format: format, data: g, indices: inputs[2], indptr: inputs[3], shape: inputs[4])
        var gx = StructuredDot(format: format)(weights.inputs + [y])
        var gy = StructuredDot(format: format.flipped)(weights.T.inputs + [x])
        if gx.dtype != x.dtype { gx = cast(gx, x.dtype) }
        if gy.dtype != y.dtype { gy = cast(gy, y.dtype) }
        return [x.dtype.isDiscrete ? nil : gx, y.dtype.isDiscrete ? nil : gy, nil, nil, nil]
    }
}

// MARK: - Reductions

/// The sums of a sparse matrix's rows (`axis` 1) or columns (`axis` 0), a dense vector: Theano's
/// `sparse.sum(x, axis)`. Inputs: data, indices, indptr, shape.
public struct SparseSum: Op {
    public let format: SparseFormat
    public let axis: Int
    public init(format: SparseFormat, axis: Int) {
        precondition(axis == 0 || axis == 1, "sparse sum: axis must be 0 or 1 (or nil for all), got \(axis)")
        self.format = format
        self.axis = axis
    }
    public var description: String { "SparseSum{\(format), axis=\(axis)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        checkSparseTypes(inputs, at: 0, "sum")
        return [TensorType(inputs[0].dtype, vectorType)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let pattern = try SparsePattern.read(inputs, format: format, at: 1, data: 0)
        let data = inputs[0].doubles
        var out = [Double](repeating: 0, count: axis == 0 ? pattern.columns : pattern.rows)
        pattern.forEach { k, r, c in out[axis == 0 ? c : r] += data[k] }
        return [NDArray(out, shape: [out.count]).astype(inputs[0].dtype)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil, nil, nil, nil] }
        let spread = axis == 0 ? g.dimshuffle(nil, 0) : g.dimshuffle(0, nil)
        return [SparseGather(format: format, broadcastable: spread.broadcastable)([spread] + Array(inputs[1...])), nil, nil, nil]
    }
}

// MARK: - Structure

/// Rows (`axis` 0) or columns (`axis` 1) `start..<stop` of a sparse matrix, bounds clamped as Python
/// slices are: Theano's `GetItem2d` with a slice. Outputs the new structure and, for each kept value,
/// its position in the input's data, so the values are `take(data, positions)` and their gradient is
/// the ordinary one of `take`. Inputs: indices, indptr, shape.
public struct SparseSlice: Op {
    public let format: SparseFormat
    public let axis: Int
    public let start: Int?
    public let stop: Int?
    public init(format: SparseFormat, axis: Int, start: Int?, stop: Int?) {
        precondition(axis == 0 || axis == 1, "sparse slicing: axis must be 0 (rows) or 1 (columns), got \(axis)")
        (self.format, self.axis, self.start, self.stop) = (format, axis, start, stop)
    }
    public var description: String { "SparseSlice{\(format), axis=\(axis), \(start.map(String.init) ?? ""):\(stop.map(String.init) ?? "")}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        checkSparseTypes(inputs, at: 0, hasData: false, "slice")
        return [TensorType(.int32, vectorType), TensorType(.int32, vectorType), TensorType(.int64, vectorType), TensorType(.int64, vectorType)]
    }

    /// Python's clamping of a slice `start:stop` on a dimension of `size`.
    package static func bounds(_ start: Int?, _ stop: Int?, size: Int) -> Range<Int> {
        func clamp(_ v: Int) -> Int { v < 0 ? Swift.max(v + size, 0) : Swift.min(v, size) }
        let lo = start.map(clamp) ?? 0, hi = stop.map(clamp) ?? size
        return lo..<Swift.max(lo, hi)
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let pattern = try SparsePattern.read(inputs, format: format, at: 0)
        let range = Self.bounds(start, stop, size: axis == 0 ? pattern.rows : pattern.columns)
        let slicesMajor = (axis == 0) == (format == .csr)
        var indices: [Int32] = [], indptr: [Int32] = [0], positions: [Int64] = []
        let majors = slicesMajor ? Array(range) : Array(0..<pattern.majorCount)
        for major in majors {
            for k in Int(pattern.indptr[major])..<Int(pattern.indptr[major + 1]) {
                let minor = Int(pattern.indices[k])
                if slicesMajor || range.contains(minor) {
                    indices.append(Int32(slicesMajor ? minor : minor - range.lowerBound))
                    positions.append(Int64(k))
                }
            }
            indptr.append(Int32(indices.count))
        }
        let rows = axis == 0 ? range.count : pattern.rows, columns = axis == 1 ? range.count : pattern.columns
        let result = SparsePattern(format: format, indices: indices, indptr: indptr, rows: rows, columns: columns)
        return result.arrays + [NDArray(positions, shape: [positions.count])]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil, nil, nil] }
}

/// The union (for addition) or intersection (for multiplication) of two sparse patterns of one shape
/// and format, with sorted indices in each line. Outputs the structure and, for each stored value of
/// the result, the position of the value of each operand it comes from; in a union, -1 where that
/// operand stores nothing. Inputs: the structures of a and b.
public struct SparseMerge: Op {
    public enum Kind: String, Hashable, Sendable { case union, intersection }
    public let format: SparseFormat
    public let kind: Kind
    public init(format: SparseFormat, kind: Kind) { (self.format, self.kind) = (format, kind) }
    public var description: String { "SparseMerge{\(format), \(kind)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        checkSparseTypes(inputs, at: 0, hasData: false, kind == .union ? "add" : "mul")
        checkSparseTypes(inputs, at: 3, hasData: false, kind == .union ? "add" : "mul")
        return [TensorType(.int32, vectorType), TensorType(.int32, vectorType), TensorType(.int64, vectorType),
                TensorType(.int64, vectorType), TensorType(.int64, vectorType)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let a = try SparsePattern.read(inputs, format: format, at: 0)
        let b = try SparsePattern.read(inputs, format: format, at: 3)
        guard a.rows == b.rows && a.columns == b.columns else {
            throw OpFailure(.shapeMismatch, input: 5, "the operands have shapes [\(a.rows), \(a.columns)] and [\(b.rows), \(b.columns)]")
        }
        /// One line's (minor, position) pairs, sorted by minor; throws on a repeated index.
        func line(_ p: SparsePattern, _ major: Int, input: Int) throws -> [(Int32, Int64)] {
            var entries = (Int(p.indptr[major])..<Int(p.indptr[major + 1])).map { (p.indices[$0], Int64($0)) }
            entries.sort { $0.0 < $1.0 }
            for t in entries.indices.dropFirst() where entries[t].0 == entries[t - 1].0 {
                throw OpFailure(.badArgument, input: input, "index \(entries[t].0) is stored twice in \(format == .csr ? "row" : "column") \(major); sum the duplicates first")
            }
            return entries
        }
        var indices: [Int32] = [], indptr: [Int32] = [0], fromA: [Int64] = [], fromB: [Int64] = []
        for major in 0..<a.majorCount {
            let la = try line(a, major, input: 0), lb = try line(b, major, input: 3)
            var i = 0, j = 0
            while i < la.count || j < lb.count {
                let ma = i < la.count ? la[i].0 : Int32.max, mb = j < lb.count ? lb[j].0 : Int32.max
                if ma == mb {
                    indices.append(ma); fromA.append(la[i].1); fromB.append(lb[j].1); i += 1; j += 1
                } else if ma < mb {
                    if kind == .union { indices.append(ma); fromA.append(la[i].1); fromB.append(-1) }
                    i += 1
                } else {
                    if kind == .union { indices.append(mb); fromA.append(-1); fromB.append(lb[j].1) }
                    j += 1
                }
            }
            indptr.append(Int32(indices.count))
        }
        let result = SparsePattern(format: format, indices: indices, indptr: indptr, rows: a.rows, columns: a.columns)
        return result.arrays + [NDArray(fromA, shape: [fromA.count]), NDArray(fromB, shape: [fromB.count])]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [TensorVariable?](repeating: nil, count: 6)
    }
}
