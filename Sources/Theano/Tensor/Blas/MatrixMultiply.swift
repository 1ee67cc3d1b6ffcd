import ComplexModule
import CTheanoKernels
import Dispatch
import Foundation

/// The (m, k) × (k, n) product behind `Dot`. Float32 and float64 go to a dlopen'd CBLAS when one is
/// installed, else to the built-in blocked GEMM split over the cores; other dtypes use a plain loop.
func matrixMultiply(_ a: NDArray, _ b: NDArray) -> NDArray {
    guard a.dtype == b.dtype, a.dtype == .float32 || a.dtype == .float64 else { return referenceMatrixMultiply(a, b) }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let x = a.contiguous(), y = b.contiguous()
    var out = NDArray(uninitialized: [m, n], dtype: a.dtype)
    if m == 0 || n == 0 { return out }
    if k == 0 { return NDArray(zeros: [m, n], dtype: a.dtype) }
    let pa = x.baseAddress, pb = y.baseAddress, pc = out.baseAddress
    if let blas = CBLAS.loaded.library {
        if a.dtype == .float32 {
            blas.sgemm(CBLAS.rowMajor, CBLAS.noTrans, CBLAS.noTrans, Int32(m), Int32(n), Int32(k), 1, pa.assumingMemoryBound(to: Float.self), Int32(k),
                       pb.assumingMemoryBound(to: Float.self), Int32(n), 0, pc.assumingMemoryBound(to: Float.self), Int32(n))
        } else {
            blas.dgemm(CBLAS.rowMajor, CBLAS.noTrans, CBLAS.noTrans, Int32(m), Int32(n), Int32(k), 1, pa.assumingMemoryBound(to: Double.self), Int32(k),
                       pb.assumingMemoryBound(to: Double.self), Int32(n), 0, pc.assumingMemoryBound(to: Double.self), Int32(n))
        }
        return withExtendedLifetime((x, y)) { out }
    }
    // Split rows over the cores when the product is big enough to pay for the threads.
    let parts = m * n * k >= 1 << 18 ? Swift.min(ProcessorCount.value, Swift.max(1, m / 4)) : 1
    let job = GemmJob(a: pa, b: pb, c: pc, m: m, n: n, k: k, isFloat32: a.dtype == .float32, rowsPerPart: (m + parts - 1) / parts)
    if parts == 1 { job.run(0) } else { DispatchQueue.concurrentPerform(iterations: parts) { job.run($0) } }
    out.offset = 0
    return withExtendedLifetime((x, y)) { out }
}

/// One row band of a GEMM; the raw pointers stay valid while the caller holds the arrays.
struct GemmJob: @unchecked Sendable {
    let a, b, c: UnsafeMutableRawPointer
    let m, n, k: Int
    let isFloat32: Bool
    let rowsPerPart: Int

    func run(_ part: Int) {
        let begin = part * rowsPerPart, end = Swift.min(m, begin + rowsPerPart)
        guard begin < end else { return }
        if isFloat32 {
            theano_sgemm_rows(a.assumingMemoryBound(to: Float.self), b.assumingMemoryBound(to: Float.self), c.assumingMemoryBound(to: Float.self), m, n, k, begin, end)
        } else {
            theano_dgemm_rows(a.assumingMemoryBound(to: Double.self), b.assumingMemoryBound(to: Double.self), c.assumingMemoryBound(to: Double.self), m, n, k, begin, end)
        }
    }
}

enum ProcessorCount {
    static let value = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// An i-k-j loop over contiguous rows: exact per dtype, for the dtypes without a fast kernel.
func referenceMatrixMultiply(_ a: NDArray, _ b: NDArray) -> NDArray {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    func run<T: TensorElement>(_ zero: T, _ fma: @escaping (T, T, T) -> T) -> NDArray {
        var out = [T](repeating: zero, count: m * n)
        let x = a.scalars(as: T.self), y = b.scalars(as: T.self)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<m {
                for p in 0..<k {
                    let aip = x[i * k + p]
                    let row = p * n, base = i * n
                    for j in 0..<n { o[base + j] = fma(o[base + j], aip, y[row + j]) }
                }
            }
        }
        return NDArray(out, shape: [m, n])
    }
    switch a.dtype {
    case .float32: return run(Float(0)) { $0 + $1 * $2 }
    case .float64: return run(0.0) { $0 + $1 * $2 }
    case .complex64: return run(Complex<Float>.zero) { $0 + $1 * $2 }
    case .complex128: return run(Complex<Double>.zero) { $0 + $1 * $2 }
    case .bool: return run(Int64(0)) { $0 &+ $1 &* $2 }.astype(.bool)
    default: return run(Int64(0)) { $0 &+ $1 &* $2 }.astype(a.dtype)
    }
}
