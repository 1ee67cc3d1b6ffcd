import Testing
@testable import Theano

/// Bad inputs to the linear-algebra ops: each error names the op and says what was expected and what
/// was given, on both paths; `onError: .nan` turns a failed factorization into NaNs instead.
@Suite struct LinearAlgebraErrorTests {
    static let modes: [Mode] = [.reference, .fastRun]

    /// The error `expr` throws on `args` in `mode`.
    func failure(_ inputs: [TensorVariable], _ expr: TensorVariable, _ args: [any NDArrayConvertible], _ mode: Mode,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> TheanoError {
        try #require(throws: TheanoError.self, sourceLocation: sourceLocation) { try function(inputs, expr, mode: mode).call(args) }
    }

    @Test(arguments: modes)
    func singularMatricesAreErrorsNamingTheOp(_ mode: Mode) throws {
        let a = dmatrix("a"), b = dvector("b")
        let singular: [[Double]] = [[1, 2], [2, 4]]
        let inverse = try failure([a], matrixInverse(a), [singular], mode)
        #expect(inverse.message.contains("MatrixInverse") && inverse.message.contains("expected an invertible matrix, got a singular one"), "\(inverse)")
        let solved = try failure([a, b], solve(a, b), [singular, [1.0, 2.0]], mode)
        #expect(solved.message.contains("Solve") && solved.message.contains("singular"), "\(solved)")
        let symmetric = try failure([a, b], solve(a, b, assumeA: .symmetric), [singular, [1.0, 2.0]], mode)
        #expect(symmetric.message.contains("Solve") && symmetric.message.contains("singular"), "\(symmetric)")
        let triangular = try failure([a, b], solveTriangular(a, b, lower: true), [[[1.0, 0], [3, 0]], [1.0, 2.0]], mode)
        #expect(triangular.message.contains("SolveTriangular") && triangular.message.contains("zero on its diagonal"), "\(triangular)")
        // The failing matrix of a batch is named by its index.
        let stack = dtensor3("stack")
        let batched = try failure([stack], matrixInverse(stack), [NDArray([1.0, 0, 0, 1, 1, 2, 2, 4], shape: [2, 2, 2])], mode)
        #expect(batched.message.contains("batch index [1]"), "\(batched)")
    }

    @Test(arguments: modes)
    func matricesThatAreNotPositiveDefiniteAreErrorsNamingTheOp(_ mode: Mode) throws {
        let a = dmatrix("a"), b = dvector("b")
        let indefinite: [[Double]] = [[1, 2], [2, 1]]
        let factor = try failure([a], cholesky(a), [indefinite], mode)
        #expect(factor.message.contains("Cholesky") && factor.message.contains("expected a symmetric positive definite matrix"), "\(factor)")
        let solved = try failure([a, b], solve(a, b, assumeA: .positiveDefinite), [indefinite, [1.0, 1.0]], mode)
        #expect(solved.message.contains("positive definite"), "\(solved)")
        let generalized = try failure([a], eigvalsh(a, a), [indefinite], mode)
        #expect(generalized.message.contains("Eigvalsh") && generalized.message.contains("positive definite B"), "\(generalized)")
    }

    /// PyTensor's `on_error="nan"`: the failed matrix's result is NaN, the others of a batch are computed.
    @Test(arguments: modes)
    func onErrorNaNGivesNaNsForTheFailedMatrixOnly(_ mode: Mode) throws {
        let stack = dtensor3("stack"), b = dvector("b")
        let values = NDArray([4.0, 0, 0, 9, 1, 2, 2, 1], shape: [2, 2, 2])
        let l = try function([stack], cholesky(stack, onError: .nan), mode: mode).call([values]).doubles
        #expect(l.prefix(4) == [2, 0, 0, 3] && l.suffix(4).allSatisfy(\.isNaN))
        let x = try function([stack, b], solve(stack, b.dimshuffle(0, nil), assumeA: .positiveDefinite, onError: .nan), mode: mode).call([values, [4.0, 9.0]]).doubles
        #expect(x.prefix(2) == [1, 1] && x.suffix(2).allSatisfy(\.isNaN))
        let singular = try function([stack, b], solve(stack, b.dimshuffle(0, nil), onError: .nan), mode: mode).call([NDArray([1.0, 0, 0, 1, 1, 2, 2, 4], shape: [2, 2, 2]), [1.0, 1.0]]).doubles
        #expect(singular.prefix(2) == [1, 1] && singular.suffix(2).allSatisfy(\.isNaN))
    }

    @Test(arguments: modes)
    func shapesThatDoNotFitAreErrorsWithBothShapes(_ mode: Mode) throws {
        let a = dmatrix("a"), b = dvector("b"), m = dmatrix("m"), stack = dtensor3("stack"), rhs = dtensor3("rhs")
        let rectangle: [[Double]] = [[1, 2, 3], [4, 5, 6]]
        for (expr, name) in [(det(a), "Det"), (matrixInverse(a), "MatrixInverse"), (cholesky(a), "Cholesky"), (eigh(a).w, "Eigh"), (expm(a), "Expm"), (eig(a).w, "Eig")] {
            let error = try failure([a], expr, [rectangle], mode)
            #expect(error.message.contains(name) && error.message.contains("must be a square matrix") && error.message.contains("2×3"), "\(error)")
        }
        let rows = try failure([a, b], solve(a, b), [[[1.0, 0], [0, 1]], [1.0, 2, 3]], mode)
        #expect(rows.message.contains("needs 2 rows, got shape [3]"), "\(rows)")
        let batches = try failure([stack, rhs], solve(stack, rhs), [NDArray(zeros: [2, 2, 2], dtype: .float64), NDArray(zeros: [3, 2, 1], dtype: .float64)], mode)
        #expect(batches.message.contains("batch axes do not broadcast") && batches.message.contains("[2, 2, 2] and [3, 2, 1]"), "\(batches)")
        let product = try failure([a, m], matmul(a, m), [rectangle, rectangle], mode)
        #expect(product.message.contains("not aligned") && product.message.contains("[2, 3] and [2, 3]"), "\(product)")
        let fit = try failure([a, b], lstsq(a, b).x, [rectangle, [1.0, 2, 3]], mode)
        #expect(fit.message.contains("Lstsq") && fit.message.contains("needs 2 rows"), "\(fit)")
        let infinite = try failure([a], expm(a), [[[Double.infinity, 0], [0, 1]]], mode)
        #expect(infinite.message.contains("Expm") && infinite.message.contains("finite"), "\(infinite)")
    }

    @Test func gradientsThatDoNotExistSaySo() throws {
        let a = dmatrix("a"), b = dvector("b")
        for (cost, phrase) in [(eig(a).w.sum(), "grad of eig"), (lstsq(a, b).x.sum(), "grad of lstsq"), (svd(a).u.sum(), "fullMatrices: false")] {
            let error = try #require(throws: TheanoError.self) { _ = try grad(cost.astype(.float64), wrt: a) }
            #expect(error.kind == .unsupported && error.message.contains(phrase), "\(error)")
        }
        // QR's complete mode of a tall matrix: known only when the sizes are.
        let g = try grad(qr(a, mode: .complete).q.sum(), wrt: a)
        let error = try #require(throws: TheanoError.self) { try function([a], g).call([[[1.0, 2], [3, 4], [5, 6]]]) }
        #expect(error.message.contains("mode .complete has no gradient for a tall matrix"), "\(error)")
        #expect(try function([a], g).call([[[1.0, 2], [3, 4]]]).shape == [2, 2])
    }
}
