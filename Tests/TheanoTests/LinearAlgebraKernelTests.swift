import ComplexModule
import Foundation
import Testing
@testable import Theano

/// The dense kernels under every linear-algebra op, checked one matrix at a time: the built-in ones
/// always, and the LAPACK binding too when a LAPACK is loaded. Each factorization must reconstruct its
/// input and have the structure it promises; fixed matrices also match numpy's values.
@Suite struct LinearAlgebraKernelTests {
    /// The kernel sets this machine can run: "built-in", and "LAPACK" when one was found.
    static let kernelNames: [String] = ["built-in"] + (LinearAlgebraKernels.lapack == nil ? [] : ["LAPACK"])

    static func kernels(_ name: String) -> any DenseLinearAlgebra {
        name == "LAPACK" ? LinearAlgebraKernels.lapack ?? LinearAlgebraKernels.builtIn : LinearAlgebraKernels.builtIn
    }

    static func random(_ rows: Int, _ columns: Int, seed: UInt64) -> DenseMatrix {
        var generator = SplitMix64(seed: seed)
        return DenseMatrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in generator.nextUnit() * 2 - 1 })
    }

    static func symmetric(_ n: Int, seed: UInt64) -> DenseMatrix {
        let x = random(n, n, seed: seed)
        return 0.5 * (x + x.transposed)
    }

    /// The largest absolute entry of a − b.
    static func distance(_ a: DenseMatrix, _ b: DenseMatrix) -> Double {
        zip(a.values, b.values).map { Swift.abs($0 - $1) }.max() ?? 0
    }

    static let g = DenseMatrix(rows: 3, columns: 3, values: [2, -1, 0.5, 1, 3, -2, 0.5, 1, 1])
    static let spd = DenseMatrix(rows: 3, columns: 3, values: [4, 1, 2, 1, 5, 3, 2, 3, 6])
    static let tall = DenseMatrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6])

    @Test(arguments: kernelNames)
    func luReconstructsWithItsPivotsAndGivesNumpysDeterminant(_ name: String) throws {
        let k = Self.kernels(name)
        for (n, seed) in [(1, 1), (3, 2), (8, 3), (17, 4)] as [(Int, UInt64)] {
            let a = Self.random(n, n, seed: seed)
            let f = k.luFactor(a)
            var l = DenseMatrix.identity(n), u = DenseMatrix(zeros: n, n)
            for i in 0..<n { for j in 0..<n { if j < i { l[i, j] = f.lu[i, j] } else { u[i, j] = f.lu[i, j] } } }
            var pa = a
            for (i, p) in f.pivots.enumerated() where p != i {
                for j in 0..<n { pa.values.swapAt(i * n + j, p * n + j) }
            }
            #expect(Self.distance(l * u, pa) < 1e-13, "\(name) n=\(n)")
            let x = k.luSolve(f, .identity(n))
            #expect(Self.distance(a * x, .identity(n)) < 1e-10, "\(name) n=\(n)")
        }
        let f = k.luFactor(Self.g)
        #expect(Swift.abs(f.diagonal.reduce(f.permutationSign, *) - 11.750000000000002) < 1e-13)
        let singular = k.luFactor(DenseMatrix(rows: 2, columns: 2, values: [1, 2, 2, 4]))
        #expect(singular.firstZeroPivot == 1)
    }

    @Test(arguments: kernelNames)
    func choleskyFactorsReadOneTriangle(_ name: String) throws {
        let k = Self.kernels(name)
        let l = try #require(k.cholesky(Self.spd, lower: true))
        #expect(Self.distance(l, DenseMatrix(rows: 3, columns: 3, values: [2, 0, 0, 0.5, 2.179449471770337, 0, 1, 1.1470786693528088, 1.9194297398747862])) < 1e-15)
        let u = try #require(k.cholesky(Self.spd, lower: false))
        #expect(Self.distance(u, l.transposed) < 1e-15)
        // Garbage in the triangle that is not read changes nothing.
        var scribbled = Self.spd
        scribbled[0, 2] = 99
        #expect(try #require(k.cholesky(scribbled, lower: true)) == l)
        #expect(k.cholesky(DenseMatrix(rows: 2, columns: 2, values: [1, 2, 2, 1]), lower: true) == nil)
        // NaN in, NaN out, whatever the LAPACK's potrf would say; a NaN in the triangle not read is ignored.
        let withNaN = DenseMatrix(rows: 2, columns: 2, values: [4, .nan, 2, 5])
        #expect(try #require(k.cholesky(withNaN, lower: false)).values.allSatisfy(\.isNaN))
        #expect(try #require(k.cholesky(withNaN, lower: true)).values == [2, 0, 1, 2])
    }

    @Test(arguments: kernelNames)
    func triangularAndSymmetricSolvesMatchScipy(_ name: String) throws {
        let k = Self.kernels(name)
        let b = DenseMatrix(rows: 3, columns: 1, values: [1, 2, 3])
        let cases: [(Bool, Bool, Bool, [Double])] = [
            (true, false, false, [0.5, 0.5, 2.25]), (false, false, false, [1.0833333333333333, 2.6666666666666665, 3.0]),
            (true, true, false, [-0.08333333333333334, -0.3333333333333333, 3.0]), (true, false, true, [1.0, 1.0, 1.5]),
        ]
        for (lower, transposed, unit, expected) in cases {
            let x = try #require(k.triangularSolve(Self.g, b, lower: lower, transposed: transposed, unitDiagonal: unit))
            #expect(close(x.values, expected, tolerance: 1e-14), "\(name) lower \(lower) transposed \(transposed) unit \(unit)")
        }
        #expect(k.triangularSolve(DenseMatrix(rows: 2, columns: 2, values: [1, 0, 5, 0]), DenseMatrix(zeros: 2, 1), lower: true, transposed: false, unitDiagonal: false) == nil)
        // scipy.linalg.solve(triu(A) + 99·(strict lower), b, assume_a='sym', lower=False)
        var upperOnly = Self.spd
        for i in 0..<3 { for j in 0..<i { upperOnly[i, j] = 99 } }
        let x = try #require(k.symmetricSolve(upperOnly, b, lower: false))
        #expect(close(x.values, [1.6653345369377347e-17, 0.14285714285714285, 0.4285714285714286], tolerance: 1e-14))
    }

    @Test(arguments: kernelNames)
    func householderQRMatchesNumpysSigns(_ name: String) throws {
        let k = Self.kernels(name)
        let (q, r) = k.qr(Self.tall, complete: false)
        #expect(close(q.values, [-0.16903085094570325, 0.8970852271450607, -0.50709255283711, 0.27602622373694136, -0.8451542547285166, -0.345032779671177], tolerance: 1e-14))
        #expect(close(r.values, [-5.916079783099616, -7.437357441610946, 0, 0.8280786712108248], tolerance: 1e-14))
        for (m, n, seed) in [(5, 3, 1), (3, 5, 2), (6, 6, 3), (1, 4, 4)] as [(Int, Int, UInt64)] {
            let a = Self.random(m, n, seed: seed)
            for complete in [false, true] {
                let (q, r) = k.qr(a, complete: complete)
                #expect(Self.distance(q * r, a) < 1e-13, "\(name) \(m)×\(n) complete \(complete)")
                #expect(Self.distance(q.transposed * q, .identity(q.columns)) < 1e-13)
                #expect((0..<r.rows).allSatisfy { i in (0..<Swift.min(i, n)).allSatisfy { r[i, $0] == 0 } })
            }
        }
    }

    @Test(arguments: kernelNames)
    func symmetricEigenproblemsReconstruct(_ name: String) throws {
        let k = Self.kernels(name)
        let (w, v) = try #require(k.symmetricEigen(Self.spd, lower: true, vectors: true))
        #expect(close(w, [2.1943971674224088, 3.386770156607549, 9.418832675970037], tolerance: 1e-14))
        for (n, seed) in [(1, 1), (4, 2), (9, 3), (20, 4)] as [(Int, UInt64)] {
            let a = Self.symmetric(n, seed: seed)
            let (w, v) = try #require(k.symmetricEigen(a, lower: n % 2 == 0, vectors: true))
            var scaled = v
            for i in 0..<n { for j in 0..<n { scaled[i, j] *= w[j] } }
            #expect(Self.distance(a * v, scaled) < 1e-12, "\(name) n=\(n)")
            #expect(Self.distance(v.transposed * v, .identity(n)) < 1e-12)
            #expect(zip(w, w.dropFirst()).allSatisfy { $0 <= $1 })
        }
        // Repeated eigenvalues still give an orthonormal basis.
        let (wi, vi) = try #require(k.symmetricEigen(.identity(4), lower: true, vectors: true))
        #expect(wi == [1, 1, 1, 1] && Self.distance(vi.transposed * vi, .identity(4)) < 1e-14)
        _ = v
    }

    @Test(arguments: kernelNames)
    func singularValueDecompositionsReconstructEveryShape(_ name: String) throws {
        let k = Self.kernels(name)
        let d = try #require(k.svd(Self.tall, full: true))
        #expect(close(d.s, [9.52551809156511, 0.5143005806586441], tolerance: 1e-14))
        let rankOne = DenseMatrix(rows: 3, columns: 2, values: [1, 2, 2, 4, 3, 6])
        for (a, label) in [(Self.random(5, 3, seed: 1), "tall"), (Self.random(3, 5, seed: 2), "wide"), (Self.random(4, 4, seed: 3), "square"),
                           (rankOne, "rank one"), (DenseMatrix(zeros: 3, 2), "zero"),
                           (DenseMatrix(rows: 3, columns: 3, values: [1, 2, 3, 2, 4, 6, 1, 0, 1]), "rank-deficient square")] {
            for full in [false, true] {
                let d = try #require(k.svd(a, full: full))
                let kk = Swift.min(a.rows, a.columns)
                var s = DenseMatrix(zeros: d.u.columns, d.vt.rows)
                for i in 0..<kk { s[i, i] = d.s[i] }
                #expect(Self.distance(d.u * s * d.vt, a) < 1e-13, "\(name) \(label) full \(full)")
                #expect(Self.distance(d.u.transposed * d.u, .identity(d.u.columns)) < 1e-13, "\(name) \(label) full \(full): U")
                #expect(Self.distance(d.vt * d.vt.transposed, .identity(d.vt.rows)) < 1e-13, "\(name) \(label) full \(full): Vᵀ")
                #expect(zip(d.s, d.s.dropFirst()).allSatisfy { $0 >= $1 })
                #expect(close(try #require(k.singularValues(a)), d.s, tolerance: 1e-13))
            }
        }
    }

    /// Eigenpairs of general matrices: complex pairs, repeated and defective eigenvalues, and random
    /// matrices of several sizes, each A·v = λ·v with ‖v‖ = 1.
    @Test(arguments: kernelNames)
    func generalEigenpairsSatisfyTheirEquation(_ name: String) throws {
        let k = Self.kernels(name)
        let rotation = DenseMatrix(rows: 3, columns: 3, values: [0, -2, 1, 1, 0, 0.5, 0, 1, 1])
        let jordan = DenseMatrix(rows: 3, columns: 3, values: [2, 1, 0, 0, 2, 1, 0, 0, 2])
        let repeated = DenseMatrix(rows: 3, columns: 3, values: [3, 0, 0, 0, 3, 0, 0, 0, 1])
        var cases = [(rotation, "complex pair"), (Self.g, "numpy's G"), (jordan, "defective"), (repeated, "repeated"), (.identity(4), "identity"),
                     (DenseMatrix(rows: 1, columns: 1, values: [-2.5]), "1×1")]
        for (n, seed) in [(2, 5), (5, 6), (8, 7), (13, 8), (25, 9)] as [(Int, UInt64)] { cases.append((Self.random(n, n, seed: seed), "random \(n)×\(n)")) }
        for (a, label) in cases {
            let (values, vectors) = try #require(k.generalEigen(a), "\(name) \(label)")
            let n = a.rows
            for j in 0..<n {
                let v = (0..<n).map { vectors[$0 * n + j] }
                let length = v.reduce(0.0) { Foundation.hypot($0, $1.length) }
                #expect(Swift.abs(length - 1) < 1e-12, "\(name) \(label): ‖v\(j)‖ = \(length)")
                let residual = (0..<n).map { i in (0..<n).reduce(-values[j] * v[i]) { $0 + Complex(a[i, $1]) * v[$1] }.length }.max() ?? 0
                #expect(residual < (label == "defective" ? 1e-5 : 1e-10), "\(name) \(label): ‖A·v − λ·v‖ = \(residual) for λ = \(values[j])")
            }
            if label != "defective" && label.hasPrefix("random") == false && label != "numpy's G" && label != "complex pair" {
                // Diagonalizable with a full eigenspace: the vectors are independent.
                let f = k.luFactor(DenseMatrix(rows: n, columns: n, values: vectors.map(\.real)))
                #expect(!f.isSingular, "\(name) \(label): the eigenvectors are dependent")
            }
        }
        // numpy.linalg.eig of the rotation-like matrix: −0.2124456266004024 ± 1.4353712711301272i, 1.4248912532008065.
        let (values, _) = try #require(k.generalEigen(rotation))
        let sorted = values.sorted { ($0.real, $0.imaginary) < ($1.real, $1.imaginary) }
        #expect(close(sorted.map(\.real), [-0.2124456266004024, -0.2124456266004024, 1.4248912532008065], tolerance: 1e-13))
        #expect(close(sorted.map(\.imaginary), [-1.4353712711301272, 1.4353712711301272, 0], tolerance: 1e-13))
    }

    @Test func theBuiltInExponentialMatchesScipyAcrossPadeDegreesAndSquarings() throws {
        let k = LinearAlgebraKernels.builtIn
        let e = try #require(BuiltInKernels.exponential(Self.g, k))
        #expect(close(e.values, [5.2714104247477005, -7.0834933399861475, 7.542216896901006, 5.483305249222971, 6.754245447062721,
                                 -9.366422407682766, 4.34184071537466, 3.883117158459798, -0.21189482447527652], tolerance: 1e-13))
        let big = try #require(BuiltInKernels.exponential(10 * Self.g, k))
        #expect(close(big.values, [1195526935.9069507, -751752742.9006809, 1609950479.927944, 258123099.509639, 219575926.93898672,
                                   -22616555.62823929, 622691193.1458609, -235506543.88140124, 937403836.3973093], tolerance: 1e-11))
        // Small norms use the low degrees: exp of a nilpotent matrix is exactly I + N + N²/2.
        for scale in [1e-3, 0.1, 0.5, 1.5] {
            let n = DenseMatrix(rows: 3, columns: 3, values: [0, scale, 0, 0, 0, scale, 0, 0, 0])
            let exact = DenseMatrix(rows: 3, columns: 3, values: [1, scale, scale * scale / 2, 0, 1, scale, 0, 0, 1])
            #expect(Self.distance(try #require(BuiltInKernels.exponential(n, k)), exact) < 1e-15, "scale \(scale)")
        }
        #expect(BuiltInKernels.exponential(DenseMatrix(rows: 1, columns: 1, values: [.infinity]), k) == nil)
    }
}
