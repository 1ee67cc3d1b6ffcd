import RealModule

/// The distributions a ``RandomStreams`` can draw from.
public enum Distribution: Hashable, Sendable {
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    case binomial(n: Int, p: Double)
    case integers(low: Int, high: Int)
    case choice(count: Int, replace: Bool, p: [Double]?)
    case permutation(n: Int)
}

/// One draw from a stream. Inputs: the generator state (int64 [key, counter]). Outputs: the advanced
/// state and the sample. A stateful op: constant folding and merging leave it alone.
public struct RandomDraw: StatefulOp {
    public let distribution: Distribution
    public let size: [Int]
    public let dtype: DType
    public var description: String { "RandomDraw{\(distribution)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0] == TensorType(.int64, [false]), "random draw: the state must be an int64 vector")
        return [inputs[0], TensorType(dtype, size.map { _ in false })]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let state = inputs[0].scalars(as: Int64.self)
        guard state.count == 2 else { throw OpFailure(.shapeMismatch, input: 0, "random state must hold [key, counter], got \(state.count) values") }
        let key = UInt64(bitPattern: state[0]), counter = UInt64(bitPattern: state[1])
        let philox = Philox(key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
        let count = size.reduce(1, *)
        var blocksUsed: UInt64 = 0
        func uniforms(_ n: Int) -> [Double] {
            defer { blocksUsed += Philox.blocks(for: n) }
            return philox.uniforms(n, start: counter &+ blocksUsed)
        }
        let values: [Double]
        switch distribution {
        case .uniform(let low, let high): values = uniforms(count).map { low + (high - low) * $0 }
        case .normal(let mean, let std):
            let u = uniforms(2 * count)
            values = (0..<count).map { i in
                let r = (-2 * Double.log(Swift.max(u[2 * i], 0x1p-53))).squareRoot()
                return mean + std * r * Double.cos(2 * .pi * u[2 * i + 1])
            }
        case .binomial(let n, let p):
            guard n >= 0, p >= 0, p <= 1 else { throw OpFailure(.badArgument, "binomial needs n ≥ 0 and 0 ≤ p ≤ 1, got n=\(n), p=\(p)") }
            let u = uniforms(count * n)
            values = (0..<count).map { i in Double((0..<n).filter { u[i * n + $0] < p }.count) }
        case .integers(let low, let high):
            guard high > low else { throw OpFailure(.badArgument, "integers needs low < high, got [\(low), \(high))") }
            values = uniforms(count).map { Double(low) + Swift.min(($0 * Double(high - low)).rounded(.down), Double(high - low - 1)) }
        case .choice(let n, let replace, let p):
            values = try choose(n, count: count, replace: replace, p: p, uniforms: uniforms)
        case .permutation(let n):
            values = permutation(n, uniforms: uniforms).map(Double.init)
        }
        let advanced = NDArray([state[0], Int64(bitPattern: counter &+ blocksUsed)], shape: [2])
        return [advanced, NDArray(values, shape: size).astype(dtype)]
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

    public func uniform(size: [Int], low: Double = 0, high: Double = 1, dtype: DType? = nil) -> TensorVariable {
        draw(.uniform(low: low, high: high), size: size, dtype: dtype ?? config.floatX)
    }
    public func normal(size: [Int], avg: Double = 0, std: Double = 1, dtype: DType? = nil) -> TensorVariable {
        draw(.normal(mean: avg, std: std), size: size, dtype: dtype ?? config.floatX)
    }
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
