/// Typed variable constructors: `dscalar("x")`, `fvector()`, `imatrix()`, `dmatrices("a", "b")` …
/// The prefix names the dtype (b int8, w int16, i int32, l int64, f float32, d float64, c complex64,
/// z complex128); the unprefixed forms use `config.floatX`.

/// A symbolic tensor of any dtype and broadcast pattern.
public func tensor(dtype: DType? = nil, broadcastable: [Bool], name: String? = nil) -> TensorVariable {
    TensorVariable(type: TensorType(dtype ?? config.floatX, broadcastable), name: name)
}

extension TensorType {
    /// A fresh variable of this type, as calling a type does in Theano.
    public func callAsFunction(_ name: String? = nil) -> TensorVariable { TensorVariable(type: self, name: name) }
    /// A fresh variable of this type.
    public func variable(_ name: String? = nil) -> TensorVariable { TensorVariable(type: self, name: name) }
}

private func make(_ dtype: DType?, _ pattern: [Bool], _ name: String?) -> TensorVariable {
    tensor(dtype: dtype, broadcastable: pattern, name: name)
}

private let scalarPattern: [Bool] = []
private let vectorPattern = [false]
private let matrixPattern = [false, false]
private let rowPattern = [true, false]
private let colPattern = [false, true]
private func tensorPattern(_ n: Int) -> [Bool] { [Bool](repeating: false, count: n) }

/// A symbolic scalar of `dtype`, by default `config.floatX`: Theano's `T.scalar`.
public func scalar(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, scalarPattern, name) }
/// A symbolic vector of `dtype`, by default `config.floatX`: Theano's `T.vector`.
public func vector(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, vectorPattern, name) }
/// A symbolic matrix of `dtype`, by default `config.floatX`: Theano's `T.matrix`.
public func matrix(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, matrixPattern, name) }
/// A symbolic 1×n matrix whose first dimension broadcasts: Theano's `T.row`.
public func row(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, rowPattern, name) }
/// A symbolic n×1 matrix whose second dimension broadcasts: Theano's `T.col`.
public func col(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, colPattern, name) }
/// A symbolic tensor of 3 dimensions of `dtype`, by default `config.floatX`: Theano's `T.tensor3`.
public func tensor3(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, tensorPattern(3), name) }
/// A symbolic tensor of 4 dimensions of `dtype`, by default `config.floatX`: Theano's `T.tensor4`.
public func tensor4(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, tensorPattern(4), name) }
/// A symbolic tensor of 5 dimensions of `dtype`, by default `config.floatX`: Theano's `T.tensor5`.
public func tensor5(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, tensorPattern(5), name) }
/// A symbolic tensor of 6 dimensions of `dtype`, by default `config.floatX`: Theano's `T.tensor6`.
public func tensor6(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, tensorPattern(6), name) }
/// A symbolic tensor of 7 dimensions of `dtype`, by default `config.floatX`: Theano's `T.tensor7`.
public func tensor7(_ name: String? = nil, dtype: DType? = nil) -> TensorVariable { make(dtype, tensorPattern(7), name) }
