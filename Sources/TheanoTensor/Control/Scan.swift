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
    /// Outputs of which only the final step is kept (set by the `scan_save_mem` rewrite when the only
    /// reader takes `[-1]`): they come out with a leading axis of length 1 instead of nSteps.
    package var lastStepOnly: Set<Int> = []

    package var inner: InnerGraph { box.graph }
    package var innerGraphs: [InnerGraph] { [box.graph] }
    package var recurrentIndices: [Int] { outputTaps.indices.filter { !outputTaps[$0].isEmpty } }

    public var description: String { "Scan{\(outputTaps.count) outputs\(goBackwards ? ", backwards" : "")}" }

    public static func == (a: Scan, b: Scan) -> Bool { a.box == b.box && a.lastStepOnly == b.lastStepOnly }
    public func hash(into h: inout Hasher) { h.combine(box); h.combine(lastStepOnly) }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        inner.outputs.map { TensorType($0.dtype, [false] + $0.broadcastable) }
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
        guard steps >= 0 else { throw OpFailure(.badArgument, input: 0, "scan: nSteps is negative (\(steps))") }
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
        for t in 0..<steps {
            let index = goBackwards ? steps - 1 - t : t
            var args = rows.map { $0[index] }
            for (r, k) in recurrent.enumerated() {
                for tap in outputTaps[k] { args.append(history[r][history[r].count + tap]) }
            }
            let results = try subgraphs[0].run(args + rest)
            for (k, value) in results.enumerated() {
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

/// Theano's `scan`. `fn` receives, in order: one slice of each sequence, the tapped past states of each
/// recurrent output, and the non-sequences; it returns one value per output. `outputsInfo` has one entry per
/// output: a ``ScanOutput`` for a recurrent one, nil for a map-like one. Returns the stacked outputs and
/// the updates to pass to `function` (none unless the step reads random streams).
public func scan(_ fn: ([TensorVariable]) -> [TensorVariable], sequences: [TensorVariable] = [],
                 outputsInfo: [ScanOutput?] = [], nonSequences: [TensorVariable] = [], nSteps: (any TensorConvertible)? = nil,
                 goBackwards: Bool = false, truncateGradient: Int = -1) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    let sequenceSlots = sequences.map { s -> TensorVariable in
        precondition(s.ndim >= 1, "scan: a sequence needs a leading time axis, got \(s.type)")
        return TensorVariable(type: TensorType(s.dtype, Array(s.broadcastable.dropFirst())), name: s.name.map { "\($0)[t]" })
    }
    var stateSlots: [TensorVariable] = []
    for info in outputsInfo.compactMap({ $0 }) {
        for tap in info.taps { stateSlots.append(TensorVariable(type: info.stateType, name: info.initial.name.map { "\($0)[t\(tap)]" })) }
    }
    let nonSequenceSlots = nonSequences.map { TensorVariable(type: $0.type, name: $0.name) }
    var results = fn(sequenceSlots + stateSlots + nonSequenceSlots)
    guard outputsInfo.isEmpty || results.count == outputsInfo.count else {
        throw TheanoError(.badArgument, "scan: the step function returned \(results.count) outputs, but outputsInfo describes \(outputsInfo.count)")
    }
    let infos = outputsInfo.isEmpty ? [ScanOutput?](repeating: nil, count: results.count) : outputsInfo
    // A recurrent output must keep its state's type, so the loop can feed it back.
    for (k, info) in infos.enumerated() {
        guard let info else { continue }
        if results[k].dtype != info.stateType.dtype { results[k] = cast(results[k], info.stateType.dtype) }
        guard results[k].ndim == info.stateType.ndim else {
            throw TheanoError(.typeMismatch, "scan: output \(k) has type \(results[k].type), but its initial state has type \(info.stateType)")
        }
        if results[k].broadcastable != info.stateType.broadcastable { results[k] = Rebroadcast(pattern: info.stateType.broadcastable)(results[k]) }
    }
    // Loop-invariant work moves out of the step later, as the optimizer's `scan_pushout` rewrite.
    let inner = try InnerGraph(inputs: sequenceSlots + stateSlots + nonSequenceSlots, outputs: results)
    let steps: TensorVariable
    if let nSteps {
        steps = cast(nSteps.asTensor(), .int64)
    } else {
        guard let first = sequences.first else {
            throw TheanoError(.badArgument, "scan: without sequences, nSteps must be given")
        }
        steps = shapeI(first, 0)
    }
    let op = Scan(box: InnerGraphBox(inner), sequenceCount: sequences.count, outputTaps: infos.map { $0?.taps ?? [] },
                  goBackwards: goBackwards, truncateGradient: truncateGradient)
    let node = op.apply([steps] + sequences + infos.compactMap { $0?.initial } + nonSequences + inner.freeVariables)
    return (node.outputs, [])
}

/// Theano's `map`: applies `fn` to each slice of the sequences.
public func map(_ fn: ([TensorVariable]) -> TensorVariable, sequences: [TensorVariable], nonSequences: [TensorVariable] = []) throws -> TensorVariable {
    try scan({ [fn($0)] }, sequences: sequences, nonSequences: nonSequences).outputs[0]
}

/// Theano's `foldl` (and `reduce`): folds the sequences into one state from the left.
public func foldl(_ fn: ([TensorVariable]) -> TensorVariable, sequences: [TensorVariable], initial: some TensorConvertible,
                  nonSequences: [TensorVariable] = []) throws -> TensorVariable {
    let out = try scan({ [fn($0)] }, sequences: sequences, outputsInfo: [ScanOutput(initial: initial)], nonSequences: nonSequences).outputs[0]
    return out[-1]
}

/// Folds from the right.
public func foldr(_ fn: ([TensorVariable]) -> TensorVariable, sequences: [TensorVariable], initial: some TensorConvertible,
                  nonSequences: [TensorVariable] = []) throws -> TensorVariable {
    let out = try scan({ [fn($0)] }, sequences: sequences, outputsInfo: [ScanOutput(initial: initial)], nonSequences: nonSequences, goBackwards: true).outputs[0]
    return out[-1]
}

/// Theano's `reduce`, the same as `foldl`.
public func reduce(_ fn: ([TensorVariable]) -> TensorVariable, sequences: [TensorVariable], initial: some TensorConvertible,
                   nonSequences: [TensorVariable] = []) throws -> TensorVariable {
    try foldl(fn, sequences: sequences, initial: initial, nonSequences: nonSequences)
}
