import Foundation
import Testing
@testable import Theano

/// One row per elementwise function, checked against numpy and scipy, differentiated, and run on every
/// backend against the reference. Adding a function to the package adds a row here.
@Suite struct ElementwiseFunctionTable {
    typealias Unary = @Sendable (TensorVariable) -> TensorVariable
    typealias Binary = @Sendable (TensorVariable, TensorVariable) -> TensorVariable

    /// (name, function, points, numpy/scipy values there, a map into the domain where the gradient is checked)
    static let unary: [(String, Unary, [Double], [Double], Unary)] = [
        ("erf", { erf($0) }, [-2.5, -0.7, 0.0, 0.3, 1.1, 3.0], [-0.999593047982555, -0.6778011938374183, 0.0, 0.3286267594591274, 0.8802050695740817, 0.9999779095030014], { $0 }),
        ("erfc", { erfc($0) }, [-2.5, -0.7, 0.0, 0.3, 1.1, 3.0, 10.0], [1.999593047982555, 1.6778011938374182, 1.0, 0.6713732405408726, 0.11979493042591832, 2.2090496998585445e-05, 2.0884875837625446e-45], { $0 }),
        ("erfcx", { erfcx($0) }, [-3.0, -0.7, 0.0, 0.3, 1.1, 5.0, 30.0, 100000.0], [16205.988853999586, 2.7387021025613167, 1.0, 0.7345993345676554, 0.40173046063649515, 0.11070463773306861, 0.018795888861416754, 5.6418958351954685e-06], { $0 }),
        ("erfinv", { erfinv($0) }, [-0.999, -0.7, 0.0, 0.3, 0.5, 0.9, 0.999999], [-2.326753765513524, -0.7328690779592169, 0.0, 0.2724627147267544, 0.4769362762044699, 1.1630871536766743, 3.458910737275499], { $0 * 0.4 }),
        ("erfcinv", { erfcinv($0) }, [1e-300, 1e-20, 0.001, 0.3, 0.5, 1.0, 1.7, 1.999], [26.209469960516124, 6.601580622355143, 2.3267537655135246, 0.7328690779592171, 0.4769362762044699, -0.0, -0.7328690779592171, -2.3267537655135464], { $0 * 0.4 + 1 }),
        ("gamma", { gamma($0) }, [-2.5, -0.7, 0.3, 1.0, 4.5, 10.2], [-0.9453087204829419, -4.273669982410842, 2.991568987687591, 1.0, 11.63172839656745, 570499.0278410349], { $0 + 3 }),
        ("gammaln", { gammaln($0) }, [-2.5, -0.7, 0.3, 1.0, 4.5, 100.2], [-0.05624371649767401, 1.4524729387568076, 1.0957979948180756, 0.0, 2.4537365708424423, 360.05443860891813], { $0 + 3 }),
        ("psi", { psi($0) }, [-2.5, -0.7, 0.3, 1.0, 1.4616321449683622, 4.5, 100.2], [1.1031566406452433, -2.073952793628703, -3.502524222200133, -0.5772156649015329, -9.241265521729427e-17, 1.388870926359529, 4.602169868673616], { $0 + 3 }),
        ("trigamma", { trigamma($0) }, [-2.5, -0.7, 0.3, 1.0, 4.5, 100.2], [9.539246644989124, 14.28618087263834, 12.245364546107734, 1.6449340668482266, 0.24872510303901035, 0.01003000618591708], { $0 + 3 }),
        ("log2", { log2($0) }, [0.1, 1.0, 2.0, 7.5, 10000000000.0], [-3.321928094887362, 0.0, 1.0, 2.9068905956085187, 33.219280948873624], { $0 + 3 }),
        ("log10", { log10($0) }, [0.1, 1.0, 2.0, 7.5, 10000000000.0], [-1.0, 0.0, 0.3010299956639812, 0.8750612633917001, 10.0], { $0 + 3 }),
        ("exp2", { exp2($0) }, [-3.5, 0.0, 0.5, 10.25], [0.08838834764831845, 1.0, 1.4142135623730951, 1217.7480857627863], { $0 }),
        ("sinh", { sinh($0) }, [-2.5, -0.3, 0.0, 0.5, 3.7], [-6.0502044810397875, -0.3045202934471426, 0.0, 0.5210953054937474, 20.21129041679853], { $0 }),
        ("cosh", { cosh($0) }, [-2.5, -0.3, 0.0, 0.5, 3.7], [6.132289479663686, 1.0453385141288605, 1.0, 1.1276259652063807, 20.23601394326887], { $0 }),
        ("arcsin", { arcsin($0) }, [-0.9, -0.3, 0.0, 0.5, 1.0], [-1.1197695149986342, -0.30469265401539747, 0.0, 0.5235987755982989, 1.5707963267948966], { $0 * 0.4 }),
        ("arccos", { arccos($0) }, [-0.9, -0.3, 0.0, 0.5, 1.0], [2.6905658417935308, 1.8754889808102941, 1.5707963267948966, 1.0471975511965976, 0.0], { $0 * 0.4 }),
        ("arctan", { arctan($0) }, [-20.0, -0.3, 0.0, 0.5, 3.7], [-1.5208379310729538, -0.2914567944778671, 0.0, 0.4636476090008061, 1.3068326031691921], { $0 }),
        ("arcsinh", { arcsinh($0) }, [-20.0, -0.3, 0.0, 0.5, 3.7], [-3.6895038689889055, -0.29567304756342244, 0.0, 0.48121182505960347, 2.0192606561549606], { $0 }),
        ("arccosh", { arccosh($0) }, [1.0, 1.5, 3.7, 100.0], [0.0, 0.9624236501192069, 1.9826969446812033, 5.298292365610485], { $0 + 3 }),
        ("arctanh", { arctanh($0) }, [-0.9, -0.3, 0.0, 0.5, 0.99], [-1.4722194895832204, -0.3095196042031117, 0.0, 0.5493061443340549, 2.6466524123622457], { $0 * 0.4 }),
        ("deg2rad", { deg2rad($0) }, [-180.0, -30.0, 0.0, 45.0, 720.0], [-3.141592653589793, -0.5235987755982988, 0.0, 0.7853981633974483, 12.566370614359172], { $0 }),
        ("rad2deg", { rad2deg($0) }, [-3.14, -0.5, 0.0, 1.0, 10.0], [-179.9087476710785, -28.64788975654116, 0.0, 57.29577951308232, 572.9577951308232], { $0 }),
        ("trunc", { trunc($0) }, [-2.5, -0.7, 0.0, 0.3, 1.9, 3.0], [-2.0, -0.0, 0.0, 0.0, 1.0, 3.0], { $0 }),
        ("xlogx", { xlogx($0) }, [0.0, 0.1, 0.5, 1.0, 3.7], [0.0, -0.23025850929940456, -0.34657359027997264, 0.0, 4.840831432705662], { $0 + 3 }),
    ]

