import Theano

/// The seed programs of Theano's tutorial, one Swift line per Python line.
/// Each returns the graph it built, so `--graph` can print it.
enum TutorialPrograms {
    struct Tutorial: Sendable {
        let name: String
        let title: String
        let run: @Sendable () throws -> [TensorVariable]
    }

    static let all: [Tutorial] = [
        Tutorial(name: "add", title: "Adding two scalars", run: scalarAddition),
        Tutorial(name: "dot", title: "Matrix product", run: matrixProduct),
        Tutorial(name: "logistic", title: "The logistic function", run: logistic),
        Tutorial(name: "outputs", title: "Several outputs at once", run: multipleOutputs),
        Tutorial(name: "defaults", title: "Default values for arguments", run: defaultValues),
        Tutorial(name: "shared", title: "Shared variables", run: sharedVariables),
        Tutorial(name: "accumulator", title: "Using shared variables: an accumulator", run: accumulator),
        Tutorial(name: "grad", title: "Computing gradients", run: gradients),
        Tutorial(name: "training", title: "Training a linear model with updates", run: training),
        Tutorial(name: "training2", title: "The two-weight variant", run: trainingTwoWeights),
        Tutorial(name: "xor", title: "A network that learns XOR", run: xorNetwork),
    ]

    static func runAll(only: String?, graph: String?) throws {
        let selected = only.map { name in all.filter { $0.name == name } } ?? all
        guard !selected.isEmpty else {
            throw TheanoError(.badArgument, "examples: no tutorial named '\(only ?? "")'; choose from \(all.map(\.name).joined(separator: ", "))")
        }
        for tutorial in selected {
            print("== \(tutorial.title) (\(tutorial.name)) ==")
            let outputs = try tutorial.run()
            if let graph { try GraphDisplay.show(outputs, style: graph, name: tutorial.name) }
            print()
        }
    }

    static func scalarAddition() throws -> [TensorVariable] {
        let x = dscalar("x")
        let y = dscalar("y")
        let z = x + y
        let f = try function([x, y], z)
        print("f(1.5, 2.5) =", try f(1.5, 2.5))
        print("f(3.5, 5.5) =", try f(3.5, 5.5))
        return [z]
    }

    static func matrixProduct() throws -> [TensorVariable] {
        let a = dmatrix("a")
        let b = dmatrix("b")
        let c = dot(a, b)
        let f = try function([a, b], c)
        print(try f([[0, -1, 2], [4, 11, 2]], [[3, -1], [1, 2], [6, 1]]))
        return [c]
    }

    static func logistic() throws -> [TensorVariable] {
        let x = dmatrix("x")
        let s = 1 / (1 + exp(-x))
        let logistic = try function([x], s)
        print(try logistic([[0, 1], [-1, -2]]))
        let gs = try grad(s.sum(), wrt: x)
        let dlogistic = try function([x], gs)
        print(try dlogistic([[0, 1], [-1, -2]]))
        return [s]
    }

    static func multipleOutputs() throws -> [TensorVariable] {
        let (a, b) = (dmatrix("a"), dmatrix("b"))
        let diff = a - b
        let absDiff = abs(diff)
        let diffSquared = diff ** 2
        let f = try function([a, b], [diff, absDiff, diffSquared])
        for out in try f([[1, 1], [1, 1]], [[0, 1], [2, 3]]) { print(out) }
        return [diff, absDiff, diffSquared]
    }

    static func defaultValues() throws -> [TensorVariable] {
        let (x, y, w) = (dscalar("x"), dscalar("y"), dscalar("w"))
        let z = (x + y) * w
        let f = try function([x, In(y, value: 1), In(w, value: 2, name: "w_by_name")], z)
        print("f(33) =", try f(33))
        print("f(33, 2) =", try f(33, 2))
        print("f(33, 0, 1) =", try f(33, 0, 1))
        return [z]
    }

    static func sharedVariables() throws -> [TensorVariable] {
        let W = shared([0.1, 0.25, 0.15, 0.3], name: "W")
        print("W.getValue() =", W.getValue())
        try W.setValue([0.2, 0.7, 0.1, 0.0])
        print("after setValue:", W.getValue())
        return [W]
    }

