import Foundation
import Testing
@testable import Theano

/// Compiles `expr` of `inputs` with the reference mode and runs it. Every graph that a test evaluates
/// this way also runs in the debug mode, which throws if the optimized graph disagrees with the
/// unoptimized one.
func evaluate(_ inputs: [TensorVariable], _ expr: TensorVariable, _ args: [any NDArrayConvertible], mode: Mode = .reference) throws -> NDArray {
    let result = try function(inputs, expr, mode: mode, onUnusedInput: .ignore).call(args)
    if mode.name == Mode.reference.name {
        _ = try function(inputs, expr, mode: .debug, onUnusedInput: .ignore).call(args)
    }
    return result
}

func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in x == y || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y)) || (x.isNaN && y.isNaN) }
}

@Suite struct ElementwiseValueTests {
    static let unary: [(String, @Sendable (TensorVariable) -> TensorVariable, @Sendable (Double) -> Double)] = [
        ("neg", { -$0 }, { -$0 }),
        ("abs", { abs($0) }, { Swift.abs($0) }),
        ("exp", { exp($0) }, { Foundation.exp($0) }),
        ("log", { log(abs($0) + 0.5) }, { Foundation.log(Swift.abs($0) + 0.5) }),
        ("log1p", { log1p(abs($0)) }, { Foundation.log1p(Swift.abs($0)) }),
        ("expm1", { expm1($0) }, { Foundation.expm1($0) }),
        ("sqrt", { sqrt(abs($0)) }, { Foundation.sqrt(Swift.abs($0)) }),
        ("sqr", { sqr($0) }, { $0 * $0 }),
        ("sin", { sin($0) }, { Foundation.sin($0) }),
        ("cos", { cos($0) }, { Foundation.cos($0) }),
        ("tan", { tan($0) }, { Foundation.tan($0) }),
        ("tanh", { tanh($0) }, { Foundation.tanh($0) }),
        ("sigmoid", { sigmoid($0) }, { 1 / (1 + Foundation.exp(-$0)) }),
        ("softplus", { softplus($0) }, { Foundation.log1p(Foundation.exp($0)) }),
        ("floor", { floor($0) }, { Foundation.floor($0) }),
        ("ceil", { ceil($0) }, { Foundation.ceil($0) }),
        ("round", { round($0) }, { $0.rounded(.toNearestOrEven) }),
        ("sgn", { sgn($0) }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        ("reciprocal", { reciprocal($0) }, { 1 / $0 }),
    ]
    static let points: [Double] = [-2.5, -1.5, -0.3, 0.5, 1.5, 2.5, 3.7]

    @Test(arguments: 0..<unary.count)
    func unaryMatchesFoundation(_ k: Int) throws {
        let (name, symbolic, reference) = Self.unary[k]
        let x = dvector("x")
        let out = try evaluate([x], symbolic(x), [Self.points])
        #expect(close(out.doubles, Self.points.map(reference)), "\(name)")
        #expect(out.dtype == .float64)
    }

    /// Regression: `**` followed swift-numerics' `pow`, which is NaN for every negative base with a
    /// non-integral exponent, infinities included; numpy and Theano's C code use C's `pow`.
    @Test func powerFollowsCAndNumpyOnNegativeBases() throws {
        let x = dvector("x"), y = dvector("y")
        let bases: [Double] = [-1, -.infinity, -.infinity, -2, -8, -700]
        let exponents: [Double] = [.infinity, 0.5, -.infinity, 3, 1.0 / 3, -.infinity]
        for mode in [Mode.reference, .fastRun] {
            let out = try function([x, y], x ** y, mode: mode)(NDArray(bases, shape: [6]), NDArray(exponents, shape: [6])).doubles
            #expect(out[0] == 1 && out[1] == .infinity && out[2] == 0 && out[3] == -8 && out[4].isNaN && out[5] == 0, "\(mode): \(out)")
        }
    }

    @Test func roundingTiesAndModes() throws {
        let x = dvector("x")
        #expect(try evaluate([x], round(x), [[0.5, 1.5, 2.5, -0.5]]).doubles == [0, 2, 2, -0])
        #expect(try evaluate([x], round(x, mode: .halfAwayFromZero), [[0.5, 1.5, 2.5, -0.5]]).doubles == [1, 2, 3, -1])
    }

    @Test func binaryArithmeticAndBroadcasting() throws {
        let m = dmatrix("m"), r = drow("r"), v = dvector("v")
        let args: [any NDArrayConvertible] = [[[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0]], [2.0, 4.0]]
        #expect(try evaluate([m, r, v], m + r, args).doubles == [11, 22, 13, 24])
        #expect(try evaluate([m, r, v], m - v, args).doubles == [-1, -2, 1, 0])
        #expect(try evaluate([m, r, v], m * v, args).doubles == [2, 8, 6, 16])
        #expect(try evaluate([m, r, v], m / v, args).doubles == [0.5, 0.5, 1.5, 1])
        #expect(try evaluate([m, r, v], m ** 2, args).doubles == [1, 4, 9, 16])
        #expect(try evaluate([m, r, v], maximum(m, 2.5), args).doubles == [2.5, 2.5, 3, 4])
        #expect(try evaluate([m, r, v], minimum(m, 2.5), args).doubles == [1, 2, 2.5, 2.5])
    }

    @Test func pythonStyleModAndFloorDivision() throws {
        let a = ivector("a"), b = ivector("b")
        let args: [any NDArrayConvertible] = [[-7, 7, -7, 7, 5], [2, -2, -2, 2, 0]]
        #expect(try evaluate([a, b], a % b, args).scalars(as: Int32.self) == [1, -1, -1, 1, 0])
        #expect(try evaluate([a, b], intDiv(a, b), args).scalars(as: Int32.self) == [-4, -4, 3, 3, 0])
        let x = dvector("x")
        #expect(try evaluate([x], x % 3, [[-7.0, 7.5]]).doubles == [2, 1.5])
        #expect(try evaluate([x], intDiv(x, 2), [[-7.0, 7.5]]).doubles == [-4, 3])
    }

    @Test func integerArithmeticWrapsInsteadOfTrapping() throws {
        let a = bvector("a")
        let out = try evaluate([a], a * 2 + 100, [NDArray([Int8(100), -128], shape: [2])])
        #expect(out.dtype == .int8)
        #expect(out.scalars(as: Int8.self) == [44, 100])
        #expect(try evaluate([a], abs(a), [NDArray([Int8(-128), -3], shape: [2])]).scalars(as: Int8.self) == [-128, 3])
    }

    @Test func comparisonsGiveBool() throws {
        let x = dvector("x")
        let out = try evaluate([x], x < 1, [[0.0, 1.0, 2.0]])
        #expect(out.dtype == .bool)
        #expect(out.scalars(as: Bool.self) == [true, false, false])
        #expect(try evaluate([x], x >= 1, [[0.0, 1.0, 2.0]]).scalars(as: Bool.self) == [false, true, true])
        #expect(try evaluate([x], eq(x, 1), [[0.0, 1.0, 2.0]]).scalars(as: Bool.self) == [false, true, false])
        #expect(try evaluate([x], neq(x, 1), [[0.0, 1.0, 2.0]]).scalars(as: Bool.self) == [true, false, true])
        #expect(try evaluate([x], lt(x, 1) | gt(x, 1.5), [[0.0, 1.0, 2.0]]).scalars(as: Bool.self) == [true, false, true])
    }

    @Test func switchClipAndCast() throws {
        let x = dvector("x")
        #expect(try evaluate([x], `switch`(x > 0, x, -x * 10), [[-1.0, 2.0]]).doubles == [10, 2])
        #expect(try evaluate([x], clip(x, -1, 1), [[-3.0, 0.5, 3.0]]).doubles == [-1, 0.5, 1])
        let asInt = try evaluate([x], cast(x, .int32), [[-1.7, 2.9]])
        #expect(asInt.dtype == .int32 && asInt.scalars(as: Int32.self) == [-1, 2])
    }

    @Test func zerosAndOnesLike() throws {
        let m = fmatrix("m")
        let z = try evaluate([m], zerosLike(m), [NDArray([[1, 2, 3]], dtype: .float32)])
        #expect(z.shape == [1, 3] && z.dtype == .float32 && z.doubles == [0, 0, 0])
        #expect(try evaluate([m], onesLike(m), [NDArray([[1, 2, 3]], dtype: .float32)]).doubles == [1, 1, 1])
    }

    @Test func complexArithmetic() throws {
        let z = zvector("z")
        let value = NDArray([[1.0, 0.0], [0.0, 1.0]]).astype(.complex128)
        let out = try evaluate([z], z * z + 1, [value.reshaped([4])])
        #expect(out.dtype == .complex128)
    }
}

@Suite struct ElementwiseGradientTests {
    static let differentiable: [(String, @Sendable (TensorVariable) -> TensorVariable)] = [
        ("neg", { -$0 }), ("abs", { abs($0) }), ("exp", { exp($0) }), ("log", { log($0 + 3) }),
        ("log1p", { log1p($0 + 2) }), ("expm1", { expm1($0) }), ("sqrt", { sqrt($0 + 3) }), ("sqr", { sqr($0) }),
        ("sin", { sin($0) }), ("cos", { cos($0) }), ("tan", { tan($0) }), ("tanh", { tanh($0) }),
        ("sigmoid", { sigmoid($0) }), ("softplus", { softplus($0) }), ("reciprocal", { reciprocal($0 + 3) }),
        ("pow", { ($0 + 3) ** 2.5 }), ("rpow", { 2 ** $0 }), ("mod", { $0 % 0.7 }),
        ("clip", { clip($0, -0.5, 0.5) }), ("switch", { `switch`($0 > 0, sqr($0), -$0) }),
        ("maximum", { maximum($0, 0.1) }), ("minimum", { minimum($0, 0.1) }),
    ]

