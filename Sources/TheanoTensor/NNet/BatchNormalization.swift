/// Batch normalization (Ioffe & Szegedy), in Theano's train and test forms.
///
/// Both are composed from elementwise ops and reductions, so their gradients come from the
/// reverse-mode rules of those ops and the optimizer fuses the normalisation into one loop.

/// Which axes a batch is normalised over.
public enum BatchNormAxes: Sendable, Equatable {
    /// Over the batch axis only: every activation has its own statistics (dense layers).
    case perActivation
    /// Over the batch and all spatial axes: one statistic per channel of an NCHW tensor.
    case spatial
    case axes([Int])

    package func resolve(ndim: Int) -> [Int] {
        switch self {
        case .perActivation: return [0]
        case .spatial: return [0] + Array(2..<Swift.max(2, ndim))
        case .axes(let axes): return normalizedAxes(axes, ndim, "batch normalization")
        }
    }
}

/// What the training form returns: the normalised output, the batch statistics it used, and the
/// new running averages when running averages were passed in.
public struct BatchNormTrainOutputs {
    /// The normalized, scaled and shifted input.
    public let output: TensorVariable
    /// The batch mean.
    public let mean: TensorVariable
    /// 1 / sqrt(var + epsilon).
    public let invStd: TensorVariable
    /// The running mean after this batch, when a running mean was given.
    public let newRunningMean: TensorVariable?
    /// The running variance after this batch, when a running variance was given.
    public let newRunningVar: TensorVariable?
}

/// Normalises `x` with the statistics of the batch itself, then scales by `gamma` and shifts by `beta`.
///
/// `gamma`, `beta` and the running averages have either the rank of `x` (size 1 on the normalised
/// axes) or that rank minus the normalised axes. The statistics come back in the same form. The
/// running variance is updated with the unbiased batch variance, as in Theano.
public func batchNormalizationTrain(
    _ x: TensorVariable, gamma: TensorVariable, beta: TensorVariable, axes: BatchNormAxes = .perActivation,
    epsilon: Double = 1e-4, runningAverageFactor: Double = 0.1,
    runningMean: TensorVariable? = nil, runningVar: TensorVariable? = nil
) -> BatchNormTrainOutputs {
    let axes = axes.resolve(ndim: x.ndim)
    let layout = ParameterLayout(ndim: x.ndim, axes: axes)
    let mean = x.mean(axes: axes, keepdims: true)
    let variance = sqr(x - mean).mean(axes: axes, keepdims: true)
    let invStd = cast(1 / sqrt(variance + epsilon), variance.dtype)
    let output = (x - mean) * (layout.expand(gamma) * invStd) + layout.expand(beta)

    var newMean: TensorVariable?, newVar: TensorVariable?
    if let runningMean {
        newMean = layout.shaped(like: runningMean, layout.expand(runningMean) * (1 - runningAverageFactor) + mean * runningAverageFactor)
    }
    if let runningVar {
        let count = cast(axes.reduce(constant(Int64(1))) { $0 * shapeI(x, $1) }, variance.dtype)
        let unbiased = variance * (count / maximum(count - 1, 1))
        newVar = layout.shaped(like: runningVar, layout.expand(runningVar) * (1 - runningAverageFactor) + unbiased * runningAverageFactor)
    }
    return BatchNormTrainOutputs(
        output: cast(output, x.dtype), mean: layout.shaped(like: gamma, mean), invStd: layout.shaped(like: gamma, invStd),
        newRunningMean: newMean, newRunningVar: newVar)
}

/// Normalises `x` with given statistics (the running averages collected in training).
public func batchNormalizationTest(
    _ x: TensorVariable, gamma: TensorVariable, beta: TensorVariable, mean: TensorVariable, variance: TensorVariable,
    axes: BatchNormAxes = .perActivation, epsilon: Double = 1e-4
) -> TensorVariable {
    let layout = ParameterLayout(ndim: x.ndim, axes: axes.resolve(ndim: x.ndim))
    let scale = layout.expand(gamma) / sqrt(layout.expand(variance) + epsilon)
    return cast((x - layout.expand(mean)) * scale + layout.expand(beta), x.dtype)
}

/// Moves parameters between their stored form and a form that broadcasts against the input.
private struct ParameterLayout {
    let ndim: Int
    let axes: [Int]

    /// Full rank, broadcastable on the normalised axes.
    func expand(_ p: TensorVariable) -> TensorVariable {
        if p.ndim == ndim {
            let pattern = (0..<ndim).map { axes.contains($0) || p.broadcastable[$0] }
            return pattern == p.broadcastable ? p : Rebroadcast(pattern: pattern)(p)
        }
        precondition(p.ndim == ndim - axes.count,
                     "batch normalization: a parameter of rank \(p.ndim) for an input of rank \(ndim) normalised over \(axes)")
        var next = 0
        return p.dimshuffle((0..<ndim).map { axis -> Int? in
            if axes.contains(axis) { return nil }
            defer { next += 1 }
            return next
        })
    }

    /// `value` (full rank) in the form of `reference`.
    func shaped(like reference: TensorVariable, _ value: TensorVariable) -> TensorVariable {
        let typed = cast(value, reference.dtype)
        if reference.ndim == ndim { return typed.broadcastable == reference.broadcastable ? typed : Rebroadcast(pattern: reference.broadcastable)(typed) }
        return typed.dimshuffle((0..<ndim).filter { !axes.contains($0) })
    }
}
