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
    package var name: String {
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
    package func validate() throws {
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
    /// Where the shape of each draw comes from; unless `.fixed`, `size` holds one −1 per dimension.
    public var shapeSource: DrawShape = .fixed
    /// The distribution's parameters are tensor inputs after the state (and the size), in the order of
    /// the case's fields (uniform: low, high; normal: mean, std; binomial: n, p; integers: low, high),
    /// each broadcast to the draw's shape; the case's own values are then unused.
    public var parametersAreInputs = false
    public var description: String {
        if shapeSource == .fixed && !parametersAreInputs { return "RandomDraw{\(distribution)}" }
        return "RandomDraw{\(distribution.name)\(parametersAreInputs ? ", symbolic parameters" : "")\(shapeSource == .fixed ? "" : ", \(shapeSource) shape")}"
    }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0] == TensorType(.int64, [false]), "random draw: the state must be an int64 vector")
        if shapeSource == .input { precondition(inputs[1].dtype.isDiscrete && inputs[1].ndim == 1, "random draw: the size must be an integer vector, got \(inputs[1])") }
        return [inputs[0], TensorType(dtype, size.map { _ in false })]
    }

    /// The state keeps its shape; a draw of fixed size has it statically. Neither needs the draw to run.
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        shapeSource == .fixed ? [inputShapes[0], size.map(SymbolicShape.constant)] : nil
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        if shapeSource != .fixed || parametersAreInputs { return try performSymbolic(inputs) }
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

    package func permutation(_ n: Int, uniforms: (Int) -> [Double]) -> [Int] {
        var items = Array(0..<n)
        let u = uniforms(n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            items.swapAt(i, Swift.min(Int(u[i] * Double(i + 1)), i))
        }
        return items
    }

    package func choose(_ n: Int, count: Int, replace: Bool, p: [Double]?, uniforms: (Int) -> [Double]) throws -> [Double] {
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
        inputs.map { _ in nil }
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

    package func draw(_ distribution: Distribution, size: [Int], dtype: DType) -> TensorVariable {
        draw(RandomDraw(distribution: distribution, size: size, dtype: dtype), extraInputs: [])
    }

    package func draw(_ op: RandomDraw, extraInputs: [TensorVariable]) -> TensorVariable {
        let key = Int64(bitPattern: generator.next())
        let state = shared(NDArray([key, 0], shape: [2]), name: "rng_state\(states.count)")
        let node = op.apply([state] + extraInputs)
        state.defaultUpdate = node.outputs[0]
        states.append(state)
        // A draw made inside a scan step advances at every step of the loop.
        StepDrawLog.current?.states.append(state)
        let sample = node.outputs[1]
        return sample
    }

    /// Each draw's generator state and the update that advances it, in the order drawn (Theano's
    /// `state_updates`): copying the states of one `RandomStreams` into another's makes them draw alike.
    public var stateUpdates: [(SharedVariable, TensorVariable)] { states.map { ($0, $0.defaultUpdate ?? $0) } }

    /// Uniform draws in [low, high), of dtype `config.floatX` unless given. `low` and `high` may be
    /// tensors (broadcast to `size`), so a draw's bounds can be graph variables.
    public func uniform(size: [Int], low: any TensorConvertible = 0.0, high: any TensorConvertible = 1.0, dtype: DType? = nil) -> TensorVariable {
        draw(size: .fixed(size), [low, high], dtype: dtype ?? config.floatX) { .uniform(low: $0[0].double, high: $0[1].double) }
    }
    /// Uniform draws whose shape is a graph variable (`size: x.shape`), or, with no size, the shape of
    /// the parameters broadcast together. `ndim` is needed only when the length of `size` cannot be read
    /// from the graph.
    public func uniform(size: TensorVariable? = nil, low: any TensorConvertible = 0.0, high: any TensorConvertible = 1.0,
                        ndim: Int? = nil, dtype: DType? = nil) -> TensorVariable {
        draw(size: .symbolic(size, ndim), [low, high], dtype: dtype ?? config.floatX) { .uniform(low: $0[0].double, high: $0[1].double) }
    }
    /// Normal draws with mean `avg` and standard deviation `std` (numbers or tensors), of dtype
    /// `config.floatX` unless given.
    public func normal(size: [Int], avg: any TensorConvertible = 0.0, std: any TensorConvertible = 1.0, dtype: DType? = nil) -> TensorVariable {
        draw(size: .fixed(size), [avg, std], dtype: dtype ?? config.floatX) { .normal(mean: $0[0].double, std: $0[1].double) }
    }
    /// Normal draws whose shape is a graph variable, or that of the parameters.
    public func normal(size: TensorVariable? = nil, avg: any TensorConvertible = 0.0, std: any TensorConvertible = 1.0,
                       ndim: Int? = nil, dtype: DType? = nil) -> TensorVariable {
        draw(size: .symbolic(size, ndim), [avg, std], dtype: dtype ?? config.floatX) { .normal(mean: $0[0].double, std: $0[1].double) }
    }
    /// Successes in `n` trials of probability `p` (numbers or tensors): up to 64 trials, the count of
    /// `n` uniforms below `p`; above, an exact or (for variances past 10⁹) normal method with O(1)
    /// expected work per draw.
    public func binomial(size: [Int], n: any TensorConvertible = 1, p: any TensorConvertible = 0.5, dtype: DType = .int64) -> TensorVariable {
        draw(size: .fixed(size), [n, p], dtype: dtype) { c in c[0].exactInt.map { .binomial(n: $0, p: c[1].double) } }
    }
    /// Binomial draws whose shape is a graph variable (`size: hmean.shape`), or that of the parameters.
    public func binomial(size: TensorVariable? = nil, n: any TensorConvertible = 1, p: any TensorConvertible = 0.5,
                         ndim: Int? = nil, dtype: DType = .int64) -> TensorVariable {
        draw(size: .symbolic(size, ndim), [n, p], dtype: dtype) { c in c[0].exactInt.map { .binomial(n: $0, p: c[1].double) } }
    }
    /// Integers in `[low, high)`.
    public func integers(size: [Int], low: any TensorConvertible = 0, high: any TensorConvertible, dtype: DType = .int64) -> TensorVariable {
        draw(size: .fixed(size), [low, high], dtype: dtype) { c in
            guard let low = c[0].exactInt, let high = c[1].exactInt else { return nil }
            return .integers(low: low, high: high)
        }
    }
    /// Integers in `[low, high)`, in a shape that is a graph variable, or that of the bounds.
    public func integers(size: TensorVariable? = nil, low: any TensorConvertible = 0, high: any TensorConvertible,
                         ndim: Int? = nil, dtype: DType = .int64) -> TensorVariable {
        draw(size: .symbolic(size, ndim), [low, high], dtype: dtype) { c in
            guard let low = c[0].exactInt, let high = c[1].exactInt else { return nil }
            return .integers(low: low, high: high)
        }
    }
    /// Draws from `0..<a`, with or without replacement, optionally with probabilities `p`.
    public func choice(size: [Int], a: Int, replace: Bool = true, p: [Double]? = nil, dtype: DType = .int64) -> TensorVariable {
        draw(.choice(count: a, replace: replace, p: p), size: size, dtype: dtype)
    }
    /// Draws from `0..<a` in a shape that is a graph variable (`size: x.shape`, `size: stack([k])`).
    /// With the same state it gives the numbers of the fixed-size draw of that shape.
    public func choice(size: TensorVariable, a: Int, replace: Bool = true, p: [Double]? = nil, ndim: Int? = nil,
                       dtype: DType = .int64) -> TensorVariable {
        draw(size: .symbolic(size, ndim), [], dtype: dtype) { _ in .choice(count: a, replace: replace, p: p) }
    }
    /// A random ordering of `0..<n`.
    public func permutation(n: Int, dtype: DType = .int64) -> TensorVariable {
        draw(.permutation(n: n), size: [n], dtype: dtype)
    }
    /// Theano's `permutation(size, n)`: orderings of `0..<n`, one for each position of `size`, in an
    /// array of shape `size + [n]`; `n` (an integer scalar, `x.shape[0]`) and `size` may be graph
    /// variables. Without `size`, one ordering, of the numbers `permutation(n:)` gives.
    public func permutation(size: TensorVariable? = nil, n: any TensorConvertible, ndim: Int? = nil, dtype: DType = .int64) -> TensorVariable {
        let length = n.asTensor()
        precondition(length.ndim == 0 && length.dtype.isDiscrete, "permutation: n must be an integer scalar, got \(length.type)")
        if size == nil, let constant = length as? TensorConstant { return permutation(n: Int(constant.value.item(as: Int64.self)), dtype: dtype) }
        let lengthVector = cast(length, .int64).dimshuffle(nil)
        guard let size else { return draw(size: .symbolic(lengthVector, 1), [], dtype: dtype) { _ in .permutation(n: 0) } }
        guard let rank = ndim ?? RandomDraw.vectorLength(size) else {
            preconditionFailure("permutation: the length of size \(pp(size)) cannot be read from the graph; pass ndim:")
        }
        precondition(size.ndim == 1 && size.dtype.isDiscrete, "permutation: size must be an integer vector, got \(size.type)")
        return draw(size: .symbolic(concatenate([cast(size, .int64), lengthVector], axis: 0), rank + 1), [], dtype: dtype) { _ in .permutation(n: 0) }
    }

    package enum SizeRequest { case fixed([Int]), symbolic(TensorVariable?, Int?) }

    /// A draw whose size or parameters may be graph variables. Constant scalars keep the plain draw
    /// (the numbers the streams always gave); a constant size is a fixed one. `make` builds the plain
    /// distribution from the constants, or returns nil when they do not fit it (a fractional n).
    package func draw(size request: SizeRequest, _ parameters: [any TensorConvertible], dtype: DType,
              _ make: ([TensorConstant]) -> Distribution?) -> TensorVariable {
        let params = parameters.map { $0.asTensor() }
        let constants = params.compactMap { v -> TensorConstant? in
            guard let c = v as? TensorConstant, c.ndim == 0 else { return nil }
            return c
        }
        var size: [Int]?
        var sizeInput: TensorVariable?
        var ndim = 0
        switch request {
        case .fixed(let fixed): size = fixed
        case .symbolic(let given?, _) where given is TensorConstant: size = (given as! TensorConstant).value.scalars(as: Int64.self).map { Int($0) }
        case .symbolic(let given?, let rank):
            guard let length = rank ?? RandomDraw.vectorLength(given) else {
                preconditionFailure("random draw: the length of size \(pp(given)) cannot be read from the graph; pass ndim:")
            }
            precondition(given.ndim == 1 && given.dtype.isDiscrete, "random draw: size must be an integer vector, got \(given.type)")
            sizeInput = given.dtype == .int64 ? given : cast(given, .int64)
            ndim = length
        case .symbolic(nil, _): ndim = params.map(\.ndim).max() ?? 0
        }
        let plain = constants.count == params.count ? make(constants) : nil
        // With symbolic parameters the case's own values are placeholders.
        let placeholder = make(params.map { _ in TensorConstant(NDArray(scalar: Int64(0))) })!
        var op = RandomDraw(distribution: plain ?? placeholder, size: size ?? Array(repeating: -1, count: ndim), dtype: dtype)
        if size == nil { op.shapeSource = sizeInput == nil ? .parameters : .input }
        if plain != nil && size != nil { return draw(op, extraInputs: []) }
        op.parametersAreInputs = !params.isEmpty
        return draw(op, extraInputs: (sizeInput.map { [$0] } ?? []) + params)
    }

    /// Reseeds every stream drawn so far, deterministically from `seed`.
    public func seed(_ seed: UInt64) throws {
        generator = SplitMix64(seed: seed)
        for state in states { try state.setValue(NDArray([Int64(bitPattern: generator.next()), 0], shape: [2])) }
    }
}

