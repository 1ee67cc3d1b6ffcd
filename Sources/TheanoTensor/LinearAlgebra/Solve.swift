/// What `solve` may assume about its matrix, which picks the method (scipy's `assume_a`).
public enum MatrixStructure: String, Sendable, Hashable {
    /// Any square matrix: LU with partial pivoting (LAPACK `gesv`).
    case general
    /// Symmetric: only the triangle named by `lower` is read (LAPACK `sysv`).
    case symmetric
    /// Symmetric positive definite: a Cholesky factorization of the triangle named by `lower` (`posv`).
    case positiveDefinite
    /// Lower triangular: forward substitution (`trtrs`).
    case lowerTriangular
    /// Upper triangular: back substitution (`trtrs`).
    case upperTriangular
}

/// What every solve shares: `b`'s core rank (1: a vector, 2: a matrix of right-hand sides), the
/// batch flags, and the batched loop.
package protocol BatchedSolve: DenseKernelOp {
    var bNdim: Int { get }
    var onError: LinearAlgebraFailure { get }
    var batchFlags: [[Bool]]? { get }
    var name: String { get }
    /// X with A·X = B for one matrix, or nil with what was wrong with A.
    func solveOne(_ a: DenseMatrix, _ b: DenseMatrix, _ kernels: any DenseLinearAlgebra) -> Result<DenseMatrix, SolveFailure>
}

package struct SolveFailure: Error {
    package let reason: String
}

extension BatchedSolve {
    package func solveTypes(_ inputs: [TensorType]) -> [TensorType] {
        let (a, b) = (inputs[0], inputs[1])
        LinearAlgebra.requireRank(a, atLeast: 2, name, "matrix")
        LinearAlgebra.requireRank(b, atLeast: bNdim, name, "right-hand side")
        let pattern = LinearAlgebra.batchPattern([a, b], core: [2, bNdim]) + Array(b.broadcastable.suffix(bNdim))
        return [TensorType(LinearAlgebra.outputDType([a.dtype, b.dtype], name), pattern)]
    }

    package func solveAll(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] {
        let (a, b) = (inputs[0], inputs[1])
        try LinearAlgebra.requireSquare(a, name)
        let n = a.shape[a.ndim - 1]
        let rows = b.shape[b.ndim - bNdim]
        guard rows == n else {
            throw OpFailure(.shapeMismatch, input: 1, "\(name): the matrix is \(n)×\(n), so the right-hand side needs \(n) rows, got shape \(b.shape)")
        }
        let batch = try LinearAlgebra.batchShape([a, b], core: [2, bNdim], flags: batchFlags, name)
        let columns = bNdim == 1 ? 1 : b.shape[b.ndim - 1]
        let rhs = bNdim == 1 ? LinearAlgebra.columns(b, batch: batch) : LinearAlgebra.matrices(b, batch: batch)
        let solutions = try zip(LinearAlgebra.matrices(a, batch: batch), rhs).enumerated().map { i, pair in
            switch solveOne(pair.0, pair.1, kernels) {
            case .success(let x): return x
            case .failure(let failure):
                guard onError == .nan else {
                    throw OpFailure(.numericalError, input: 0, "\(name): \(failure.reason)\(LinearAlgebra.position(i, in: batch)); pass onError: .nan to get NaNs instead")
                }
                return DenseMatrix(rows: n, columns: columns, values: [Double](repeating: .nan, count: n * columns))
            }
        }
        let core = bNdim == 1 ? [n] : [n, columns]
        return [LinearAlgebra.assemble(solutions.map(\.values), batch: batch, core: core, dtype: LinearAlgebra.outputDType([a.dtype, b.dtype], name))]
    }

