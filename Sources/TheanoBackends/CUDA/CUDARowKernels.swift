/// CUDA kernels over the rows of a contiguous matrix: reductions along the last axis (`sum`, `prod`,
/// `max`, `min`), `argmax`, and softmax and log-softmax rows. One block per row; its threads stride
/// over the row, then combine in shared memory as a tree. Sums and products accumulate in double, as
/// the CPU's do; the tree's order is not numpy's pairwise order, so a sum can differ from the CPU's in
/// the last bits (a few ulp of the row's absolute sum, the bound of any pairwise-like order). Max and
/// min propagate NaN, as the CPU's do. Rendered and compiled with NVRTC by the tests; not yet run on a GPU.
package enum CUDARowKernels {
    /// Threads per block; every kernel's tree assumes this power of two.
    package static let threads = 256

    /// A reduction of each row of `rows × n` values of `dtype` to one value, as `theano_reduce_<kind>_<type>`.
    package static func reduction(_ kind: Reduce.Kind, _ dtype: DType) -> (symbol: String, source: String)? {
        guard let t = CUDAKernelSource.cType(dtype), dtype.isFloat else { return nil }
        let (identity, combine): (String, String)
        switch kind {
        case .sum: (identity, combine) = ("0.0", "a + b")
        case .prod: (identity, combine) = ("1.0", "a * b")
        case .max: (identity, combine) = ("-INFINITY", "(a != a || a > b) ? a : b")
        case .min: (identity, combine) = ("INFINITY", "(a != a || a < b) ? a : b")
        case .all, .any: return nil
        }
        let symbol = "theano_reduce_\(kind.rawValue)_\(t)"
        let source = """
            extern "C" __global__ void \(symbol)(long long rows, long long n, const \(t) *__restrict__ in, \(t) *__restrict__ out) {
                __shared__ double partial[\(threads)];
                for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
                    const \(t) *x = in + row * n;
                    double acc = \(identity);
                    for (long long j = threadIdx.x; j < n; j += blockDim.x) { const double a = acc, b = (double)x[j]; acc = \(combine); }
                    partial[threadIdx.x] = acc;
                    __syncthreads();
                    for (int half = blockDim.x / 2; half > 0; half /= 2) {
                        if (threadIdx.x < half) { const double a = partial[threadIdx.x], b = partial[threadIdx.x + half]; partial[threadIdx.x] = \(combine); }
                        __syncthreads();
                    }
                    if (threadIdx.x == 0) out[row] = (\(t))partial[0];
                    __syncthreads();
                }
            }

            """
        return (symbol, source)
    }

    /// The index of each row's first maximum (a NaN counts as the maximum, as numpy's argmax), as int64.
    package static func argmax(_ dtype: DType) -> (symbol: String, source: String)? {
        guard let t = CUDAKernelSource.cType(dtype), dtype.isFloat else { return nil }
        let symbol = "theano_argmax_\(t)"
        let source = """
            extern "C" __global__ void \(symbol)(long long rows, long long n, const \(t) *__restrict__ in, long long *__restrict__ out) {
                __shared__ double best[\(threads)];
                __shared__ long long where[\(threads)];
                for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
                    const \(t) *x = in + row * n;
                    double v = -INFINITY; long long at = n;
                    for (long long j = threadIdx.x; j < n; j += blockDim.x) {
                        const double y = (double)x[j];
                        if (at == n || (v == v && (y > v || y != y))) { v = y; at = j; }
                    }
                    best[threadIdx.x] = v; where[threadIdx.x] = at;
                    __syncthreads();
                    for (int half = blockDim.x / 2; half > 0; half /= 2) {
                        if (threadIdx.x < half) {
                            const double a = best[threadIdx.x], b = best[threadIdx.x + half];
                            const long long i = where[threadIdx.x], k = where[threadIdx.x + half];
                            // The other side wins if this one is empty, or it is larger (NaN first), or equal and earlier.
                            const bool other = k < n && (i == n || (a == a && (b != b || b > a || (b == a && k < i))) || (a != a && b != b && k < i));
                            if (other) { best[threadIdx.x] = b; where[threadIdx.x] = k; }
                        }
                        __syncthreads();
                    }
                    if (threadIdx.x == 0) out[row] = where[0] == n ? 0 : where[0];
                    __syncthreads();
                }
            }

            """
        return (symbol, source)
    }

    /// Softmax (or log-softmax) of each row, in the CPU's formula: subtract the row's maximum,
    /// exponentiate, divide by the sum (or subtract its log).
    package static func softmax(_ dtype: DType, log: Bool) -> (symbol: String, source: String)? {
        guard let t = CUDAKernelSource.cType(dtype), dtype.isFloat else { return nil }
        let f = t == "float" ? "f" : ""
        let symbol = "theano_\(log ? "log_" : "")softmax_\(t)"
        let write = log ? "y[j] = (\(t))(((double)x[j] - m) - logsum);" : "y[j] = (\(t))(exp\(f)((\(t))((double)x[j] - m)) / sum);"
        let source = """
            extern "C" __global__ void \(symbol)(long long rows, long long n, const \(t) *__restrict__ in, \(t) *__restrict__ out) {
                __shared__ double partial[\(threads)];
                for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
                    const \(t) *x = in + row * n;
                    \(t) *y = out + row * n;
                    double acc = -INFINITY;
                    for (long long j = threadIdx.x; j < n; j += blockDim.x) { const double v = (double)x[j]; if (v > acc || v != v) acc = v; }
                    partial[threadIdx.x] = acc;
                    __syncthreads();
                    for (int half = blockDim.x / 2; half > 0; half /= 2) {
                        if (threadIdx.x < half) { const double a = partial[threadIdx.x], b = partial[threadIdx.x + half]; partial[threadIdx.x] = (a != a || a > b) ? a : b; }
                        __syncthreads();
                    }
                    const double m = partial[0];
                    __syncthreads();
                    acc = 0.0;
                    for (long long j = threadIdx.x; j < n; j += blockDim.x) acc += (double)exp\(f)((\(t))((double)x[j] - m));
                    partial[threadIdx.x] = acc;
                    __syncthreads();
                    for (int half = blockDim.x / 2; half > 0; half /= 2) {
                        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
                        __syncthreads();
                    }
                    const double sum = partial[0];
                    const double logsum = log(sum);
                    (void)logsum;
                    for (long long j = threadIdx.x; j < n; j += blockDim.x) \(write)
                    __syncthreads();
                }
            }

            """
        return (symbol, source)
    }

    /// Every row kernel for float32 and float64, as one translation unit.
    package static var all: (symbols: [String], source: String) {
        var symbols: [String] = [], parts: [String] = []
        for dtype in [DType.float32, .float64] {
            let kernels = [Reduce.Kind.sum, .prod, .max, .min].compactMap { reduction($0, dtype) }
                + [argmax(dtype), softmax(dtype, log: false), softmax(dtype, log: true)].compactMap { $0 }
            for kernel in kernels { symbols.append(kernel.symbol); parts.append(kernel.source) }
        }
        return (symbols, CUDAKernelSource.prelude + parts.joined(separator: "\n"))
    }
}
