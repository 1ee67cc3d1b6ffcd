import Testing
import Theano

@Test func scalarAddition() throws {
    let x = dscalar("x"), y = dscalar("y")
    let f = try function([x, y], x + y)
    #expect(try f(1.5, 2.5).description == "4.0")
    #expect(try f(3.5, 5.5).item() == 9.0)
}

@Test func logistic() throws {
    let x = dmatrix("x")
    let s = 1 / (1 + exp(-x))
    let f = try function([x], s)
    let out = try f([[0.0, 1.0], [-1.0, -2.0]])
    #expect(out.description == "[[0.5        0.73105858]\n [0.26894142 0.11920292]]")
    let gs = try grad(s.sum(), wrt: x)
    let g = try function([x], gs)
    #expect(try g([[0.0, 1.0], [-1.0, -2.0]]).description == "[[0.25       0.19661193]\n [0.19661193 0.10499359]]")
}

@Test func gradOfExpSin() throws {
    let x = dscalar("x")
    let gy = try grad(exp(sin(x ** 2)), wrt: x)
    let f = try function([x], gy)
    #expect(try f(15).item() == 4.347404090286685)
}

@Test func accumulator() throws {
    let state = shared(0)
    let inc = iscalar("inc")
    let acc = try function([inc], state, updates: [(state, state + inc)])
    #expect(try acc(1).item(as: Int64.self) == 0)
    #expect(state.value.item(as: Int64.self) == 1)
    #expect(try acc(300).item(as: Int64.self) == 1)
    #expect(state.value.item(as: Int64.self) == 301)
}

@Test func verifyGradAcceptsCorrectGradients() throws {
    try verifyGrad({ x in exp(sin(x[0] ** 2)) * x[1] }, at: [NDArray([0.3, -1.2]), NDArray([2.0, 0.5])])
    try verifyGrad({ x in x[0].sum(axis: 1) + x[0].max(axis: 1) }, at: [NDArray([[0.3, -1.2], [2.0, 0.5]])])
}

@Test func prettyPrintShowsTheExpressionAsWritten() throws {
    let x = dmatrix("x")
    #expect(pp(1 / (1 + exp(-x))) == "(1 / (1 + exp(-x)))")
    let v = dvector("v")
    #expect(pp(x * v) == "(x * v)")
    let g = try grad((x ** 2).sum(), wrt: x)
    #expect(pp(g).contains("x"))
}
