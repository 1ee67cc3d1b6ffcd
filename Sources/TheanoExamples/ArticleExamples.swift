import Theano

/// The examples of the documentation's articles, beyond the tutorial programs.
///
/// Each article shows a function's body, without its last line, and then what it prints; a test keeps
/// the article's blocks equal to these bodies and to their output, so the examples cannot rot.
public enum ArticleExamples {
    /// Every article example, in the order the articles show them.
    public static let all: [Example] = [
        Example("givens", "Replacing a shared variable with givens", givens),
        Example("failed-call", "A failed call commits no update", failedCallCommitsNothing),
        Example("keyword-arguments", "Passing arguments by input name", keywordArguments),
        Example("function-copy", "Copying a function onto other shared variables", copyingAFunction),
        Example("borrow", "What borrow shares, and what never changes", borrowing),
        Example("jacobian", "The Jacobian of a vector expression", jacobianOfSquares),
        Example("hessian", "The Hessian of a scalar cost", hessianOfSumOfSquares),
        Example("rop-lop", "R-operator, L-operator and the Hessian times a vector", ropAndLop),
        Example("verify-grad", "Checking a gradient against finite differences", checkingAGradient),
        Example("scan-power", "Scan: A to the power k", powerWithScan),
        Example("scan-polynomial", "Scan over a sequence: evaluating a polynomial", polynomialWithScan),
        Example("scan-fibonacci", "Scan with two taps: Fibonacci", fibonacciWithTaps),
        Example("scan-sequence-taps", "Scan reading a sequence at several taps", sequenceTaps),
        Example("scan-until", "Scan ending on a condition", powersOfTwoUntil),
        Example("scan-updates", "A scan step updating a shared variable", sharedUpdatesInScan),
        Example("scan-gibbs", "Random streams inside a scan step", gibbsSampling),
        Example("scan-jacobian", "A gradient inside a scan step", jacobianInsideScan),
        Example("random", "Random streams", randomStreams),
        Example("random-seeding", "Seeding one stream, and copying state between streams", seedingAndCopying),
        Example("random-symbolic", "Draws whose shape and parameters are graph variables", symbolicDraws),
        Example("rewrites", "What the optimizer did to a graph", optimizerAtWork),
        Example("shapes", "Shapes from the inputs' shapes, without running the ops", shapesWithoutRunning),
        Example("modes", "Choosing rewrites with a mode", choosingRewrites),
        Example("nan-guard", "NanGuardMode finds the node that made a NaN", nanGuard),
        Example("debug-mode", "DebugMode checks every node against the unoptimized graph", debugMode),
        Example("profile", "Profiling a function", profiling),
        Example("print-op", "Print shows a value each time the function computes it", printingValues),
        Example("specify-shape", "specifyShape checks a shape when the function runs", specifyingAShape),
        Example("backends", "The same function on two backends", twoBackends),
        Example("backend-plugin", "Registering a backend", registeringABackend),
        Example("config", "The settings in use", configuration),
    ]

    // MARK: - Shared variables and updates

    static func keywordArguments() throws -> (any GraphShowing)? {
        let x = dscalar("x"), y = dscalar("y"), w = dscalar("w")
        let f = try function([x, In(y, value: 1), In(w, value: 2, name: "w_by_name")], (x + y) * w)
        // Theano's f(33, w_by_name=1, y=0): labels name inputs; the others take their defaults.
        print(try f(33, w_by_name: 1), try f(33, w_by_name: 1, y: 0), try f.call(named: ["x": 1, "y": 2]))
        return f
    }

    static func copyingAFunction() throws -> (any GraphShowing)? {
        let state = shared(0, name: "state")
        let inc = iscalar("inc")
        let accumulator = try function([inc], state, updates: [(state, state + inc)])
        try accumulator(10)
        let newState = shared(0, name: "new_state")
        // The copy runs the same compiled program on new_state.
        let newAccumulator = try accumulator.copy(swap: [state: newState])
        try newAccumulator(100)
        let nullAccumulator = try accumulator.copy(deleteUpdates: true)
        print("null_accumulator(9000) =", try nullAccumulator(9000))
        print("state =", state.getValue(), "new_state =", newState.getValue())
        return newAccumulator
    }