    @Test(arguments: 0..<differentiable.count)
    func unaryGradientsMatchFiniteDifferences(_ k: Int) throws {
        let (_, fn) = Self.differentiable[k]
        try verifyGrad({ fn($0[0]) }, at: [NDArray([[-1.3, 0.4], [0.9, 1.7]])])
    }

    @Test func binaryGradientsWithBroadcasting() throws {
        let a = NDArray([[0.5, 1.5, 2.5], [1.0, 2.0, 3.0]]), r = NDArray([[0.7, 1.1, 1.9]])
        try verifyGrad({ x in x[0] * x[1].dimshuffle(nil, 0) }, at: [a, r.reshaped([3])])
        try verifyGrad({ x in x[0] / x[1] }, at: [a, a.astype(.float64)])
        try verifyGrad({ x in x[0] - x[1] + x[0] * x[1] }, at: [a, a])
        try verifyGrad({ x in x[0] ** x[1] }, at: [a, a])
    }

    @Test func castGradientKeepsTheInputDType() throws {
        try verifyGrad({ x in cast(x[0], .float64) * 2 }, at: [NDArray([[-1.3, 0.4]], dtype: .float32)])
        let x = fvector("x")
        #expect(try grad(cast(x, .float64).sum(), wrt: x).dtype == .float32)
    }

