import Testing
@testable import Theano

@Suite struct DigitsTrainingTests {
    /// A short run of the README's MLP on the real data: the loss falls and accuracy climbs far above chance.
    @Test func mlpLearnsTheDigits() throws {
        let (train, test) = try Digits.load().split(testFraction: 0.2, seed: 5)
        var generator = SplitMix64(seed: 11)
        let x = fmatrix("x"), y = lvector("y")
        let w1 = shared(NDArray((0..<64 * 32).map { _ in generator.nextGaussian() * 0.17 }, shape: [64, 32]).astype(.float32), name: "W1")
        let b1 = shared(NDArray(zeros: [32], dtype: .float32), name: "b1")
        let w2 = shared(NDArray((0..<32 * 10).map { _ in generator.nextGaussian() * 0.25 }, shape: [32, 10]).astype(.float32), name: "W2")
        let b2 = shared(NDArray(zeros: [10], dtype: .float32), name: "b2")
        let probabilities = softmax(dot(relu(dot(x, w1) + b1), w2) + b2)
        let loss = categoricalCrossentropy(probabilities, y).mean()
        let accuracy = eq(probabilities.argmax(axis: 1), y).mean()
        let params = [w1, b1, w2, b2]
        let grads = try grad(loss, wrt: params)
        let step = try function([x, y], loss, updates: zip(params, grads).map { ($0, $0 - cast(0.1 * $1, .float32)) }, allowInputDowncast: true)
        let score = try function([x, y], [loss, accuracy], allowInputDowncast: true)

        let before = try score(test.images, test.labels)
        for epoch in 0..<2 {
            for start in stride(from: 0, to: train.count - 32, by: 32) {
                let batch = train.subset(Array(start..<start + 32).map { ($0 + epoch * 7) % train.count })
                try step(batch.images, batch.labels)
            }
        }
        let after = try score(test.images, test.labels)
        #expect(after[0].item(as: Double.self) < before[0].item(as: Double.self) / 3)
        #expect(after[1].item(as: Double.self) > 0.75, "chance is 0.1")
    }
}
