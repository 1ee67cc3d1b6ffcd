import Testing
@testable import Theano

/// Theano's tutorial "Baby Steps - Algebra" (doc/tutorial/adding.txt), in order.
@Suite struct TutorialAddingTests {
    /// "Adding two Scalars": `f = function([x, y], z)`, `f(2, 3)` is `array(5.0)`.
    @Test func addingTwoScalars() throws {
        let x = dscalar("x")
        let y = dscalar("y")
        let z = x + y
        let f = try function([x, y], z)
        let five = try f(2, 3)
        #expect(five.item() == 5.0)
        // "The output of the function f is a numpy.ndarray with zero dimensions."
        #expect(five.ndim == 0 && five.dtype == .float64)
        #expect(Swift.abs(try f(16.3, 12.1).item() - 28.4) < 1e-12)  // numpy.allclose(f(16.3, 12.1), 28.4)
    }

    /// "Step 1": symbols are typed; `x.type` is `TensorType(float64, scalar)`, as `T.dscalar` is.
    @Test func everySymbolIsTyped() {
        let x = dscalar("x")
        #expect(x.type.description == "TensorType(float64, scalar)")
        #expect(x.type == TensorType(.float64, []))
        #expect(x.type == dscalar().type)
        #expect(x.name == "x" && dscalar().name == nil)  // "If you provide no argument, the symbol will be unnamed."
        // The note: `x = T.ivector(); y = -x`: both are variables of type ivector.
        let v = ivector()
        #expect((-v).type == v.type && v.type.description == "TensorType(int32, vector)")
    }

    /// "Step 2": `print(pp(z))` prints `(x + y)`.
    @Test func prettyPrintingTheSum() {
        let x = dscalar("x"), y = dscalar("y")
        let z = x + y
        #expect(pp(z) == "(x + y)")
    }

    /// "Step 3" and its note: `z.eval({x: 16.3, y: 12.1})` compiles behind the scenes.
    @Test func evalInsteadOfFunction() throws {
        let x = dscalar("x"), y = dscalar("y")
        let z = x + y
        #expect(Swift.abs(try z.eval([x: 16.3, y: 12.1]).item() - 28.4) < 1e-12)
        // A second eval of the same variable gives the same value (Theano caches the function).
        #expect(try z.eval([x: 1, y: 2]).item() == 3)
    }

    /// "Adding two Matrices": lists and arrays as arguments alike.
    @Test func addingTwoMatrices() throws {
        let x = dmatrix("x"), y = dmatrix("y")
        let z = x + y
        let f = try function([x, y], z)
        let sum = try f([[1, 2], [3, 4]], [[10, 20], [30, 40]])
        #expect(sum.description == "[[11. 22.]\n [33. 44.]]")
        let fromArrays = try f(NDArray([1, 2, 3, 4] as [Double], shape: [2, 2]), NDArray([10, 20, 30, 40] as [Double], shape: [2, 2]))
        #expect(fromArrays == sum)
    }

    /// The list of types: the same letters give the same dtypes (b, w, i, l, f, d, c) and the same patterns.
    @Test func theAvailableTypes() {
        let dtypes: [(TensorVariable, DType)] = [(bscalar(), .int8), (wvector(), .int16), (imatrix(), .int32), (lrow(), .int64),
                                                 (fcol(), .float32), (dtensor3(), .float64), (cscalar(), .complex64)]
        for (v, dtype) in dtypes { #expect(v.dtype == dtype, "\(v.type)") }
        #expect(lrow().broadcastable == [true, false] && fcol().broadcastable == [false, true])
        #expect(dtensor3().ndim == 3 && btensor4().ndim == 4)
    }

    /// "Exercise": `a + a ** 10` prints `[    0.     2.  1026.]` (numpy today: `[   0.    2. 1026.]`).
    @Test func exercise() throws {
        let a = vector()  // declare variable
        let out = a + a ** 10  // build symbolic expression
        let f = try function([a], out)  // compile function
        #expect(try f([0, 1, 2]).description == "[   0.    2. 1026.]")
    }

    /// The exercise's solution (adding_solution_1.py): `a ** 2 + b ** 2 + 2 * a * b` prints `[ 25.  49.]`.
    @Test func exerciseSolution() throws {
        let a = vector()
        let b = vector()
        let out = a ** 2 + b ** 2 + 2 * a * b
        let f = try function([a, b], out)
        #expect(try f([1, 2], [4, 5]).description == "[25. 49.]")
    }
}
