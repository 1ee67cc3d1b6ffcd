import Testing
@testable import Theano
@testable import TheanoArrays

/// Theano's tutorial pages on functions (doc/tutorial/examples.txt) and aliasing (doc/tutorial/aliasing.txt).
@Suite struct FunctionInterfaceTests {
    // MARK: Arguments by name

    @Test func tutorialDefaultsAndKeywordArguments() throws {
        let x = dscalar("x"), y = dscalar("y"), w = dscalar("w")
        let z = (x + y) * w
        let f = try function([x, In(y, value: 1), In(w, value: 2, name: "w_by_name")], z)
        #expect(try f(33).item() == 68)
        #expect(try f(33, 2).item() == 70)
        #expect(try f(33, 0, 1).item() == 33)
        #expect(try f(33, w_by_name: 1).item() == 34)
        #expect(try f(33, w_by_name: 1, y: 0).item() == 33)
        #expect(try f(x: 33, w_by_name: 1).item() == 34)
        #expect(try f.call([33], named: ["w_by_name": 1, "y": 0]).item() == 33)
        #expect(try f.call(named: ["x": 1, "y": 2, "w_by_name": 3]).item() == 9)
    }

    @Test func badKeywordArgumentsAreNamed() throws {
        let x = dscalar("x"), y = dscalar("y")
        let f = try function([x, In(y, value: 1)], x * y, name: "scale")
        let unknown = try #require(throws: TheanoError.self) { try f(33, z: 1) }
        #expect(unknown.kind == .badArgument)
        #expect(unknown.message == "function 'scale': got an unexpected keyword argument 'z'; the inputs with names are x, y", "\(unknown.message)")
        let twice = try #require(throws: TheanoError.self) { try f(33, x: 1) }
        #expect(twice.message == "function 'scale': got multiple values for argument 'x' (input 0)", "\(twice.message)")
        let missing = try #require(throws: TheanoError.self) { try f(y: 2) }
        #expect(missing.kind == .missingInput && missing.message.contains("missing argument 0 (x"), "\(missing.message)")
        let order = try #require(throws: TheanoError.self) { try f.dynamicallyCall(withKeywordArguments: ["y": 2, "": 1]) }
        #expect(order.message.contains("a positional argument follows the keyword argument 'y'"), "\(order.message)")
        let a = dscalar("a"), b = dscalar("a")
        let same = try function([a, b], a + b)
        let ambiguous = try #require(throws: TheanoError.self) { try same(a: 1, a: 2) }
        #expect(ambiguous.message.contains("2 inputs are named 'a'"), "\(ambiguous.message)")
        let badValue = try #require(throws: TheanoError.self) { try f(33, y: [1.0, 2.0]) }
        #expect(badValue.kind == .ndimMismatch && badValue.message.contains("argument 1 (y)"), "\(badValue.message)")
    }

    // MARK: Copies

    @Test func tutorialCopyingFunctions() throws {
        let state = shared(0, name: "state")
        let inc = iscalar("inc")
        let accumulator = try function([inc], state, updates: [(state, state + inc)])
        #expect(try accumulator(10).item(as: Int64.self) == 0)
        #expect(state.getValue().item(as: Int64.self) == 10)
        let newState = shared(0, name: "new_state")
        let newAccumulator = try accumulator.copy(swap: [state: newState])
        #expect(try newAccumulator(100).item(as: Int64.self) == 0)
        #expect(newState.getValue().item(as: Int64.self) == 100)
        #expect(state.getValue().item(as: Int64.self) == 10)
        let nullAccumulator = try accumulator.copy(deleteUpdates: true)
        #expect(try nullAccumulator(9000).item(as: Int64.self) == 10)
        #expect(state.getValue().item(as: Int64.self) == 10)
        // The copies run the very program the original linked.
        #expect(newAccumulator.program === accumulator.program && nullAccumulator.program === accumulator.program)
        #expect(try accumulator(1).item(as: Int64.self) == 10 && state.getValue().item(as: Int64.self) == 11)
    }

