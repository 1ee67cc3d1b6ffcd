import Testing
@testable import Theano

/// Theano's "Graph Structures" (doc/extending/graphstructures.txt, where doc/tutorial/symbolic_graphs.txt
/// now points) and the numpy refresher (doc/tutorial/numpy.txt).
@Suite struct TutorialGraphStructuresTests {
    /// "Theano Graphs": `y = x * 2.` is an apply node of an elementwise mul whose second input is the
    /// constant broadcast by a DimShuffle.
    @Test func theApplyNodeBehindAVariable() throws {
        let x = dmatrix("x")
        let y = x * 2.0
        let owner = try #require(y.owner)
        #expect("\(owner.op)" == "Elemwise{mul}")  // Theano: 'Elemwise{mul,no_inplace}'
        #expect(owner.inputs.count == 2)
        #expect(owner.inputs[0] === x)
        let second = try #require(owner.inputs[1].owner)
        #expect("\(second.op)" == "DimShuffle{x,x}", "\(second.op)")  // InplaceDimShuffle{x,x}.0
        #expect(second.inputs.count == 1 && (second.inputs[0] as? TensorConstant)?.value.item() == 2.0)
    }

    /// "Variable": `y = -x` for an ivector x; both have x's type, and y is computed by a neg.
    @Test func variablesAndTheirTypes() throws {
        let x = ivector()
        let y = -x
        #expect(x.owner == nil && y.owner.map { "\($0.op)" } == "Elemwise{neg}")
        #expect(y.type == x.type)
    }

    /// "Graph Structures" after compilation: `(v + 1).sum()` is an add read by the sum, whose output is
    /// the function's (Theano's `clients`: `[(Sum(...), 0)]` and `[('output', 0)]`). Under FAST_RUN the
    /// CPU backend sums the elementwise expression in one node (`Sum{add}`); FAST_COMPILE keeps Theano's two.
    @Test func clientsOfTheCompiledGraph() throws {
        let v = vector()
        let fused = try function([v], (v + 1).sum())
        #expect(fused.graph.toposort.map { "\($0.op)" } == ["Sum{add}"], "\(debugprint(fused))")
        let f = try function([v], (v + 1).sum(), mode: .fastCompile)
        let topo = f.graph.toposort
        try #require(topo.count == 2, "\(debugprint(f))")
        let inner = topo[0].outputs[0]
        let client = try #require(f.graph.clients[inner]?.first)
        #expect(client.node === topo[1] && client.node?.inputs[client.index] === inner)
        let output = topo[1].outputs[0]
        let outputClient = try #require(f.graph.clients[output]?.first)
        #expect(outputClient.node == nil && f.graph.outputs[outputClient.index] === output)
        #expect(try f([1, 2, 3]).item() == 9)
    }

    /// "The symbolic graph" example: `b = a + a ** 10` prints `[0. 2. 1026.]`.
    @Test func theSymbolicGraphOfTheExample() throws {
        let a = vector("a")  // declare symbolic variable
        let b = a + a ** 10  // build symbolic expression
        let f = try function([a], b)  // compile function
        #expect(try f([0, 1, 2]).doubles == [0, 2, 1026])
        #expect(pp(b) == "(a + (a ** 10))")
    }

    /// numpy.txt: a 3×2 array, its shape, element [2, 0], and broadcasting a scalar.
    @Test func theNumpyRefresher() throws {
        let m = NDArray([1, 2, 3, 4, 5, 6] as [Double], shape: [3, 2])
        #expect(m.description == "[[1. 2.]\n [3. 4.]\n [5. 6.]]")
        #expect(m.shape == [3, 2])
        #expect(m.rows()[2][0] == 5)
        let a = dvector("a"), b = dscalar("b")
        #expect(try function([a, b], a * b)([1.0, 2.0, 3.0], 2.0).doubles == [2, 4, 6])
    }
}
