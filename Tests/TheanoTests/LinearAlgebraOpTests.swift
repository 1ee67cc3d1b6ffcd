import ComplexModule
import Foundation
import Testing
@testable import Theano

/// Running linear-algebra graphs on both paths: the reference executor (every op's `perform`, the
/// built-in kernels, and the debug mode's check of the optimized graph) and the CPU backend (LAPACK's
/// kernels when one is loaded, else the built-in ones again).
enum LinearAlgebraRun {
    /// The reference results, after checking that the CPU backend agrees within `tolerance`; results
    /// listed in `freeSigns` hold vectors in columns whose signs each solver picks for itself, and are
    /// compared with every column's largest entry made positive.
    static func both(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ args: [any NDArrayConvertible],
                     tolerance: Double = 1e-10, freeSigns: Set<Int> = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> [NDArray] {
        let reference = try function(inputs, outputs, mode: .reference, onUnusedInput: .ignore).call(args)
        _ = try function(inputs, outputs, mode: .debug, onUnusedInput: .ignore).call(args)
        let fast = try function(inputs, outputs, mode: .fastRun, onUnusedInput: .ignore).call(args)
        for (i, (r, f)) in zip(reference, fast).enumerated() {
            #expect(r.shape == f.shape && r.dtype == f.dtype, "output \(i): \(r.shape) \(r.dtype) vs \(f.shape) \(f.dtype)", sourceLocation: sourceLocation)
            let (a, b) = freeSigns.contains(i) ? (signFixed(r), signFixed(f)) : (r.doubles, f.doubles)
            #expect(close(a, b, tolerance: tolerance), "output \(i): reference \(r) vs CPU backend \(f)", sourceLocation: sourceLocation)
        }
        return reference
    }

    static func both(_ inputs: [TensorVariable], _ output: TensorVariable, _ args: [any NDArrayConvertible],
                     tolerance: Double = 1e-10, sourceLocation: SourceLocation = #_sourceLocation) throws -> NDArray {
        try both(inputs, [output], args, tolerance: tolerance, sourceLocation: sourceLocation)[0]
    }

    /// The values of a (batch of) matrices with each column's largest-magnitude entry made positive.
    static func signFixed(_ x: NDArray) -> [Double] {
        var values = x.doubles
        let (m, n) = (x.shape[x.ndim - 2], x.shape[x.ndim - 1])
        for start in stride(from: 0, to: values.count, by: Swift.max(m * n, 1)) {
            for j in 0..<n {
                let column = (0..<m).map { values[start + $0 * n + j] }
                guard let big = column.indices.max(by: { Swift.abs(column[$0]) < Swift.abs(column[$1]) }), column[big] < 0 else { continue }
                for i in 0..<m { values[start + i * n + j] = -values[start + i * n + j] }
            }
        }
        return values
    }
}

/// Values of every linear-algebra op against numpy and scipy (numpy 2.4, scipy 1.17), on both paths,
/// with the dtype rules of PyTensor and batches over leading axes.
@Suite struct LinearAlgebraOpTests {
    static let g: [[Double]] = [[2, -1, 0.5], [1, 3, -2], [0.5, 1, 1]]
    static let spd: [[Double]] = [[4, 1, 2], [1, 5, 3], [2, 3, 6]]
    static let tall: [[Double]] = [[1, 2], [3, 4], [5, 6]]
    static let b: [Double] = [1, 2, 3]
    static let bMatrix: [[Double]] = [[1, 0], [2, 1], [3, -1]]

