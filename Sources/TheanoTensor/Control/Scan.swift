/// A recurrent output of `scan`: its initial state and which past steps the step function reads.
public struct ScanOutput {
    /// The state before the first step.
    public let initial: TensorVariable
    /// Negative offsets: `[-1]` reads the previous state; `[-2, -1]` the two before. With more than one
    /// tap (or a tap other than -1), `initial` holds `max(-taps)` states stacked along a new first axis.
    public let taps: [Int]

    /// A recurrent output starting at `initial`, reading the past states at `taps` (−1 is the previous step).
    public init(initial: some TensorConvertible, taps: [Int] = [-1]) {
        precondition(!taps.isEmpty && taps.allSatisfy { $0 < 0 }, "scan: output taps must be negative, got \(taps)")
        self.initial = initial.asTensor()
        self.taps = taps.sorted()
    }

    package var depth: Int { -taps[0] }
    package var stateType: TensorType {
        depth == 1 && taps == [-1] ? initial.type : TensorType(initial.dtype, Array(initial.broadcastable.dropFirst()))
    }
}

/// The loop: runs an inner graph once per step over sequences, carrying recurrent state.
/// Inputs: nSteps, sequences, initial states, non-sequences, free variables.
/// Outputs: one stacked tensor per step output (recurrent outputs exclude their initial states).
public struct Scan: SubgraphOp {
    package let box: InnerGraphBox
    package let sequenceCount: Int
    /// Taps of each step output; empty for map-like outputs.
    package let outputTaps: [[Int]]
    package let goBackwards: Bool
    package let truncateGradient: Int
    /// The step returns one more output, a boolean scalar: the loop stops after the first step where it
    /// is true (Theano's `until`), so the outputs may hold fewer than nSteps rows.
    package var hasUntil = false
    /// Outputs of which only the final step is kept (set by the `scan_save_mem` rewrite when the only
    /// reader takes `[-1]`): they come out with a leading axis of length 1 instead of nSteps.
    package var lastStepOnly: Set<Int> = []

    package var inner: InnerGraph { box.graph }
    package var innerGraphs: [InnerGraph] { [box.graph] }
    package var recurrentIndices: [Int] { outputTaps.indices.filter { !outputTaps[$0].isEmpty } }

    public var description: String { "Scan{\(outputTaps.count) outputs\(goBackwards ? ", backwards" : "")\(hasUntil ? ", until" : "")}" }

