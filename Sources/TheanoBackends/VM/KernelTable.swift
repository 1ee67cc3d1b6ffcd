/// A backend's own implementations of ops, used instead of their reference `perform`.
///
/// Entries are keyed by op type, so adding one needs no edit to the op: `register(Dot.self) { op in … }`.
/// An entry may decline a node (return nil), which then runs the op's `perform`.
public struct KernelTable: Sendable {
    /// A kernel: the op's inputs in, its outputs out, as `perform` does.
    public typealias Implementation = @Sendable ([NDArray]) throws -> [NDArray]
    private var makers: [ObjectIdentifier: @Sendable (any Op) -> Implementation?] = [:]

    /// An empty table: every op runs its `perform`.
    public init() {}

    /// Gives ops of type `O` a kernel; `make` may return nil for an op it does not handle.
    public mutating func register<O: Op>(_: O.Type, _ make: @escaping @Sendable (O) -> Implementation?) {
        makers[ObjectIdentifier(O.self)] = { op in (op as? O).flatMap(make) }
    }

    /// The kernel for `op`, or nil when it runs its `perform`.
    public func implementation(for op: any Op) -> Implementation? {
        makers[ObjectIdentifier(type(of: op))]?(op)
    }

    /// The CPU VM's table: BLAS-backed or packed GEMM/GEMV products, multi-core reductions and im2col
    /// convolutions.
    public static let cpu: KernelTable = {
        var table = KernelTable()
        table.register(Dot.self) { _ in { [try Dot.product($0, multiply: matrixMultiply, matrixVector: matrixVectorProduct)] } }
        table.register(Gemm.self) { op in { [try op.combine($0, multiply: matrixMultiply)] } }
        table.register(DotBiasActivation.self) { op in { try GEMMEpilogue.run(op, $0) } }
        table.register(Reduce.self) { op in
            { inputs in
                let x = inputs[0]
                guard let fast = ReduceKernels.reduce(op.kind, x, axes: op.axes) else { return try op.perform(inputs) }
                return [fast.astype(op.outputDType(x.dtype))]
            }
        }
        table.register(ArgReduce.self) { op in
            { inputs in [try ReduceKernels.argReduce(isMax: op.isMax, inputs[0], axis: op.axis) ?? op.perform(inputs)[0]] }
        }
        table.register(Conv2D.self) { op in { try Im2colConvolution.forward(op, $0) } }
        table.register(Conv2DGradInputs.self) { op in { try Im2colConvolution.inputGradient(op, $0) } }
        table.register(Conv2DGradWeights.self) { op in { try Im2colConvolution.filterGradient(op, $0) } }
        LinearAlgebraKernels.register(into: &table)
        table.register(StructuredDot.self) { op in { try SparseDot.run(op, $0) } }
        return table
    }()
}
