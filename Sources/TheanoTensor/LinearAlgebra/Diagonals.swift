// MARK: - Triangles

/// The lower (`tril`) or upper (`triu`) triangle of each matrix of the last two axes, from the `k`-th
/// diagonal (numpy's `tril`/`triu`); the other entries become 0.
public struct TriangularPart: Op {
    public let lower: Bool
    public let k: Int
    public init(lower: Bool, k: Int = 0) { (self.lower, self.k) = (lower, k) }
    public var description: String { "\(lower ? "Tril" : "Triu"){k=\(k)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        LinearAlgebra.requireRank(inputs[0], atLeast: 2, lower ? "tril" : "triu")
        return [inputs[0]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let out = inputs[0].copy()
        let (m, n) = (out.shape[out.ndim - 2], out.shape[out.ndim - 1])
        let count = out.count
        guard count > 0 else { return [out] }
        let (lower, k) = (self.lower, self.k)
        func zeroOut<T: TensorElement>(_: T.Type) {
            let p = out.storage.pointer.assumingMemoryBound(to: T.self)
            for start in stride(from: 0, to: count, by: m * n) {
                for i in 0..<m {
                    for j in 0..<n where lower ? j - i > k : j - i < k { p[start + i * n + j] = T.zero }
                }
            }
        }
        zeroOut(out.dtype.elementType)
        return [out]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil] }
        return [self(gz)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "\(lower ? "tril" : "triu")(\(inputs[0])\(k == 0 ? "" : ", k: \(k)"))" }
}

/// The lower triangle of each matrix (its last two axes), from the `k`-th diagonal down; numpy's `tril`.
public func tril(_ x: TensorVariable, k: Int = 0) -> TensorVariable { TriangularPart(lower: true, k: k)(x) }

/// The upper triangle of each matrix (its last two axes), from the `k`-th diagonal up; numpy's `triu`.
public func triu(_ x: TensorVariable, k: Int = 0) -> TensorVariable { TriangularPart(lower: false, k: k)(x) }

// MARK: - Diagonals

/// numpy's `diagonal`: the `offset`-th diagonal of the matrices spanned by `axis1` and `axis2`, as a new
/// last axis (the other axes keep their order). PyTensor's `ExtractDiag`; the result is a copy.
public struct ExtractDiag: Op {
    public let offset: Int
    public let axis1: Int
    public let axis2: Int
    public init(offset: Int = 0, axis1: Int = 0, axis2: Int = 1) { (self.offset, self.axis1, self.axis2) = (offset, axis1, axis2) }
    public var description: String { "ExtractDiag{offset=\(offset), axis1=\(axis1), axis2=\(axis2)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        LinearAlgebra.requireRank(x, atLeast: 2, "extractDiag")
        precondition(axis1 != axis2 && (0..<x.ndim).contains(axis1) && (0..<x.ndim).contains(axis2),
                     "extractDiag: axis1 (\(axis1)) and axis2 (\(axis2)) must be two different axes of \(x)")
        let kept = (0..<x.ndim).filter { $0 != axis1 && $0 != axis2 }.map { x.broadcastable[$0] }
        return [TensorType(x.dtype, kept + [false])]
    }

    /// The permutation that moves `axis1` and `axis2` last.
    package static func movingLast(_ ndim: Int, _ axis1: Int, _ axis2: Int) -> [Int] {
        (0..<ndim).filter { $0 != axis1 && $0 != axis2 } + [axis1, axis2]
    }

    /// The length of the `offset`-th diagonal of an m×n matrix, and where it starts.
    package static func extent(_ m: Int, _ n: Int, _ offset: Int) -> (length: Int, row: Int, column: Int) {
        let (row, column) = (Swift.max(0, -offset), Swift.max(0, offset))
        return (Swift.max(0, Swift.min(m - row, n - column)), row, column)
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let x = inputShapes[0]
        let kept = x.indices.filter { $0 != axis1 && $0 != axis2 }.map { x[$0] }
        let (row, column) = (Swift.max(0, -offset), Swift.max(0, offset))
        let length = SymbolicShape.max(SymbolicShape.constant(0), SymbolicShape.min(SymbolicShape.sub(x[axis1], SymbolicShape.constant(row)),
                                                                                  SymbolicShape.sub(x[axis2], SymbolicShape.constant(column))))
        return [kept + [length]]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let y = inputs[0].transposed(ExtractDiag.movingLast(inputs[0].ndim, axis1, axis2)).contiguous()
        let (m, n) = (y.shape[y.ndim - 2], y.shape[y.ndim - 1])
        let batch = Array(y.shape.dropLast(2))
        let (length, row, column) = ExtractDiag.extent(m, n, offset)
        let count = batch.reduce(1, *)
        func extract<T: TensorElement>(_: T.Type) -> NDArray {
            let values = y.scalars(as: T.self)
            var out: [T] = []
            out.reserveCapacity(count * length)
            for b in 0..<count { for i in 0..<length { out.append(values[b * m * n + (row + i) * n + column + i]) } }
            return NDArray(out, shape: batch + [length])
        }
        return [extract(y.dtype.elementType)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil] }
        let g = gz.dtype == inputs[0].dtype ? gz : cast(gz, inputs[0].dtype)
        return [DiagonalScatter(offset: offset, axis1: axis1, axis2: axis2)(inputs[0], g)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "extractDiag(\(inputs[0]), offset: \(offset))" }
}

