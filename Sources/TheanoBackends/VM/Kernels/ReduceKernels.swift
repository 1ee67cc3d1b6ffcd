import CTheanoKernels
import Dispatch

/// The CPU backend's sums, maxima and minima over contiguous float32/float64 arrays when the reduced axes
/// are a leading or trailing run, which covers `sum()`, row sums and bias gradients: vectorized, and split
/// over the cores for long runs. Floats accumulate in float64, as Theano does.
package enum ReduceKernels {
    package static func reduce(_ kind: Reduce.Kind, _ x: NDArray, axes: [Int]) -> NDArray? {
        guard x.dtype == .float32 || x.dtype == .float64, x.isContiguous, !axes.isEmpty,
              kind == .sum || kind == .max || kind == .min else { return nil }
        let n = x.ndim
        let reducedCount = axes.map { x.shape[$0] }.reduce(1, *)
        if reducedCount == 0 { return nil }
        let keptShape = (0..<n).filter { !axes.contains($0) }.map { x.shape[$0] }
        let kept = keptShape.reduce(1, *)
        if axes == Array((n - axes.count)..<n) {
            return x.dtype == .float32 ? trailing(kind, x, Float.self, kept, reducedCount, keptShape) : trailing(kind, x, Double.self, kept, reducedCount, keptShape)
        }
        if axes == Array(0..<axes.count) {
            return x.dtype == .float32 ? leading(kind, x, Float.self, reducedCount, kept, keptShape) : leading(kind, x, Double.self, reducedCount, kept, keptShape)
        }
        return nil
    }

    /// Each output element reduces one contiguous run of `inner` values.
    package static func trailing<T: FloatTensorElement>(_ kind: Reduce.Kind, _ x: NDArray, _: T.Type, _ outer: Int, _ inner: Int, _ shape: [Int]) -> NDArray {
        let p = UnsafePointer(x.storage.pointer.assumingMemoryBound(to: T.self) + x.offset)
        var out = [T](repeating: 0, count: outer)
        if outer == 1 && inner >= 1 << 18 {
            // One long run: split it over the cores and combine the partial results.
            let parts = ProcessorCount.value
            let partials = Partials(count: parts)
            let job = RunJob(pointer: UnsafeRawPointer(p), inner: inner, parts: parts, kind: kind, partials: partials, isFloat32: T.self == Float.self)
            DispatchQueue.concurrentPerform(iterations: parts) { job.run($0) }
            out[0] = T(combine(kind, partials.values))
        } else {
            for o in 0..<outer { out[o] = T(run(kind, p + o * inner, inner)) }
        }
        return NDArray(out, shape: shape)
    }

    /// The reduced axes lead: whole rows fold into the kept elements in row order, in C at the vector
    /// width of the path in use (`theano_reduce_rows_*`); large inputs split the kept columns over the
    /// cores, which leaves each element's order of operations as it is.
    package static func leading<T: FloatTensorElement>(_ kind: Reduce.Kind, _ x: NDArray, _: T.Type, _ reduced: Int, _ kept: Int, _ shape: [Int]) -> NDArray {
        _ = CPUISA.active
        if kept == 0 { return NDArray([T](), shape: shape) }
        let p = UnsafeRawPointer(x.storage.pointer.assumingMemoryBound(to: T.self) + x.offset)
        var acc = [Double](repeating: 0, count: kept)
        acc.withUnsafeMutableBufferPointer { out in
            let job = RowsJob(pointer: p, rows: reduced, cols: kept, kind: kind == .sum ? 0 : (kind == .max ? 1 : 2),
                              isFloat32: T.self == Float.self, acc: out.baseAddress!)
            let parts = reduced * kept >= 1 << 18 ? Swift.min(ProcessorCount.value, kept / 512) : 1
            if parts > 1 {
                DispatchQueue.concurrentPerform(iterations: parts) { job.run(part: $0, of: parts) }
            } else {
                job.run(part: 0, of: 1)
            }
        }
        return withExtendedLifetime(x) { NDArray(acc.map { T($0) }, shape: shape) }
    }

    /// One share of the kept columns (a multiple of 8 wide) of a leading-axes reduction.
    package struct RowsJob: @unchecked Sendable {
        package let pointer: UnsafeRawPointer
        package let rows: Int
        package let cols: Int
        package let kind: Int32
        package let isFloat32: Bool
        package let acc: UnsafeMutablePointer<Double>

        package func run(part: Int, of parts: Int) {
            let size = ((cols + parts - 1) / parts + 7) & ~7
            let start = Swift.min(cols, part * size), end = Swift.min(cols, start + size)
            guard start < end else { return }
            if isFloat32 {
                theano_reduce_rows_float(kind, pointer.assumingMemoryBound(to: Float.self) + start, rows, end - start, cols, acc + start)
            } else {
                theano_reduce_rows_double(kind, pointer.assumingMemoryBound(to: Double.self) + start, rows, end - start, cols, acc + start)
            }
        }
    }

    /// `ArgReduce` along the last axis (or over the flattened tensor) of a contiguous float32/float64
    /// array, in C at the path's vector width: the reference's index, the first maximum or minimum of
    /// each row, or its first NaN. Nil for what the reference runs (and for its errors).
    package static func argReduce(isMax: Bool, _ x: NDArray, axis: Int?) -> NDArray? {
        guard x.dtype == .float32 || x.dtype == .float64, x.isContiguous, x.count > 0 else { return nil }
        let n = axis == nil ? x.count : x.shape[x.ndim - 1]
        guard axis == nil || axis == x.ndim - 1 else { return nil }
        _ = CPUISA.active
        let rows = x.count / n
        var out = [Int64](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { o in
            if x.dtype == .float32 {
                theano_argreduce_rows_float(isMax ? 1 : 0, x.storage.pointer.assumingMemoryBound(to: Float.self) + x.offset, rows, n, o.baseAddress!)
            } else {
                theano_argreduce_rows_double(isMax ? 1 : 0, x.storage.pointer.assumingMemoryBound(to: Double.self) + x.offset, rows, n, o.baseAddress!)
            }
        }
        return withExtendedLifetime(x) { NDArray(out, shape: axis == nil ? [] : Array(x.shape.dropLast())) }
    }

    @inline(__always)
    package static func run<T: FloatTensorElement>(_ kind: Reduce.Kind, _ p: UnsafePointer<T>, _ n: Int) -> Double {
        if kind != .sum && n > 0 {
            // In C at the path's vector width, with the loops' rules below: the first NaN, else the first best.
            _ = CPUISA.active
            let raw = UnsafeRawPointer(p), isMax: Int32 = kind == .max ? 1 : 0
            if T.self == Double.self { return theano_extreme_run_double(isMax, raw.assumingMemoryBound(to: Double.self), n) }
            if T.self == Float.self { return theano_extreme_run_float(isMax, raw.assumingMemoryBound(to: Float.self), n) }
        }
        switch kind {
        case .sum:
            return VectorPairwiseSum.sum(p, n)
        case .max:
            var m = Double(p[0])
            for i in 1..<Swift.max(n, 1) { let v = Double(p[i]); if v > m || v.isNaN { m = v; if v.isNaN { break } } }
            return m
        default:
            var m = Double(p[0])
            for i in 1..<Swift.max(n, 1) { let v = Double(p[i]); if v < m || v.isNaN { m = v; if v.isNaN { break } } }
            return m
        }
    }

    package static func combine(_ kind: Reduce.Kind, _ values: [Double]) -> Double {
        switch kind {
        case .sum: return values.reduce(0, +)
        case .max: return values.contains { $0.isNaN } ? .nan : values.max()!
        default: return values.contains { $0.isNaN } ? .nan : values.min()!
        }
    }

    package final class Partials: @unchecked Sendable {
        package var values: [Double]
        package init(count: Int) { values = [Double](repeating: 0, count: count) }
    }

    package struct RunJob: @unchecked Sendable {
        package let pointer: UnsafeRawPointer
        package let inner: Int
        package let parts: Int
        package let kind: Reduce.Kind
        package let partials: Partials
        package let isFloat32: Bool

        package func run(_ part: Int) {
            let size = (inner + parts - 1) / parts
            let start = Swift.min(inner, part * size), end = Swift.min(inner, start + size)
            guard start < end else { partials.values[part] = kind == .sum ? 0 : (kind == .max ? -.infinity : .infinity); return }
            partials.values[part] = isFloat32
                ? ReduceKernels.run(kind, pointer.assumingMemoryBound(to: Float.self) + start, end - start)
                : ReduceKernels.run(kind, pointer.assumingMemoryBound(to: Double.self) + start, end - start)
        }
    }
}