    static func borrowing() throws -> (any GraphShowing)? {
        var array = NDArray([1.0, 1.0])
        let sTrue = shared(array, borrow: true)
        // Theano's np_array += 1 shows through s_true; a Swift array is a value, so nothing else changes.
        array.set([0], to: 2.0)
        array.set([1], to: 2.0)
        print("array =", array, "s_true =", sTrue.getValue(borrow: true))
        return nil
    }

    static func givens() throws -> (any GraphShowing)? {
        let state = shared(0, name: "state")
        let inc = iscalar("inc")
        let foo = iscalar("foo")
        let fnOfState = state * 2 + inc
        // foo takes the place of state: the call reads foo, and state is left alone.
        let skipShared = try function([inc, foo], fnOfState, givens: [(state, foo)])
        print("skipShared(1, 3) =", try skipShared(1, 3))
        print("state =", state.getValue())
        return skipShared
    }

    static func failedCallCommitsNothing() throws -> (any GraphShowing)? {
        let w = shared([1.0, 2.0], name: "w")
        let x = dvector("x")
        let step = try function([x], (w * x).sum(), updates: [(w, w + x)])
        print("step([1, 1]) =", try step([1.0, 1.0]), " w =", w.getValue())
        do {
            try step([1.0, 1.0, 1.0])
        } catch let error as TheanoError {
            print("error:", error.kind)
        }
        print("after the failed call, w =", w.getValue())
        return step
    }

    // MARK: - Gradients

