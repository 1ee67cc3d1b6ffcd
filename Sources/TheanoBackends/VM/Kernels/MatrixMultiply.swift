import ComplexModule
import CTheanoKernels
import Dispatch
import Foundation

/// The (m, k) × (k, n) product behind `Dot`. Float32 and float64 go to the built-in packed GEMM (or
/// GEMV for a vector operand) split over the cores, or, when a CBLAS is loaded, to whichever of the two
/// `GEMMChoice` found faster for the shape; other dtypes use a plain loop. Operands may be any strided views: transposes are not copied.
package func matrixMultiply(_ a: NDArray, _ b: NDArray) -> NDArray {
    guard a.dtype == b.dtype, a.dtype == .float32 || a.dtype == .float64 else { return referenceMatrixMultiply(a.contiguous(), b.contiguous()) }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    if m == 0 || n == 0 { return NDArray(uninitialized: [m, n], dtype: a.dtype) }
    if k == 0 { return NDArray(zeros: [m, n], dtype: a.dtype) }
    guard let blas = CBLAS.loaded.library else { return builtInMultiply(a, b) }
    let shape = GEMMChoice.Shape(m: m, n: n, k: k, isFloat32: a.dtype == .float32,
                                 transposedA: a.strides[1] != 1, transposedB: b.strides[1] != 1)
    switch GEMMChoice.choice(shape) {
    case .blas: return blasMultiply(blas, a, b)
    case .builtIn: return builtInMultiply(a, b)
    case nil: return GEMMChoice.measure(shape, builtIn: { builtInMultiply(a, b) }, blas: { blasMultiply(blas, a, b) })
    }
}

/// The built-in packed GEMM (or GEMV for a vector operand), split over the cores.
package func builtInMultiply(_ a: NDArray, _ b: NDArray) -> NDArray {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let out = NDArray(uninitialized: [m, n], dtype: a.dtype)
    MatMulJob(a: MatrixOperand(a), b: MatrixOperand(b), c: out.baseAddress, m: m, n: n, k: k, isFloat32: a.dtype == .float32).runSplit()
    return withExtendedLifetime((a, b)) { out }
}

/// A matrix times a vector, or a vector times a matrix, straight into a new vector: the GEMV path of
/// `matrixMultiply` without the intermediate views and reshape, which cost more than the product for
/// the small vectors of recurrent steps. Nil when the dtypes need the general path, or a CBLAS is loaded and the product is large enough for `GEMMChoice` to time.
package func matrixVectorProduct(_ a: NDArray, _ b: NDArray) -> NDArray? {
    guard a.dtype == b.dtype, a.dtype == .float32 || a.dtype == .float64 else { return nil }
    let vectorFirst = a.ndim == 1
    let (matrix, vector) = vectorFirst ? (b, a) : (a, b)
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    guard CBLAS.loaded.library == nil || rows * columns < GEMMChoice.smallestMeasured else { return nil }
    let (m, k, n) = vectorFirst ? (1, rows, columns) : (rows, columns, 1)
    guard k > 0, m > 0, n > 0 else { return nil }
    let out = NDArray(uninitialized: [vectorFirst ? n : m], dtype: a.dtype)
    let x = MatrixOperand(base: vector.baseAddress, rowStride: vectorFirst ? 0 : vector.strides[0],
                          columnStride: vectorFirst ? vector.strides[0] : 0, itemSize: a.dtype.itemSize)
    MatMulJob(a: vectorFirst ? x : MatrixOperand(matrix), b: vectorFirst ? MatrixOperand(matrix) : x,
              c: out.baseAddress, m: m, n: n, k: k, isFloat32: a.dtype == .float32).runSplit()
    return withExtendedLifetime((a, b)) { out }
}

/// A matrix as its first element's address and element strides.
package struct MatrixOperand: @unchecked Sendable {
    package let base: UnsafeMutableRawPointer
    package let rowStride, columnStride, itemSize: Int
    package init(_ x: NDArray) { base = x.baseAddress; rowStride = x.strides[0]; columnStride = x.strides[1]; itemSize = x.dtype.itemSize }
    package func at(_ row: Int, _ column: Int) -> UnsafeMutableRawPointer { base + (row * rowStride + column * columnStride) * itemSize }
    package var transposed: MatrixOperand { MatrixOperand(base: base, rowStride: columnStride, columnStride: rowStride, itemSize: itemSize) }
    package init(base: UnsafeMutableRawPointer, rowStride: Int, columnStride: Int, itemSize: Int) {
        (self.base, self.rowStride, self.columnStride, self.itemSize) = (base, rowStride, columnStride, itemSize)
    }
}