    public static func == (a: Scan, b: Scan) -> Bool { a.box == b.box && a.lastStepOnly == b.lastStepOnly }
    public func hash(into h: inout Hasher) { h.combine(box); h.combine(lastStepOnly) }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        inner.outputs.prefix(outputTaps.count).map { TensorType($0.dtype, [false] + $0.broadcastable) }
    }

    package func perform(_ inputs: [NDArray], subgraphs: [any Program]) throws -> [NDArray] {
        let steps = Int(inputs[0].item(as: Int64.self))
        let sequences = Array(inputs[1..<(1 + sequenceCount)])
        let recurrent = recurrentIndices
        let initials = Array(inputs[(1 + sequenceCount)..<(1 + sequenceCount + recurrent.count)])
        let rest = Array(inputs[(1 + sequenceCount + recurrent.count)...])
        for (i, s) in sequences.enumerated() where s.ndim == 0 || s.shape[0] < steps {
            throw OpFailure(.shapeMismatch, input: 1 + i, "scan: sequence \(i) has \(s.ndim == 0 ? 0 : s.shape[0]) steps, \(steps) needed")
        }
        guard steps >= 0 else {
            throw OpFailure(.badArgument, input: 0, "scan: nSteps is negative (\(steps)); without nSteps, a sequence shorter than the span of its taps gives this")
        }
        // An output with taps other than [-1] stacks its initial states on a first axis, one per step back.
        for (r, k) in recurrent.enumerated() where outputTaps[k] != [-1] {
            let depth = -outputTaps[k][0], given = initials[r].ndim == 0 ? 0 : initials[r].shape[0]
            guard given >= depth else {
                throw OpFailure(.shapeMismatch, input: 1 + sequenceCount + r,
                                "scan: output \(k) reads taps \(outputTaps[k]), so its initial state needs \(depth) steps on its first axis, but it has \(given) (shape \(initials[r].shape))")
            }
        }
        // History of each recurrent output: its initial states, then one row per step.
        var history: [[NDArray]] = zip(recurrent, initials).map { k, initial in
            let taps = outputTaps[k]
            if taps == [-1] { return [initial] }
            let depth = -taps[0]
            return (0..<depth).map { initial.sliced([(start: $0, count: 1, step: 1)], dropping: [0]) }
        }
        var collected = [[NDArray]](repeating: [], count: outputTaps.count)
        let rows = sequences.map(RowViews.init)
        loop: for t in 0..<steps {
            let index = goBackwards ? steps - 1 - t : t
            var args = rows.map { $0[index] }
            for (r, k) in recurrent.enumerated() {
                for tap in outputTaps[k] { args.append(history[r][history[r].count + tap]) }
            }
            let results = try subgraphs[0].run(args + rest)
            for (k, value) in results.prefix(outputTaps.count).enumerated() {
                if lastStepOnly.contains(k) { collected[k] = [value] } else { collected[k].append(value) }
                if let r = recurrent.firstIndex(of: k) {
                    guard value.shape == history[r].last!.shape else {
                        throw OpFailure(.shapeMismatch, "scan: step \(t) gave output \(k) the shape \(value.shape), but its state has shape \(history[r].last!.shape)")
                    }
                    history[r].append(value)
                    // Only the deepest tap's worth of states is ever read again.
                    if history[r].count > 2 * -outputTaps[k][0] { history[r].removeFirst(history[r].count + outputTaps[k][0]) }
                }
            }
            if hasUntil, let condition = results.last {
                guard condition.count == 1 else {
                    throw OpFailure(.shapeMismatch, "scan: step \(t) gave its until condition the shape \(condition.shape); it must be a scalar")
                }
                if condition.item(as: Double.self) != 0 { break loop }
            }
        }
        return try collected.enumerated().map { k, values in
            let type = inner.outputs[k]
            if values.isEmpty { return NDArray(zeros: [0] + (recurrentShape(k, initials) ?? Array(repeating: 0, count: type.ndim)), dtype: type.dtype) }
            return try ScanStacking.stack(values, dtype: type.dtype)
        }
    }

    package func recurrentShape(_ k: Int, _ initials: [NDArray]) -> [Int]? {
        guard let r = recurrentIndices.firstIndex(of: k) else { return nil }
        return outputTaps[k] == [-1] ? initials[r].shape : Array(initials[r].shape.dropFirst())
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        try ScanGradient.grad(self, inputs, outputs, outputGrads)
    }
}

/// Views of a sequence's time steps that share one shape and stride table, so a step's slice costs
/// no allocation.
package struct RowViews {
    package let array: NDArray
    package let shape: [Int]
    package let strides: [Int]
    package init(_ array: NDArray) {
        self.array = array
        shape = Array(array.shape.dropFirst())
        strides = Array(array.strides.dropFirst())
    }
    package subscript(_ t: Int) -> NDArray {
        NDArray(storage: array.storage, dtype: array.dtype, shape: shape, strides: strides, offset: array.offset + t * array.strides[0])
    }
}

package enum ScanStacking {
    package static func stack(_ values: [NDArray], dtype: DType) throws -> NDArray {
        let shape = values[0].shape
        let out = NDArray(uninitialized: [values.count] + shape, dtype: dtype)
        let stride = shape.reduce(1, *)
        for (t, v) in values.enumerated() {
            guard v.shape == shape else { throw OpFailure(.shapeMismatch, "scan: step \(t) gave shape \(v.shape), earlier steps \(shape)") }
            let c = v.astype(dtype).contiguous()
            (out.storage.pointer + t * stride * dtype.itemSize).copyMemory(from: c.baseAddress, byteCount: stride * dtype.itemSize)
        }
        return out
    }
}