    static func jacobianOfSquares() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let y = x ** 2
        let J = try jacobian(y, wrt: x)
        let f = try function([x], J)
        print(try f([4.0, 4.0]))
        return f
    }

    static func hessianOfSumOfSquares() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let cost = (x ** 2).sum()
        let H = try hessian(cost, wrt: x)
        let f = try function([x], H)
        print(try f([4.0, 4.0]))
        return f
    }

    static func ropAndLop() throws -> (any GraphShowing)? {
        let W = dmatrix("W"), V = dmatrix("V"), x = dvector("x"), v = dvector("v")
        let y = dot(x, W)
        // J·V and v·J of y = x·W with respect to W.
        let JV = try rop(y, wrt: W, evalPoint: V)
        let vJ = try lop(y, wrt: W, evalPoint: v)
        print(try function([V, x], JV)([[2, 2], [2, 2]], [0, 1]))
        print(try function([v, x], vJ)([2, 2], [0, 1]))
        // The Hessian of sum(x²) times v, without building the Hessian.
        let gy = try grad((x ** 2).sum(), wrt: x)
        let Hv = try rop(gy, wrt: x, evalPoint: v)
        let f = try function([x, v], Hv)
        print(try f([4, 4], [2, 2]))
        return f
    }

    static func checkingAGradient() throws -> (any GraphShowing)? {
        // Compares grad with central differences at a point; throws when they disagree.
        try verifyGrad({ inputs in tanh(inputs[0]).sum() }, at: [NDArray([0.1, -0.5, 2.0])])
        print("the gradient of tanh agrees with finite differences")
        return nil
    }

    // MARK: - Scan

    static func powerWithScan() throws -> (any GraphShowing)? {
        let k = iscalar("k")
        let A = dvector("A")
        // Each step multiplies the previous result by A; only the last one is kept.
        let (results, _) = try scan({ s in [s[0] * s[1]] }, outputsInfo: [ScanOutput(initial: onesLike(A))],
                                    nonSequences: [A], nSteps: k)
        let power = try function([A, k], results[0][-1])
        print(try power([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 2))
        print(try power([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 3))
        return power
    }

    static func polynomialWithScan() throws -> (any GraphShowing)? {
        let coefficients = dvector("coefficients")
        let x = dscalar("x")
        // One term per coefficient: coefficient · x^power, then their sum.
        let (terms, _) = try scan({ s in [s[0] * (s[2] ** s[1])] },
                                  sequences: [coefficients, arange(shapeI(coefficients, 0))], nonSequences: [x])
        let polynomial = try function([coefficients, x], terms[0].sum())
        print("1 + 0·3 + 2·3² =", try polynomial([1.0, 0.0, 2.0], 3.0))
        return polynomial
    }

    static func fibonacciWithTaps() throws -> (any GraphShowing)? {
        // Taps -2 and -1: each step reads the two states before it.
        let (outputs, _) = try scan({ s in [s[0] + s[1]] },
                                    outputsInfo: [ScanOutput(initial: constant(NDArray([0, 1])), taps: [-2, -1])], nSteps: 10)
        let fibonacci = try function([], outputs[0])
        print(try fibonacci())
        return fibonacci
    }

    static func sequenceTaps() throws -> (any GraphShowing)? {
        let u = dvector("u")
        // Taps -1, 0 and 1: each step reads u[t-1], u[t] and u[t+1], so 6 values give 4 steps.
        let (smoothed, _) = try scan({ s in [(s[0] + s[1] + s[2]) / 3] }, sequences: [ScanSequence(u, taps: [-1, 0, 1])])
        let movingAverage = try function([u], smoothed[0])
        print(try movingAverage([3.0, 6.0, 9.0, 3.0, 0.0, 6.0]))
        return movingAverage
    }

    static func powersOfTwoUntil() throws -> (any GraphShowing)? {
        let maxValue = dscalar("max_value")
        // The step returns its output and a condition: the loop stops after the first step where it holds.
        let (values, _) = try scan({ s in ScanStep([s[0] * 2], until: gt(s[0] * 2, s[1])) },
                                   outputsInfo: [ScanOutput(initial: constant(1.0))], nonSequences: [maxValue], nSteps: 1024)
        let f = try function([maxValue], values[0])
        print(try f(45.0))
        return f
    }

    static func sharedUpdatesInScan() throws -> (any GraphShowing)? {
        let a = shared(1, name: "a")
        // Each step adds 1 to a; scan returns a's value after the last step as an update.
        let (_, updates) = try scan({ _ in ScanStep(updates: [(a, a + 1)]) }, nSteps: 10)
        let b = a + 1
        let c = updates[0].1 + 1
        let f = try function([], [b, c], updates: updates)
        print("b, c =", try f(), " a =", a.getValue())
        print("b, c =", try f(), " a =", a.getValue())
        return f
    }

    static func gibbsSampling() throws -> (any GraphShowing)? {
        let W = shared(NDArray([[0.2, -0.5], [0.7, 0.1]]), name: "W")
        let bvis = shared(NDArray([0.1, -0.3]), name: "bvis"), bhid = shared(NDArray([-0.2, 0.4]), name: "bhid")
        let trng = RandomStreams(seed: 1234)
        // The draws' shapes and probabilities are graph variables; both streams advance at every step.
        func oneStep(_ s: [TensorVariable]) -> [TensorVariable] {
            let (vsample, W, bvis, bhid) = (s[0], s[1], s[2], s[3])
            let hmean = sigmoid(dot(vsample, W) + bhid)
            let hsample = trng.binomial(size: hmean.shape, n: 1, p: hmean)
            let vmean = sigmoid(dot(hsample, W.T) + bvis)
            return [trng.binomial(size: vsample.shape, n: 1, p: vmean, dtype: .float64)]
        }
        let sample = dvector("sample")
        let (values, updates) = try scan(oneStep, outputsInfo: [ScanOutput(initial: sample)],
                                         nonSequences: [W, bvis, bhid], nSteps: 10, strict: true)
        let gibbs10 = try function([sample], values[0][-1], updates: updates)
        print(try gibbs10([1.0, 0.0]), try gibbs10([1.0, 0.0]), try gibbs10([1.0, 0.0]))
        return gibbs10
    }

    static func jacobianInsideScan() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let y = x ** 2
        // The step receives y and x themselves, so grad(y[i], x) inside it knows that y depends on x.
        let (J, updates) = try scan({ s in [try grad(s[1][s[0]], wrt: s[2])] },
                                    sequences: [arange(y.shape[0])], nonSequences: [y, x])
        let f = try function([x], J[0], updates: updates)
        print(try f([4.0, 4.0]))
        return f
    }

    // MARK: - Random streams

    static func randomStreams() throws -> (any GraphShowing)? {
        let srng = RandomStreams(seed: 234)
        let rvU = srng.uniform(size: [2, 2])
        let rvN = srng.normal(size: [2, 2])
        let f = try function([], rvU)
        let g = try function([], rvN, noDefaultUpdates: true)
        // A variable drawn once has one value in a call: this is zero up to rounding.
        let nearlyZeros = try function([], rvU + rvU - 2 * rvU)
        print("f() =", try f())
        print("f() =", try f(), "(new numbers: the state advanced)")
        print("g() =", try g())
        print("g() =", try g(), "(the same: no default updates)")
        print("nearlyZeros() =", try nearlyZeros())
        return f
    }

    static func seedingAndCopying() throws -> (any GraphShowing)? {
        let srng = RandomStreams(seed: 234)
        let rvU = srng.uniform(size: [2])
        let f = try function([], rvU)
        // Each random variable has its own generator state: seed it alone, or save and restore it.
        try rvU.rng!.seed(89234)
        let saved = rvU.rng!.getValue()
        let v1 = try f()
        try rvU.rng!.setValue(saved)
        print("v1 =", v1, " again:", try f())
        // Two streams drawing alike: copy every state of one into the other.
        let other = RandomStreams(seed: 987)
        let g = try function([], other.uniform(size: [2]))
        for (mine, theirs) in zip(srng.stateUpdates, other.stateUpdates) { try theirs.0.setValue(mine.0.getValue()) }
        print("f() =", try f(), " g() =", try g())
        return f
    }

    static func symbolicDraws() throws -> (any GraphShowing)? {
        let p = dvector("p")
        let srng = RandomStreams(seed: 3)
        // One coin per probability: the draw takes p's shape, read when the function runs.
        let coins = srng.binomial(size: p.shape, n: 1, p: p)
        let flip = try function([p], coins)
        print(try flip([0.0, 1.0, 0.5, 0.5, 0.5]))
        return flip
    }

    // MARK: - The optimizer

    static func optimizerAtWork() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let y = log(1 + exp(x)) + x * 1
        var mode = Mode.fastRun.excluding("fusion")
        mode.recordRewrites = true
        let f = try function([x], y, mode: mode)
        print("as written:", pp(y))
        print("optimized: ", pp(f.graph.outputs[0]))
        for entry in f.rewriteReport.entries.sorted(by: { $0.name < $1.name }) {
            print("  \(entry.name) fired \(entry.count)×")
        }
        return f
    }

    static func choosingRewrites() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let y = exp(x) * 2 + 1
        let fused = try function([x], y)
        let unfused = try function([x], y, mode: Mode.fastRun.excluding("fusion"))
        print("FAST_RUN:          ", fused.graph.toposort.map { "\($0.op)" })
        print("without fusion:    ", unfused.graph.toposort.map { "\($0.op)" })
        print("FAST_COMPILE nodes:", try function([x], y, mode: .fastCompile).graph.toposort.count)
        return fused
    }

    // MARK: - Modes and debugging

    static func nanGuard() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let f = try function([x], exp(log(x) * 2), mode: .nanGuard)
        print("f([2]) =", try f([2.0]))
        do {
            try f([-1.0, 2.0])
        } catch let error as TheanoError {
            print(error.message)
        }
        return f
    }

    static func shapesWithoutRunning() throws -> (any GraphShowing)? {
        let x = dmatrix("x"), y = dmatrix("y")
        let square = try function([x], (x ** 2).shape)
        print("(x ** 2).shape runs:", square.graph.toposort.map { "\($0.op)" })
        let joined = try function([x, y], concatenate([x, y]).shape)
        print("concatenate([x, y]).shape runs:", joined.graph.toposort.map { "\($0.op)" })
        print("for 2×3 and 1×3:", try joined([[1.0, 2, 3], [4, 5, 6]], [[7.0, 8, 9]]))
        // The ops do not run, so they check nothing: a sum of a 2×3 and a 1×2 matrix has a shape.
        let sum = try function([x, y], (x + y).shape)
        print("(x + y).shape for 2×3 and 1×2:", try sum([[1.0, 2, 3], [4, 5, 6]], [[7.0, 8]]))
        return joined
    }

    static func printingValues() throws -> (any GraphShowing)? {
        let x = dvector("x")
        // Lines go to standard output unless `to:` says otherwise; here, to this page's transcript.
        let shown = PrintDestination { line in print(line) }
        let doubled = Print("x is", to: shown)(x) * 2
        let f = try function([x], Print("doubled", attributes: [.shape, .minAndMax], to: shown)(doubled).sum())
        print("f([1, 2]) =", try f([1.0, 2.0]))
        print("f([3]) =", try f([3.0]))
        return f
    }

    static func specifyingAShape() throws -> (any GraphShowing)? {
        let x = dmatrix("x")
        let f = try function([x], specifyShape(x, [2, nil]).sum())
        print("a 2×3 matrix:", try f([[1.0, 2, 3], [4, 5, 6]]))
        do {
            try f([[1.0, 2, 3]])
        } catch let error as TheanoError {
            print(error.message.split(separator: "\n")[0])
        }
        return f
    }

    static func profiling() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let e = exp(x)
        let f = try function([x], dot(e, e), name: "energy", profile: true)
        f.profile?.printsAtExit = false  // the example prints what it needs
        for _ in 0..<3 { try f([0.5, 1.5]) }
        let stats = f.profile!
        print("calls:", stats.callCount, "nodes:", stats.nodes.map { "\($0.op)" })
        print("each node ran", stats.nodeCallCounts, "times; peak memory", stats.peakMemory, "bytes")
        // stats.summary() prints Theano's tables (times vary from run to run):
        print(stats.report.split(separator: "\n").filter { $0.hasPrefix("<%") }.first!)
        return f
    }

    static func debugMode() throws -> (any GraphShowing)? {
        let x = dmatrix("x")
        let s = 1 / (1 + exp(-x))
        // Runs the optimized graph and the graph as written, and throws at the first node that differs.
        let f = try function([x], [s, try grad(s.sum(), wrt: x)], mode: .debug)
        for output in try f([[0, 1], [-1, -2]]) { print(output) }
        return f
    }

    // MARK: - Backends

    static func twoBackends() throws -> (any GraphShowing)? {
        let x = dvector("x")
        let y = tanh(x) * 2
        let onVM = try function([x], y)
        let onReference = try function([x], y, mode: .reference)
        let value: [Double] = [0, 0.5, 1]
        print("cpu:      ", try onVM(value))
        print("reference:", try onReference(value))
        return onVM
    }

    static func registeringABackend() throws -> (any GraphShowing)? {
        // A backend that prints each node it runs and lets the reference executor run it.
        struct TracingBackend: Backend {
            var name: String { "tracing" }
            func link(_ graph: FunctionGraph, mode: Mode, observer: NodeObserver?) throws -> any Program {
                try ReferenceBackend().link(graph, mode: mode) { node, outputs in
                    print("  ran \(node.op)")
                    try observer?(node, outputs)
                }
            }
        }
        BackendRegistry.register(TracingBackend())
        let x = dvector("x")
        let f = try function([x], exp(x) * 2, mode: Mode.fastRun.excluding("fusion").on("tracing"))
        print("f([0, 1]) =", try f([0.0, 1.0]))
        return f
    }

    // MARK: - Configuration

    static func configuration() throws -> (any GraphShowing)? {
        // THEANO_FLAGS=floatX=float32,mode=FAST_COMPILE sets these before the program starts.
        print("floatX:", config.floatX, " mode:", config.mode, " device:", config.device)
        let x = matrix("x")  // of dtype floatX
        let f = try function([x], x * 2)
        print("x is", x.type, "and f runs in", f.mode)
        return f
    }
}
