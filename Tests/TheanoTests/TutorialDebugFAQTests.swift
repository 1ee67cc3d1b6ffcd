import Foundation
import Testing
@testable import Theano

/// The programs of Theano's "Debugging Theano: FAQ and Troubleshooting" (doc/tutorial/debug_faq.txt),
/// "Dealing with NaNs" (doc/tutorial/nan_tutorial.txt) and the tutorial FAQ (faq_tutorial.txt). Test
/// values, `MonitorMode` and creation stack traces are left out (ModesAndDebugging, "Theano's debugging
/// aids left out"): here errors name the node as written, its expression and its inputs' shapes.
@Suite struct TutorialDebugFAQTests {
    /// "Isolating the Problem/Testing Theano Compiler": `z = x + x; z = z + y` called on vectors of
    /// 2 and 3 elements raises "Input dimension mis-match", naming the add and the shapes.
    @Test func aMismatchNamesTheNodeAndTheShapes() throws {
        let x = vector()
        let y = vector()
        var z = x + x
        z = z + y
        let f = try function([x, y], z)
        let error = try #require(throws: TheanoError.self) { try f([1.0, 1.0], [1.0, 1.0, 1.0]) }
        #expect(error.message.contains("add"), "\(error.message)")
        #expect(error.message.contains("2") && error.message.contains("3"), "\(error.message)")
    }

    /// "Using Test Values", without them: the product of a 5×10 `x` with the 20×10 `func_of_W1` fails at
    /// the call, naming the product and the two shapes.
    @Test func aProductOfMisalignedMatricesNamesBothShapes() throws {
        let W1val = NDArray((0..<200).map { Double($0) / 200 }, shape: [2, 10, 10])
        let W1 = shared(W1val, name: "W1")
        let W2val = NDArray((0..<300).map { Double($0) / 300 }, shape: [15, 20])
        let W2 = shared(W2val, name: "W2")
        let x = dmatrix("x")  // input which will be of shape (5, 10)
        // transform the shared variable in some way. Theano does not know off hand that the matrix
        // func_of_W1 has shape (20, 10)
        let funcOfW1 = W1.dimshuffle(2, 0, 1).flatten(outdim: 2).T
        let h1 = dot(x, funcOfW1)  // source of error: dot product of 5x10 with 20x10
        let h2 = dot(h1, W2.T)  // do more stuff
        let f = try function([x], h2)
        let error = try #require(throws: TheanoError.self) { try f(NDArray([Double](repeating: 0.5, count: 50), shape: [5, 10])) }
        #expect(error.message.contains("[5, 10]") && error.message.contains("[20, 10]"), "\(error.message)")
    }

    /// "How do I Print an Intermediate Value in a Function?": `Print` leaves the result unchanged.
    @Test func printingAnIntermediateValue() throws {
        let printed = PrintedLines()
        let destination = printed.destination
        let x = dvector("x")
        let xPrinted = Print("this is a very important value", to: destination)(x)
        let f = try function([x], x * 5)
        let fWithPrint = try function([x], xPrinted * 5)
        #expect(try f([1, 2, 3]).doubles == [5, 10, 15])  // this runs the graph without any printing
        #expect(printed.all.isEmpty)
        #expect(try fWithPrint([1, 2, 3]).doubles == [5, 10, 15])  // with the message, and value printed
        #expect(printed.all == ["this is a very important value __str__ = [1. 2. 3.]"])
    }

    /// "How to Use pdb" / the mismatched `a * b`: a 3×4 times a 5×5 raises, naming the mul.
    @Test func theMismatchedProductOfTheFAQ() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let f = try function([a, b], [a * b])
        let mat1 = NDArray((0..<12).map(Double.init), shape: [3, 4])  // matrices chosen so dimensions are unsuitable for multiplication
        let mat2 = NDArray((0..<25).map(Double.init), shape: [5, 5])
        let error = try #require(throws: TheanoError.self) { try f(mat1, mat2) }
        #expect(error.message.contains("mul") && error.message.contains("[3, 4]") && error.message.contains("[5, 5]"), "\(error.message)")
    }

    /// `detect_nan` (MonitorMode's example) and nan_tutorial's "Run in NanGuardMode": `log(x) * x` at 0
    /// is NaN, and NanGuardMode names the node that made it.
    @Test func nanGuardModeFindsTheNaN() throws {
        let x = dscalar("x")
        let expression = log(x) * x
        #expect(try function([x], expression)(0.0).item().isNaN)  // log(0) * 0 = -inf * 0 = NaN
        let f = try function([x], [expression], mode: .nanGuard)
        let error = try #require(throws: TheanoError.self) { try f(0.0) }
        #expect(error.message.hasPrefix("Elemwise{mul} failed: NanGuardMode: output 0 holds nan at flat index 0"), "\(error.message)")
        #expect(error.message.contains("expression: (log(x) * x)"), "\(error.message)")
        #expect(try f(2.0)[0].item() == 2 * Foundation.log(2.0))
    }

    /// faq_tutorial.txt, "How to update a subset of weights?": the cost depends on the rows used, and
    /// the update increments only them.
    @Test func updatingASubsetOfWeights() throws {
        let lookupTable = shared(NDArray([1, 2, 3, 4, 5, 6] as [Double], shape: [3, 2]), name: "lookup_table")
        let vectorOfIndices = lvector("vector_of_indices")
        let subset = lookupTable[vectorOfIndices]
        let cost = (subset ** 2).sum()  // something that depends on subset
        let g = try grad(cost, wrt: subset)
        let lr = -0.1
        let updates = incSubtensor(subset, g * lr)
        let f = try function([vectorOfIndices], cost, updates: [(lookupTable, updates)])
        #expect(try f([0, 2] as [Int64]).item() == 1 + 4 + 25 + 36)
        // Rows 0 and 2 stepped by -0.1 · 2w; row 1 untouched.
        #expect(close(lookupTable.getValue().doubles, [0.8, 1.6, 3, 4, 4, 4.8]))
        // The set_subtensor spelling gives the same.
        try lookupTable.setValue(NDArray([1, 2, 3, 4, 5, 6] as [Double], shape: [3, 2]))
        let h = try function([vectorOfIndices], cost, updates: [(lookupTable, setSubtensor(subset, subset + g * lr))])
        _ = try h([0, 2] as [Int64])
        #expect(close(lookupTable.getValue().doubles, [0.8, 1.6, 3, 4, 4, 4.8]))
    }
}

/// The lines a `Print` node writes, in order.
private final class PrintedLines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    lazy var destination = PrintDestination { [unowned self] line in self.lock.withLock { self.lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
