import Foundation
import Theano

/// The seed programs of Theano's tutorial, one Swift line per Python line.
///
/// Each returns the function it compiled (nil when it compiles none), so `theano examples NAME --graph`
/// can show that function's graph. The "Getting started" article shows each body, without its last
/// line, followed by what it prints; a test keeps both current.
public enum TutorialPrograms {
    /// Every tutorial program, in the tutorial's order.
    public static let all: [Example] = [
        Example("add", "Adding two scalars", scalarAddition),
        Example("dot", "Matrix product", matrixProduct),
        Example("logistic", "The logistic function and its gradient", logistic),
        Example("outputs", "Several outputs at once", multipleOutputs),
        Example("defaults", "Default values for arguments", defaultValues),
        Example("shared", "Shared variables", sharedVariables),
        Example("accumulator", "Using shared variables: an accumulator", accumulator),
        Example("grad", "Computing gradients", gradients),
        Example("training", "Training a linear model with updates", training),
        Example("training2", "The two-weight variant", trainingTwoWeights),
        Example("xor", "A network that learns XOR", xorNetwork),
    ]

    static func scalarAddition() throws -> (any GraphShowing)? {
        let x = dscalar("x")
        let y = dscalar("y")
        let z = x + y
        let f = try function([x, y], z)
        print("f(1.5, 2.5) =", try f(1.5, 2.5))
        print("f(3.5, 5.5) =", try f(3.5, 5.5))
        return f
    }

    static func matrixProduct() throws -> (any GraphShowing)? {
        let a = dmatrix("a")
        let b = dmatrix("b")
        let c = dot(a, b)
        let f = try function([a, b], c)
        print(try f([[0, -1, 2], [4, 11, 2]], [[3, -1], [1, 2], [6, 1]]))
        return f
    }

    static func logistic() throws -> (any GraphShowing)? {
        let x = dmatrix("x")
        let s = 1 / (1 + exp(-x))
        let logistic = try function([x], s)
        print(try logistic([[0, 1], [-1, -2]]))
        let gs = try grad(s.sum(), wrt: x)
        let dlogistic = try function([x], gs)
        print(try dlogistic([[0, 1], [-1, -2]]))
        return logistic
    }

    static func multipleOutputs() throws -> (any GraphShowing)? {
        let (a, b) = (dmatrix("a"), dmatrix("b"))
        let diff = a - b
        let absDiff = abs(diff)
        let diffSquared = diff ** 2
        let f = try function([a, b], [diff, absDiff, diffSquared])
        for out in try f([[1, 1], [1, 1]], [[0, 1], [2, 3]]) { print(out) }
        return f
    }

    static func defaultValues() throws -> (any GraphShowing)? {
        let (x, y, w) = (dscalar("x"), dscalar("y"), dscalar("w"))
        let z = (x + y) * w
        let f = try function([x, In(y, value: 1), In(w, value: 2, name: "w_by_name")], z)
        print("f(33) =", try f(33))
        print("f(33, 2) =", try f(33, 2))
        print("f(33, 0, 1) =", try f(33, 0, 1))
        return f
    }

    static func sharedVariables() throws -> (any GraphShowing)? {
        let W = shared([0.1, 0.25, 0.15, 0.3], name: "W")
        print("W.getValue() =", W.getValue())
        try W.setValue([0.2, 0.7, 0.1, 0.0])
        print("after setValue:", W.getValue())
        return nil
    }

    static func accumulator() throws -> (any GraphShowing)? {
        let state = shared(0)
        let inc = iscalar("inc")
        let accumulator = try function([inc], state, updates: [(state, state + inc)])
        print("accumulator(1) =", try accumulator(1), " state =", state.getValue())
        print("accumulator(300) =", try accumulator(300), " state =", state.getValue())
        try state.setValue(-1)
        print("accumulator(3) =", try accumulator(3), " state =", state.getValue())
        return accumulator
    }

    static func gradients() throws -> (any GraphShowing)? {
        let x = dscalar("x")
        let y = x ** 2
        let gy = try grad(y, wrt: x)
        print("pp(gy) =", pp(gy))
        let f = try function([x], gy)
        print("d(x**2)/dx at 4 =", try f(4), " at 94.2 =", try f(94.2))
        let z = exp(sin(x ** 2))
        let gz = try grad(z, wrt: x)
        let fz = try function([x], gz)
        print("d(exp(sin(x**2)))/dx at 15 =", try fz(15))
        return fz
    }

    static func training() throws -> (any GraphShowing)? {
        try trainLinearModel(initial: [0.1, 0.25, 0.15, 0.3], input: [1, 1, 1, 1], target: 100.0)
    }

    static func trainingTwoWeights() throws -> (any GraphShowing)? {
        try trainLinearModel(initial: [0.2, 0.7], input: [1, 1], target: 20.0)
    }

    /// The tutorial's linear model: y = sum(x * W), cost = (target - y)², W ← W - 0.1 · ∂cost/∂W.
    static func trainLinearModel(initial: [Double], input: [Double], target: Double) throws -> (any GraphShowing)? {
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
        return f
    }

    static func xorNetwork() throws -> (any GraphShowing)? {
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
            if i % 2_000 == 0 { print("Cost:", String(format: "%.6f", current.item(as: Double.self))) }
        }
        for input in inputs {
            let out = try runForward(input).item(as: Double.self)
            print("\(input.map { Int($0) }) -> \(String(format: "%.4f", out)) (rounded \(Int(out.rounded())))")
        }
        return cost
    }
}
