import Testing
@testable import Theano

/// Theano's tutorial "Loop" (doc/tutorial/loop.txt), in order, each against the numpy comparison the
/// tutorial prints beside it. `pow(A, k)` and the polynomial are also the scan guide's
/// (`ScanGuideTests`); here they are the tutorial's versions and its exercise's solution.
@Suite struct TutorialLoopTests {
    /// "Computing tanh(x(t).dot(W) + b) elementwise": `W` and `b_sym` are read by the step from outside.
    @Test func tanhOfEachRowElementwise() throws {
        // defining the tensor variables
        let X = dmatrix("X")
        let W = dmatrix("W")
        let bSym = dvector("b_sym")
        let (results, _) = try scan({ v in [tanh(dot(v[0], W) + bSym)] }, sequences: [X])
        let computeElementwise = try function([X, W, bSym], results[0])
        // test values
        let x = NDArray([1, 0, 0, 1] as [Double], shape: [2, 2])  // np.eye(2)
        let w = NDArray([1, 1, 1, 1] as [Double], shape: [2, 2])
        let b = NDArray([1, 2] as [Double], shape: [2])
        let numpy = [0.9640275800758169, 0.9950547536867305, 0.9640275800758169, 0.9950547536867305]  // np.tanh(x.dot(w) + b)
        #expect(close(try computeElementwise(x, w, b).doubles, numpy))
    }

    /// "Computing the sequence x(t) = tanh(x(t - 1).dot(W) + y(t).dot(U) + p(T - t).dot(V))": the
    /// second sequence runs backwards through `P[::-1]`.
    @Test func recurrenceOverTwoSequences() throws {
        let X = dvector("X"), W = dmatrix("W"), U = dmatrix("U"), Y = dmatrix("Y"), V = dmatrix("V"), P = dmatrix("P")
        let (results, _) = try scan({ s in [tanh(dot(s[2], W) + dot(s[0], U) + dot(s[1], V))] },
                                    sequences: [Y, P[.slice(nil, nil, -1)]], outputsInfo: [ScanOutput(initial: X)])
        let computeSeq = try function([X, W, Y, U, P, V], results[0])
        // test values
        let x = NDArray([0, 1] as [Double], shape: [2])
        let ones = NDArray([1, 1, 1, 1] as [Double], shape: [2, 2])
        let y = NDArray([-3, -3] + [Double](repeating: 1, count: 8), shape: [5, 2])
        let p = NDArray([3, 3] + [Double](repeating: 1, count: 8), shape: [5, 2])
        let printed = try computeSeq(x, ones, y, ones, p, ones)
        // The tutorial prints [[-0.99505475 -0.99505475] [0.96471973 ...] [0.99998585 ...] [0.99998771 ...] [1. 1.]].
        let numpy = [-0.9950547536867305, 0.9647197295264438, 0.9999858491917162, 0.9999877109552199, 0.9999999958774901]
        #expect(close(printed.doubles, numpy.flatMap { [$0, $0] }))
    }

    /// "Computing norms of lines of X" and "of columns of X" (`X.T` as the sequence).
    @Test func normsOfRowsAndColumns() throws {
        let X = dmatrix("X")
        let (rows, _) = try scan({ x in [sqrt((x[0] ** 2).sum())] }, sequences: [X])
        let (cols, _) = try scan({ x in [sqrt((x[0] ** 2).sum())] }, sequences: [X.T])
        let computeNormLines = try function([X], rows[0])
        let computeNormCols = try function([X], cols[0])
        // np.diag(np.arange(1, 6), 1): a 6×6 matrix with 1...5 above the diagonal
        let diagonal: [Double] = (0..<36).map { (i: Int) -> Double in i % 7 == 1 ? Double(i / 7 + 1) : 0 }
        let x = NDArray(diagonal, shape: [6, 6])
        #expect(try computeNormLines(x).description == "[1. 2. 3. 4. 5. 0.]")
        #expect(try computeNormCols(x).description == "[0. 1. 2. 3. 4. 5.]")
    }

