import Foundation
import Testing
@testable import Theano

/// The linear-algebra rewrites: each changes the graph as its equation says and keeps the values.
@Suite struct LinearAlgebraRewriteTests {
    static let g: [[Double]] = [[2, -1, 0.5], [1, 3, -2], [0.5, 1, 1]]
    static let spd: [[Double]] = [[4, 1, 2], [1, 5, 3], [2, 3, 6]]

    /// The op names of an optimized function's nodes.
    func ops<Output>(_ f: Function<Output>) -> [String] { f.graph.toposort.map { "\(type(of: $0.op))" } }

    @Test func aProductWithAnInverseBecomesASolve() throws {
        let a = dmatrix("a"), b = dvector("b"), m = dmatrix("m"), stack = dtensor3("stack")
        let vector: [Double] = [1, 2, 3]
        let cases: [(TensorVariable, [TensorVariable], [any NDArrayConvertible])] = [
            (dot(matrixInverse(a), b), [a, b], [Self.g, vector]), (dot(matrixInverse(a), m), [a, m], [Self.g, Self.spd]),
            (dot(m, matrixInverse(a)), [a, m], [Self.g, Self.spd]), (dot(b, matrixInverse(a)), [a, b], [Self.g, vector]),
        ]
        for (expr, inputs, args) in cases {
            let f = try function(inputs, expr, mode: .fastRun)
            #expect(!ops(f).contains("MatrixInverse") && ops(f).contains("Solve"), "\(pp(expr)): \(ops(f))")
            let reference = try function(inputs, expr, mode: .reference).call(args)
            #expect(close(try f.call(args).doubles, reference.doubles, tolerance: 1e-13), "\(pp(expr))")
        }
        // numpy.linalg.solve(G, [1, 2, 3]).
        let x = try function([a, b], dot(matrixInverse(a), b), mode: .fastRun).call([Self.g, [1.0, 2, 3]])
        #expect(close(x.doubles, [0.8085106382978724, 1.2765957446808511, 1.319148936170213], tolerance: 1e-14))
        // Batched matmul too.
        let batched = try function([stack, m], matmul(matrixInverse(stack), m), mode: .fastRun)
        #expect(!ops(batched).contains("MatrixInverse"))
        // An inverse that is also read elsewhere stays.
        let shared = matrixInverse(a)
        let both = try function([a, b], [dot(shared, b), shared], mode: .fastRun)
        #expect(ops(both).contains("MatrixInverse") && !ops(both).contains("Solve"))
    }

    @Test func theDeterminantOfATriangularMatrixIsItsDiagonalProduct() throws {
        let a = dmatrix("a")
        for expr in [det(cholesky(a)), det(cholesky(a).T), det(tril(a)), det(triu(a).mT)] {
            let f = try function([a], expr, mode: .fastRun)
            #expect(!ops(f).contains("Det"), "\(pp(expr)): \(ops(f))")
            #expect(close([try f.call([Self.spd]).item()], [try function([a], expr, mode: .reference).call([Self.spd]).item()], tolerance: 1e-13))
        }
        // det(cholesky(A)) = √det(A) = √70.
        #expect(close([try function([a], det(cholesky(a)), mode: .fastRun).call([Self.spd]).item()], [Foundation.sqrt(70.0)], tolerance: 1e-13))
        // A triangle of a non-square matrix is still an error, as det would raise.
        let error = try #require(throws: TheanoError.self) { try function([a], det(tril(a)), mode: .fastRun).call([[[1.0, 2, 3], [4, 5, 6]]]) }
        #expect(error.message.contains("square"), "\(error)")
    }

    @Test func theLogarithmOfADeterminantComesFromSlogdet() throws {
        let a = dmatrix("a")
        let f = try function([a], [log(det(a)), log(abs(det(a)))], mode: .fastRun)
        #expect(!ops(f).contains("Det") && ops(f).contains("SLogDet"), "\(ops(f))")
        // Finite where det overflows (det(1e200·I₃) = 1e600), NaN where det < 0 (as log of it is).
        let huge = try f.call([[[1e200, 0, 0], [0, 1e200, 0], [0, 0, 1e200]]])
        #expect(close([huge[0].item(), huge[1].item()], [600 * Foundation.log(10.0), 600 * Foundation.log(10.0)], tolerance: 1e-14))
        let negative = try f.call([[[0.0, 1], [1, 0]]])
        #expect(negative[0].item(as: Double.self).isNaN && negative[1].item() == 0)
        let plain = try function([a], log(det(a)), mode: .reference).call([Self.g])
        #expect(close([try f.call([Self.g])[0].item()], [plain.item()], tolerance: 1e-14))
    }

    /// A positive definite solve and a log-determinant of the same matrix share one Cholesky
    /// factorization: the solve becomes choSolve(cholesky(A), b), the log-determinant reads the
    /// factor's diagonal, and merge makes every cholesky(A) one node.
    @Test func oneCholeskyServesASolveAndALogDeterminant() throws {
        let a = dmatrix("a"), b = dvector("b")
        let x = solve(a, b, assumeA: .positiveDefinite)
        for outputs in [[x, log(det(a))], [x, slogdet(a).logAbsDet], [x, det(a)], [x, cholesky(a), log(det(a))]] {
            let f = try function([a, b], outputs, mode: .fastRun)
            let names = ops(f)
            #expect(names.filter { $0 == "Cholesky" }.count == 1, "\(names)")
            #expect(!names.contains("Det") && !names.contains("SLogDet") && !names.contains("Solve"), "\(names)")
            let values = try f.call([Self.spd, [1.0, 2, 3]])
            let expected = try function([a, b], outputs, mode: .reference).call([Self.spd, [1.0, 2, 3]])
            for (v, e) in zip(values, expected) { #expect(close(v.doubles, e.doubles, tolerance: 1e-13)) }
        }
        // log det(A) = log 70, and scipy.linalg.solve(A, b, assume_a='pos').
        let f = try function([a, b], [x, log(det(a))], mode: .fastRun)
        let out = try f.call([Self.spd, [1.0, 2, 3]])
        #expect(close(out[0].doubles, [-2.0816681711721685e-17, 0.14285714285714277, 0.42857142857142866], tolerance: 1e-14))
        #expect(close([out[1].item()], [Foundation.log(70.0)], tolerance: 1e-14))
        // A matrix that is not positive definite still fails, naming the factorization.
        let error = try #require(throws: TheanoError.self) { try f.call([[[1.0, 2, 0], [2, 1, 0], [0, 0, 1]], [1.0, 2, 3]]) }
        #expect(error.message.contains("Cholesky") && error.message.contains("positive definite"), "\(error)")
    }

    @Test func theRewritesAreRegisteredByName() throws {
        let names = RewriteDatabase.standard.localRewrites.map(\.name)
        for name in ["local_inv_to_solve", "local_log_det_to_slogdet", "local_det_of_triangular", "local_det_chol", "local_slogdet_chol", "local_psd_solve_to_chol_solve"] {
            #expect(names.contains(name), "\(name)")
        }
        // Excluding one by name leaves its pattern alone.
        let a = dmatrix("a"), b = dvector("b")
        let f = try function([a, b], dot(matrixInverse(a), b), mode: Mode.fastRun.excluding("local_inv_to_solve"))
        #expect(ops(f).contains("MatrixInverse"))
    }
}
