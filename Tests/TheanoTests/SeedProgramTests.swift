import Testing
@testable import Theano

/// The tutorial programs with the exact numbers the tutorials print.
@Suite struct SeedProgramTests {
    @Test func matrixProduct() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let f = try function([a, b], dot(a, b))
        #expect(try f([[0, -1, 2], [4, 11, 2]], [[3, -1], [1, 2], [6, 1]]).description == "[[11.  0.]\n [35. 20.]]")
    }

    @Test func trainingExamplePrintsTheTutorialsNumbers() throws {
        let x = fvector("x"), target = fscalar("target")
        let W = shared([0.1, 0.25, 0.15, 0.3], name: "W")
        let y = (x * W).sum()
        let cost = sqr(target - y)
        let f = try function([x, target], y, updates: [(W, W - 0.1 * (try grad(cost, wrt: W)))])
        var outputs: [String] = [], weights: [String] = []
        for _ in 0..<10 {
            outputs.append(try f([1, 1, 1, 1], 100.0).description)
            weights.append(W.getValue().description)
        }
        #expect(Array(outputs.prefix(4)) == ["0.8", "80.16000000000001", "96.03200000000001", "99.2064"])
        #expect(weights[0] == "[19.94 20.09 19.99 20.14]")
        #expect(weights[1] == "[23.908 24.058 23.958 24.108]")
        #expect(weights[9] == "[24.89999746 25.04999746 24.94999746 25.09999746]")
    }

    @Test func twoWeightVariantConverges() throws {
        let x = fvector("x"), target = fscalar("target")
        let W = shared([0.2, 0.7], name: "W")
        let y = (x * W).sum()
        let f = try function([x, target], y, updates: [(W, W - 0.1 * (try grad(sqr(target - y), wrt: W)))])
        var outputs: [Double] = []
        for _ in 0..<10 { outputs.append(try f([1, 1], 20.0).item()) }
        // Each step closes 60% of the remaining gap: 0.9, 8.54, 13.124, …
        #expect(close(Array(outputs.prefix(3)), [0.9, 8.54, 13.124]))
        #expect(Swift.abs(outputs[9] - 20) < 0.2)
        #expect(W.getValue().description == "[ 9.6922548 10.1922548]")
    }

    @Test func xorNetworkLearnsXor() throws {
        let x = dvector("x"), y = dscalar("y")
        func layer(_ x: TensorVariable, _ w: TensorVariable) -> TensorVariable {
            sigmoid(dot(w.T, concatenate([x, NDArray([1.0]).asTensor()])))
        }
        var generator = SplitMix64(seed: 7)
        let theta1 = shared(NDArray((0..<9).map { _ in generator.nextUnit() }, shape: [3, 3]), name: "theta1")
        let theta2 = shared(NDArray((0..<4).map { _ in generator.nextUnit() }, shape: [4, 1]), name: "theta2")
        let out1 = layer(layer(x, theta1), theta2).sum()
        let fc = (out1 - y) ** 2
        let step = try function([x, y], fc, updates: [
            (theta1, theta1 - 0.1 * (try grad(fc, wrt: theta1))),
            (theta2, theta2 - 0.1 * (try grad(fc, wrt: theta2))),
        ])
        let forward = try function([x], out1)
        let inputs: [[Double]] = [[0, 1], [1, 0], [1, 1], [0, 0]]
        let expected: [Double] = [1, 1, 0, 0]
        for _ in 0..<10_000 { for k in inputs.indices { try step(inputs[k], expected[k]) } }
        let rounded = try inputs.map { try forward($0).item(as: Double.self).rounded() }
        #expect(rounded == expected)
    }
}