/// One band of the output: rows of C, or columns when C is wider than tall. The caller keeps the arrays alive.
package struct MatMulJob: @unchecked Sendable {
    package let a, b: MatrixOperand
    package let c: UnsafeMutableRawPointer
    package let m, n, k: Int
    package let isFloat32: Bool
    /// The GEMM epilogue (``DotBiasActivation``): a contiguous bias of n elements added to each row of C,
    /// then relu when `relu`, on each tile as it is finished. Only for the GEMM path (m, n > 1).
    package let bias: UnsafeMutableRawPointer?
    package let relu: Bool

    package init(a: MatrixOperand, b: MatrixOperand, c: UnsafeMutableRawPointer, m: Int, n: Int, k: Int, isFloat32: Bool,
                 bias: UnsafeMutableRawPointer? = nil, relu: Bool = false) {
        (self.a, self.b, self.c, self.m, self.n, self.k, self.isFloat32) = (a, b, c, m, n, k, isFloat32)
        precondition(bias == nil || (m > 1 && n > 1), "the GEMM epilogue is for products of more than one row and column")
        (self.bias, self.relu) = (bias, relu)
    }

    /// Runs the whole product, split over the cores when it pays for the threads.
    package func runSplit() {
        _ = CPUISA.active
        let parts = m * n * k >= 1 << 17 && Swift.max(m, n) >= 16 ? ProcessorCount.value : 1
        if parts == 1 { run(part: 0, of: 1) } else { DispatchQueue.concurrentPerform(iterations: parts) { run(part: $0, of: parts) } }
    }

    package func run(part: Int, of parts: Int) {
        if n == 1 {
            // C[:, 0] = A · B[:, 0]
            let (begin, end) = band(m, part, parts)
            if begin < end { gemv(end - begin, a.at(begin, 0), a.rowStride, a.columnStride, b.base, b.rowStride, c + begin * a.itemSize) }
        } else if m == 1 {
            // C[0, :] = Bᵀ · A[0, :]
            let (begin, end) = band(n, part, parts)
            if begin < end { gemv(end - begin, b.at(0, begin), b.columnStride, b.rowStride, a.base, a.columnStride, c + begin * a.itemSize) }
        } else if m >= n {
            let (begin, end) = band(m, part, parts)
            if begin < end { gemm(end - begin, n, a.at(begin, 0), b.base, c + begin * n * a.itemSize, bias) }
        } else {
            let (begin, end) = band(n, part, parts)
            if begin < end { gemm(m, end - begin, a.base, b.at(0, begin), c + begin * a.itemSize, bias.map { $0 + begin * a.itemSize }) }
        }
    }

    private func band(_ total: Int, _ part: Int, _ parts: Int) -> (Int, Int) {
        // Bands are multiples of 8 so each core writes whole vectors and cache lines.
        let size = ((total + parts - 1) / parts + 7) / 8 * 8
        return (Swift.min(total, part * size), Swift.min(total, (part + 1) * size))
    }

    private func gemm(_ rows: Int, _ columns: Int, _ pa: UnsafeMutableRawPointer, _ pb: UnsafeMutableRawPointer, _ pc: UnsafeMutableRawPointer,
                      _ bias: UnsafeMutableRawPointer?) {
        if isFloat32 {
            theano_sgemm_bias(rows, columns, k, pa.assumingMemoryBound(to: Float.self), a.rowStride, a.columnStride,
                              pb.assumingMemoryBound(to: Float.self), b.rowStride, b.columnStride, pc.assumingMemoryBound(to: Float.self), n,
                              bias?.assumingMemoryBound(to: Float.self), relu ? 1 : 0)
        } else {
            theano_dgemm_bias(rows, columns, k, pa.assumingMemoryBound(to: Double.self), a.rowStride, a.columnStride,
                              pb.assumingMemoryBound(to: Double.self), b.rowStride, b.columnStride, pc.assumingMemoryBound(to: Double.self), n,
                              bias?.assumingMemoryBound(to: Double.self), relu ? 1 : 0)
        }
    }

    private func gemv(_ rows: Int, _ pa: UnsafeMutableRawPointer, _ rs: Int, _ cs: Int, _ px: UnsafeMutableRawPointer, _ xs: Int, _ py: UnsafeMutableRawPointer) {
        if isFloat32 {
            theano_sgemv(rows, k, pa.assumingMemoryBound(to: Float.self), rs, cs, px.assumingMemoryBound(to: Float.self), xs, py.assumingMemoryBound(to: Float.self))
        } else {
            theano_dgemv(rows, k, pa.assumingMemoryBound(to: Double.self), rs, cs, px.assumingMemoryBound(to: Double.self), xs, py.assumingMemoryBound(to: Double.self))
        }
    }
}

/// CBLAS takes row-major operands with unit column stride, or their transposes; anything else is copied.
private func blasMultiply(_ blas: CBLAS.Library, _ a: NDArray, _ b: NDArray) -> NDArray {
    func operand(_ x: NDArray) -> (NDArray, transposed: Bool, leading: Int) {
        let (rows, columns) = (x.shape[0], x.shape[1])
        if x.strides[1] == 1 && x.strides[0] >= Swift.max(1, columns) { return (x, false, x.strides[0]) }
        if x.strides[0] == 1 && x.strides[1] >= Swift.max(1, rows) { return (x, true, x.strides[1]) }
        return (x.contiguous(), false, Swift.max(1, columns))
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let (x, ta, lda) = operand(a), (y, tb, ldb) = operand(b)
    let out = NDArray(uninitialized: [m, n], dtype: a.dtype)
    let (pa, pb, pc) = (x.baseAddress, y.baseAddress, out.baseAddress)
    let transA = ta ? CBLAS.trans : CBLAS.noTrans, transB = tb ? CBLAS.trans : CBLAS.noTrans
    if a.dtype == .float32 {
        blas.sgemm(CBLAS.rowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1, pa.assumingMemoryBound(to: Float.self), Int32(lda),
                   pb.assumingMemoryBound(to: Float.self), Int32(ldb), 0, pc.assumingMemoryBound(to: Float.self), Int32(n))
    } else {
        blas.dgemm(CBLAS.rowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1, pa.assumingMemoryBound(to: Double.self), Int32(lda),
                   pb.assumingMemoryBound(to: Double.self), Int32(ldb), 0, pc.assumingMemoryBound(to: Double.self), Int32(n))
    }
    return withExtendedLifetime((x, y)) { out }
}

package enum ProcessorCount {
    package static let value = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}