    /// Ā = −b̄·xᵀ for x = A⁻¹·b (M. B. Giles, "An extended collection of matrix derivative results").
    package func negativeOuter(_ bBar: TensorVariable, _ x: TensorVariable) -> TensorVariable {
        if bNdim == 2 { return -batchedProduct(bBar, x.mT) }
        let column = bBar.dimshuffle(Array(0..<bBar.ndim) + [nil])
        let row = x.dimshuffle(Array(0..<(x.ndim - 1)) + [nil, x.ndim - 1])
        return -(column * row)
    }

    package func solveShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        // The batch axes broadcast; the core axes are b's (whose rows `perform` checks against A).
        let batch = SymbolicShape.broadcast([Array(inputShapes[0].dropLast(2)), Array(inputShapes[1].dropLast(bNdim))],
                                            batchFlags == nil ? nil : LinearAlgebra.batchFlags(inputs.map(\.type), core: [2, bNdim]))
        return [batch + inputShapes[1].suffix(bNdim)]
    }
}

/// A⁻¹·b for each square matrix A of the last two axes and its right-hand side b (a vector or a
/// matrix of columns), by the method `assumeA` names: scipy's `solve`, batched like numpy's.
/// A singular matrix (or, for `.positiveDefinite`, one that is not positive definite) is an error.
public struct Solve: BatchedSolve {
    public let assumeA: MatrixStructure
    public let lower: Bool
    public let bNdim: Int
    public let onError: LinearAlgebraFailure
    public let batchFlags: [[Bool]]?

    public init(assumeA: MatrixStructure = .general, lower: Bool = false, bNdim: Int, onError: LinearAlgebraFailure = .raise, batchFlags: [[Bool]]? = nil) {
        precondition(assumeA == .general || assumeA == .symmetric || assumeA == .positiveDefinite,
                     "Solve: triangular systems are SolveTriangular's; solve(_:_:assumeA:) picks it")
        precondition(bNdim == 1 || bNdim == 2, "Solve: b's core rank must be 1 or 2, got \(bNdim)")
        (self.assumeA, self.lower, self.bNdim, self.onError, self.batchFlags) = (assumeA, lower, bNdim, onError, batchFlags)
    }

    package var name: String { "Solve" }
    public var description: String {
        "Solve{\(assumeA)\(assumeA == .general ? "" : ", lower=\(lower)"), b_ndim=\(bNdim)\(onError == .nan ? ", onError=nan" : "")}"
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { solveTypes(inputs) }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }
    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] { try solveAll(inputs, kernels) }

    package func solveOne(_ a: DenseMatrix, _ b: DenseMatrix, _ kernels: any DenseLinearAlgebra) -> Result<DenseMatrix, SolveFailure> {
        switch assumeA {
        case .symmetric:
            return kernels.symmetricSolve(a, b, lower: lower).map { .success($0) } ?? .failure(SolveFailure(reason: "expected a nonsingular matrix, got a singular one"))
        case .positiveDefinite:
            guard let factor = kernels.cholesky(a, lower: lower),
                  let y = kernels.triangularSolve(factor, b, lower: lower, transposed: !lower, unitDiagonal: false),
                  let x = kernels.triangularSolve(factor, y, lower: lower, transposed: lower, unitDiagonal: false) else {
                return .failure(SolveFailure(reason: "expected a symmetric positive definite matrix (assumeA: .positiveDefinite), got one that is not positive definite"))
            }
            return .success(x)
        default:
            let f = kernels.luFactor(a)
            if let zero = f.firstZeroPivot {
                return .failure(SolveFailure(reason: "expected a nonsingular matrix, got a singular one (its LU factorization has a zero pivot in column \(zero))"))
            }
            return .success(kernels.luSolve(f, b))
        }
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { solveShape(inputs, inputShapes) }

    /// b̄ = A⁻ᵀ·x̄ (the same method on Aᵀ, reading the same triangle) and Ā = −b̄·xᵀ; for the symmetric
    /// methods Ā is folded onto the triangle that was read, which is the gradient of what was computed.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gx = outputGrads[0] else { return [nil, nil] }
        let (a, b) = (inputs[0], inputs[1])
        let transposed = Solve(assumeA: assumeA, lower: assumeA == .general ? lower : !lower, bNdim: bNdim, onError: onError,
                               batchFlags: LinearAlgebra.batchFlags([a.mT.type, gx.type], core: [2, bNdim]))
        let bBar = transposed(a.mT, gx)
        var aBar = negativeOuter(bBar, outputs[0])
        if assumeA != .general { aBar = LinearAlgebra.foldedOntoTriangle(aBar, lower: lower) }
        return [a.dtype.isDiscrete ? nil : LinearAlgebra.reduced(aBar, to: a), b.dtype.isDiscrete ? nil : LinearAlgebra.reduced(bBar, to: b)]
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        "solve(\(inputs[0]), \(inputs[1])\(assumeA == .general ? "" : ", assumeA: .\(assumeA)"))"
    }
}

