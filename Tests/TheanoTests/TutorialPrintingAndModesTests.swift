import Testing
@testable import Theano

/// The logistic regression of Theano's tutorials "Printing/Drawing Theano graphs"
/// (doc/tutorial/printing_drawing.txt) and "Configuration Settings and Compiling Modes"
/// (doc/tutorial/modes.txt), in float32 as their exercise asks, on 6 examples of 4 features. The
/// exercise sets `floatX=float32` so that Python's float literals are float32; here the literals that
/// float32 does not hold exactly are written `Float(0.01)` (the exercise's other remedy, a cast), since
/// changing `config.floatX` in one test would change it for the tests running beside it.
private struct LogisticRegression {
    let x = matrix("x", dtype: .float32)
    let y = vector("y", dtype: .float32)
    let w = shared(NDArray([0.5, -0.5, 0.25, 0.1] as [Float], shape: [4]), name: "w")
    let b = shared(NDArray(scalar: Float(0)), name: "b")
    let prediction: TensorVariable
    let train: Function<[NDArray]>
    let predict: Function<NDArray>
    static let inputs = NDArray((0..<24).map { Float(($0 * 7) % 11) / 5 - 1 }, shape: [6, 4])
    static let targets = NDArray([0, 1, 0, 1, 0, 0] as [Float], shape: [6])

    init() throws {
        // Construct Theano expression graph
        let p1 = 1 / (1 + exp(-dot(x, w) - b))  // Probability of having a one
        prediction = p1 > 0.5  // The prediction that is done: 0 or 1
        // Compute gradients
        let xent = -y * log(p1) - (1 - y) * log(1 - p1)  // Cross-entropy
        // The exercise's cast around the mean keeps the cost float32.
        let cost = cast(xent.mean(), .float32) + Float(0.01) * (w ** 2).sum()  // The cost to optimize
        let gwb = try grad(cost, wrt: [w, b])
        // Training and prediction function
        train = try function([x, y], [prediction, xent], updates: [(w, w - Float(0.01) * gwb[0]), (b, b - Float(0.01) * gwb[1])], name: "train")
        predict = try function([x], prediction, name: "predict")
    }
}

@Suite struct TutorialPrintingDrawingTests {
    /// "Pretty Printing": Theano prints
    /// `gt((TensorConstant{1} / (TensorConstant{1} + exp(((-(x \dot w)) - b)))), TensorConstant{0.5})`.
    /// `pp` here prints the expression as it is written in Swift: comparisons infix, constants by their
    /// value (as Theano's own `pp` does for scalar constants, `fill((x ** 2), 1.0)`), `dot(x, w)` as called.
    @Test func prettyPrintingThePrediction() throws {
        let model = try LogisticRegression()
        #expect(pp(model.prediction) == "((1 / (1 + exp((-dot(x, w) - b)))) > 0.5)")
    }