    @Test func exponentiationBindsTighterThanMultiplication() throws {
        let x = dscalar("x")
        #expect(try evaluate([x], 2 * x ** 2, [3.0]).item() == 18)
        #expect(try evaluate([x], x ** (x ** 0.5), [4.0]).item() == 16)
    }

    @Test func gradientOfIntegerInputsIsDisconnected() throws {
        let i = ivector("i"), x = dvector("x")
        #expect(throws: TheanoError.self) { try grad((cast(i, .float64) * x).sum(), wrt: i) }
    }
}

@Suite struct UpcastingRules {
    static let table: [(DType, DType, DType)] = [
        (.int8, .int8, .int8), (.int8, .int16, .int16), (.int32, .int64, .int64),
        (.int8, .float32, .float32), (.int16, .float32, .float32), (.int32, .float32, .float64),
        (.int64, .float32, .float64), (.float32, .float64, .float64), (.float32, .float32, .float32),
        (.bool, .int8, .int8), (.bool, .float32, .float32), (.float32, .complex64, .complex64),
        (.float64, .complex64, .complex128), (.int64, .complex64, .complex128),
    ]

    @Test(arguments: 0..<table.count)
    func additionUpcastsLikeNumpy(_ k: Int) {
        let (a, b, expected) = Self.table[k]
        let x = tensor(dtype: a, broadcastable: [false]), y = tensor(dtype: b, broadcastable: [false])
        #expect((x + y).dtype == expected)
        #expect((y + x).dtype == expected)
    }

