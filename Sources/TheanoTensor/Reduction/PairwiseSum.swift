package enum PairwiseSum {
    /// numpy's pairwise summation: sequential below 8 values, eight interleaved accumulators up to 128,
    /// halves above. Summing in the same order as numpy gives the same last digits (the tutorial's
    /// 0.8 rather than 0.7999999999999999), and the error grows only logarithmically.
    package static func sum<T: FloatTensorElement>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
        if n < 8 {
            var s = 0.0
            for i in 0..<n { s += Double(p[i]) }
            return s
        }
        if n <= 128 {
            // Eight lanes are eight independent accumulators, added in numpy's order at the end.
            @inline(__always) func lanes(_ i: Int) -> SIMD8<Double> {
                if T.self == Double.self { return UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Double>.self) }
                return SIMD8<Double>(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3]),
                                     Double(p[i + 4]), Double(p[i + 5]), Double(p[i + 6]), Double(p[i + 7]))
            }
            var r = lanes(0)
            var i = 8
            while i + 8 <= n {
                r += lanes(i)
                i += 8
            }
            var s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { s += Double(p[i]); i += 1 }
            return s
        }
        let half = (n / 2) & ~7
        return sum(p, half) + sum(p + half, n - half)
    }
}
