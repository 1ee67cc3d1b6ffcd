import RealModule

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), for reproducible test data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64
    /// A generator whose sequence `seed` fixes.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller), for weight initialisation.
    public mutating func nextGaussian() -> Double {
        let u = Swift.max(nextUnit(), 0x1p-53), v = nextUnit()
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
    }
}