    /// "Computing trace of X": two index sequences, a float32 accumulator; `results[-1]` prints 4.0.
    @Test func traceOfAMatrix() throws {
        let X = matrix("X", dtype: .float32)
        let (results, _) = try scan({ s in [cast(X[s[0]][s[1]] + s[2], .float32)] },
                                    sequences: [arange(X.shape[0]), arange(X.shape[1])],
                                    outputsInfo: [ScanOutput(initial: constant(NDArray(scalar: Float(0))))])
        let result = results[0][-1]
        let computeTrace = try function([X], result)
        // np.eye(5) whose first row is arange(5): the diagonal sums to 0 + 1 + 1 + 1 + 1
        var values = [Float](repeating: 0, count: 25)
        for i in 0..<5 { values[i] = Float(i); values[6 * i] += i == 0 ? 0 : 1 }
        let trace = try computeTrace(NDArray(values, shape: [5, 5]))
        #expect(trace.dtype == .float32 && trace.description == "4.0")
    }

    /// "x(t) = x(t - 2).dot(U) + x(t - 1).dot(V) + tanh(x(t - 1).dot(W) + b)": taps [-2, -1], n_steps.
    @Test func recurrenceWithTwoTaps() throws {
        let X = dmatrix("X"), W = dmatrix("W"), bSym = dvector("b_sym"), U = dmatrix("U"), V = dmatrix("V")
        let nSym = iscalar("n_sym")
        let (results, _) = try scan({ s in [dot(s[0], U) + dot(s[1], V) + tanh(dot(s[1], W) + bSym)] },
                                    outputsInfo: [ScanOutput(initial: X, taps: [-2, -1])], nSteps: nSym)
        let computeSeq2 = try function([X, U, V, W, bSym, nSym], results[0])
        // test values
        let x = NDArray([0, 0, 0, 1] as [Double], shape: [2, 2])  // the initial value must be able to return x[-2]
        let w = NDArray([0.5, 0.5, 0.5, 0.5] as [Double], shape: [2, 2])
        let u = NDArray([0, 0.5, 0.5, 0] as [Double], shape: [2, 2])
        let v = w
        let n: Int32 = 10
        let b = NDArray([1, 1] as [Double], shape: [2])
        let printed = try computeSeq2(x, u, v, w, b, n)
        #expect(printed.shape == [10, 2])
        let numpy: [[Double]] = [
            [1.4051482536448665, 1.4051482536448665], [2.8889889897147825, 2.3889889897147825],
            [4.340182908640064, 4.340182908640064], [6.534631420627744, 6.784631420627744],
            [9.829722430358913, 9.829722430358913], [14.222038139888538, 14.097038139888538],
            [20.07439935506786, 20.07439935506786], [28.12291842501213, 28.18541842501213],
            [39.191368102546065, 39.191368102546065], [54.28407731505213, 54.25282731505213],
        ]
        #expect(close(printed.doubles, numpy.flatMap { $0 }))
    }

    /// "Computing the Jacobian of y = tanh(v.dot(A)) wrt x": the step differentiates `y[i]` with
    /// respect to `v`, both read from outside the step.
    @Test func jacobianOfTanhOfAProduct() throws {
        let v = dvector()
        let A = dmatrix()
        let y = tanh(dot(v, A))
        let (results, _) = try scan({ i in [try grad(y[i[0]], wrt: v)] }, sequences: [arange(y.shape[0])])
        let computeJacT = try function([A, v], results[0], allowInputDowncast: true)  // shape (d_out, d_in)
        // test values
        let x = NDArray([1, 0, 0, 0, 0] as [Double], shape: [5])  // np.eye(5)[0]
        var wValues = [Double](repeating: 0, count: 15)  // np.eye(5, 3) with w[2] = ones(3)
        for i in 0..<3 { wValues[4 * i] = 1 }
        for j in 0..<3 { wValues[6 + j] = 1 }
        let jac = try computeJacT(NDArray(wValues, shape: [5, 3]), x)
        #expect(jac.shape == [3, 5])
        let numpy: [Double] = [0.41997434161402614, 0, 0.41997434161402614, 0, 0,  0, 1, 1, 0, 0,  0, 0, 1, 0, 0]
        #expect(close(jac.doubles, numpy))
    }

    /// "Accumulate number of loop during a scan": `scan(lambda: {k: k + 1}, n_steps=n_sym)`.
    @Test func accumulateTheNumberOfLoops() throws {
        let k = shared(0)
        let nSym = iscalar("n_sym")
        let (results, updates) = try scan({ _ in ScanStep(updates: [(k, k + 1)]) }, nSteps: nSym)
        #expect(results.isEmpty)
        let accumulator = try function([nSym], [TensorVariable](), updates: updates, allowInputDowncast: true)
        #expect(k.getValue().item(as: Int64.self) == 0)
        _ = try accumulator(5)
        #expect(k.getValue().item(as: Int64.self) == 5)
    }