/// T⁻¹·b (or T⁻ᵀ·b) for each triangular matrix T of the last two axes, reading only its `lower` (else
/// upper) triangle: scipy's `solve_triangular`. A zero on the diagonal is an error.
public struct SolveTriangular: BatchedSolve {
    public let lower: Bool
    public let unitDiagonal: Bool
    public let bNdim: Int
    public let onError: LinearAlgebraFailure
    public let batchFlags: [[Bool]]?

    public init(lower: Bool, unitDiagonal: Bool = false, bNdim: Int, onError: LinearAlgebraFailure = .raise, batchFlags: [[Bool]]? = nil) {
        precondition(bNdim == 1 || bNdim == 2, "SolveTriangular: b's core rank must be 1 or 2, got \(bNdim)")
        (self.lower, self.unitDiagonal, self.bNdim, self.onError, self.batchFlags) = (lower, unitDiagonal, bNdim, onError, batchFlags)
    }

    package var name: String { "SolveTriangular" }
    public var description: String {
        "SolveTriangular{lower=\(lower)\(unitDiagonal ? ", unit_diagonal" : ""), b_ndim=\(bNdim)\(onError == .nan ? ", onError=nan" : "")}"
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { solveTypes(inputs) }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }
    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] { try solveAll(inputs, kernels) }

    package func solveOne(_ a: DenseMatrix, _ b: DenseMatrix, _ kernels: any DenseLinearAlgebra) -> Result<DenseMatrix, SolveFailure> {
        kernels.triangularSolve(a, b, lower: lower, transposed: false, unitDiagonal: unitDiagonal).map { .success($0) }
            ?? .failure(SolveFailure(reason: "expected a nonsingular triangular matrix, got one with a zero on its diagonal"))
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { solveShape(inputs, inputShapes) }

    /// As for ``Solve``, with Ā kept to the triangle that was read (and off the diagonal when it is
    /// taken to be ones).
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gx = outputGrads[0] else { return [nil, nil] }
        let (a, b) = (inputs[0], inputs[1])
        let transposed = SolveTriangular(lower: !lower, unitDiagonal: unitDiagonal, bNdim: bNdim, onError: onError,
                                         batchFlags: LinearAlgebra.batchFlags([a.mT.type, gx.type], core: [2, bNdim]))
        let bBar = transposed(a.mT, gx)
        let full = negativeOuter(bBar, outputs[0])
        let k = unitDiagonal ? 1 : 0
        let aBar = lower ? tril(full, k: -k) : triu(full, k: k)
        return [a.dtype.isDiscrete ? nil : LinearAlgebra.reduced(aBar, to: a), b.dtype.isDiscrete ? nil : LinearAlgebra.reduced(bBar, to: b)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "solveTriangular(\(inputs[0]), \(inputs[1]), lower: \(lower))" }
}

