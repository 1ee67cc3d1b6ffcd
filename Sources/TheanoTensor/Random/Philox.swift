/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
/// counter-based generator, so block `i` of a stream can be computed anywhere (a GPU thread included)
/// without the blocks before it.
package struct Philox {
    package init(key: (UInt32, UInt32)) { self.key = key }
    package let key: (UInt32, UInt32)

    /// The four random words of counter block `counter` (a 128-bit counter given as two 64-bit halves).
    package func block(_ counter: UInt64, _ high: UInt64 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32),
                 UInt32(truncatingIfNeeded: high), UInt32(truncatingIfNeeded: high >> 32))
        var k = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0), p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
        }
        return c
    }

    /// `count` uniform doubles in [0, 1) from blocks `start`, `start + 1`, …, two words per double.
    package func uniforms(_ count: Int, start: UInt64) -> [Double] {
        var stream = UniformStream(self, start: start)
        return (0..<count).map { _ in stream.next() }
    }

    /// How many counter blocks `uniforms(count)` consumes.
    package static func blocks(for count: Int) -> UInt64 { UInt64((count + 1) / 2) }

    /// A double in [0, 1) from 53 bits of two words.
    @inline(__always)
    package static func unit(_ hi: UInt32, _ lo: UInt32) -> Double {
        Double((UInt64(hi) << 21) ^ UInt64(lo >> 11) & ((1 << 53) - 1)) * 0x1p-53
    }

    /// The two uniform doubles of one block.
    package func unitPair(_ counter: UInt64, _ high: UInt64 = 0) -> (Double, Double) {
        let b = block(counter, high)
        return (Philox.unit(b.0, b.1), Philox.unit(b.2, b.3))
    }
}

/// The doubles of ``Philox/uniforms(_:start:)`` one at a time, for draws too many to hold at once.
package struct UniformStream {
    package let philox: Philox
    package let start: UInt64
    package private(set) var produced = 0
    private var pending = 0.0

    package init(_ philox: Philox, start: UInt64) {
        self.philox = philox
        self.start = start
    }

    package mutating func next() -> Double {
        defer { produced += 1 }
        if produced % 2 == 1 { return pending }
        let (first, second) = philox.unitPair(start &+ UInt64(produced / 2))
        pending = second
        return first
    }

    /// The counter blocks read so far.
    package var blocksUsed: UInt64 { Philox.blocks(for: produced) }
}
