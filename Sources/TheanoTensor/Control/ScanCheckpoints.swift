/// Theano's `scan_checkpoints`: `scan` that stores only every `saveEveryN`-th state, and recomputes the
/// steps between them when the gradient needs them. It trades computation for memory: the forward pass
/// keeps one state per block of `saveEveryN` steps, and the backward pass runs each block's steps again
/// (keeping those `saveEveryN` states) before differentiating them.
///
/// The arguments are `scan`'s. As in Theano, every output is recurrent with the single tap -1, the
/// sequences are read at tap 0, and the step returns no updates. The result has one row per block: the
/// states after steps `saveEveryN`, `2 · saveEveryN`, … and after the last step, which is
/// `scan(...).outputs[k][saveEveryN - 1 :: saveEveryN]` when `saveEveryN` divides the number of steps
/// (and that slice with the last state added otherwise). Gradients through it are those of `scan`.
///
/// It is written as two scans: an outer loop over blocks whose step runs the inner loop over one block's
/// steps and returns its last state. The optimizer's `scan_save_mem` then keeps one state in the inner
/// loop, and the outer loop's gradient recomputes the inner one. Sequences are padded with zeros to a
/// whole number of blocks; the last block runs only its remaining steps.
public func scanCheckpoints(_ fn: ([TensorVariable]) throws -> [TensorVariable], sequences: [TensorVariable] = [],
                            outputsInfo: [ScanOutput?], nonSequences: [TensorVariable] = [], nSteps: (any TensorConvertible)? = nil,
                            saveEveryN: Int = 10, goBackwards: Bool = false, strict: Bool = false) throws -> (outputs: [TensorVariable], updates: [(SharedVariable, TensorVariable)]) {
    guard saveEveryN >= 1 else {
        throw TheanoError(.badArgument, "scanCheckpoints: saveEveryN must be at least 1, got \(saveEveryN)")
    }
    var initials: [TensorVariable] = []
    for (k, info) in outputsInfo.enumerated() {
        guard let info else {
            throw TheanoError(.badArgument, "scanCheckpoints: output \(k) has no initial state; every output must be recurrent (a ScanOutput with taps [-1])")
        }
        guard info.taps == [-1] else {
            throw TheanoError(.badArgument, "scanCheckpoints: output \(k) reads taps \(info.taps); only the single tap [-1] is supported")
        }
        initials.append(info.initial)
    }
    guard !initials.isEmpty else {
        throw TheanoError(.badArgument, "scanCheckpoints: outputsInfo is empty; give each output its initial state")
    }
    let steps: TensorVariable
    if let nSteps {
        steps = cast(nSteps.asTensor(), .int64)
    } else {
        guard let first = sequences.first else { throw TheanoError(.badArgument, "scanCheckpoints: without sequences, nSteps must be given") }
        steps = sequences.dropFirst().reduce(shapeI(first, 0)) { minimum($0, shapeI($1, 0)) }
    }
    let every = constant(Int64(saveEveryN))
    let blocks = intDiv(steps + Int64(saveEveryN - 1), every)
    // Each sequence's first `steps` rows (reversed for a backwards loop), padded to whole blocks.
    let blocked = sequences.map { sequence -> TensorVariable in
        var rows = sequence[.slice(nil, steps, nil)]
        if goBackwards { rows = rows[.slice(nil, nil, -1)] }
        let rowShape = (1..<sequence.ndim).map { shapeI(sequence, $0) }
        let padding = alloc(cast(constant(0.0), sequence.dtype), shape: [blocks * every - steps] + rowShape)
        return concatenate([rows, padding], axis: 0).reshape([blocks, every] + rowShape)
    }
    // The number of steps in each block: saveEveryN, except perhaps in the last.
    let counts = minimum(every, steps - arange(blocks) * every)
    let s = sequences.count, r = initials.count
    let (outputs, _) = try scan({ slots -> [TensorVariable] in
        let rows = Array(slots[0..<s]), count = slots[s], states = Array(slots[(s + 1)..<(s + 1 + r)])
        let (inner, updates) = try scan(fn, sequences: rows, outputsInfo: states.map { ScanOutput(initial: $0) },
                                        nonSequences: Array(slots[(s + 1 + r)...]), nSteps: count, strict: strict)
        guard updates.isEmpty else {
            throw TheanoError(.unsupported, "scanCheckpoints: the step updates shared variables or draws random numbers; use scan")
        }
        return inner.map { $0[-1] }
    }, sequences: blocked + [counts], outputsInfo: initials.map { ScanOutput(initial: $0) }, nonSequences: nonSequences, strict: strict)
    return (outputs, [])
}