/// One sequence of `scan` and the time offsets its step reads (Theano's `dict(input=u, taps=[-4, 0])`).
/// With taps `[-4, 0]` step t reads `u[t - 4]` and `u[t]`: the first step reads rows 0 and 4, so the loop
/// runs `len(u) - 4` times. The step receives one slice per tap, in increasing order of tap.
public struct ScanSequence: ScanSequenceConvertible {
    /// The tensor scanned over its first axis.
    public let input: TensorVariable
    /// The offsets read at each step, sorted: 0 is the current row, −1 the one before, 1 the one after.
    public let taps: [Int]

    /// A sequence read at `taps` (the current row alone unless given).
    public init(_ input: TensorVariable, taps: [Int] = [0]) {
        precondition(input.ndim >= 1, "scan: a sequence needs a leading time axis, got \(input.type)")
        precondition(!taps.isEmpty && Set(taps).count == taps.count, "scan: sequence taps must be distinct and not empty, got \(taps)")
        self.input = input
        self.taps = taps.sorted()
    }

    public var scanSequence: ScanSequence { self }
}

/// What `scan` accepts as a sequence: a tensor (read at tap 0) or a ``ScanSequence`` with taps.
public protocol ScanSequenceConvertible {
    /// The sequence with its taps.
    var scanSequence: ScanSequence { get }
}

extension TensorVariable: ScanSequenceConvertible {
    /// This tensor as a `scan` sequence read at tap 0.
    public var scanSequence: ScanSequence { ScanSequence(self) }
}

/// What a step of `scan` returns: its outputs, the new values of shared variables (Theano's updates
/// dictionary), and a condition that ends the loop after the step where it is true (Theano's `until`).
public struct ScanStep {
    /// One value per output of the loop.
    public var outputs: [TensorVariable]
    /// Each shared variable and its value after this step, in terms of its value before it (the
    /// variable itself stands for that value inside the step).
    public var updates: [(SharedVariable, TensorVariable)]
    /// A boolean scalar: when true after a step, the loop stops there (that step's outputs are kept).
    public var until: TensorVariable?

    /// A step returning `outputs`, the `updates` of shared variables, and an `until` condition.
    public init(_ outputs: [TensorVariable] = [], updates: [(SharedVariable, TensorVariable)] = [], until: TensorVariable? = nil) {
        self.outputs = outputs
        self.updates = updates
        self.until = until
    }
}

/// The random-stream states created while a step function runs: draws made inside a step advance at
/// every step, draws made outside keep their one value per call.
package final class StepDrawLog: @unchecked Sendable {
    package var states: [SharedVariable] = []
    @TaskLocal package static var current: StepDrawLog?
}

