import Foundation
import Theano

// `theano-bench gemm`: the built-in GEMM beside the loaded CBLAS on W6's products (forward, and the two
// backward ones), float32 and float64, on the kernel path in use (THEANO_FLAGS=cpu_isa=… lowers it),
// and which of the two the per-shape choice picks. GFLOP/s count 2·m·n·k.

func gemmChoiceBenchmark() throws {
    print("# GEMM on the \(CPUISA.active) path; \(CBLAS.status)")
    let batch = 256
    var shapes: [(m: Int, n: Int, k: Int)] = []
    for (fin, fout) in zip(w6Sizes.dropLast(), w6Sizes.dropFirst()) {
        shapes += [(batch, fout, fin), (fin, fout, batch), (batch, fin, fout)]
    }
    for dtype in [DType.float32, .float64] {
        for (index, shape) in shapes.enumerated() {
            let a = NDArray(randomArray(shape.m * shape.k, seed: UInt64(2 * index)), shape: [shape.m, shape.k]).astype(dtype)
            let b = NDArray(randomArray(shape.k * shape.n, seed: UInt64(2 * index + 1)), shape: [shape.k, shape.n]).astype(dtype)
            let name = "gemm-\(dtype)-\(shape.m)x\(shape.n)x\(shape.k)"
            let flops = 2 * Double(shape.m * shape.n * shape.k)
            let builtIn = median(repeats: 9) { _ = builtInMultiply(a, b) }
            emit(name, "GFLOP_per_s_builtin", flops / builtIn / 1e9)
            if CBLAS.loaded.library != nil {
                let chosen = median(repeats: 9) { _ = matrixMultiply(a, b) }
                let key = GEMMChoice.Shape(m: shape.m, n: shape.n, k: shape.k, isFloat32: dtype == .float32, transposedA: false, transposedB: false)
                emit(name, "GFLOP_per_s_chosen", flops / chosen / 1e9)
                print("# \(name): \(GEMMChoice.choice(key).map(\.rawValue) ?? "undecided") chosen")
            }
        }
    }
}