    static func accumulator() throws -> [TensorVariable] {
        let state = shared(0)
        let inc = iscalar("inc")
        let accumulator = try function([inc], state, updates: [(state, state + inc)])
        print("accumulator(1) =", try accumulator(1), " state =", state.getValue())
        print("accumulator(300) =", try accumulator(300), " state =", state.getValue())
        try state.setValue(-1)
        print("accumulator(3) =", try accumulator(3), " state =", state.getValue())
        return [state + inc]
    }

    static func gradients() throws -> [TensorVariable] {
        let x = dscalar("x")
        let y = x ** 2
        let gy = try grad(y, wrt: x)
        print("pp(gy) =", pp(gy))
        let f = try function([x], gy)
        print("d(x**2)/dx at 4 =", try f(4), " at 94.2 =", try f(94.2))
        let z = exp(sin(x ** 2))
        let gz = try grad(z, wrt: x)
        print("d(exp(sin(x**2)))/dx at 15 =", try function([x], gz)(15))
        return [gy, gz]
    }

    static func training() throws -> [TensorVariable] {
        try trainLinearModel(initial: [0.1, 0.25, 0.15, 0.3], input: [1, 1, 1, 1], target: 100.0)
    }

    static func trainingTwoWeights() throws -> [TensorVariable] {
        try trainLinearModel(initial: [0.2, 0.7], input: [1, 1], target: 20.0)
    }

    /// The tutorial's linear model: y = sum(x * W), cost = (target - y)², W ← W - 0.1 · ∂cost/∂W.
    static func trainLinearModel(initial: [Double], input: [Double], target: Double) throws -> [TensorVariable] {
        let x = fvector("x")
        let targetValue = fscalar("target")
        let W = shared(initial, name: "W")
        let y = (x * W).sum()
        let cost = sqr(targetValue - y)
        let gradients = try grad(cost, wrt: W)
        let f = try function([x, targetValue], y, updates: [(W, W - 0.1 * gradients)])
        for _ in 0..<10 {
            let output = try f(input, target)
            print("Output:", output, " W:", W.getValue())
        }
        return [cost]
    }

    static func xorNetwork() throws -> [TensorVariable] {
        let x = dvector("x")
        let y = dscalar("y")
        func layer(_ x: TensorVariable, _ w: TensorVariable) -> TensorVariable {
            let b = NDArray([1.0])
            let newX = concatenate([x, b.asTensor()])
            let m = dot(w.T, newX)
            return sigmoid(m)
        }
        func gradientDescent(_ cost: TensorVariable, _ theta: SharedVariable) throws -> TensorVariable {
            theta - 0.1 * (try grad(cost, wrt: theta))
        }
        var generator = SplitMix64(seed: 7)
        let theta1 = shared(NDArray((0..<9).map { _ in generator.nextUnit() }, shape: [3, 3]), name: "theta1")
        let theta2 = shared(NDArray((0..<4).map { _ in generator.nextUnit() }, shape: [4, 1]), name: "theta2")
        let hid1 = layer(x, theta1)
        let out1 = layer(hid1, theta2).sum()
        let fc = (out1 - y) ** 2
        let cost = try function([x, y], fc, updates: [(theta1, try gradientDescent(fc, theta1)), (theta2, try gradientDescent(fc, theta2))])
        let runForward = try function([x], out1)
        let inputs: [[Double]] = [[0, 1], [1, 0], [1, 1], [0, 0]]
        let expected: [Double] = [1, 1, 0, 0]
        var current = NDArray(0.0)
        for i in 0..<10_000 {
            for k in inputs.indices { current = try cost(inputs[k], expected[k]) }
            if i % 2_000 == 0 { print("Cost:", current) }
        }
        for input in inputs {
            let out = try runForward(input).item(as: Double.self)
            print("\(input.map { Int($0) }) -> \(out) (rounded \(Int(out.rounded())))")
        }
        return [fc]
    }
}

/// Prints or renders a tutorial's graph for `theano examples --graph`.
enum GraphDisplay {
    static func show(_ outputs: [TensorVariable], style: String, name: String) throws {
        switch style {
        case "pp": for out in outputs { print("pp:", pp(out)) }
        case "debugprint": print(debugprint(outputs))
        case "dot", "png", "svg":
            let format = GraphFormat(rawValue: style) ?? .dot
            do {
                print("graph written to", try pydotprint(outputs, outfile: "\(name)-graph", format: format))
            } catch let error as TheanoError where error.kind == .missingDependency {
                print(error.message)
            }
        default: throw TheanoError(.badArgument, "examples --graph: unknown style '\(style)'; use pp, debugprint, dot, png or svg")
        }
    }
}
