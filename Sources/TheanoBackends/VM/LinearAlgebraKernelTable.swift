extension LinearAlgebraKernels {
    /// The CPU backend's entries: every linear-algebra op on LAPACK's kernels when one is loaded (else
    /// its `perform`, the built-in kernels), and `MatMul` on the packed GEMM (or CBLAS).
    package static func register(into table: inout KernelTable) {
        table.register(MatMul.self) { op in { [try op.product($0, multiply: matrixMultiply)] } }
        func onLAPACK<O: DenseKernelOp>(_: O.Type) {
            table.register(O.self) { (op: O) -> KernelTable.Implementation? in
                guard let kernels = LinearAlgebraKernels.lapack else { return nil }
                return { inputs in try op.compute(inputs, kernels) }
            }
        }
        onLAPACK(MatrixInverse.self)
        onLAPACK(Det.self)
        onLAPACK(SLogDet.self)
        onLAPACK(Adjugate.self)
        onLAPACK(Cholesky.self)
        onLAPACK(Solve.self)
        onLAPACK(SolveTriangular.self)
        onLAPACK(CholeskySolve.self)
        onLAPACK(Eig.self)
        onLAPACK(Eigh.self)
        onLAPACK(Eigvalsh.self)
        onLAPACK(SVD.self)
        onLAPACK(QR.self)
        onLAPACK(MatrixPinv.self)
        onLAPACK(Expm.self)
        onLAPACK(Lstsq.self)
    }
}

extension LinearAlgebraKernels {
    /// The loaded LAPACK's kernels, or nil.
    package static var lapack: (any DenseLinearAlgebra)? { LAPACK.loaded.library.map { LAPACKLinearAlgebra(library: $0) } }
}