    /// (name, function, first arguments, second arguments, numpy values, a map of both into the gradient's domain)
    static let binary: [(String, Binary, [Double], [Double], [Double], Unary)] = [
        ("arctan2", { arctan2($0, $1) }, [1.0, -1.0, 0.0, 2.5, -0.0], [1.0, -1.0, -1.0, -0.3, 1.0], [0.7853981633974483, -2.356194490192345, 3.141592653589793, 1.690225252813235, -0.0], { $0 }),
        ("hypot", { hypot($0, $1) }, [3.0, 1e+200, 0.0, 2.5], [4.0, 1e+200, -1.0, -0.3], [5.0, 1.414213562373095e+200, 1.0, 2.5179356624028344], { $0 }),
        ("logaddexp", { logaddexp($0, $1) }, [0.0, 1000.0, -1000.0, 2.5, .infinity], [0.0, 1.0, -1000.5, -0.3, .infinity], [0.6931471805599453, 1000.0, -999.5259230158199, 2.5590328262879716, .infinity], { $0 }),
        ("xlogy0", { xlogy0($0, $1) }, [0.0, 0.0, 2.0, 0.5], [0.0, 2.0, 3.0, 0.1], [0.0, 0.0, 2.1972245773362196, -1.1512925464970227], { $0 + 3 }),
    ]

    static let nonDifferentiable: Set<String> = ["trigamma"]

    @Test(arguments: 0..<unary.count)
    func unaryMatchesScipy(_ k: Int) throws {
        let (name, fn, points, expected, _) = Self.unary[k]
        let x = dvector("x")
        let out = try evaluate([x], fn(x), [NDArray(points, shape: [points.count])])
        #expect(out.dtype == .float64, "\(name)")
        #expect(close(out.doubles, expected, tolerance: 1e-13), "\(name): \(out.doubles) against \(expected)")
    }

    @Test(arguments: 0..<binary.count)
    func binaryMatchesNumpy(_ k: Int) throws {
        let (name, fn, a, b, expected, _) = Self.binary[k]
        let x = dvector("x"), y = dvector("y")
        let out = try evaluate([x, y], fn(x, y), [NDArray(a, shape: [a.count]), NDArray(b, shape: [b.count])])
        #expect(close(out.doubles, expected, tolerance: 1e-13), "\(name): \(out.doubles) against \(expected)")
    }