/// Zeros shaped like its first input with its second input written along the diagonal that
/// ``ExtractDiag`` with the same parameters reads: that op's gradient.
public struct DiagonalScatter: Op {
    package init(offset: Int, axis1: Int, axis2: Int) { self.offset = offset; self.axis1 = axis1; self.axis2 = axis2 }
    public let offset: Int
    public let axis1: Int
    public let axis2: Int
    public var description: String { "DiagonalScatter{offset=\(offset), axis1=\(axis1), axis2=\(axis2)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[1].ndim == inputs[0].ndim - 1, "DiagonalScatter: diagonal values of rank \(inputs[1].ndim) for a tensor of rank \(inputs[0].ndim)")
        return [TensorType(inputs[1].dtype, inputs[0].broadcastable)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (x, d) = (inputs[0], inputs[1])
        let permutation = ExtractDiag.movingLast(x.ndim, axis1, axis2)
        let moved = permutation.map { x.shape[$0] }
        let (m, n) = (moved[moved.count - 2], moved[moved.count - 1])
        let (length, row, column) = ExtractDiag.extent(m, n, offset)
        let batch = Array(moved.dropLast(2))
        guard d.shape == batch + [length] else {
            throw OpFailure(.shapeMismatch, input: 1, "DiagonalScatter: the diagonal has shape \(d.shape), expected \(batch + [length])")
        }
        let count = batch.reduce(1, *)
        func scatter<T: TensorElement>(_: T.Type) -> NDArray {
            var out = [T](repeating: T.zero, count: count * m * n)
            let values = d.scalars(as: T.self)
            for b in 0..<count { for i in 0..<length { out[b * m * n + (row + i) * n + column + i] = values[b * length + i] } }
            return NDArray(out, shape: moved)
        }
        var inverse = [Int](repeating: 0, count: x.ndim)
        for (i, axis) in permutation.enumerated() { inverse[axis] = i }
        return [scatter(d.dtype.elementType).transposed(inverse).contiguous()]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        return [nil, inputs[1].dtype.isDiscrete ? nil : ExtractDiag(offset: offset, axis1: axis1, axis2: axis2)(gz)]
    }
}

/// PyTensor's `AllocDiag`: a zero tensor with the last axis of its input on the `offset`-th diagonal of
/// the matrices spanned by output axes `axis1` < `axis2`; the input's other axes fill the remaining
/// output axes in order. For a vector and the default axes, the square diagonal matrix.
public struct AllocDiag: Op {
    public let offset: Int
    public let axis1: Int
    public let axis2: Int
    public init(offset: Int = 0, axis1: Int = 0, axis2: Int = 1) { (self.offset, self.axis1, self.axis2) = (offset, axis1, axis2) }
    public var description: String { "AllocDiag{offset=\(offset), axis1=\(axis1), axis2=\(axis2)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        LinearAlgebra.requireRank(x, atLeast: 1, "allocDiag")
        precondition(axis1 < axis2 && axis1 >= 0 && axis2 <= x.ndim, "allocDiag: need 0 ≤ axis1 < axis2 ≤ \(x.ndim) for \(x), got \(axis1) and \(axis2)")
        var pattern = Array(x.broadcastable.dropLast())
        pattern.insert(false, at: axis1)
        pattern.insert(false, at: axis2)
        return [TensorType(x.dtype, pattern)]
    }