/// Theano's `scan`. `fn` receives, in order: one slice of each sequence (one per tap), the tapped past
/// states of each recurrent output, and the non-sequences themselves (so a `grad` inside the step can
/// differentiate with respect to them; they are replaced by the loop's copies afterwards). It returns one
/// value per output, and may return updates of shared variables and an `until` condition (see
/// ``ScanStep``). `outputsInfo` has one entry per output: a ``ScanOutput`` for a recurrent one, nil for a
/// map-like one. Without `nSteps` the loop runs over the shortest sequence. With `strict`, a step that
/// reads a variable it was not given (other than the shared variables it updates) is an error.
///
/// Returns the stacked outputs, one row per step, and the updates to pass to `function`: each shared
/// variable the step updates, with its value after the last step. The random streams drawn inside the
/// step are among them; their default updates are set to the same values, so a function that is not
/// given the updates still advances them. As in Theano, a variable drawn outside the step and read
/// inside it is drawn again at every step (its stream is among the updates too); pass it in
/// `nonSequences` to use one draw in every step.
public func scan(_ fn: ([TensorVariable]) throws -> ScanStep, sequences: [any ScanSequenceConvertible] = [],
                 outputsInfo: [ScanOutput?] = [], nonSequences: [TensorVariable] = [], nSteps: (any TensorConvertible)? = nil,
                 goBackwards: Bool = false, truncateGradient: Int = -1, strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    var specs = sequences.map(\.scanSequence)
    var backwards = goBackwards
    if goBackwards && specs.contains(where: { $0.taps != [0] }) {
        // As in Theano: the sequences are reversed first, and the taps read the reversed order.
        specs = specs.map { ScanSequence($0.input[.slice(nil, nil, -1)], taps: $0.taps) }
        backwards = false
    }
    // Each tap becomes one plain sequence: tap k of taps starting at `first` starts at row k - first, so
    // step t reads row t + k - first.
    var plain: [TensorVariable] = []
    for spec in specs {
        let first = spec.taps[0]
        for tap in spec.taps {
            let slice = tap == first ? spec.input : spec.input[.slice(tap - first, nil)]
            if slice !== spec.input { slice.name = spec.input.name.map { "\($0)[\(tap - first):]" } }
            plain.append(slice)
        }
    }
    let sequenceSlots = zip(specs.flatMap { spec in spec.taps.map { (spec, $0) } }, plain).map { pair, s -> TensorVariable in
        let (spec, tap) = pair
        let label = tap == 0 ? "[t]" : tap < 0 ? "[t\(tap)]" : "[t+\(tap)]"
        return TensorVariable(type: TensorType(s.dtype, Array(s.broadcastable.dropFirst())), name: spec.input.name.map { "\($0)\(label)" })
    }
    var stateSlots: [TensorVariable] = []
    for info in outputsInfo.compactMap({ $0 }) {
        for tap in info.taps { stateSlots.append(TensorVariable(type: info.stateType, name: info.initial.name.map { "\($0)[t\(tap)]" })) }
    }
    let log = StepDrawLog()
    let step = try StepDrawLog.$current.withValue(log) { try fn(sequenceSlots + stateSlots + nonSequences) }
    // A scan inside this step carries its streams through its own loop; this loop carries them too.
    StepDrawLog.current?.states.append(contentsOf: log.states)

    var results = step.outputs
    guard outputsInfo.isEmpty || results.count == outputsInfo.count else {
        throw TheanoError(.badArgument, "scan: the step function returned \(results.count) outputs, but outputsInfo describes \(outputsInfo.count)")
    }
    let visible = results.count
    var infos = outputsInfo.isEmpty ? [ScanOutput?](repeating: nil, count: results.count) : outputsInfo
    if let until = step.until, until.ndim != 0 {
        throw TheanoError(.typeMismatch, "scan: the until condition must be a scalar, got \(until.type)")
    }
    // The shared variables the step updates: those it names, then the streams drawn inside it, found in
    // what the step computes (a stream's update can read another stream).
    var updated: [(SharedVariable, TensorVariable)] = []
    var seen = Set<ObjectIdentifier>()
    for (target, value) in step.updates {
        guard seen.insert(ObjectIdentifier(target)).inserted else {
            throw TheanoError(.invalidUpdate, "scan: the step updates shared variable \(target.name ?? "unnamed") twice")
        }
        guard value.ndim == target.ndim else {
            throw TheanoError(.invalidUpdate, "scan: the step's update of \(target.name ?? "unnamed") has type \(value.type), but the shared variable has type \(target.type)")
        }
        updated.append((target, value))
    }
    let drawnInside = Set(log.states.map(ObjectIdentifier.init))
    // As in Theano, every shared variable with a default update that the step reads, other than through
    // a non-sequence, is carried through the loop: a stream drawn outside the step and read inside it
    // draws again at every step (the tutorial's binomial noise); pass the draw in nonSequences to keep one.
    let cut = Set(nonSequences)
    func leaves(_ outputs: [TensorVariable]) -> [TensorVariable] {
        var found = Set<TensorVariable>(), result: [TensorVariable] = []
        for out in outputs where out.owner == nil && !cut.contains(out) && found.insert(out).inserted { result.append(out) }
        for node in GraphWalk.topologicalNodes(outputs: outputs, stopAt: cut) {
            for input in node.inputs where input.owner == nil && !cut.contains(input) && found.insert(input).inserted { result.append(input) }
        }
        return result
    }
    while true {
        let streams = leaves(results + updated.map(\.1) + [step.until].compactMap { $0 }).compactMap { $0 as? SharedVariable }.filter {
            $0.defaultUpdate != nil && !seen.contains(ObjectIdentifier($0))
        }
        if streams.isEmpty { break }
        for stream in streams where seen.insert(ObjectIdentifier(stream)).inserted { updated.append((stream, stream.defaultUpdate!)) }
    }
    // Each updated shared variable is a recurrent output of its own, after the visible ones.
    for (target, value) in updated {
        results.append(value)
        infos.append(ScanOutput(initial: target))
        stateSlots.append(TensorVariable(type: target.type, name: target.name.map { "\($0)[t-1]" }))
    }
    // A recurrent output must keep its state's type, so the loop can feed it back.
    for (k, info) in infos.enumerated() {
        guard let info else { continue }
        if results[k].dtype != info.stateType.dtype { results[k] = cast(results[k], info.stateType.dtype) }
        guard results[k].ndim == info.stateType.ndim else {
            throw TheanoError(.typeMismatch, "scan: output \(k) has type \(results[k].type), but its initial state has type \(info.stateType)")
        }
        if results[k].broadcastable != info.stateType.broadcastable { results[k] = Rebroadcast(pattern: info.stateType.broadcastable)(results[k]) }
    }
    // The non-sequences (and the updated shared variables) become the loop's own inputs.
    let nonSequenceSlots = nonSequences.map { TensorVariable(type: $0.type, name: $0.name) }
    var replacements: [TensorVariable: TensorVariable] = [:]
    for (outer, slot) in zip(nonSequences, nonSequenceSlots) where replacements[outer] == nil { replacements[outer] = slot }
    for (j, (target, _)) in updated.enumerated() { replacements[target] = stateSlots[stateSlots.count - updated.count + j] }
    let innerOutputs = GraphClone.clone(results + [step.until].compactMap { $0 }, replacing: replacements)
    // Loop-invariant work moves out of the step later, as the optimizer's `scan_pushout` rewrite.
    let inner = try InnerGraph(inputs: sequenceSlots + stateSlots + nonSequenceSlots, outputs: innerOutputs)
    if strict, !inner.freeVariables.isEmpty {
        let names = inner.freeVariables.map { "\($0.name ?? "an unnamed variable") (\($0.type))" }.joined(separator: ", ")
        throw TheanoError(.missingInput, "scan (strict): the step reads \(names), which is not among its sequences, states or non-sequences; pass it in nonSequences")
    }
    let steps: TensorVariable
    if let nSteps {
        steps = cast(nSteps.asTensor(), .int64)
    } else {
        guard !specs.isEmpty else {
            throw TheanoError(.badArgument, "scan: without sequences, nSteps must be given")
        }
        // A sequence read at taps spanning k rows gives its length minus k steps.
        let lengths = specs.map { spec -> TensorVariable in
            let span = spec.taps.last! - spec.taps[0]
            return span == 0 ? shapeI(spec.input, 0) : shapeI(spec.input, 0) - Int64(span)
        }
        steps = lengths.dropFirst().reduce(lengths[0]) { minimum($0, $1) }
    }
    var op = Scan(box: InnerGraphBox(inner), sequenceCount: plain.count, outputTaps: infos.map { $0?.taps ?? [] },
                  goBackwards: backwards, truncateGradient: truncateGradient)
    op.hasUntil = step.until != nil
    let node = op.apply([steps] + plain + infos.compactMap { $0?.initial } + nonSequences + inner.freeVariables)
    let updates = updated.enumerated().map { j, pair -> (SharedVariable, TensorVariable) in
        let final = node.outputs[visible + j][-1]
        if drawnInside.contains(ObjectIdentifier(pair.0)) { pair.0.defaultUpdate = final }
        return (pair.0, final)
    }
    return (Array(node.outputs.prefix(visible)), updates)
}

