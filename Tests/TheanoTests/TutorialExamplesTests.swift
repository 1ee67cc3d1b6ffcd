import Foundation
import Testing
@testable import Theano

/// Theano's tutorial "More Examples" (doc/tutorial/examples.txt), in order. "Using Random Numbers" is
/// `RandomTutorialTests`; the keyword-argument calls of "Setting a Default Value for an Argument" and
/// "Copying functions" are in `FunctionInterfaceTests`.
@Suite struct TutorialExamplesTests {
    static let logisticOfTheExample = [0.5, 0.7310585786300049, 0.2689414213699951, 0.11920292202211755]

    /// "Logistic Function": `logistic([[0, 1], [-1, -2]])` prints
    /// `[[0.5, 0.73105858], [0.26894142, 0.11920292]]`.
    @Test func logisticFunction() throws {
        let x = dmatrix("x")
        let s = 1 / (1 + exp(-x))
        let logistic = try function([x], s)
        let value = try logistic([[0, 1], [-1, -2]])
        #expect(value.description == "[[0.5        0.73105858]\n [0.26894142 0.11920292]]")
        #expect(close(value.doubles, Self.logisticOfTheExample))
    }

    /// The alternate form `(1 + tanh(x / 2)) / 2` "produces the same values".
    @Test func logisticFunctionThroughTanh() throws {
        let x = dmatrix("x")
        let s2 = (1 + tanh(x / 2)) / 2
        let logistic2 = try function([x], s2)
        let value = try logistic2([[0, 1], [-1, -2]])
        #expect(value.description == "[[0.5        0.73105858]\n [0.26894142 0.11920292]]")
        #expect(close(value.doubles, Self.logisticOfTheExample))
    }

    /// "Computing More than one Thing at the Same Time".
    @Test func multipleOutputs() throws {
        let (a, b) = (dmatrix("a"), dmatrix("b"))
        let diff = a - b
        let absDiff = abs(diff)
        let diffSquared = diff ** 2
        let f = try function([a, b], [diff, absDiff, diffSquared])
        let outputs = try f([[1, 1], [1, 1]], [[0, 1], [2, 3]])
        #expect(outputs.map(\.doubles) == [[1, 0, -1, -2], [1, 0, 1, 2], [1, 0, 1, 4]])
        // `dmatrices` "produces as many outputs as names that you provide".
        let pair = dmatrices("a", "b")
        #expect(pair.map(\.name) == ["a", "b"] && pair.allSatisfy { $0.type == dmatrix().type })
    }

    /// "Setting a Default Value for an Argument": `f(33)` is 34, `f(33, 2)` is 35.
    @Test func defaultValueForAnArgument() throws {
        let xy = dscalars("x", "y")
        let (x, y) = (xy[0], xy[1])
        let z = x + y
        let f = try function([x, In(y, value: 1)], z)
        #expect(try f(33).item() == 34.0)
        #expect(try f(33, 2).item() == 35.0)
    }

    /// "Using Shared Variables": the accumulator, a decrementor sharing its state, and `givens`.
    @Test func usingSharedVariables() throws {
        let state = shared(0)
        let inc = iscalar("inc")
        let accumulator = try function([inc], state, updates: [(state, state + inc)])
        #expect(state.getValue().description == "0")
        #expect(try accumulator(1).item(as: Int64.self) == 0)
        #expect(state.getValue().description == "1")
        #expect(try accumulator(300).item(as: Int64.self) == 1)
        #expect(state.getValue().description == "301")
        // "It is possible to reset the state."
        try state.setValue(-1)
        #expect(try accumulator(3).item(as: Int64.self) == -1)
        #expect(state.getValue().description == "2")
        // "You can define more than one function to use the same shared variable."
        let decrementor = try function([inc], state, updates: [(state, state - inc)])
        #expect(try decrementor(2).item(as: Int64.self) == 2)
        #expect(state.getValue().description == "0")
        // `givens` replaces the shared variable for one function.
        let fnOfState = state * 2 + inc
        let foo = scalar(dtype: state.dtype)  // The type of foo must match the shared variable we are replacing
        let skipShared = try function([inc, foo], fnOfState, givens: [(state, foo)])
        #expect(try skipShared(1, 3).item(as: Int64.self) == 7)  // we're using 3 for the state, not state.value
        #expect(state.getValue().description == "0")  // old state still there, but we didn't use it
        // The note: a shared variable's pattern is all False unless given.
        #expect(shared([[1.0, 2.0]]).broadcastable == [false, false])
    }

    /// "A Real Example: Logistic Regression", on 8 examples of 3 features (the tutorial draws 400 of 784
    /// from numpy's generator) for 1,000 steps; the final model is numpy's running the same updates.
    @Test func logisticRegression() throws {
        let (N, feats) = (8, 3)
        // generate a dataset: D = (input_values, target_class)
        let inputs = NDArray((0..<N * feats).map { 2 * Foundation.sin(1.0 + Double($0)) }, shape: [N, feats])
        let targets = NDArray([1, 0, 1, 0, 1, 0, 1, 0] as [Double], shape: [N])
        let trainingSteps = 1000
        // Declare Theano symbolic variables
        let x = dmatrix("x")
        let y = dvector("y")
        // initialize the weight vector w (numpy: rng.randn(feats)) and the bias term
        let w = shared([0.5, -0.25, 0.125], name: "w")
        let b = shared(0.0, name: "b")
        #expect(b.getValue().description == "0.0")  // print(b.get_value()) in "Initial model:"
        // Construct Theano expression graph
        let p1 = 1 / (1 + exp(-dot(x, w) - b))  // Probability that target = 1
        let prediction = p1 > 0.5  // The prediction thresholded
        let xent = -y * log(p1) - (1 - y) * log(1 - p1)  // Cross-entropy loss function
        let cost = xent.mean() + 0.01 * (w ** 2).sum()  // The cost to minimize
        let gwb = try grad(cost, wrt: [w, b])  // Compute the gradient of the cost w.r.t weight vector w and bias term b
        // Compile
        let train = try function([x, y], [prediction, xent], updates: [(w, w - 0.1 * gwb[0]), (b, b - 0.1 * gwb[1])])
        let predict = try function([x], prediction)
        // Train
        let first = try train(inputs, targets)
        #expect(first[0].scalars(as: Int64.self) == [1, 0, 1, 0, 1, 1, 0, 1])
        #expect(close(first[1].doubles, [0.504203935900707, 0.5345429650343952, 0.5692534084876354, 0.6080253592821548,
                                         0.6503848336810327, 0.6956746754148946, 0.7430490768374134, 0.7914844839637913]))
        for _ in 1..<trainingSteps { _ = try train(inputs, targets) }
        // "Final model:"
        #expect(close(w.getValue().doubles, [0.7215856235307498, 1.3581286372584271, 0.8669176082104533], tolerance: 1e-9))
        #expect(Swift.abs(b.getValue().item() - -0.013874412445226593) < 1e-9)
        // "target values for D:" and "prediction on D:" agree.
        #expect(try predict(inputs).scalars(as: Int64.self) == targets.doubles.map { Int64($0) })
    }
}
