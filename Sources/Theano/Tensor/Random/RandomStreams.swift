import RealModule

/// The distributions a ``RandomStreams`` can draw from.
public enum Distribution: Hashable, Sendable {
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    case binomial(n: Int, p: Double)
    case integers(low: Int, high: Int)
    case choice(count: Int, replace: Bool, p: [Double]?)
    case permutation(n: Int)

    /// The ``RandomStreams`` method that draws it, for messages.
    var name: String {
        switch self {
        case .uniform: return "uniform"
        case .normal: return "normal"
        case .binomial: return "binomial"
        case .integers: return "integers"
        case .choice: return "choice"
        case .permutation: return "permutation"
        }
    }

    /// Parameters a draw cannot start from; the size is checked with the output's allocation.
    func validate() throws {
        switch self {
        case .binomial(let n, let p) where !(n >= 0 && p >= 0 && p <= 1):
            throw OpFailure(.badArgument, "binomial needs n ≥ 0 and 0 ≤ p ≤ 1, got n=\(n), p=\(p)")
        case .integers(let low, let high) where high <= low:
            throw OpFailure(.badArgument, "integers needs low < high, got [\(low), \(high))")
        case .permutation(let n) where n < 0:
            throw OpFailure(.badArgument, "permutation needs n ≥ 0, got \(n)")
        default: return
        }
    }
}

/// One draw from a stream. Inputs: the generator state (int64 [key, counter]). Outputs: the advanced
/// state and the sample. A stateful op: constant folding and merging leave it alone.
public struct RandomDraw: StatefulOp {
    /// What is drawn.
    public let distribution: Distribution
    /// The shape of each draw.
    public let size: [Int]
    /// The element type of each draw.
    public let dtype: DType
    public var description: String { "RandomDraw{\(distribution)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0] == TensorType(.int64, [false]), "random draw: the state must be an int64 vector")
        return [inputs[0], TensorType(dtype, size.map { _ in false })]
    }

    /// The state keeps its shape; the draw has the static size. Neither needs the draw to run.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [inputShapes[0], size.map(SymbolicShape.constant)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let state = inputs[0].scalars(as: Int64.self)
        guard state.count == 2 else { throw OpFailure(.shapeMismatch, input: 0, "random state must hold [key, counter], got \(state.count) values") }
        let key = UInt64(bitPattern: state[0]), counter = UInt64(bitPattern: state[1])
        let philox = Philox(key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
        try distribution.validate()
        let out = try NDArray(checkedUninitialized: size, dtype: dtype, op: distribution.name)
        let count = out.count
        var blocksUsed: UInt64 = 0
        func uniforms(_ n: Int) -> [Double] {
            defer { blocksUsed += Philox.blocks(for: n) }
            return philox.uniforms(n, start: counter &+ blocksUsed)
        }
        /// Writes `value(i)` for every element, converted to the dtype as `astype` would.
        func fill<Source: TensorElement>(_ value: (Int) -> Source) {
            func into<T: TensorElement>(_: T.Type) {
                let p = out.storage.pointer.assumingMemoryBound(to: T.self)
                for i in 0..<count { p[i] = T(converting: value(i)) }
            }
            into(dtype.elementType)
        }
        // The sequence of uniforms is drawn one at a time, so no draw holds more than its output.
        var stream = UniformStream(philox, start: counter)
        switch distribution {
        case .uniform(let low, let high):
            fill { _ in low + (high - low) * stream.next() }
            blocksUsed = stream.blocksUsed
        case .normal(let mean, let std):
            fill { _ -> Double in
                let u = stream.next(), v = stream.next()
                return mean + std * (-2 * Double.log(Swift.max(u, 0x1p-53))).squareRoot() * Double.cos(2 * .pi * v)
            }
            blocksUsed = stream.blocksUsed
        case .binomial(let n, let p) where n <= Binomial.trialLimit:
            fill { _ -> Double in
                var successes = 0
                for _ in 0..<n { if stream.next() < p { successes += 1 } }
                return Double(successes)
            }
            blocksUsed = stream.blocksUsed
        case .binomial(let n, let p):
            fill { Binomial.draw(n: n, p: p, philox: philox, counter: counter &+ UInt64($0)) }
            blocksUsed = UInt64(count)
        case .integers(let low, let high):
            // The width as an unsigned number, so [Int.min, Int.max) does not overflow; u·width < 2⁶⁴.
            let width = UInt64(bitPattern: Int64(high) &- Int64(low))
            fill { _ -> Int64 in
                let offset = Swift.min(UInt64(stream.next() * Double(width)), width - 1)
                return Int64(low) &+ Int64(bitPattern: offset)
            }
            blocksUsed = stream.blocksUsed
        case .choice(let n, let replace, let p):
            let values = try choose(n, count: count, replace: replace, p: p, uniforms: uniforms)
            fill { values[$0] }
        case .permutation(let n):
            let values = permutation(n, uniforms: uniforms)
            fill { Int64(values[$0]) }
        }
        let advanced = NDArray([state[0], Int64(bitPattern: counter &+ blocksUsed)], shape: [2])
        return [advanced, out]
    }