/// `scan` with a step that returns only its outputs.
public func scan(_ fn: ([TensorVariable]) throws -> [TensorVariable], sequences: [any ScanSequenceConvertible] = [],
                 outputsInfo: [ScanOutput?] = [], nonSequences: [TensorVariable] = [], nSteps: (any TensorConvertible)? = nil,
                 goBackwards: Bool = false, truncateGradient: Int = -1, strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    try scan({ ScanStep(try fn($0)) }, sequences: sequences, outputsInfo: outputsInfo, nonSequences: nonSequences, nSteps: nSteps,
             goBackwards: goBackwards, truncateGradient: truncateGradient, strict: strict)
}

/// Theano's `map`: applies `fn` to each slice of the sequences.
public func map(_ fn: ([TensorVariable]) throws -> TensorVariable, sequences: [any ScanSequenceConvertible], nonSequences: [TensorVariable] = [],
                goBackwards: Bool = false, strict: Bool = false) throws -> TensorVariable {
    try scan({ [try fn($0)] }, sequences: sequences, nonSequences: nonSequences, goBackwards: goBackwards, strict: strict).outputs[0]
}

/// Theano's `map` with a step that returns updates or an `until` condition: the stacked outputs and the updates.
public func map(_ fn: ([TensorVariable]) throws -> ScanStep, sequences: [any ScanSequenceConvertible], nonSequences: [TensorVariable] = [],
                goBackwards: Bool = false, strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    try scan(fn, sequences: sequences, nonSequences: nonSequences, goBackwards: goBackwards, strict: strict)
}