/// Where a ``RandomDraw`` takes its shape from.
public enum DrawShape: Hashable, Sendable {
    /// The op's `size`.
    case fixed
    /// An int64 vector input after the state.
    case input
    /// The parameters' shapes broadcast together.
    case parameters
}

extension RandomDraw {
    /// The parameters' names, for messages, in the order of the inputs.
    package var parameterNames: [String] {
        switch distribution {
        case .uniform, .integers: return ["low", "high"]
        case .normal: return ["avg", "std"]
        case .binomial: return ["n", "p"]
        case .choice, .permutation: return []
        }
    }

    /// The length of an integer vector known from the graph: a constant, a `shape`, a stack of scalars.
    package static func vectorLength(_ v: TensorVariable) -> Int? {
        if let c = v as? TensorConstant { return c.value.count }
        guard let owner = v.owner else { return v.broadcastable == [true] ? 1 : nil }
        if owner.op is ShapeOp { return owner.inputs[0].ndim }
        if let join = owner.op as? Join, join.axis == 0 {
            let lengths = owner.inputs.map { $0.broadcastable == [true] ? 1 : vectorLength($0) }
            return lengths.contains(nil) ? nil : lengths.reduce(0) { $0 + $1! }
        }
        if let elemwise = owner.op as? Elemwise, case .cast = elemwise.scalarOp { return vectorLength(owner.inputs[0]) }
        return v.broadcastable == [true] ? 1 : nil
    }