    func permutation(_ n: Int, uniforms: (Int) -> [Double]) -> [Int] {
        var items = Array(0..<n)
        let u = uniforms(n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            items.swapAt(i, Swift.min(Int(u[i] * Double(i + 1)), i))
        }
        return items
    }

    func choose(_ n: Int, count: Int, replace: Bool, p: [Double]?, uniforms: (Int) -> [Double]) throws -> [Double] {
        guard n > 0 else { throw OpFailure(.badArgument, "choice from an empty population") }
        if !replace {
            guard count <= n, p == nil else { throw OpFailure(.badArgument, "choice without replacement needs size ≤ \(n) and no p") }
            return permutation(n, uniforms: uniforms).prefix(count).map(Double.init)
        }
        guard let p else { return uniforms(count).map { Swift.min(($0 * Double(n)).rounded(.down), Double(n - 1)) } }
        guard p.count == n, p.allSatisfy({ $0 >= 0 }), Swift.abs(p.reduce(0, +) - 1) < 1e-8 else {
            throw OpFailure(.badArgument, "choice: p must hold \(n) non-negative probabilities summing to 1")
        }
        var cumulative: [Double] = []
        var total = 0.0
        for q in p { total += q; cumulative.append(total) }
        return uniforms(count).map { u in Double(cumulative.firstIndex { u < $0 } ?? n - 1) }
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [nil]
    }
}

/// Theano's `RandomStreams`: each draw owns a generator state in a shared variable whose default
/// update advances it, so every call gives new numbers, the same seed gives the same sequence, and a
/// variable drawn once has one value everywhere in a call.
public final class RandomStreams: @unchecked Sendable {
    private var generator: SplitMix64
    /// The state of every draw made so far, in order.
    public private(set) var states: [SharedVariable] = []

    /// Streams whose draws `seed` fixes.
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    func draw(_ distribution: Distribution, size: [Int], dtype: DType) -> TensorVariable {
        let key = Int64(bitPattern: generator.next())
        let state = shared(NDArray([key, 0], shape: [2]), name: "rng_state\(states.count)")
        let node = RandomDraw(distribution: distribution, size: size, dtype: dtype).apply([state])
        state.defaultUpdate = node.outputs[0]
        states.append(state)
        let sample = node.outputs[1]
        return sample
    }

    /// Uniform draws in [low, high), of dtype `config.floatX` unless given.
    public func uniform(size: [Int], low: Double = 0, high: Double = 1, dtype: DType? = nil) -> TensorVariable {
        draw(.uniform(low: low, high: high), size: size, dtype: dtype ?? config.floatX)
    }
    /// Normal draws with mean `avg` and standard deviation `std`, of dtype `config.floatX` unless given.
    public func normal(size: [Int], avg: Double = 0, std: Double = 1, dtype: DType? = nil) -> TensorVariable {
        draw(.normal(mean: avg, std: std), size: size, dtype: dtype ?? config.floatX)
    }
    /// Successes in `n` trials of probability `p`: up to 64 trials, the count of `n` uniforms below `p`;
    /// above, an exact or (for variances past 10⁹) normal method with O(1) expected work per draw.
    public func binomial(size: [Int], n: Int = 1, p: Double = 0.5, dtype: DType = .int64) -> TensorVariable {
        draw(.binomial(n: n, p: p), size: size, dtype: dtype)
    }
    /// Integers in `[low, high)`.
    public func integers(size: [Int], low: Int = 0, high: Int, dtype: DType = .int64) -> TensorVariable {
        draw(.integers(low: low, high: high), size: size, dtype: dtype)
    }
    /// Draws from `0..<a`, with or without replacement, optionally with probabilities `p`.
    public func choice(size: [Int], a: Int, replace: Bool = true, p: [Double]? = nil, dtype: DType = .int64) -> TensorVariable {
        draw(.choice(count: a, replace: replace, p: p), size: size, dtype: dtype)
    }
    /// A random ordering of `0..<n`.
    public func permutation(n: Int, dtype: DType = .int64) -> TensorVariable {
        draw(.permutation(n: n), size: [n], dtype: dtype)
    }

    /// Reseeds every stream drawn so far, deterministically from `seed`.
    public func seed(_ seed: UInt64) throws {
        generator = SplitMix64(seed: seed)
        for state in states { try state.setValue(NDArray([Int64(bitPattern: generator.next()), 0], shape: [2])) }
    }
}