/// Theano's `foldl` (and `reduce`): folds the sequences into one state from the left.
public func foldl(_ fn: ([TensorVariable]) throws -> TensorVariable, sequences: [any ScanSequenceConvertible], initial: some TensorConvertible,
                  nonSequences: [TensorVariable] = [], strict: Bool = false) throws -> TensorVariable {
    let out = try scan({ [try fn($0)] }, sequences: sequences, outputsInfo: [ScanOutput(initial: initial)], nonSequences: nonSequences, strict: strict).outputs[0]
    return out[-1]
}

/// `foldl` with several states, updates or an `until` condition: the last step of each output, and the updates.
public func foldl(_ fn: ([TensorVariable]) throws -> ScanStep, sequences: [any ScanSequenceConvertible], outputsInfo: [ScanOutput?],
                  nonSequences: [TensorVariable] = [], strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    try reduce(fn, sequences: sequences, outputsInfo: outputsInfo, nonSequences: nonSequences, strict: strict)
}

/// Folds from the right.
public func foldr(_ fn: ([TensorVariable]) throws -> TensorVariable, sequences: [any ScanSequenceConvertible], initial: some TensorConvertible,
                  nonSequences: [TensorVariable] = [], strict: Bool = false) throws -> TensorVariable {
    let out = try scan({ [try fn($0)] }, sequences: sequences, outputsInfo: [ScanOutput(initial: initial)], nonSequences: nonSequences,
                       goBackwards: true, strict: strict).outputs[0]
    return out[-1]
}

/// `foldr` with several states, updates or an `until` condition: the last step of each output, and the updates.
public func foldr(_ fn: ([TensorVariable]) throws -> ScanStep, sequences: [any ScanSequenceConvertible], outputsInfo: [ScanOutput?],
                  nonSequences: [TensorVariable] = [], strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    try reduce(fn, sequences: sequences, outputsInfo: outputsInfo, nonSequences: nonSequences, goBackwards: true, strict: strict)
}

/// Theano's `reduce`, the same as `foldl`.
public func reduce(_ fn: ([TensorVariable]) throws -> TensorVariable, sequences: [any ScanSequenceConvertible], initial: some TensorConvertible,
                   nonSequences: [TensorVariable] = [], strict: Bool = false) throws -> TensorVariable {
    try foldl(fn, sequences: sequences, initial: initial, nonSequences: nonSequences, strict: strict)
}

/// Theano's `reduce(fn, sequences, outputs_info, non_sequences, go_backwards)`: `scan` keeping only the
/// last step of each output (the optimizer then stores only that step), and the updates.
public func reduce(_ fn: ([TensorVariable]) throws -> ScanStep, sequences: [any ScanSequenceConvertible], outputsInfo: [ScanOutput?],
                   nonSequences: [TensorVariable] = [], goBackwards: Bool = false, strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    let (outputs, updates) = try scan(fn, sequences: sequences, outputsInfo: outputsInfo, nonSequences: nonSequences,
                                      goBackwards: goBackwards, strict: strict)
    return (outputs.map { $0[-1] }, updates)
}