    @Test func inverseDeterminantAndLogDeterminantMatchNumpy() throws {
        let a = dmatrix("a")
        let (sign, logAbsDet) = slogdet(a)
        let out = try LinearAlgebraRun.both([a], [matrixInverse(a), det(a), sign, logAbsDet, a.inverse, a.determinant], [Self.g])
        #expect(close(out[0].doubles, [0.42553191489361697, 0.1276595744680851, 0.04255319148936171, -0.17021276595744683, 0.14893617021276592,
                                       0.3829787234042554, -0.04255319148936172, -0.2127659574468085, 0.5957446808510639], tolerance: 1e-14))
        #expect(close([out[1].item()], [11.750000000000002], tolerance: 1e-14))
        #expect(out[2].item() == 1 && close([out[3].item()], [2.463853240590168], tolerance: 1e-14))
        #expect(out[4] == out[0] && out[5] == out[1])
        // A singular matrix: det 0, sign 0 and log|det| −∞.
        let singular = try LinearAlgebraRun.both([a], [det(a), sign, logAbsDet], [[[1.0, 2.0], [2.0, 4.0]]])
        #expect(singular[0].item() == 0 && singular[1].item() == 0 && singular[2].item() == -Double.infinity)
        // slogdet stays finite where det overflows: det(1e200·I₃) = 1e600.
        let huge = try LinearAlgebraRun.both([a], [det(a), logAbsDet], [[[1e200, 0, 0], [0, 1e200, 0], [0, 0, 1e200]]])
        #expect(huge[0].item() == .infinity && close([huge[1].item()], [600 * Foundation.log(10.0)], tolerance: 1e-14))
    }

    @Test func determinantsInverseAndCholeskyMapOverLeadingAxes() throws {
        let stack = dtensor3("stack")
        let (sign, logAbsDet) = slogdet(stack)
        let values = NDArray(Self.g.flatMap { $0 } + Self.spd.flatMap { $0 } + Self.spd.flatMap { $0 }.map { -$0 }, shape: [3, 3, 3])
        let out = try LinearAlgebraRun.both([stack], [det(stack), sign, logAbsDet, matrixInverse(stack)], [values])
        // numpy.linalg.det(np.stack([G, A, -A])) and slogdet of the same.
        #expect(close(out[0].doubles, [11.750000000000002, 69.99999999999996, -69.99999999999996], tolerance: 1e-13))
        #expect(out[1].doubles == [1, 1, -1] && close(out[2].doubles, [2.463853240590168, 4.2484952420493585, 4.2484952420493585], tolerance: 1e-14))
        #expect(out[3].shape == [3, 3, 3])
        #expect(close(Array(out[3].doubles.prefix(3)), [0.42553191489361697, 0.1276595744680851, 0.04255319148936171], tolerance: 1e-14))
        // A batch of two positive definite matrices (a 2×1 grid of them).
        let grid = dtensor4("grid")
        let twice = NDArray(Self.spd.flatMap { $0 } + Self.spd.flatMap { $0 }.map { $0 * 4 }, shape: [2, 1, 3, 3])
        let l = try LinearAlgebraRun.both([grid], cholesky(grid), [twice])
        #expect(l.shape == [2, 1, 3, 3])
        #expect(close(Array(l.doubles.suffix(9)), [4, 0, 0, 1, 4.358898943540674, 0, 2, 2.2941573387056176, 3.8388594797495724], tolerance: 1e-14))
    }

    /// PyTensor's `linalg_output_dtype`: float32 stays float32, as do the small integer types; int32,
    /// int64 and float64 give float64.
    @Test(arguments: [(DType.float32, DType.float32), (.float64, .float64), (.int8, .float32), (.int16, .float32), (.int32, .float64), (.int64, .float64), (.bool, .float32)])
    func resultDTypesFollowLAPACKsWorkingPrecision(_ input: DType, _ output: DType) throws {
        let a = tensor(dtype: input, broadcastable: [false, false], name: "a")
        let (sign, logAbsDet) = slogdet(a)
        for expr in [matrixInverse(a), det(a), sign, logAbsDet, cholesky(a), solve(a, a), eigvalsh(a), svdvals(a), expm(a), pinv(a), qr(a).r] {
            #expect(expr.dtype == output, "\(expr) of \(input)")
        }
        #expect(eig(a).w.dtype == (output == .float32 ? .complex64 : .complex128))
        let value = NDArray([[2.0, 1.0], [1.0, 2.0]]).astype(input == .bool ? .float64 : input)
        if input != .bool {
            let out = try LinearAlgebraRun.both([a], det(a), [value], tolerance: 1e-6)
            #expect(out.dtype == output && Swift.abs(out.item() - 3) < 1e-5)
        }
    }

    @Test func choleskyFactorsAreNumpysAndReadOneTriangle() throws {
        let a = dmatrix("a")
        let out = try LinearAlgebraRun.both([a], [cholesky(a), cholesky(a, lower: false)], [Self.spd])
        // numpy.linalg.cholesky(A) and scipy.linalg.cholesky(A, lower=False).
        #expect(close(out[0].doubles, [2, 0, 0, 0.5, 2.179449471770337, 0, 1, 1.1470786693528088, 1.9194297398747862], tolerance: 1e-15))
        #expect(close(out[1].doubles, [2, 0.5, 1, 0, 2.179449471770337, 1.1470786693528088, 0, 0, 1.9194297398747862], tolerance: 1e-15))
        let scribbled: [[Double]] = [[4, 99, 99], [1, 5, 99], [2, 3, 6]]
        #expect(try LinearAlgebraRun.both([a], cholesky(a), [scribbled]) == out[0])
    }

    @Test func solvesMatchScipyForEveryAssumption() throws {
        let a = dmatrix("a"), v = dvector("v"), m = dmatrix("m")
        let general = try LinearAlgebraRun.both([a, v, m], [solve(a, v), solve(a, m)], [Self.g, Self.b, Self.bMatrix])
        #expect(close(general[0].doubles, [0.8085106382978724, 1.2765957446808511, 1.319148936170213], tolerance: 1e-14))
        #expect(close(general[1].doubles, [0.8085106382978723, 0.0851063829787234, 1.2765957446808511, -0.23404255319148945, 1.3191489361702131, -0.8085106382978725], tolerance: 1e-14))
        // scipy.linalg.solve(A, b, assume_a='pos') and the upper triangle alone with assume_a='sym'.
        let positive = try LinearAlgebraRun.both([a, v], solve(a, v, assumeA: .positiveDefinite), [Self.spd, Self.b])
        #expect(close(positive.doubles, [-2.0816681711721685e-17, 0.14285714285714277, 0.42857142857142866], tolerance: 1e-14))
        let upperOnly: [[Double]] = [[4, 1, 2], [99, 5, 3], [99, 99, 6]]
        let symmetric = try LinearAlgebraRun.both([a, v], [solve(a, v, assumeA: .symmetric), solve(a, v, assumeA: .positiveDefinite)], [upperOnly, Self.b])
        #expect(close(symmetric[0].doubles, [1.6653345369377347e-17, 0.14285714285714285, 0.4285714285714286], tolerance: 1e-14))
        #expect(close(symmetric[1].doubles, positive.doubles, tolerance: 1e-14))
        // scipy.linalg.solve_triangular(G, b, lower=…, trans=…, unit_diagonal=…).
        let triangular = try LinearAlgebraRun.both([a, v], [
            solveTriangular(a, v, lower: true), solveTriangular(a, v), solveTriangular(a, v, lower: true, transposed: true),
            solveTriangular(a, v, lower: true, unitDiagonal: true), solve(a, v, assumeA: .lowerTriangular), solve(a, v, assumeA: .upperTriangular),
        ], [Self.g, Self.b])
        #expect(close(triangular[0].doubles, [0.5, 0.5, 2.25], tolerance: 1e-15))
        #expect(close(triangular[1].doubles, [1.0833333333333333, 2.6666666666666665, 3.0], tolerance: 1e-15))
        #expect(close(triangular[2].doubles, [-0.08333333333333334, -0.3333333333333333, 3.0], tolerance: 1e-15))
        #expect(close(triangular[3].doubles, [1.0, 1.0, 1.5], tolerance: 1e-15))
        #expect(triangular[4] == triangular[0] && triangular[5] == triangular[1])
        // scipy.linalg.cho_solve((cholesky(A, lower=True), True), B)
        let cho = try LinearAlgebraRun.both([a, m], choSolve(cholesky(a), m), [Self.spd, Self.bMatrix])
        #expect(close(cho.doubles, [-2.0816681711721685e-17, 0.10000000000000002, 0.14285714285714277, 0.42857142857142855, 0.42857142857142866, -0.4142857142857143], tolerance: 1e-14))
        let choUpper = try LinearAlgebraRun.both([a, m], choSolve(cholesky(a, lower: false), m, lower: false), [Self.spd, Self.bMatrix])
        #expect(close(choUpper.doubles, cho.doubles, tolerance: 1e-14))
        // transposed: Aᵀ·x = b.
        let t = try LinearAlgebraRun.both([a, v], solve(a, v, transposed: true), [Self.g, Self.b])
        let direct = try LinearAlgebraRun.both([a, v], solve(a.T, v), [Self.g, Self.b])
        #expect(close(t.doubles, direct.doubles, tolerance: 1e-14))
    }

    @Test func batchedSolvesBroadcastTheirLeadingAxes() throws {
        let stack = dtensor3("stack"), shared = dmatrix("shared"), rhs = dtensor3("rhs"), v = dvector("v")
        let values = NDArray(Self.g.flatMap { $0 } + Self.spd.flatMap { $0 }, shape: [2, 3, 3])
        // One matrix of right-hand sides for a batch of two matrices, and one matrix for a batch of right-hand sides.
        let out = try LinearAlgebraRun.both([stack, shared], [solve(stack, shared), solve(stack, shared, assumeA: .symmetric)], [values, Self.bMatrix])
        #expect(out[0].shape == [2, 3, 2])
        #expect(close(Array(out[0].doubles.prefix(6)), [0.8085106382978723, 0.0851063829787234, 1.2765957446808511, -0.23404255319148945, 1.3191489361702131, -0.8085106382978725], tolerance: 1e-14))
        #expect(close(Array(out[0].doubles.suffix(6)), [-2.0816681711721685e-17, 0.10000000000000002, 0.14285714285714277, 0.42857142857142855, 0.42857142857142866, -0.4142857142857143], tolerance: 1e-14))
        let columns = NDArray(Self.bMatrix.flatMap { $0 } + Self.bMatrix.flatMap { $0 }.map { 2 * $0 }, shape: [2, 3, 2])
        let many = try LinearAlgebraRun.both([shared, rhs], solve(shared, rhs), [Self.g, columns])
        #expect(many.shape == [2, 3, 2] && close(Array(many.doubles.suffix(6)), out[0].doubles.prefix(6).map { 2 * $0 }, tolerance: 1e-14))
        // A vector right-hand side for one matrix; for a batch, numpy 2 reads a 2-D b as matrices.
        #expect(try LinearAlgebraRun.both([shared, v], solve(shared, v), [Self.g, Self.b]).shape == [3])
        let triangular = try LinearAlgebraRun.both([stack, shared], solveTriangular(stack, shared, lower: true), [values, Self.bMatrix])
        #expect(triangular.shape == [2, 3, 2] && close(Array(triangular.doubles.prefix(2)), [0.5, 0], tolerance: 1e-15))
    }

    @Test func symmetricEigenproblemsMatchNumpyAndScipy() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let (w, v) = eigh(a)
        let out = try LinearAlgebraRun.both([a], [w, v, eigvalsh(a)], [Self.spd], freeSigns: [1])
        #expect(close(out[0].doubles, [2.1943971674224088, 3.386770156607549, 9.418832675970037], tolerance: 1e-14))
        #expect(out[2] == out[0] || close(out[2].doubles, out[0].doubles, tolerance: 1e-14))
        // numpy.linalg.eigh(A)[1], each column's sign fixed.
        let expected = NDArray([[-0.4412246968734644, -0.8155834192895004, -0.37435872241603624], [-0.5773502691896257, 0.5773502691896258, -0.5773502691896254],
                                [0.6870134158337713, -0.038605088352622705, -0.7256185041863941]])
        #expect(close(LinearAlgebraRun.signFixed(out[1]), LinearAlgebraRun.signFixed(expected), tolerance: 1e-13))
        // scipy.linalg.eigh(A, B) with B = G·Gᵀ + I: eigenvalues, and vectors with vᵀ·B·v = I.
        let bValue: [[Double]] = [[6.25, -2, 0.5], [-2, 15, 1.5], [0.5, 1.5, 3.25]]
        let (gw, gv) = eigh(a, b)
        let generalized = try LinearAlgebraRun.both([a, b], [gw, gv, eigvalsh(a, b)], [Self.spd, bValue], freeSigns: [1])
        #expect(close(generalized[0].doubles, [0.2344761447406338, 0.5804532147773012, 1.8987300774917562], tolerance: 1e-13))
        #expect(close(generalized[2].doubles, generalized[0].doubles, tolerance: 1e-13))
        let scipyVectors = NDArray([[0.06951643401177088, -0.4001509700282666, -0.08193023948425177], [-0.2497808466668999, -0.10616252788722663, -0.020114042139999448],
                                    [0.10130068318989378, 0.2212751934876292, -0.5216407780365565]])
        #expect(close(LinearAlgebraRun.signFixed(generalized[1]), LinearAlgebraRun.signFixed(scipyVectors), tolerance: 1e-12))
        // The upper triangle alone.
        let upper: [[Double]] = [[4, 1, 2], [-7, 5, 3], [-7, -7, 6]]
        let fromUpper = try LinearAlgebraRun.both([a], eigvalsh(a, lower: false), [upper])
        #expect(close(fromUpper.doubles, out[0].doubles, tolerance: 1e-14))
    }

    @Test func generalEigenpairsAreComplexAndSatisfyTheirEquation() throws {
        let a = dmatrix("a")
        let (w, v) = eig(a)
        let rotation: [[Double]] = [[0, -2, 1], [1, 0, 0.5], [0, 1, 1]]
        for mode in [Mode.reference, .fastRun] {
            let out = try function([a], [w, v], mode: mode).call([rotation])
            #expect(out[0].dtype == .complex128 && out[1].dtype == .complex128 && out[1].shape == [3, 3])
            let values = out[0].astype(.complex128).scalars(as: Complex<Double>.self)
            let sorted = values.sorted { ($0.real, $0.imaginary) < ($1.real, $1.imaginary) }
            // numpy.linalg.eig: −0.2124456266004024 ± 1.4353712711301272i and 1.4248912532008065.
            #expect(close(sorted.map(\.real), [-0.2124456266004024, -0.2124456266004024, 1.4248912532008065], tolerance: 1e-13))
            #expect(close(sorted.map(\.imaginary), [-1.4353712711301272, 1.4353712711301272, 0], tolerance: 1e-13))
            let vectors = out[1].scalars(as: Complex<Double>.self)
            for j in 0..<3 {
                for i in 0..<3 {
                    var product = -values[j] * vectors[i * 3 + j]
                    for k in 0..<3 { product = product + Complex(rotation[i][k]) * vectors[k * 3 + j] }
                    #expect(product.length < 1e-12, "\(mode.name): (A·v − λ·v)[\(i)] for λ\(j)")
                }
            }
        }
        let single = tensor(dtype: .float32, broadcastable: [false, false], name: "single")
        let out = try function([single], eig(single).w).call([NDArray([[2.0, 0.0], [0.0, 3.0]]).astype(.float32)])
        #expect(out.dtype == .complex64 && Set(out.astype(.complex128).scalars(as: Complex<Double>.self).map(\.real)) == [2, 3])
    }

    @Test func singularValueAndQRDecompositionsMatchNumpy() throws {
        let a = dmatrix("a")
        let (u, s, vt) = svd(a)
        let reduced = svd(a, fullMatrices: false)
        // Vᵀ's rows pair with U's columns in sign, so it is compared as V's columns.
        let out = try LinearAlgebraRun.both([a], [u, s, vt.T, reduced.u, svdvals(a)], [Self.tall], freeSigns: [0, 2, 3])
        #expect(out[0].shape == [3, 3] && out[2].shape == [2, 2] && out[3].shape == [3, 2])
        #expect(close(out[1].doubles, [9.52551809156511, 0.5143005806586441], tolerance: 1e-14) && close(out[4].doubles, out[1].doubles, tolerance: 1e-14))
        // numpy.linalg.svd(M, full_matrices=False)[0] up to the sign of each column.
        let numpyU = NDArray([[-0.2298476964000714, 0.8834610176985254], [-0.5247448187602937, 0.24078249213254635], [-0.8196419411205158, -0.4018960334334318]])
        #expect(close(LinearAlgebraRun.signFixed(out[3]), LinearAlgebraRun.signFixed(numpyU), tolerance: 1e-13))
        // numpy.linalg.qr(M), mode 'complete' and 'r': the same signs as LAPACK's.
        let q = qr(a), complete = qr(a, mode: .complete)
        let decompositions = try LinearAlgebraRun.both([a], [q.q, q.r, complete.q, complete.r, qrR(a)], [Self.tall])
        #expect(close(decompositions[0].doubles, [-0.16903085094570325, 0.8970852271450607, -0.50709255283711, 0.27602622373694136, -0.8451542547285166, -0.345032779671177], tolerance: 1e-14))
        #expect(close(decompositions[1].doubles, [-5.916079783099616, -7.437357441610946, 0, 0.8280786712108248], tolerance: 1e-14))
        #expect(decompositions[2].shape == [3, 3] && close(Array(decompositions[2].doubles.suffix(1)), [0.40824829046386313], tolerance: 1e-13))
        #expect(decompositions[3].shape == [3, 2] && decompositions[4] == decompositions[1])
        let wide = try LinearAlgebraRun.both([a], [q.q, q.r], [[[1.0, 3, 5], [2, 4, 6]]])
        #expect(close(wide[1].doubles, [-2.23606797749979, -4.919349550499537, -7.602631123499284, 0, -0.8944271909999153, -1.7888543819998306], tolerance: 1e-14))
    }

    @Test func pseudoInverseExponentialAndLeastSquaresMatchNumpyAndScipy() throws {
        let a = dmatrix("a"), v = dvector("v"), m = dmatrix("m")
        let p = try LinearAlgebraRun.both([a], pinv(a), [Self.tall])
        #expect(close(p.doubles, [-1.3333333333333337, -0.3333333333333329, 0.6666666666666666, 1.083333333333334, 0.33333333333333304, -0.4166666666666667], tolerance: 1e-13))
        let hermitian = try LinearAlgebraRun.both([a], pinv(a, hermitian: true), [Self.spd])
        // numpy.linalg.pinv(A, hermitian=True): entries of 1e-17 there are rounding, here too.
        #expect(close(hermitian.doubles, [0.3, 0, -0.1, 0, 0.2857142857142857, -0.14285714285714282, -0.1, -0.14285714285714285, 0.2714285714285715], tolerance: 1e-13))
        let e = try LinearAlgebraRun.both([a], expm(a), [Self.g])
        #expect(close(e.doubles, [5.2714104247477005, -7.0834933399861475, 7.542216896901006, 5.483305249222971, 6.754245447062721, -9.366422407682766, 4.34184071537466, 3.883117158459798, -0.21189482447527652], tolerance: 1e-13))
        // numpy.linalg.lstsq(M, [1, 2, 4], rcond=None) and a rank-one problem with two right-hand sides.
        let fit = lstsq(a, v)
        let out = try LinearAlgebraRun.both([a, v], [fit.x, fit.residuals, fit.rank, fit.s], [Self.tall, [1.0, 2.0, 4.0]])
        #expect(close(out[0].doubles, [0.6666666666666666, 0.08333333333333325], tolerance: 1e-13))
        #expect(close(out[1].doubles, [0.16666666666666677], tolerance: 1e-12) && out[2].dtype == .int32 && out[2].item() == 2)
        #expect(close(out[3].doubles, [9.525518091565107, 0.5143005806586441], tolerance: 1e-14))
        let deficient = lstsq(a, m)
        let rankOne = try LinearAlgebraRun.both([a, m], [deficient.x, deficient.residuals, deficient.rank], [[[1.0, 2], [2, 4], [3, 6]], [[1.0, 2], [2, 1], [4, 0]]])
        #expect(close(rankOne[0].doubles, [0.24285714285714274, 0.05714285714285712, 0.48571428571428565, 0.11428571428571427], tolerance: 1e-13))
        #expect(rankOne[1].shape == [0] && rankOne[2].item() == 1)
    }

    @Test func diagonalsTrianglesAndTracesFollowNumpy() throws {
        let a = dmatrix("a"), v = dvector("v"), t = dtensor3("t")
        let out = try LinearAlgebraRun.both([a, v], [trace(a), trace(a, offset: 1), diag(a, k: -1), diag(v, k: 1), tril(a), triu(a, k: 1), a.diagonal(), a.trace()], [Self.g, [1.0, 2.0]])
        #expect(out[0].item() == 6 && out[1].item() == -3 && out[2].doubles == [1, 1])
        #expect(out[3].doubles == [0, 1, 0, 0, 0, 2, 0, 0, 0])
        #expect(out[4].doubles == [2, 0, 0, 1, 3, 0, 0.5, 1, 1] && out[5].doubles == [0, -1, 0.5, 0, 0, -2, 0, 0, 0])
        #expect(out[6].doubles == [2, 3, 1] && out[7].item() == 6)
        // numpy.diagonal over chosen axes of a (2, 3, 4) tensor, and allocDiag back.
        let cube = NDArray((0..<24).map(Double.init), shape: [2, 3, 4])
        let diagonals = try LinearAlgebraRun.both([t], [extractDiag(t, axis1: -2, axis2: -1), extractDiag(t, offset: 1, axis1: 0, axis2: 2), tril(t, k: -1)], [cube])
        #expect(diagonals[0].shape == [2, 3] && diagonals[0].doubles == [0, 5, 10, 12, 17, 22])
        #expect(diagonals[1].shape == [3, 2] && diagonals[1].doubles == [1, 14, 5, 18, 9, 22])
        #expect(diagonals[2].doubles.prefix(12) == [0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0])
        let rows = dmatrix("rows")
        let embedded = try LinearAlgebraRun.both([rows], [allocDiag(rows, axis1: -2, axis2: -1), allocDiag(rows)], [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])
        #expect(embedded[0].shape == [3, 2, 2] && embedded[0].doubles.suffix(4) == [5, 0, 0, 6])
        // PyTensor's default axes put the matrices first: (n, n, batch).
        #expect(embedded[1].shape == [2, 2, 3] && embedded[1].doubles.prefix(3) == [1, 3, 5])
    }

    @Test func compositionsMatchNumpy() throws {
        let a = dmatrix("a"), v = dvector("v"), m = dmatrix("m"), t = dtensor4("t")
        let products = try LinearAlgebraRun.both([a, m, v], [kron(a, m), kron(v, v), matrixPower(a, 5), matrixPower(a, -2), matrixPower(a, 0), matrixPower(a, 1), matrixDot(a, a, a)],
                                                 [[[1.0, 2], [3, 4]], [[0.0, 1, 2]], [1.0, 2]])
        #expect(products[0].shape == [2, 6] && products[0].doubles == [0, 1, 2, 0, 2, 4, 0, 3, 6, 0, 4, 8])
        #expect(products[1].doubles == [1, 2, 2, 4])
        let g = try LinearAlgebraRun.both([a], [matrixPower(a, 5), matrixPower(a, -2), matrixPower(a, 0), matrixDot(a, a, a, a, a)], [Self.g])
        #expect(close(g[0].doubles, [-5.5, -46.9375, 101.90625, 15.5625, -68.375, 0.25, 39.15625, -15.8125, -21.0625], tolerance: 1e-13))
        #expect(close(g[1].doubles, [0.1575373472159348, 0.0642824807605251, 0.09234947940244455, -0.11407876867360797, -0.08103214124038029, 0.2779538252602988,
                                     -0.007243096423721157, -0.16387505658669083, 0.2716161158895429], tolerance: 1e-13))
        #expect(g[2].doubles == [1, 0, 0, 0, 1, 0, 0, 0, 1] && close(g[3].doubles, g[0].doubles, tolerance: 1e-13))
        // numpy.linalg.tensorinv and tensorsolve of a (2, 2, 2, 2) tensor.
        let tv = NDArray([4.0, 2, 3, 4, 5, 9, 7, 8, 9, 10, 14, 12, 13, 14, 15, 19], shape: [2, 2, 2, 2])
        let tensors = try LinearAlgebraRun.both([t, m], [tensorinv(t), tensorsolve(t, m)], [tv, [[1.0, 2], [3, 4]]])
        #expect(tensors[0].shape == [2, 2, 2, 2])
        #expect(close(Array(tensors[0].doubles.prefix(4)), [0.9032258064516127, 0.2795698924731183, -0.010752688172043017, -0.3010752688172042], tolerance: 1e-13))
        #expect(close(tensors[1].doubles, [0.2258064516129032, 0.1290322580645161, 0.032258064516129066, -0.06451612903225805], tolerance: 1e-13))
    }

    @Test func normsOfEveryOrderMatchNumpy() throws {
        let a = dmatrix("a"), v = dvector("v"), stack = dtensor3("stack")
        let matrixOrders: [NormOrder?] = [nil, .frobenius, .nuclear, .infinity, .negativeInfinity, .p(1), .p(-1), .p(2), .p(-2)]
        let matrixNorms = try LinearAlgebraRun.both([a], matrixOrders.map { norm(a, ord: $0) }, [Self.g])
        // numpy.linalg.norm(G, ord) for None, 'fro', 'nuc', inf, -inf, 1, -1, 2, -2.
        let expected = [4.636809247747852, 4.636809247747852, 7.434015674252336, 6, 2.5, 5, 3.5, 3.819170330906513, 1.3713122754605815]
        for (value, (order, target)) in zip(matrixNorms, zip(matrixOrders, expected)) {
            #expect(close([value.item()], [target], tolerance: 1e-13), "ord \(String(describing: order))")
        }
        let vectorOrders: [NormOrder?] = [nil, .infinity, .negativeInfinity, .p(0), .p(1), .p(2), .p(3.5)]
        let vectorNorms = try LinearAlgebraRun.both([v], vectorOrders.map { norm(v, ord: $0) }, [Self.b])
        for (value, target) in zip(vectorNorms, [3.7416573867739413, 3, 1, 3, 6, 3.7416573867739413, 3.2071843327373397]) {
            #expect(close([value.item()], [target], tolerance: 1e-13))
        }
        let axes = try LinearAlgebraRun.both([a, stack], [norm(a, axis: [0]), norm(a, ord: .p(1), axis: [1]), norm(stack), norm(a, keepdims: true), norm(a, ord: .p(2), axis: [1, 0], keepdims: true)],
                                             [Self.tall, NDArray(Self.g.flatMap { $0 } + Self.g.flatMap { $0 }, shape: [2, 3, 3])])
        #expect(close(axes[0].doubles, [5.916079783099616, 7.483314773547883], tolerance: 1e-14) && axes[1].doubles == [3, 7, 11])
        // A batch of matrices gets one norm each (PyTensor's batching).
        #expect(axes[2].shape == [2] && close(axes[2].doubles, [4.636809247747852, 4.636809247747852], tolerance: 1e-13))
        #expect(axes[3].shape == [1, 1] && axes[4].shape == [1, 1] && close(axes[4].doubles, [9.52551809156511], tolerance: 1e-13))
    }

    @Test func matmulBroadcastsBatchesAndPromotesVectors() throws {
        let stack = dtensor3("stack"), a = dmatrix("a"), v = dvector("v")
        let values = NDArray((0..<12).map(Double.init), shape: [2, 2, 3])
        let out = try LinearAlgebraRun.both([stack, a, v], [matmul(stack, a), matmul(v, a), matmul(a.T, v), matmul(v, v), stack.matmul(a)],
                                            [values, [[1.0, 0], [0, 1], [1, 1]], [1.0, 2, 3]])
        // numpy: np.arange(12.).reshape(2, 2, 3) @ [[1, 0], [0, 1], [1, 1]]
        #expect(out[0].shape == [2, 2, 2] && out[0].doubles == [2, 3, 8, 9, 14, 15, 20, 21])
        #expect(out[1].doubles == [4, 5] && out[2].doubles == [4, 5] && out[3].item() == 14 && out[4] == out[0])
    }
}