    /// "Debug Print", before compilation: Theano's tree, node for node (Theano adds `,no_inplace` to
    /// each elemwise name and spells the dimshuffles `InplaceDimShuffle`; here each line ends with its
    /// type, Theano's `debugprint(..., print_type=True)`).
    @Test func debugPrintBeforeCompilation() throws {
        let model = try LogisticRegression()
        let printed = normalizingIds(debugprint(model.prediction))
        #expect(printed == """
            Elemwise{gt} [id _] <TensorType(bool, vector)>
             | Elemwise{true_div} [id _] <TensorType(float32, vector)>
             |  | DimShuffle{x} [id _] <TensorType(int8, (True,))>
             |  |  | TensorConstant{1} [id _] <TensorType(int8, scalar)>
             |  | Elemwise{add} [id _] <TensorType(float32, vector)>
             |  |  | DimShuffle{x} [id _] <TensorType(int8, (True,))>
             |  |  |  | TensorConstant{1} [id _] <TensorType(int8, scalar)>
             |  |  | Elemwise{exp} [id _] <TensorType(float32, vector)>
             |  |  |  | Elemwise{sub} [id _] <TensorType(float32, vector)>
             |  |  |  |  | Elemwise{neg} [id _] <TensorType(float32, vector)>
             |  |  |  |  |  | Dot [id _] <TensorType(float32, vector)>
             |  |  |  |  |  |  | x [id _] <TensorType(float32, matrix)>
             |  |  |  |  |  |  | w [id _] <TensorType(float32, vector)>
             |  |  |  |  | DimShuffle{x} [id _] <TensorType(float32, (True,))>
             |  |  |  |  |  | b [id _] <TensorType(float32, scalar)>
             | DimShuffle{x} [id _] <TensorType(float32, (True,))>
             |  | TensorConstant{0.5} [id _] <TensorType(float32, scalar)>
            """, "\(printed)")
    }

    /// "Debug Print", after compilation: the logistic became a sigmoid fused with the bias add, as in
    /// Theano. Theano fuses the comparison into the same loop
    /// (`Elemwise{Composite{GT(scalar_sigmoid((-((-i0) - i1))), i2)}}`); here a comparison's bool result
    /// stays its own node, because the CPU backend's compiled loops produce floats only and a bool
    /// output would send the whole fused loop to the reference `perform`. Theano's product is a
    /// `Gemv{inplace}` node; here it stays `Dot`, which the CPU backend runs as a GEMV kernel.
    @Test func debugPrintAfterCompilation() throws {
        let model = try LogisticRegression()
        let printed = normalizingIds(debugprint(model.predict))
        #expect(printed == """
            Elemwise{gt} [id _] <TensorType(bool, vector)>
             | Elemwise{Composite{sigmoid((i0 + i1))}} [id _] <TensorType(float32, vector)>
             |  | Dot [id _] <TensorType(float32, vector)>
             |  |  | x [id _] <TensorType(float32, matrix)>
             |  |  | w [id _] <TensorType(float32, vector)>
             |  | DimShuffle{x} [id _] <TensorType(float32, (True,))>
             |  |  | b [id _] <TensorType(float32, scalar)>
             | TensorConstant{0.5} [id _] <TensorType(float32, (True,))>
            Topological order:
              0: Dot(x, w)
              1: DimShuffle{x}(b)
              2: Elemwise{Composite{sigmoid((i0 + i1))}}([id _], [id _])
              3: Elemwise{gt}([id _], TensorConstant{0.5})
            """, "\(printed)")
    }

    /// "Picture Printing of Graphs": `pydotprint(prediction, outfile:)` draws the graph from its DOT text.
    @Test func picturePrinting() throws {
        let model = try LogisticRegression()
        let dot = dotGraph([model.prediction])
        #expect(dot.contains("digraph") && dot.contains("w") && dot.contains("b"), "\(dot)")
    }
}

@Suite struct TutorialModesTests {
    /// The exercise: float32 throughout (the casts keep the updates float32, so `function` accepts them),
    /// "Used the cpu" (the products are the CPU backend's BLAS kernels: Theano looks for `Gemv`/`Gemm`
    /// nodes; here a matrix-vector product stays `Dot` and runs as GEMV), and the model numpy's float32
    /// loop reaches after 1,000 steps.
    @Test func exerciseInFloat32() throws {
        let model = try LogisticRegression()
        let products = model.train.graph.toposort.filter { $0.op is Dot || $0.op is Gemm }
        #expect(!products.isEmpty, "\(model.train.graph.toposort.map { "\($0.op)" })")
        #expect(try model.predict(LogisticRegression.inputs).scalars(as: Int64.self) == [0, 1, 0, 1, 0, 1])  // the initial model
        for _ in 0..<1000 { _ = try model.train(LogisticRegression.inputs, LogisticRegression.targets) }
        #expect(model.w.getValue().dtype == .float32 && model.b.getValue().dtype == .float32)
        #expect(close(model.w.getValue().doubles, [0.8774412870407104, -1.098138451576233, 1.4814057350158691, 0.13480432331562042], tolerance: 1e-4))
        #expect(Swift.abs(model.b.getValue().item() - -0.5808725) < 1e-4)
        // "target values for D" and "prediction on D" agree.
        #expect(try model.predict(LogisticRegression.inputs).scalars(as: Int64.self) == [0, 1, 0, 1, 0, 0])
    }

    /// The exercise's note: with floatX=float64, the literal 0.01 is float64 (float32 does not hold it
    /// exactly), so the update of a float32 weight is float64, and `function` refuses it, as Theano does.
    @Test func float64LiteralsMakeTheUpdatesFloat64() throws {
        let x = matrix("x", dtype: .float32)
        let w = shared(NDArray([0.5, -0.5] as [Float], shape: [2]), name: "w")
        let cost = dot(x, w).sum() + 0.01 * (w ** 2).sum()
        let gw = try grad(cost, wrt: w)
        let error = try #require(throws: TheanoError.self) { try function([x], cost, updates: [(w, w - 0.01 * gw)]) }
        #expect(error.message.contains("update must have the same type") && error.message.contains("float64"), "\(error.message)")
    }

    /// "Mode": the four named modes compile the same function to the same answers.
    @Test func theNamedModesAgree() throws {
        let model = try LogisticRegression()
        let p1 = 1 / (1 + exp(-dot(model.x, model.w) - model.b))
        for mode in [Mode.fastCompile, .fastRun, .debug, .nanGuard] {
            let f = try function([model.x], p1, mode: mode)
            #expect(close(try f(LogisticRegression.inputs).doubles, try function([model.x], p1, mode: .reference)(LogisticRegression.inputs).doubles, tolerance: 1e-6), "\(mode.name)")
        }
    }

    /// "Using DebugMode": `f = function([x], 10 * x, mode='DebugMode')`, called on [5], [0], [7].
    @Test func usingDebugMode() throws {
        let x = dvector("x")
        let f = try function([x], 10 * x, mode: .debug)
        #expect(try f([5]).doubles == [50])
        #expect(try f([0]).doubles == [0])
        #expect(try f([7]).doubles == [70])
    }
}

/// A `debugprint` with each id written `[id _]`: ids number every variable made in the process (Theano
/// letters them A, B, … per print).
private func normalizingIds(_ text: String) -> String {
    text.replacing(#/\[id [0-9]+\]/#, with: "[id _]")
}
