import Testing
@testable import Theano

/// `verifyGrad` of every differentiable sparse op: with respect to the stored values (the structured
/// gradient; the pattern is a constant of the graph) and to the dense operands, on both backends.
@Suite struct SparseGradientTests {
    static let modes: [Mode] = [.reference, .fastRun]
    static let a = SparseOpTests.a, c = SparseOpTests.c

    /// A sparse matrix with `a`'s pattern, or `c`'s, whose stored values are the variable `data`.
    static func withPattern(_ dense: NDArray, _ format: SparseFormat, _ data: TensorVariable) -> SparseVariable {
        constant(try! SparseMatrix(dense: dense, format: format)).with(data: data)
    }

    static func values(_ dense: NDArray, _ format: SparseFormat) -> NDArray { try! SparseMatrix(dense: dense, format: format).data }

    @Test(arguments: modes)
    func structuredDotDifferentiatesTheStoredValuesAndTheDenseOperand(_ mode: Mode) throws {
        for format in SparseFormat.allCases {
            let data = Self.values(Self.a, format)
            try verifyGrad({ structuredDot(Self.withPattern(Self.a, format, $0[0]), $0[1]) }, at: [data, SparseOpTests.b], mode: mode)
            try verifyGrad({ dot(Self.withPattern(Self.a, format, $0[0]), $0[1]) }, at: [data, NDArray([1.0, -1, 2, 0.5], shape: [4])], mode: mode)
            try verifyGrad({ structuredDot($0[1], Self.withPattern(Self.a, format, $0[0])) }, at: [data, NDArray([1.0, 2, 3, 0, -1, 1], shape: [2, 3])], mode: mode)
        }
    }

    @Test(arguments: modes)
    func samplingDotDifferentiatesEveryOperand(_ mode: Mode) throws {
        let x = NDArray([1.0, 2, 0, 1, -1, 1], shape: [3, 2]), y = NDArray([1.0, 0, 2, 1, 0, -1, 1, 1], shape: [4, 2])
        try verifyGrad({ samplingDot($0[0], $0[1], Self.withPattern(Self.a, .csr, $0[2])).data }, at: [x, y, Self.values(Self.a, .csr)], mode: mode)
        try verifyGrad({ samplingDot($0[0], $0[1], Self.withPattern(Self.a, .csc, $0[2])).toDense() }, at: [x, y, Self.values(Self.a, .csc)], mode: mode)
    }

    @Test(arguments: modes)
    func conversionsDifferentiate(_ mode: Mode) throws {
        try verifyGrad({ Self.withPattern(Self.a, .csr, $0[0]).toDense() }, at: [Self.values(Self.a, .csr)], mode: mode)
        // sparseFromDense passes the gradient back at the nonzeros it found. Finite differences move
        // a zero off zero and so change the pattern; they are taken where every element is nonzero.
        let full = NDArray([1.0, -2, 0.5, 3, 1.5, -1, 2, 0.25, -0.5, 4, 1, 2], shape: [3, 4])
        try verifyGrad({ csrFromDense($0[0]).data * 3 }, at: [full], mode: mode)
        try verifyGrad({ sqr(cscFromDense($0[0])).toDense() }, at: [full], mode: mode)
        let d = dmatrix("d")
        let g = try grad((sqr(csrFromDense(d)).data).sum(), wrt: d)
        #expect(try function([d], g, mode: mode).call([Self.a]).doubles == Self.a.doubles.map { 2 * $0 })
    }

    @Test(arguments: modes)
    func addMulAndStructuredOpsDifferentiateTheStoredValues(_ mode: Mode) throws {
        for format in SparseFormat.allCases {
            let pa = Self.values(Self.a, format), pc = Self.values(Self.c, format)
            try verifyGrad({ (Self.withPattern(Self.a, format, $0[0]) + Self.withPattern(Self.c, format, $0[1])).toDense() }, at: [pa, pc], mode: mode)
            try verifyGrad({ (Self.withPattern(Self.a, format, $0[0]) * Self.withPattern(Self.c, format, $0[1])).data }, at: [pa, pc], mode: mode)
            try verifyGrad({ (Self.withPattern(Self.a, format, $0[0]) * $0[1]).toDense() }, at: [pa, Self.c], mode: mode)
            try verifyGrad({ ($0[1] * Self.withPattern(Self.a, format, $0[0])).data }, at: [pa, NDArray([1.0, 2, 3, 4], shape: [4])], mode: mode)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0]) + $0[1] }, at: [pa, Self.c], mode: mode)
            try verifyGrad({ structuredSigmoid(Self.withPattern(Self.a, format, $0[0])).toDense() }, at: [pa], mode: mode)
            try verifyGrad({ structuredExp(Self.withPattern(Self.a, format, $0[0] * 0.3)).data }, at: [pa], mode: mode)
        }
    }

    @Test(arguments: modes)
    func sumsAndSlicesDifferentiate(_ mode: Mode) throws {
        for format in SparseFormat.allCases {
            let pa = Self.values(Self.a, format)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0]).sum(axis: 0) }, at: [pa], mode: mode)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0]).sum(axis: 1) }, at: [pa], mode: mode)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0]).sum() }, at: [pa], mode: mode)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0])[rows: 1..<3].toDense() }, at: [pa], mode: mode)
            try verifyGrad({ Self.withPattern(Self.a, format, $0[0])[columns: 1..<3].data }, at: [pa], mode: mode)
            try verifyGrad({ structuredDot(Self.withPattern(Self.a, format, $0[0]).T, $0[1]) }, at: [pa, NDArray([1.0, -1, 2], shape: [3])], mode: mode)
        }
    }

    @Test func theGradientOfStructuredDotIsZeroOffThePattern() throws {
        // d/dA of sum(A · B) at A's stored positions only: the row sums of B, gathered.
        let x = csrMatrix("x", dtype: .float64), y = dmatrix("y")
        let g = try grad(structuredDot(x, y).sum(), wrt: x.data)
        let out = try function(x.inputs + [y], g).call(SparseOpTests.csr.arguments + [SparseOpTests.b])
        // B's row sums are [0, 2.5, 3, -1]; A stores columns [0, 2, 3, 0, 1].
        #expect(out.doubles == [0, 3, -1, 0, 2.5])
    }
}
