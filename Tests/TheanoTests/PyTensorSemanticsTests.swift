import Testing
@testable import Theano

/// Where numpy and PyTensor disagree, the package follows PyTensor (cases from its test_basic.py and
/// test_math.py); the expected numbers come from PyTensor's definitions, checked with numpy.
@Suite struct PyTensorSemanticsTests {
    // MARK: clip

    @Test func clipTestsLowFirstSoAnInvertedRangeGivesLowBelowAndHighAbove() throws {
        let x = dvector("x")
        // PyTensor's Clip: x < lo ? lo : (x > hi ? hi : x). numpy's clip would give 1 everywhere.
        for mode in [Mode.reference, .fastRun] {
            let out = try function([x], clip(x, 3, 1), mode: mode)(NDArray([0.0, 2, 5, .nan], shape: [4])).doubles
            #expect(Array(out.prefix(3)) == [3, 3, 1] && out[3].isNaN, "\(mode): \(out)")
            #expect(try function([x], clip(x, 0, 1), mode: mode)(NDArray([-1.0, 0.5, 2], shape: [3])).doubles == [0, 0.5, 1])
        }
        let i = lvector("i")
        #expect(try evaluate([i], clip(i, 3, 1), [[Int64(0), 2, 5]]).scalars(as: Int64.self) == [3, 3, 1])
    }

    @Test func clipGradientGoesWhereTheValueCameFrom() throws {
        // 2.5 is below lo and above hi: its value, and so its gradient, is lo's alone.
        try verifyGrad({ clip($0[0], $0[1], $0[2]) }, at: [NDArray([0.2, 2.5, 5.0]), NDArray(scalar: 3.0), NDArray(scalar: 1.0)])
        try verifyGrad({ clip($0[0], $0[1], $0[2]) }, at: [NDArray([0.2, 2.5, 5.0]), NDArray(scalar: 1.0), NDArray(scalar: 3.0)])
        let (x, lo, hi) = (dvector("x"), dscalar("lo"), dscalar("hi"))
        let g = try grad(clip(x, lo, hi).sum(), wrt: [x, lo, hi])
        let f = try function([x, lo, hi], g)
        let out = try f(NDArray([0.2, 2.5, 5.0], shape: [3]), 3.0, 1.0)
        #expect(out[0].doubles == [0, 0, 0] && out[1].doubles == [2] && out[2].doubles == [1])
    }

    // MARK: round

    @Test func roundOfAnIntegerTensorIsATypeError() async {
        await #expect(processExitsWith: .failure) { _ = round(ivector("i")) }
        await #expect(processExitsWith: .failure) { _ = round(lmatrix("m"), mode: .halfAwayFromZero) }
        await #expect(processExitsWith: .failure) { _ = round(TensorType(.bool, [false])("b")) }
    }

    @Test func roundOfAFloatTensorKeepsItsDtype() throws {
        let f = fvector("f")
        let out = try evaluate([f], round(f), [NDArray([Float(0.5), 1.5, 2.5, -0.5], shape: [4])])
        #expect(out.dtype == .float32 && out.doubles == [0, 2, 2, -0])
    }

    // MARK: literal typing

    @Test func arangeTypesItsBoundsAsLiterals() throws {
        // start 0 is int8, 2.5 is float32 (exact), step 1 is int8: the upcast is float32 (numpy: float64).
        #expect(arange(2.5).dtype == .float32)
        #expect(try arange(2.5).eval().doubles == [0, 1, 2])
        #expect(arange(0.1).dtype == .float64)
        #expect(arange(0.5, 2.0).dtype == .float32)
        #expect(arange(Float(3)).dtype == .float32)
        // Integers widen to int64, as in PyTensor, whatever literal dtype they start from.
        #expect(arange(3).dtype == .int64 && arange(Int8(3)).dtype == .int64)
        #expect(try arange(3).eval().scalars(as: Int64.self) == [0, 1, 2])
        #expect(arange(2.5, dtype: .float64).dtype == .float64)
    }

