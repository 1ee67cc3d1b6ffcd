import Dispatch
import Synchronization

/// Which GEMM multiplies a shape when a CBLAS is loaded as well as the built-in kernel: the faster on
/// this machine, measured on the first product of that shape in the process (the best of three
/// alternating rounds counts) and remembered. The first product returns the chosen kernel's result, so every product
/// of one shape in a process comes from the same kernel and has the same bits.
package enum GEMMChoice {
    package enum Kernel: String, Sendable { case builtIn = "built-in", blas = "CBLAS" }

    package struct Shape: Hashable, Sendable, CustomStringConvertible {
        package let m, n, k: Int
        package let isFloat32: Bool
        package let transposedA, transposedB: Bool
        package init(m: Int, n: Int, k: Int, isFloat32: Bool, transposedA: Bool, transposedB: Bool) {
            (self.m, self.n, self.k, self.isFloat32, self.transposedA, self.transposedB) = (m, n, k, isFloat32, transposedA, transposedB)
        }
        package var description: String { "\(isFloat32 ? "float32" : "float64") \(m)×\(k)\(transposedA ? "ᵀ" : "") · \(k)×\(n)\(transposedB ? "ᵀ" : "")" }
    }

    /// Products above this many multiply-adds always go to the CBLAS: timing both would cost more than
    /// any difference between them saves, and libraries tuned for large products win there.
    package static let largestMeasured = 1 << 27

    /// Products below this many multiply-adds always take the built-in kernel: a CBLAS call's own
    /// overhead (argument checks, thread dispatch) is larger than the product, and timing it is noise.
    package static let smallestMeasured = 1 << 15

    private static let decisions = Mutex<[Shape: Kernel]>([:])

    /// The decisions so far, for `theano info` and the benchmark.
    package static var decided: [(Shape, Kernel)] { decisions.withLock { Array($0) }.sorted { "\($0.0)" < "\($1.0)" } }

    package static func choice(_ shape: Shape) -> Kernel? {
        let size = shape.m * shape.n * shape.k
        if size < smallestMeasured { return .builtIn }
        if size > largestMeasured { return .blas }
        return decisions.withLock { $0[shape] }
    }

    /// Runs both kernels (each producing a fresh result), keeps the faster and returns its result.
    package static func measure(_ shape: Shape, builtIn: () -> NDArray, blas: () -> NDArray) -> NDArray {
        func timed(_ body: () -> NDArray) -> (NDArray, UInt64) {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = body()
            return (result, DispatchTime.now().uptimeNanoseconds - start)
        }
        // Alternating rounds, the best of each counting: the first call of a library may start its
        // threads, and another process may take a core during any one round.
        var fromBLAS = blas(), fromBuiltIn = builtIn()
        var bestBLAS = UInt64.max, bestBuiltIn = UInt64.max
        for _ in 0..<3 {
            let (x, tb) = timed(blas), (y, ti) = timed(builtIn)
            (fromBLAS, fromBuiltIn) = (x, y)
            (bestBLAS, bestBuiltIn) = (Swift.min(bestBLAS, tb), Swift.min(bestBuiltIn, ti))
        }
        let kernel: Kernel = bestBuiltIn < bestBLAS ? .builtIn : .blas
        let stored = decisions.withLock { known in
            if let earlier = known[shape] { return earlier }  // another thread decided first: keep one answer
            known[shape] = kernel
            return kernel
        }
        return stored == .builtIn ? fromBuiltIn : fromBLAS
    }

    package static var summary: String {
        "per shape, the faster of the CBLAS and the built-in kernel, timed on the first product of each shape (from \(smallestMeasured >> 10)K to \(largestMeasured >> 20)M multiply-adds; smaller ones use the built-in kernel, larger ones the CBLAS)"
    }
}