    @Test(arguments: 0..<unary.count)
    func unaryGradientMatchesFiniteDifferences(_ k: Int) throws {
        let (name, fn, _, _, domain) = Self.unary[k]
        let point = NDArray([[-1.3, 0.4], [0.9, 1.7]])
        if Self.nonDifferentiable.contains(name) {
            let x = dmatrix("x")
            #expect(throws: TheanoError.self, "\(name) has no gradient") { try grad(fn(domain(x)).sum(), wrt: x) }
            return
        }
        try verifyGrad({ fn(domain($0[0])) }, at: [point])
    }

    @Test(arguments: 0..<binary.count)
    func binaryGradientMatchesFiniteDifferences(_ k: Int) throws {
        let (_, fn, _, _, _, domain) = Self.binary[k]
        try verifyGrad({ fn(domain($0[0]), domain($0[1])) }, at: [NDArray([[-1.3, 0.4], [0.9, 1.7]]), NDArray([[0.7, -2.1], [1.1, 0.5]])])
    }

    /// The VM (with and without generated C) agrees with the reference on every row, for both float
    /// types, on strided inputs of sizes around the vector width and the VM's block.
    @Test(arguments: [DType.float32, .float64], VMVariant.allCases)
    func everyBackendMatchesTheReference(_ dtype: DType, _ variant: VMVariant) throws {
        let x = tensor(dtype: dtype, broadcastable: [false], name: "x"), y = tensor(dtype: dtype, broadcastable: [false], name: "y")
        var graphs: [(String, TensorVariable)] = Self.unary.map { row in (row.0, row.1(row.4(x))) }
        graphs += Self.binary.map { row in (row.0, row.1(row.5(x), row.5(y))) }
        for (name, expr) in graphs {
            for count in [1, 7, 8, 2047, 2049] {
                let (a, b) = (VMPerOpConformanceTests.inputs(count, dtype, seed: UInt64(count)), VMPerOpConformanceTests.inputs(count, dtype, seed: 7))
                let fast = try variant.function([x, y], expr)(a, b)
                let slow = try function([x, y], expr, mode: .reference, onUnusedInput: .ignore)(a, b)
                #expect(fast.dtype == slow.dtype && fast.shape == slow.shape, "\(name)")
                #expect(close(fast.doubles, slow.doubles, tolerance: dtype == .float32 ? 1e-5 : 1e-13), "\(name) \(dtype) \(count)")
            }
        }
    }

    @Test func predicatesGiveBoolAndAreFalseForIntegers() throws {
        let x = dvector("x"), i = lvector("i")
        let values = NDArray([.nan, .infinity, -.infinity, 0, -2.5], shape: [5])
        #expect(try evaluate([x], isnan(x), [values]).scalars(as: Bool.self) == [true, false, false, false, false])
        #expect(try evaluate([x], isinf(x), [values]).scalars(as: Bool.self) == [false, true, true, false, false])
        #expect(try evaluate([i], isnan(i) | isinf(i), [NDArray([Int64(1), -3], shape: [2])]).scalars(as: Bool.self) == [false, false])
        #expect(isnan(x).dtype == .bool)
    }

    @Test func integersAreUpgradedToFloat() throws {
        let i = ivector("i"), b = bvector("b")
        #expect(erf(i).dtype == .float64 && gammaln(b).dtype == .float32 && arctan2(i, b).dtype == .float64)
        let out = try evaluate([i], gamma(i), [NDArray([Int32(1), 2, 5], shape: [3])])
        #expect(out.doubles == [1, 1, 24])
    }

    @Test func limitsAndSpecialValuesFollowScipy() throws {
        let x = dvector("x")
        func run(_ f: (TensorVariable) -> TensorVariable, _ values: [Double]) throws -> [Double] {
            try evaluate([x], f(x), [NDArray(values, shape: [values.count])]).doubles
        }
        #expect(try run(erfinv, [1, -1, 1.5]).description == "[inf, -inf, nan]")
        #expect(try run(erfcinv, [0, 2, -0.5]).description == "[inf, -inf, nan]")
        #expect(try run(psi, [0, -1]).description == "[-inf, nan]")
        #expect(try run(trigamma, [0, -2]).description == "[inf, inf]")
        #expect(try run(erfcx, [-30, .infinity]).description == "[inf, 0.0]")
    }
}