    /// A draw whose shape or parameters are inputs: each parameter is broadcast to the draw's shape and
    /// read per element.
    package func performSymbolic(_ inputs: [NDArray]) throws -> [NDArray] {
        let state = inputs[0].scalars(as: Int64.self)
        guard state.count == 2 else { throw OpFailure(.shapeMismatch, input: 0, "random state must hold [key, counter], got \(state.count) values") }
        let key = UInt64(bitPattern: state[0]), counter = UInt64(bitPattern: state[1])
        let philox = Philox(key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
        let name = distribution.name
        var first = 1
        var shape = size
        if shapeSource == .input {
            let given = inputs[1]
            guard given.count == size.count else {
                throw OpFailure(.shapeMismatch, input: 1, "\(name): size has \(given.count) entries, but the draw has \(size.count) dimensions")
            }
            shape = given.scalars(as: Int64.self).map { Int(clamping: $0) }
            first = 2
        }
        let params: [NDArray]
        if parametersAreInputs {
            params = Array(inputs[first...])
        } else {
            try distribution.validate()
            switch distribution {
            case .uniform(let low, let high): params = [NDArray(scalar: low), NDArray(scalar: high)]
            case .normal(let mean, let std): params = [NDArray(scalar: mean), NDArray(scalar: std)]
            case .binomial(let n, let p): params = [NDArray(scalar: Double(n)), NDArray(scalar: p)]
            case .integers(let low, let high): params = [NDArray(scalar: Double(low)), NDArray(scalar: Double(high))]
            case .choice, .permutation: params = []
            }
        }
        if shapeSource == .parameters {
            shape = Array(repeating: 1, count: size.count)
            for (j, p) in params.enumerated() {
                let pad = shape.count - p.ndim
                for (d, extent) in p.shape.enumerated() where extent != 1 {
                    guard shape[pad + d] == 1 || shape[pad + d] == extent else {
                        throw OpFailure(.shapeMismatch, input: first + j, "\(name): parameter \(parameterNames[j]) has shape \(p.shape), which does not broadcast with the other parameters (shape so far \(shape))")
                    }
                    shape[pad + d] = extent
                }
            }
        }
        if case .permutation = distribution, let n = shape.last, n < 0 {
            throw OpFailure(.badArgument, input: 1, "permutation needs n ≥ 0, got \(n)")
        }
        let out = try NDArray(checkedUninitialized: shape, dtype: dtype, op: name)
        let count = out.count
        var values: [[Double]] = []
        for (j, p) in params.enumerated() {
            let pad = shape.count - p.ndim
            guard pad >= 0, p.shape.enumerated().allSatisfy({ $0.element == 1 || $0.element == shape[pad + $0.offset] }) else {
                throw OpFailure(.shapeMismatch, input: first + j, "\(name): parameter \(parameterNames[j]) has shape \(p.shape), which does not broadcast to the draw's shape \(shape)")
            }
            values.append(p.astype(.float64).broadcast(to: shape).contiguous().doubles)
        }
        func invalid(_ i: Int, _ rule: String) -> OpFailure {
            let given = zip(parameterNames, values).map { "\($0)=\(Self.format($1[i]))" }.joined(separator: ", ")
            return OpFailure(.badArgument, input: parametersAreInputs ? first : nil, "\(name) needs \(rule), got \(given) at element \(i)")
        }
        var stream = UniformStream(philox, start: counter)
        var blocksUsed: UInt64 = 0
        var result = [Double](repeating: 0, count: count)
        var integers: [Int64]?
        switch distribution {
        case .uniform:
            for i in 0..<count { result[i] = values[0][i] + (values[1][i] - values[0][i]) * stream.next() }
            blocksUsed = stream.blocksUsed
        case .normal:
            for i in 0..<count {
                let u = stream.next(), v = stream.next()
                result[i] = values[0][i] + values[1][i] * (-2 * Double.log(Swift.max(u, 0x1p-53))).squareRoot() * Double.cos(2 * .pi * v)
            }
            blocksUsed = stream.blocksUsed
        case .binomial:
            // Up to 64 trials from the stream, in order; then each larger draw from its own counter block
            // past the ones the stream read.
            var large: [Int] = []
            for i in 0..<count {
                let n = values[0][i], p = values[1][i]
                guard n >= 0, n == n.rounded(), n < 0x1p63, p >= 0, p <= 1 else { throw invalid(i, "an integer n ≥ 0 and 0 ≤ p ≤ 1") }
                if n > Double(Binomial.trialLimit) { large.append(i); continue }
                var successes = 0
                for _ in 0..<Int(n) where stream.next() < p { successes += 1 }
                result[i] = Double(successes)
            }
            blocksUsed = stream.blocksUsed
            for (j, i) in large.enumerated() {
                result[i] = Binomial.draw(n: Int(values[0][i]), p: values[1][i], philox: philox, counter: counter &+ blocksUsed &+ UInt64(j))
            }
            blocksUsed &+= UInt64(large.count)
        case .integers:
            var drawn = [Int64](repeating: 0, count: count)
            for i in 0..<count {
                let low = values[0][i], high = values[1][i]
                guard low == low.rounded(), high == high.rounded(), high > low, low >= -0x1p63, high <= 0x1p63 else { throw invalid(i, "integer bounds low < high") }
                // low < high ≤ 2⁶³, so low is an Int64; high may be 2⁶³ itself.
                let lowInt = Int64(low)
                let span = high == 0x1p63 ? UInt64(bitPattern: Int64.max &- lowInt) : UInt64(bitPattern: Int64(high) &- lowInt) &- 1
                let offset = Swift.min(UInt64(Swift.min(stream.next() * (Double(span) + 1), 0x1.fffffffffffffp63)), span)
                drawn[i] = lowInt &+ Int64(bitPattern: offset)
            }
            integers = drawn
            blocksUsed = stream.blocksUsed
        case .choice(let n, let replace, let p):
            // The uniforms the fixed-size draw reads, so a symbolic size gives the same numbers.
            func uniforms(_ k: Int) -> [Double] {
                defer { blocksUsed += Philox.blocks(for: k) }
                return philox.uniforms(k, start: counter &+ blocksUsed)
            }
            result = try choose(n, count: count, replace: replace, p: p, uniforms: uniforms)
        case .permutation:
            // The last dimension is n; one permutation for each position of the others.
            let n = shape.last ?? 0
            func uniforms(_ k: Int) -> [Double] {
                defer { blocksUsed += Philox.blocks(for: k) }
                return philox.uniforms(k, start: counter &+ blocksUsed)
            }
            var drawn: [Int64] = []
            drawn.reserveCapacity(count)
            for _ in 0..<(n == 0 ? 0 : count / n) { drawn += permutation(n, uniforms: uniforms).map(Int64.init) }
            integers = drawn
        }
        let sample = integers.map { NDArray($0, shape: shape) } ?? NDArray(result, shape: shape)
        let advanced = NDArray([state[0], Int64(bitPattern: counter &+ blocksUsed)], shape: [2])
        return [advanced, sample.astype(dtype)]
    }

    package static func format(_ x: Double) -> String { x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }
}

extension TensorConstant {
    /// The scalar's value as a double.
    package var double: Double { value.item(as: Double.self) }
    /// The scalar's value as an integer, when it is one exactly.
    package var exactInt: Int? { dtype.isDiscrete ? Int(value.item(as: Int64.self)) : Int(exactly: value.item(as: Double.self)) }
}

extension TensorVariable {
    /// The generator state of the random draw that computes this variable (Theano's `rv.rng`): a
    /// shared variable of its own, so one stream can be seeded, saved or restored alone. Nil for a
    /// variable no random draw computes.
    public var rng: SharedVariable? {
        guard let owner, owner.op is RandomDraw else { return nil }
        return owner.inputs[0] as? SharedVariable
    }
}

extension SharedVariable {
    /// Reseeds the random stream whose generator state this is (`rv.rng!.seed(89234)`, Theano's
    /// `rng.seed`): the same seed gives the same numbers. Throws for a shared variable that is not a
    /// random state.
    public func seed(_ seed: UInt64) throws {
        guard type == TensorType(.int64, [false]), getValue().count == 2 else {
            throw TheanoError(.badArgument, "seed: \(name ?? "this shared variable") (\(type), \(getValue().count) values) is not a random generator state; seed the rng of a random variable")
        }
        var generator = SplitMix64(seed: seed)
        try setValue(NDArray([Int64(bitPattern: generator.next()), 0], shape: [2]))
    }
}