    @Test func swiftLiteralsFollowTheanosRules() {
        #expect((fvector() * 0.5).dtype == .float32, "0.5 is exact in float32")
        #expect((fvector() * 0.1).dtype == .float64, "0.1 is not, so it is float64")
        #expect((ivector() + 1).dtype == .int32)
        #expect((bvector() + 1).dtype == .int8)
        #expect((bvector() + 300).dtype == .int16)
        #expect((bvector() + 100_000).dtype == .int32)
        #expect((ivector() * 1.5).dtype == .float64)
        #expect((bvector() * 1.5).dtype == .float32)
        #expect((fvector() * Float(0.1)).dtype == .float32)
        #expect((1 / (1 + exp(-dmatrix()))).dtype == .float64)
    }

    @Test func transcendentalsUpgradeIntegers() {
        #expect(exp(bvector()).dtype == .float32)
        #expect(exp(ivector()).dtype == .float64)
        #expect((ivector() / ivector()).dtype == .float64)
        #expect(lt(dvector(), 1).dtype == .bool)
        #expect(abs(zvector()).dtype == .float64)
    }

    @Test func broadcastPatternsComeFromTheType() {
        #expect((dmatrix() + drow()).broadcastable == [false, false])
        #expect((drow() + dcol()).broadcastable == [false, false])
        #expect((drow() + dscalar()).broadcastable == [true, false])
        #expect((dvector() + dmatrix()).ndim == 2)
    }

    @Test func floatXComesFromTheFlags() {
        let c = TheanoConfig(flags: "floatX=float32,mode=FAST_COMPILE")
        #expect(c.floatX == .float32)
        #expect(c.mode == "FAST_COMPILE")
        #expect(TheanoConfig(flags: nil).floatX == .float64)
    }
}

@Suite struct ElementwiseBadInputTests {
    @Test func runtimeShapeMismatchNamesTheNodeAsWritten() throws {
        let x = dvector("x"), y = dvector("y")
        let f = try function([x, y], x + y)
        let error = try #require(throws: TheanoError.self) { try f([1.0, 2.0], [1.0, 2.0, 3.0]) }
        #expect(error.kind == .shapeMismatch)
        #expect(error.message.contains("Elemwise{add}"))
        #expect(error.message.contains("(x + y)"))
        #expect(error.message.contains("[3]"))
    }

    /// Regression: a mismatch inside a fused loop named the constant of the user's last node while
    /// showing another input's shape, because the fused node's input positions are its own.
    @Test func aMismatchInAFusedLoopNamesTheInputWhoseShapeItShows() throws {
        let a = dvector("a"), b = dvector("b")
        let f = try function([a, b], (a * b) + 3, mode: .fastRun)
        do {
            _ = try f([1.0, 2.0, 3.0], [1.0, 2.0])
            Issue.record("a shape mismatch must throw")
        } catch let error as TheanoError {
            #expect(error.message.contains("input 1: b"), "\(error.message)")
            #expect(!error.message.contains("input 1: 3"), "\(error.message)")
        }
    }

    @Test func sizeOneIsNotBroadcastUnlessTheTypeSaysSo() throws {
        let m = dmatrix("m"), n = dmatrix("n")
        let f = try function([m, n], m * n)
        #expect(throws: TheanoError.self) { try f([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0]]) }
    }

    @Test func wrongRankAndDTypeAreRejectedAtTheCall() throws {
        let x = fvector("x")
        let f = try function([x], exp(x))
        let rank = try #require(throws: TheanoError.self) { try f([[1.0]]) }
        #expect(rank.kind == .ndimMismatch && rank.message.contains("argument 0 (x)"))
        let precision = try #require(throws: TheanoError.self) { try f(NDArray([1.0, 2.0])) }
        #expect(precision.kind == .dtypeMismatch && precision.message.contains("float64"))
        #expect(throws: TheanoError.self) { try f([0.1]) }
        #expect(try f([1.0, 0.5]).dtype == .float32, "lossless Swift values convert")
    }
}
