import Foundation
import Testing
@testable import Theano

/// Theano's "Loading and Saving" (doc/tutorial/loading_and_saving.txt). Pickling Python objects has no
/// Swift counterpart; the page's portable forms do: the parameters' values in an `.npz` that
/// `numpy.load('model.npz')` reads, and "Long-Term Serialization", which saves only W and b so a
/// renamed class still loads them.
@Suite struct TutorialLoadingAndSavingTests {
    /// A model whose parameters are W and b.
    final class Layer {
        let weights: SharedVariable, bias: SharedVariable
        init(_ w: NDArray, _ b: NDArray) { weights = shared(w, name: "W"); bias = shared(b, name: "b") }
        /// `__getstate__`: only the immutable, necessary part.
        var state: [String: NDArray] { ["W": weights.getValue(), "b": bias.getValue()] }
        /// `__setstate__`, after W was renamed `weights` and b `bias`: older files still load.
        func restore(_ state: [String: NDArray]) throws {
            guard let w = state["W"], let b = state["b"] else { throw TheanoError(.badArgument, "the saved state lacks W or b") }
            try weights.setValue(w)
            try bias.setValue(b)
        }
        func output(_ x: TensorVariable) -> TensorVariable { tanh(dot(x, weights) + bias) }
    }

    @Test func longTermSerializationSavesOnlyTheParameters() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theano-tutorial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.npz").path
        let trained = Layer(NDArray([0.5, -1, 2, 0.25, 0, 1] as [Double], shape: [3, 2]), NDArray([0.1, -0.1] as [Double], shape: [2]))
        try NPZ.save(trained.state, to: path)
        let fresh = Layer(NDArray([Double](repeating: 0, count: 6), shape: [3, 2]), NDArray([0, 0] as [Double], shape: [2]))
        try fresh.restore(try NPZ.load(path))
        let x = dmatrix("x")
        let sample = NDArray([1, 2, 3, -1, 0, 1] as [Double], shape: [2, 3])
        #expect(try function([x], fresh.output(x))(sample) == function([x], trained.output(x))(sample))
        // numpy reads the file as it reads any .npz: two arrays named W and b.
        #expect(Set(try NPZ.load(path).keys) == ["W", "b"])
    }
}