    /// Where each axis of the (batch…, n, n) layout goes in the output.
    package func permutation(_ ndim: Int) -> [Int] {
        var axes = Array(0..<(ndim - 1))
        axes.insert(ndim - 1, at: axis1)
        axes.insert(ndim, at: axis2)
        return axes
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        let x = inputShapes[0]
        let size = SymbolicShape.add(x[x.count - 1], SymbolicShape.constant(Swift.abs(offset)))
        let layout = Array(x.dropLast()) + [size, size]
        return [permutation(x.count).map { layout[$0] }]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        let length = x.shape[x.ndim - 1]
        let size = length + Swift.abs(offset)
        let batch = Array(x.shape.dropLast())
        let count = batch.reduce(1, *)
        let (row, column) = (Swift.max(0, -offset), Swift.max(0, offset))
        _ = try ShapeCheck.elementCount(batch + [size, size], dtype: x.dtype, op: "allocDiag")
        func fill<T: TensorElement>(_: T.Type) -> NDArray {
            var out = [T](repeating: T.zero, count: count * size * size)
            let values = x.scalars(as: T.self)
            for b in 0..<count { for i in 0..<length { out[b * size * size + (row + i) * size + column + i] = values[b * length + i] } }
            return NDArray(out, shape: batch + [size, size])
        }
        return [fill(x.dtype.elementType).transposed(permutation(x.ndim)).contiguous()]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0], !inputs[0].dtype.isDiscrete else { return [nil] }
        return [ExtractDiag(offset: offset, axis1: axis1, axis2: axis2)(gz)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "allocDiag(\(inputs[0]), offset: \(offset))" }
}

/// An axis counted from the end when negative, checked against `ndim`.
package func normalizedAxis(_ axis: Int, _ ndim: Int, _ op: String) -> Int {
    let a = axis < 0 ? axis + ndim : axis
    precondition(a >= 0 && a < ndim, "\(op): axis \(axis) is out of range for rank \(ndim)")
    return a
}

/// numpy's `diagonal`: the `offset`-th diagonal of the matrices spanned by `axis1` and `axis2`, as a
/// new last axis. `extractDiag(x, axis1: -2, axis2: -1)` takes the diagonal of each matrix of a batch.
public func extractDiag(_ x: TensorVariable, offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> TensorVariable {
    ExtractDiag(offset: offset, axis1: normalizedAxis(axis1, x.ndim, "extractDiag"), axis2: normalizedAxis(axis2, x.ndim, "extractDiag"))(x)
}

/// PyTensor's `alloc_diag`: the last axis of `x` on the `offset`-th diagonal of new matrices spanned by
/// output axes `axis1` and `axis2`. `allocDiag(v)` of a vector is the diagonal matrix.
public func allocDiag(_ x: TensorVariable, offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> TensorVariable {
    let (a, b) = (normalizedAxis(axis1, x.ndim + 1, "allocDiag"), normalizedAxis(axis2, x.ndim + 1, "allocDiag"))
    precondition(a != b, "allocDiag: axis1 and axis2 must differ, got \(axis1) and \(axis2)")
    return AllocDiag(offset: offset, axis1: Swift.min(a, b), axis2: Swift.max(a, b))(x)
}

/// numpy's `diag`: a vector's diagonal matrix (its `k`-th diagonal), or a matrix's `k`-th diagonal.
///
/// ```swift
/// let v = dvector("v")
/// let m = diag(v)          // the square matrix with v on its diagonal
/// let d = diag(m, k: 1)    // the diagonal above the main one
/// ```
public func diag(_ x: TensorVariable, k: Int = 0) -> TensorVariable {
    precondition(x.ndim == 1 || x.ndim == 2, "diag: needs a vector or a matrix, got \(x.type)")
    return x.ndim == 1 ? allocDiag(x, offset: k) : extractDiag(x, offset: k)
}

/// numpy's `trace`: the sum along the `offset`-th diagonal of the matrices spanned by `axis1` and `axis2`
/// (by default the first two axes, as numpy's).
public func trace(_ x: TensorVariable, offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> TensorVariable {
    let d = extractDiag(x, offset: offset, axis1: axis1, axis2: axis2)
    return d.sum(axis: d.ndim - 1)
}

extension TensorVariable {
    /// numpy's `diagonal` (see ``extractDiag(_:offset:axis1:axis2:)``).
    public func diagonal(offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> TensorVariable {
        extractDiag(self, offset: offset, axis1: axis1, axis2: axis2)
    }

    /// numpy's `trace` (see ``trace(_:offset:axis1:axis2:)``).
    public func trace(offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> TensorVariable {
        TheanoTensor.trace(self, offset: offset, axis1: axis1, axis2: axis2)
    }
}
