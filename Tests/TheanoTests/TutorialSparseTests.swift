import Testing
@testable import Theano

/// Theano's tutorial "Sparse" (doc/tutorial/sparse.txt). A sparse variable is its four parts here,
/// so a function takes `x.inputs` and a value's `arguments` (`ComingFromTheano`, "Sparse matrices").
@Suite struct TutorialSparseTests {
    /// "Conversion from and to dense": a full cycle from sparse to sparse.
    @Test func aFullCycleFromSparseToSparse() throws {
        let x = cscMatrix("x", dtype: .float32)
        let y = denseFromSparse(x)
        let z = cscFromDense(y)
        let a = try SparseMatrix(dense: NDArray([0, 0, -1, 0, -2, 1, 3, 0, 0] as [Float], shape: [3, 3]), format: .csc)
        let f = try function(x.inputs, [y, z.data, z.indices, z.indptr])
        let out = try f.call(a.arguments)
        #expect(out[0].doubles == [0, 0, -1, 0, -2, 1, 3, 0, 0])
        #expect(out[1].doubles == a.data.doubles && out[2].scalars(as: Int32.self) == a.indices.scalars(as: Int32.self))
        #expect(out[3].scalars(as: Int32.self) == a.indptr.scalars(as: Int32.self))
    }

    /// "Properties and Construction": the parts of a csc matrix read as a csr one give its transpose.
    @Test func cscPartsReadAsCSRGiveTheTranspose() throws {
        let x = cscMatrix("x", dtype: .int64)
        let (data, indices, indptr, shape) = csmProperties(x)
        let y = csm(.csr, data: data, indices: indices, indptr: indptr, shape: shape)
        let f = try function(x.inputs, y.toDense())
        let a = try SparseMatrix(dense: NDArray([0, 1, 1, 0, 0, 0, 1, 0, 0] as [Int64], shape: [3, 3]), format: .csc)
        #expect(a.toDense().description == "[[0 1 1]\n [0 0 0]\n [1 0 0]]")  // print(a.toarray())
        #expect(try f.call(a.arguments).description == "[[0 0 1]\n [1 0 0]\n [1 0 0]]")  // print(f(a).toarray())
    }

    /// "Structured Operation": `structured_add(x, 2)` adds to the stored values only; the stored −2
    /// becomes a stored 0.
    @Test func structuredAddTouchesOnlyTheStoredValues() throws {
        let x = cscMatrix("x", dtype: .float32)
        let y = structuredAdd(x, 2)
        let f = try function(x.inputs, [y.toDense(), y.data])
        let a = try SparseMatrix(dense: NDArray([0, 0, -1, 0, -2, 1, 3, 0, 0] as [Float], shape: [3, 3]), format: .csc)
        #expect(a.toDense().description == "[[ 0.  0. -1.]\n [ 0. -2.  1.]\n [ 3.  0.  0.]]")
        let out = try f.call(a.arguments)
        #expect(out[0].description == "[[0. 0. 1.]\n [0. 0. 3.]\n [5. 0. 0.]]")
        #expect(out[1].count == 4)  // four values stored, one of them now 0
    }
}
