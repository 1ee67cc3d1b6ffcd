/// The linear-algebra rewrites, registered with the optimizer. Each states its equation; together they
/// let one Cholesky factorization serve a positive definite solve and a log-determinant of the same
/// matrix (merge makes the factorizations they produce one node).
package enum LinearAlgebraRewrites {
    package static var all: [LocalRewrite] { [inverseToSolve, logDetToSLogDet, detOfTriangular, detFromCholesky, slogdetFromCholesky, positiveDefiniteSolveToCholesky] }

    /// The matrix `v` is the inverse of, when `v = matrixInverse(a)` is read by nothing else.
    private static func soleInverse(_ v: TensorVariable, _ graph: FunctionGraph) -> TensorVariable? {
        guard let owner = v.owner, owner.op is MatrixInverse, graph.clients[v]?.count == 1 else { return nil }
        return owner.inputs[0]
    }

    /// dot(inv(A), b) → solve(A, b) and dot(b, inv(A)) → solve(Aᵀ, bᵀ)ᵀ, likewise for matmul: one
    /// factorization and two triangular solves instead of an inverse and a product, and more accurate.
    package static let inverseToSolve = LocalRewrite("local_inv_to_solve", tags: ["stabilize", "specialize"], inGraph: { node, graph in
        let isDot = node.op is Dot
        guard isDot || node.op is MatMul, node.inputs.count == 2 else { return nil }
        let (x, y) = (node.inputs[0], node.inputs[1])
        if isDot && !(x.ndim <= 2 && y.ndim <= 2) { return nil }
        if let a = soleInverse(x, graph), y.ndim >= 1 {
            return solve(a, y).fitted(to: node.outputs[0].type).map { [$0] }
        }
        if let a = soleInverse(y, graph) {
            // b·A⁻¹ = (A⁻ᵀ·bᵀ)ᵀ; a vector b is its own transpose.
            let replacement = x.ndim == 1 ? solve(a, x, transposed: true) : solve(a, x.mT, transposed: true).mT
            return replacement.fitted(to: node.outputs[0].type).map { [$0] }
        }
        return nil
    })

    /// log(det(A)) → (sign < 0 ? NaN : log|det A|) and log(|det(A)|) → log|det A|, both from slogdet,
    /// which sums logarithms instead of multiplying pivots and so neither overflows nor underflows.
    package static let logDetToSLogDet = LocalRewrite("local_log_det_to_slogdet", tags: ["stabilize", "specialize"]) { node in
        guard (node.op as? Elemwise)?.scalarOp == .log else { return nil }
        var argument = node.inputs[0]
        var absolute = false
        if ElemwiseRewrites.scalarOp(argument) == .abs, let inner = argument.owner?.inputs[0] {
            argument = inner
            absolute = true
        }
        guard let det = argument.owner, det.op is Det else { return nil }
        let outputs = SLogDet().apply([det.inputs[0]]).outputs
        let replacement = absolute ? outputs[1] : `switch`(eq(outputs[0], -1), Double.nan, outputs[1])
        return replacement.fitted(to: node.outputs[0].type).map { [$0] }
    }

    /// The product of the diagonal of each matrix of the last two axes.
    private static func diagonalProduct(_ x: TensorVariable) -> TensorVariable {
        let d = extractDiag(x, axis1: -2, axis2: -1)
        return d.prod(axis: d.ndim - 1)
    }

    /// The triangular matrix `v` is, or is the transpose of, and whether it is known to be square.
    private static func triangularSource(_ v: TensorVariable) -> (isSquare: Bool, matrix: TensorVariable)? {
        guard let owner = v.owner else { return nil }
        if owner.op is Cholesky { return (true, v) }
        if owner.op is TriangularPart, owner.inputs[0].ndim == v.ndim { return (false, v) }
        if let shuffle = owner.op as? DimShuffle, v.ndim >= 2,
           shuffle.pattern == (Array(0..<(v.ndim - 2)) + [v.ndim - 1, v.ndim - 2]).map(Optional.some) {
            return triangularSource(owner.inputs[0])
        }
        return nil
    }

    /// det(T) → prod(diag(T)) for a triangular T: a Cholesky factor, `tril`/`triu`, or a transpose of
    /// one. A `tril`/`triu` of a non-square matrix still fails when run, as `det` would.
    package static let detOfTriangular = LocalRewrite("local_det_of_triangular", tags: ["canonicalize", "stabilize"]) { node in
        guard node.op is Det, let (isSquare, t) = triangularSource(node.inputs[0]) else { return nil }
        var product = diagonalProduct(t)
        if !isSquare {
            let square = eq(shapeI(t, t.ndim - 2), shapeI(t, t.ndim - 1))
            product = RuntimeCheck(message: "Det: expected a square matrix (or a batch of them), got a triangle of a non-square one")(product, square)
        }
        return product.fitted(to: node.outputs[0].type).map { [$0] }
    }

    /// A Cholesky factorization of `a` already in the graph (one that raises on failure, so `a` is
    /// known to be positive definite whenever the function returns).
    private static func choleskyFactor(of a: TensorVariable, _ graph: FunctionGraph) -> TensorVariable? {
        graph.clients[a]?.lazy.compactMap(\.node).first { ($0.op as? Cholesky)?.onError == .raise }?.outputs[0]
    }

    /// det(A) → prod(diag(L))² when L = cholesky(A) is computed anyway (Theano's `local_det_chol`).
    /// NOTE: like Theano's, this trusts A to be symmetric, as calling cholesky on it asserts; Cholesky
    /// reads only one triangle.
    package static let detFromCholesky = LocalRewrite("local_det_chol", tags: ["stabilize", "specialize"], inGraph: { node, graph in
        guard node.op is Det, let l = choleskyFactor(of: node.inputs[0], graph) else { return nil }
        return sqr(diagonalProduct(l)).fitted(to: node.outputs[0].type).map { [$0] }
    })

    /// slogdet(A) → (1, 2·Σ log diag(L)) when L = cholesky(A) is computed anyway: the logarithm of the
    /// determinant of a positive definite matrix from its factor, with no second factorization.
    package static let slogdetFromCholesky = LocalRewrite("local_slogdet_chol", tags: ["stabilize", "specialize"], inGraph: { node, graph in
        guard node.op is SLogDet, let l = choleskyFactor(of: node.inputs[0], graph) else { return nil }
        let d = log(extractDiag(l, axis1: -2, axis2: -1))
        let logAbsDet = 2 * d.sum(axis: d.ndim - 1)
        let sign = onesLike(logAbsDet)
        guard let s = sign.fitted(to: node.outputs[0].type), let value = logAbsDet.fitted(to: node.outputs[1].type) else { return nil }
        return [s, value]
    })

    /// solve(A, b, assumeA: .positiveDefinite) → choSolve(cholesky(A), b): the same work as LAPACK's
    /// `posv`, with the factor now a node that a log-determinant (and other solves) of A can share. A
    /// Cholesky factor of A already in the graph is reused, the same triangle preferred.
    /// NOTE: a factor of the other triangle is reused too, trusting A to be symmetric, as both calls
    /// assert; only a non-symmetric A (outside what either promises) would see the difference.
    package static let positiveDefiniteSolveToCholesky = LocalRewrite("local_psd_solve_to_chol_solve", tags: ["specialize"], inGraph: { node, graph in
        guard let op = node.op as? Solve, op.assumeA == .positiveDefinite else { return nil }
        let (a, b) = (node.inputs[0], node.inputs[1])
        let existing = (graph.clients[a] ?? []).compactMap(\.node).filter { ($0.op as? Cholesky)?.onError == op.onError }
        let reused = existing.first { ($0.op as? Cholesky)?.lower == op.lower } ?? existing.first
        let lower = (reused?.op as? Cholesky)?.lower ?? op.lower
        let factor = reused?.outputs[0] ?? Cholesky(lower: lower, onError: op.onError)(a)
        let x = CholeskySolve(lower: lower, bNdim: op.bNdim, onError: op.onError, batchFlags: op.batchFlags)(factor, b)
        return x.fitted(to: node.outputs[0].type).map { [$0] }
    })
}