    @Test func literalsTakeTheSmallestDtypeThatHoldsThem() {
        #expect(2.asTensor().dtype == .int8 && 200.asTensor().dtype == .int16 && 70_000.asTensor().dtype == .int32)
        #expect((1 << 40).asTensor().dtype == .int64)
        #expect(0.5.asTensor().dtype == .float32 && 0.1.asTensor().dtype == .float64)
        #expect((fvector("v") * 2).dtype == .float32 && (bvector("b") + 1).dtype == .int8 && (bvector("b") + 300).dtype == .int16)
        #expect((fvector("v") * 0.1).dtype == .float64 && (fvector("v") * 0.5).dtype == .float32)
    }

    // MARK: incSubtensor with a wider increment

    @Test func incrementingAnIntegerTensorByFloatsAddsThenCasts() throws {
        let (x, y) = (lvector("x"), dvector("y"))
        let args: [any NDArrayConvertible] = [[Int64(1), 2, 3], [-0.5, 0.7]]
        for mode in [Mode.reference, .fastRun] {
            // 1 - 0.5 = 0.5 → 0 and 2 + 0.7 = 2.7 → 2; casting the increment first would leave x unchanged.
            let basic = try function([x, y], incSubtensor(x[0..<2], y), mode: mode).call(args)
            #expect(basic.dtype == .int64 && basic.scalars(as: Int64.self) == [0, 2, 3], "\(mode)")
            // Repeated indices accumulate before the cast: 1 + 0.5 + 0.5 = 2, and 2 - 0.5 → 1.
            let rows = constant(NDArray([Int64(0), 0, 1], shape: [3]))
            let advanced = try function([x], incSubtensor(x[rows], constant(NDArray([0.5, 0.5, -0.5], shape: [3]))), mode: mode)
                .call([[Int64(1), 2, 3]])
            #expect(advanced.scalars(as: Int64.self) == [2, 1, 3], "\(mode)")
        }
        // Setting casts the value, truncating toward zero.
        #expect(try evaluate([x, y], setSubtensor(x[0..<2], y), args).scalars(as: Int64.self) == [0, 0, 3])
    }

    // MARK: integer division, modulo and powers

    /// The choice (ComingFromTheano.md, "Integer arithmetic"): numpy's 0 for a zero divisor, wraparound
    /// for the one overflowing quotient, and the truncated value for negative powers, with 0 ** -k = 0.
    @Test func integerDivisionAndModuloByZeroGiveZero() throws {
        let (a, b) = (lvector("a"), lvector("b"))
        let args: [any NDArrayConvertible] = [[Int64(7), -7, 0, 5], [Int64(0), 0, 0, 2]]
        for mode in [Mode.reference, .fastRun, .fastRun.generatedC(.off)] {
            let out = try function([a, b], [intDiv(a, b), mod(a, b)], mode: mode).call(args)
            #expect(out[0].scalars(as: Int64.self) == [0, 0, 0, 2] && out[1].scalars(as: Int64.self) == [0, 0, 0, 1], "\(mode)")
        }
        // Floats follow IEEE, as numpy: 7.0 // 0 is infinity, 7.0 % 0 is NaN.
        let (p, q) = (dvector("p"), dvector("q"))
        let floats = try function([p, q], [intDiv(p, q), mod(p, q)]).call([[7.0], [0.0]])
        #expect(floats[0].doubles == [.infinity] && floats[1].doubles[0].isNaN)
        // numpy: int8 -128 // -1 wraps to -128, and -128 % -1 is 0.
        let (c, d) = (bvector("c"), bvector("d"))
        let small = try function([c, d], [intDiv(c, d), mod(c, d)]).call([[Int8(-128), -7], [Int8(-1), 2]])
        #expect(small[0].scalars(as: Int8.self) == [-128, -4] && small[1].scalars(as: Int8.self) == [0, 1])
    }

    @Test func negativeIntegerPowersTruncateAndZeroToANegativePowerIsZero() throws {
        let (a, b) = (lvector("a"), lvector("b"))
        let args: [any NDArrayConvertible] = [[Int64(0), 2, 1, -1, -1, 3, 0], [Int64(-1), -1, -3, -3, -2, 2, 0]]
        for mode in [Mode.reference, .fastRun] {
            #expect(try function([a, b], a ** b, mode: mode).call(args).scalars(as: Int64.self) == [0, 0, 1, -1, 1, 9, 1], "\(mode)")
        }
    }
}
