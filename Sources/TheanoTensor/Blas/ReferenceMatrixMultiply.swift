import ComplexModule

/// The (m, k) × (k, n) product as an i-k-j loop over the elements: the reference that `Dot`, `Gemm` and the
/// convolutions' `perform` use, and the CPU backend's path for dtypes without a fast kernel. Operands may
/// be any views; both have one dtype.
package func referenceMatrixMultiply(_ a: NDArray, _ b: NDArray) -> NDArray {
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