    @Test func badSwapsAreRefused() throws {
        let state = shared(0, name: "state"), other = shared(0.5, name: "other"), unused = shared(0, name: "unused")
        let f = try function([], state * 2, name: "double")
        let wrongType = try #require(throws: TheanoError.self) { try f.copy(swap: [state: other]) }
        #expect(wrongType.kind == .typeMismatch)
        #expect(wrongType.message == "function 'double'.copy: swap replaces shared variable state of type TensorType(int64, scalar) by other of type TensorType(float64, scalar); the types must be equal", "\(wrongType.message)")
        let stranger = try #require(throws: TheanoError.self) { try f.copy(swap: [unused: shared(1)]) }
        #expect(stranger.message.contains("replaces shared variable unused, which the function does not use"), "\(stranger.message)")
    }

    // MARK: Aliasing

    /// Theano's aliasing tutorial: there `s_true` shows the caller's later `+= 1`; here arrays are values,
    /// so no variable ever sees it. `borrow: true` only lets the storage be shared until someone writes.
    @Test func tutorialBorrowingWhenCreatingSharedVariables() throws {
        var array = NDArray([Float(1), 1], shape: [2])
        let sDefault = shared(array), sFalse = shared(array, borrow: false), sTrue = shared(array, borrow: true)
        #expect(sTrue.getValue(borrow: true).storage === array.storage)
        #expect(sFalse.getValue(borrow: true).storage !== array.storage && sDefault.getValue(borrow: true).storage !== array.storage)
        for i in 0..<2 { array.set([i], to: Float(2)) }  // Theano's np_array += 1
        #expect(array.scalars(as: Float.self) == [2, 2])
        for s in [sDefault, sFalse, sTrue] { #expect(s.getValue().scalars(as: Float.self) == [1, 1]) }
    }

    @Test func getValueAndSetValueBorrow() throws {
        let s = shared([1.0, 2.0], name: "s")
        #expect(s.getValue(borrow: true).storage === s.getValue(borrow: true).storage)
        #expect(s.getValue(borrow: false).storage !== s.getValue(borrow: true).storage)
        #expect(s.getValue(borrow: true, returnInternalType: true).doubles == [1, 2])
        var kept = s.getValue(borrow: true)
        kept.set([0], to: 99.0)
        #expect(s.getValue().doubles == [1, 2])
        let fresh = NDArray([3.0, 4.0], shape: [2])
        try s.setValue(fresh, borrow: true)
        #expect(s.getValue(borrow: true).storage === fresh.storage)
        try s.setValue(fresh)
        #expect(s.getValue(borrow: true).storage !== fresh.storage && s.getValue().doubles == [3, 4])
        let bad = try #require(throws: TheanoError.self) { try s.setValue([[1.0]], borrow: true) }
        #expect(bad.kind == .ndimMismatch && bad.message.hasPrefix("setValue of shared variable s"))
    }

    @Test func outputsShareStorageOnlyWhenBorrowed() throws {
        let x = dvector("x"), w = shared([5.0, 6.0], name: "w")
        let argument = NDArray([1.0, 2.0], shape: [2])
        let copied = try function([x], x)
        #expect(try copied.call([argument]).storage !== argument.storage)
        let borrowedOut = try function([In(x, borrow: true)], Out(x, borrow: true))
        #expect(try borrowedOut.call([argument]).storage === argument.storage)
        let outOnly = try function([x], Out(x, borrow: true))
        #expect(try outOnly.call([argument]).storage !== argument.storage)
        let sharedOut = try function([], [Out(w, borrow: false), Out(w, borrow: true)])
        let both = try sharedOut()
        #expect(both[0].storage !== w.getValue(borrow: true).storage && both[1].storage === w.getValue(borrow: true).storage)
        #expect(both.map(\.doubles) == [[5, 6], [5, 6]])
        // Computed outputs are never copied, and a kept result never changes under a later call.
        let double = try function([x], x * 2)
        let first = try double([1.0, 2.0])
        _ = try double([10.0, 20.0])
        #expect(first.doubles == [2, 4])
    }
}
