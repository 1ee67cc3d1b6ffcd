import Testing
@testable import Theano

@Suite struct ReductionValueTests {
    let m = dmatrix("m")
    let value: [[Double]] = [[1, 5, 3], [4, 2, 6]]

    func run(_ expr: TensorVariable) throws -> NDArray { try evaluate([m], expr, [value]) }

    @Test func sumsAlongAxesWithAndWithoutKeepdims() throws {
        #expect(try run(m.sum()).item() == 21)
        #expect(try run(m.sum(axis: 0)).doubles == [5, 7, 9])
        #expect(try run(m.sum(axis: 1)).doubles == [9, 12])
        #expect(try run(m.sum(axis: -1)).doubles == [9, 12])
        let kept = try run(m.sum(axis: 1, keepdims: true))
        #expect(kept.shape == [2, 1] && kept.doubles == [9, 12])
        #expect(m.sum(axis: 1, keepdims: true).broadcastable == [false, true])
    }

    @Test func meanProdMaxMin() throws {
        #expect(try run(m.mean()).item() == 3.5)
        #expect(try run(m.mean(axis: 0)).doubles == [2.5, 3.5, 4.5])
        #expect(try run(m.prod(axis: 1)).doubles == [15, 48])
        #expect(try run(m.max(axis: 0)).doubles == [4, 5, 6])
        #expect(try run(m.min(axis: 1)).doubles == [1, 2])
        #expect(try run(max(m)).item() == 6)
    }

    @Test func argmaxAndArgmin() throws {
        let a = try run(m.argmax(axis: 1))
        #expect(a.dtype == .int64 && a.scalars(as: Int64.self) == [1, 2])
        #expect(try run(m.argmin(axis: 0)).scalars(as: Int64.self) == [0, 1, 0])
        #expect(try run(argmax(m)).item(as: Int64.self) == 5)
        #expect(try run(m.argmax(axis: 1, keepdims: true)).shape == [2, 1])
    }

    @Test func varianceAndStandardDeviation() throws {
        #expect(close(try run(m.var(axis: 1)).doubles, [8.0 / 3, 8.0 / 3]))
        #expect(close(try run(m.std()).doubles, [(17.5 / 6).squareRoot()]))
    }

    @Test func accumulationTypesFollowTheano() throws {
        #expect(bvector().sum().dtype == .int64)
        #expect(ivector().sum().dtype == .int64)
        #expect(fvector().sum().dtype == .float32)
        #expect(ivector().mean().dtype == .float64)
        // A float32 sum accumulates in float64, so many small terms do not drown.
        let x = fvector("x")
        let many = NDArray([Float](repeating: 0.1, count: 100_000), shape: [100_000])
        let total = try evaluate([x], x.sum(), [many]).item(as: Double.self)
        #expect(Swift.abs(total - 10_000) < 0.5)
    }

    @Test func emptyMaxThrows() throws {
        let v = dvector("v")
        let error = try #require(throws: TheanoError.self) { try evaluate([v], v.max(), [NDArray(zeros: [0], dtype: .float64)]) }
        #expect(error.message.contains("empty"))
        #expect(try evaluate([v], v.sum(), [NDArray(zeros: [0], dtype: .float64)]).item() == 0)
    }
}

@Suite struct ReductionGradientTests {
    let point = NDArray([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])

    @Test func sumMeanProdGradients() throws {
        try verifyGrad({ $0[0].sum() }, at: [point])
        try verifyGrad({ $0[0].sum(axis: 0) }, at: [point])
        try verifyGrad({ $0[0].mean(axis: 1, keepdims: true) }, at: [point])
        try verifyGrad({ $0[0].prod(axis: 1) }, at: [point])
    }

    @Test func maxMinVarStdGradients() throws {
        try verifyGrad({ $0[0].max(axis: 1) }, at: [point])
        try verifyGrad({ $0[0].min() }, at: [point])
        try verifyGrad({ $0[0].var(axis: 0) }, at: [point])
        try verifyGrad({ $0[0].std(axis: 1) }, at: [point])
    }

    @Test func argmaxHasNoGradient() throws {
        let x = dvector("x")
        #expect(throws: TheanoError.self) { try grad(cast(x.argmax(), .float64), wrt: x) }
        #expect(try grad(cast(x.argmax(), .float64), wrt: x, disconnectedInputs: .returnZeros).eval([x: [1.0, 3.0]]).doubles == [0, 0])
    }
}
