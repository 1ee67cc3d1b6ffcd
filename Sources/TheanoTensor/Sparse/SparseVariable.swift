/// A symbolic sparse matrix: Theano's `csr_matrix` / `csc_matrix` variables.
///
/// The graph knows only tensors, so a sparse matrix is its four parts, each an ordinary variable:
/// `data` (a float vector), `indices` and `indptr` (int32 vectors) and `shape` (an int64 vector of two
/// sizes), the layout scipy uses. Every sparse op takes and makes these parts, so the optimizer, the
/// backends and `grad` need nothing new, and `csmProperties` / `csm` are free.
///
/// Gradients are *structured*: the gradient with respect to a sparse matrix is the gradient with
/// respect to its stored values, `data`; the zeros it does not store are not variables. A compiled
/// function takes a sparse input as its four parts: list `x.inputs` among the inputs and pass
/// `value.arguments` among the arguments.
public struct SparseVariable: CustomStringConvertible {
    /// CSR or CSC.
    public let format: SparseFormat
    /// The stored values, a vector.
    public let data: TensorVariable
    /// The minor index of each stored value, an int32 vector.
    public let indices: TensorVariable
    /// Where each major line starts in `data`, an int32 vector.
    public let indptr: TensorVariable
    /// Rows and columns, an int64 vector.
    public let shape: TensorVariable

    /// Puts a sparse matrix together from its parts (Theano's `CSM`); the parts are checked when it runs.
    public init(format: SparseFormat, data: TensorVariable, indices: TensorVariable, indptr: TensorVariable, shape: TensorVariable) {
        precondition(data.ndim == 1, "csm: data must be a vector, got \(data.type)")
        precondition(indices.ndim == 1 && indices.dtype.isInteger, "csm: indices must be an integer vector, got \(indices.type)")
        precondition(indptr.ndim == 1 && indptr.dtype.isInteger, "csm: indptr must be an integer vector, got \(indptr.type)")
        precondition(shape.ndim == 1 && shape.dtype.isInteger, "csm: shape must be an integer vector, got \(shape.type)")
        (self.format, self.data, self.indices, self.indptr, self.shape) = (format, data, indices, indptr, shape)
    }

    /// The element type of the stored values.
    public var dtype: DType { data.dtype }

    /// The four parts in the order a compiled function takes them (see `SparseMatrix.arguments`).
    public var inputs: [TensorVariable] { [data, indices, indptr, shape] }

    /// The structural parts, in the order the sparse ops take them after `data`.
    package var structure: [TensorVariable] { [indices, indptr, shape] }

    /// The same matrix with other stored values (a structured op's result).
    public func with(data newData: TensorVariable) -> SparseVariable {
        SparseVariable(format: format, data: newData, indices: indices, indptr: indptr, shape: shape)
    }

    /// The transpose: the same arrays read in the other format, as Theano's `transpose` of a CSR
    /// matrix is CSC. Nothing is copied.
    public var T: SparseVariable {
        SparseVariable(format: format.flipped, data: data, indices: indices, indptr: indptr,
                       shape: take(shape, TensorConstant(NDArray([Int64(1), 0], shape: [2]))))
    }

    public var description: String {
        "\(format.rawValue)_matrix(\(data.name ?? "\(data)"), dtype: \(dtype))"
    }
}

/// A symbolic CSR matrix of `dtype`, by default `config.floatX`: Theano's `sparse.csr_matrix`.
public func csrMatrix(_ name: String? = nil, dtype: DType? = nil) -> SparseVariable {
    sparseMatrix(.csr, name, dtype: dtype)
}

/// A symbolic CSC matrix of `dtype`, by default `config.floatX`: Theano's `sparse.csc_matrix`.
public func cscMatrix(_ name: String? = nil, dtype: DType? = nil) -> SparseVariable {
    sparseMatrix(.csc, name, dtype: dtype)
}

/// A symbolic sparse matrix of either format.
public func sparseMatrix(_ format: SparseFormat, _ name: String? = nil, dtype: DType? = nil) -> SparseVariable {
    let dtype = dtype ?? config.floatX
    precondition(!dtype.isDiscrete || dtype.isInteger, "\(format.rawValue)Matrix: dtype \(dtype) cannot hold matrix values")
    let prefix = name.map { $0 + "." } ?? ""
    return SparseVariable(format: format,
                          data: tensor(dtype: dtype, broadcastable: [false], name: prefix + "data"),
                          indices: tensor(dtype: .int32, broadcastable: [false], name: prefix + "indices"),
                          indptr: tensor(dtype: .int32, broadcastable: [false], name: prefix + "indptr"),
                          shape: tensor(dtype: .int64, broadcastable: [false], name: prefix + "shape"))
}

/// A sparse constant.
public func constant(_ value: SparseMatrix) -> SparseVariable {
    // Vectors never broadcast, even of length 1: one stored value is still a list of values.
    let parts = value.arguments.map { TensorConstant($0, type: TensorType($0.dtype, [false])) }
    return SparseVariable(format: value.format, data: parts[0], indices: parts[1], indptr: parts[2], shape: parts[3])
}

/// Puts a sparse matrix together from its parts: Theano's `CSM(format)(data, indices, indptr, shape)`.
public func csm(_ format: SparseFormat, data: TensorVariable, indices: TensorVariable, indptr: TensorVariable,
                shape: TensorVariable) -> SparseVariable {
    SparseVariable(format: format, data: data, indices: indices, indptr: indptr, shape: shape)
}

/// Takes a sparse matrix apart: Theano's `csm_properties`, giving data, indices, indptr and shape.
public func csmProperties(_ x: SparseVariable) -> (data: TensorVariable, indices: TensorVariable, indptr: TensorVariable, shape: TensorVariable) {
    (x.data, x.indices, x.indptr, x.shape)
}