    /// "Computing tanh(v.dot(W) + b) * d where d is binomial": `d` is drawn outside the step and read
    /// inside it, so (as Theano does, and as the tutorial's output shows) it is drawn again at every
    /// step; the generator's numbers differ from numpy's, so the test checks the form of each row.
    @Test func binomialNoiseDrawnAtEveryStep() throws {
        let X = dmatrix("X"), W = dmatrix("W"), bSym = dvector("b_sym")
        let trng = RandomStreams(seed: 1234)  // define shared random stream
        let d = trng.binomial(size: W[1].shape)
        let (results, updates) = try scan({ v in [tanh(dot(v[0], W) + bSym) * d] }, sequences: [X])
        let computeWithBnoise = try function([X, W, bSym], results[0], updates: updates, allowInputDowncast: true)
        var xValues = [Double](repeating: 0, count: 20)  // np.eye(10, 2)
        xValues[0] = 1; xValues[3] = 1
        let ones = NDArray([1, 1, 1, 1] as [Double], shape: [2, 2]), b = NDArray([1, 1] as [Double], shape: [2])
        let printed = try computeWithBnoise(NDArray(xValues, shape: [10, 2]), ones, b)
        #expect(printed.shape == [10, 2])
        let rows = printed.rows()
        // Rows 0 and 1 keep tanh(2) = 0.96402758 or 0; the others tanh(1) = 0.76159416 or 0.
        for (i, row) in rows.enumerated() {
            let kept = i < 2 ? 0.9640275800758169 : 0.7615941559557649
            #expect(row.allSatisfy { $0 == 0 || Swift.abs($0 - kept) < 1e-12 }, "row \(i): \(row)")
        }
        // A new mask each step: the eight rows of tanh(1) are not all masked alike.
        #expect(Set(rows[2...].map { $0.map { $0 == 0 } }).count > 1, "\(rows)")
        // And a new one each call: the stream's update is among the loop's.
        #expect(!updates.isEmpty)
    }

    /// "Computing pow(A, k)": `power(range(10), 2)` prints `[0. 1. 4. 9. 16. 25. 36. 49. 64. 81.]`.
    @Test func powerOfAVector() throws {
        let k = iscalar("k")
        let A = vector("A")
        func innerFct(_ priorResult: TensorVariable, _ B: TensorVariable) -> TensorVariable { priorResult * B }
        // Symbolic description of the result
        let (result, updates) = try scan({ s in [innerFct(s[0], s[1])] }, outputsInfo: [ScanOutput(initial: onesLike(A))],
                                         nonSequences: [A], nSteps: k)
        // Scan has provided us with A ** 1 through A ** k. Keep only the last value.
        let finalResult = result[0][-1]
        let power = try function([A, k], finalResult, updates: updates)
        #expect(try power((0..<10).map(Double.init), Int32(2)).description == "[ 0.  1.  4.  9. 16. 25. 36. 49. 64. 81.]")
    }

    /// "Calculating a Polynomial", and the exercise's solution (loop_solution_1.py), whose scan also
    /// does the reduction: both print 19.0.
    @Test func polynomialAndItsReductionByScan() throws {
        let coefficients = vector("coefficients")
        let x = scalar("x")
        let maxCoefficientsSupported = 10000
        // Generate the components of the polynomial
        let fullRange = arange(maxCoefficientsSupported)
        let (components, _) = try scan({ s in [s[0] * (s[2] ** s[1])] }, sequences: [coefficients, fullRange], nonSequences: [x])
        let polynomial = components[0].sum()
        let calculatePolynomial1 = try function([coefficients, x], polynomial)
        let testCoeff = NDArray([1, 0, 2] as [Float])
        #expect(try calculatePolynomial1(testCoeff, 3).item() == 19.0)
        // The solution: the running sum is scan's output, its last value the polynomial.
        let outputsInfo = constant(NDArray(scalar: 0.0))
        let (sums, updates) = try scan({ s in [s[2] + s[0] * (s[3] ** s[1])] }, sequences: [coefficients, fullRange],
                                       outputsInfo: [ScanOutput(initial: outputsInfo)], nonSequences: [x])
        let calculatePolynomial = try function([coefficients, x], sums[0][-1], updates: updates)
        let value = try calculatePolynomial(testCoeff, 3)
        #expect(value.item() == 19.0 && value.description == "19.0")
    }
}