/// A⁻¹·b given a Cholesky factor of A (lower L with A = L·Lᵀ, or upper U with A = Uᵀ·U): two
/// triangular solves, scipy's `cho_solve`.
public struct CholeskySolve: BatchedSolve {
    public let lower: Bool
    public let bNdim: Int
    public let onError: LinearAlgebraFailure
    public let batchFlags: [[Bool]]?

    public init(lower: Bool = true, bNdim: Int, onError: LinearAlgebraFailure = .raise, batchFlags: [[Bool]]? = nil) {
        precondition(bNdim == 1 || bNdim == 2, "CholeskySolve: b's core rank must be 1 or 2, got \(bNdim)")
        (self.lower, self.bNdim, self.onError, self.batchFlags) = (lower, bNdim, onError, batchFlags)
    }

    package var name: String { "CholeskySolve" }
    public var description: String { "CholeskySolve{lower=\(lower), b_ndim=\(bNdim)\(onError == .nan ? ", onError=nan" : "")}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { solveTypes(inputs) }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] { try compute(inputs, LinearAlgebraKernels.builtIn) }
    package func compute(_ inputs: [NDArray], _ kernels: any DenseLinearAlgebra) throws -> [NDArray] { try solveAll(inputs, kernels) }

    package func solveOne(_ c: DenseMatrix, _ b: DenseMatrix, _ kernels: any DenseLinearAlgebra) -> Result<DenseMatrix, SolveFailure> {
        guard let y = kernels.triangularSolve(c, b, lower: lower, transposed: !lower, unitDiagonal: false),
              let x = kernels.triangularSolve(c, y, lower: lower, transposed: lower, unitDiagonal: false) else {
            return .failure(SolveFailure(reason: "expected a Cholesky factor with a nonzero diagonal, got a zero on its diagonal"))
        }
        return .success(x)
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { solveShape(inputs, inputShapes) }

    /// Ā and b̄ as for A = C·Cᵀ (or Cᵀ·C) in ``Solve``, then C̄ = tril((Ā + Āᵀ)·C) (or triu(C·(Ā + Āᵀ))).
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gx = outputGrads[0] else { return [nil, nil] }
        let (c, b) = (inputs[0], inputs[1])
        let transposed = CholeskySolve(lower: !lower, bNdim: bNdim, onError: onError,
                                       batchFlags: LinearAlgebra.batchFlags([c.mT.type, gx.type], core: [2, bNdim]))
        let bBar = transposed(c.mT, gx)
        let aBar = negativeOuter(bBar, outputs[0])
        let symmetric = aBar + aBar.mT
        let cBar = lower ? tril(batchedProduct(symmetric, c)) : triu(batchedProduct(c, symmetric))
        return [c.dtype.isDiscrete ? nil : LinearAlgebra.reduced(cBar, to: c), b.dtype.isDiscrete ? nil : LinearAlgebra.reduced(bBar, to: b)]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "choSolve(\(inputs[0]), \(inputs[1]))" }
}

// MARK: - API

/// `b`'s core rank for numpy 2's batching rule: a vector is one right-hand side; anything larger is a
/// (batch of) matrices of right-hand-side columns.
private func coreRank(_ b: TensorVariable) -> Int { b.ndim == 1 ? 1 : 2 }

/// Solves `a·x = b` for `x`: scipy's `solve`, batched over leading axes as numpy's is.
///
/// `b` is a vector (one right-hand side) or a matrix whose columns are right-hand sides; a batch of
/// matrices `a` (…, n, n) takes a batch of matrices `b` (…, n, k), the leading axes broadcasting where
/// their types allow. `assumeA` picks the method: `.general` (LU with partial pivoting),
/// `.symmetric`, `.positiveDefinite` (Cholesky), `.lowerTriangular` or `.upperTriangular`. The
/// symmetric methods read only the triangle `lower` names (the upper one by default, as scipy's);
/// `transposed` solves `aᵀ·x = b`.
///
/// A singular matrix, or one that is not positive definite for `.positiveDefinite`, makes the call
/// throw an error naming the op; `onError: .nan` returns NaNs for that matrix instead.
///
/// ```swift
/// let a = dmatrix("a"), b = dvector("b")
/// let x = solve(a, b, assumeA: .positiveDefinite)
/// let f = try function([a, b], x)
/// print(try f([[4.0, 2.0], [2.0, 5.0]], [2.0, 1.0]))   // [0.5 0. ]
/// ```
public func solve(_ a: some TensorConvertible, _ b: some TensorConvertible, assumeA: MatrixStructure = .general,
                  lower: Bool = false, transposed: Bool = false, onError: LinearAlgebraFailure = .raise) -> TensorVariable {
    var a = a.asTensor()
    let b = b.asTensor()
    LinearAlgebra.requireRank(a.type, atLeast: 2, "solve", "matrix")
    LinearAlgebra.requireRank(b.type, atLeast: 1, "solve", "right-hand side")
    switch assumeA {
    case .lowerTriangular, .upperTriangular:
        return solveTriangular(a, b, lower: assumeA == .lowerTriangular, transposed: transposed, onError: onError)
    default:
        var lower = lower
        if transposed {
            a = a.mT
            if assumeA != .general { lower.toggle() }
        }
        let rank = coreRank(b)
        return Solve(assumeA: assumeA, lower: lower, bNdim: rank, onError: onError,
                     batchFlags: LinearAlgebra.batchFlags([a.type, b.type], core: [2, rank]))(a, b)
    }
}

/// Solves `a·x = b` (or `aᵀ·x = b` when `transposed`) for a triangular `a`, reading only its `lower`
/// (else upper, scipy's default) triangle; `unitDiagonal` takes the diagonal to be ones without reading
/// it. Batched as ``solve(_:_:assumeA:lower:transposed:onError:)``. A zero on the diagonal makes the call
/// throw an error naming `SolveTriangular` (or, with `onError: .nan`, gives NaNs).
public func solveTriangular(_ a: some TensorConvertible, _ b: some TensorConvertible, lower: Bool = false, transposed: Bool = false,
                            unitDiagonal: Bool = false, onError: LinearAlgebraFailure = .raise) -> TensorVariable {
    var a = a.asTensor()
    let b = b.asTensor()
    LinearAlgebra.requireRank(a.type, atLeast: 2, "solveTriangular", "matrix")
    LinearAlgebra.requireRank(b.type, atLeast: 1, "solveTriangular", "right-hand side")
    var lower = lower
    if transposed {
        a = a.mT
        lower.toggle()
    }
    let rank = coreRank(b)
    return SolveTriangular(lower: lower, unitDiagonal: unitDiagonal, bNdim: rank, onError: onError,
                           batchFlags: LinearAlgebra.batchFlags([a.type, b.type], core: [2, rank]))(a, b)
}

/// Solves `a·x = b` given a Cholesky factor `c` of `a` (lower, `a = c·cᵀ`, when `lower`, which matches
/// ``cholesky(_:lower:onError:)``'s default; else upper, `a = cᵀ·c`): scipy's `cho_solve`.
///
/// ```swift
/// let l = cholesky(a)
/// let x = choSolve(l, b)          // the same as solve(a, b, assumeA: .positiveDefinite)
/// ```
public func choSolve(_ c: some TensorConvertible, _ b: some TensorConvertible, lower: Bool = true,
                     onError: LinearAlgebraFailure = .raise) -> TensorVariable {
    let (c, b) = (c.asTensor(), b.asTensor())
    LinearAlgebra.requireRank(c.type, atLeast: 2, "choSolve", "factor")
    LinearAlgebra.requireRank(b.type, atLeast: 1, "choSolve", "right-hand side")
    let rank = coreRank(b)
    return CholeskySolve(lower: lower, bNdim: rank, onError: onError, batchFlags: LinearAlgebra.batchFlags([c.type, b.type], core: [2, rank]))(c, b)
}
