import CTheanoKernels

/// numpy's pairwise sum in C at the vector width of the path in use (`CPUISA`): the same tree and the
/// same bits as `PairwiseSum`, the reference form `Reduce.perform` uses.
package enum VectorPairwiseSum {
    @inline(__always)
    package static func sum<T: FloatTensorElement>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
        _ = CPUISA.active
        if T.self == Double.self { return theano_pairwise_sum_double(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n) }
        if T.self == Float.self { return theano_pairwise_sum_float(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n) }
        return PairwiseSum.sum(p, n)
    }
}
