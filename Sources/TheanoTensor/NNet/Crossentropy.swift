/// -log(p[i, y_i]) for each row of class probabilities `p` and integer labels `y`.
public struct CrossentropyCategorical1Hot: Op {
    package init() {  }
    public var description: String { "CrossentropyCategorical1Hot" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 2 && inputs[1].ndim == 1 && inputs[1].dtype.isInteger,
                     "categoricalCrossentropy: needs a matrix of probabilities and an integer label vector, got \(inputs[0]) and \(inputs[1])")
        return [TensorType(inputs[0].dtype.upgradedToFloat, [false])]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[inputShapes[0][0]]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (p, rows, classes) = (inputs[0].doubles, inputs[0].shape[0], inputs[0].shape[1])
        let labels = try LabelCheck.labels(inputs[1], rows: rows, classes: classes, input: 1)
        return [NDArray((0..<rows).map { -Double.log(p[$0 * classes + labels[$0]]) }, shape: [rows]).astype(inputs[0].dtype.upgradedToFloat)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        let g = CrossentropyCategorical1HotGrad()(gz, inputs[0], inputs[1])
        return [cast(g, inputs[0].dtype), nil]
    }
}

/// The gradient of ``CrossentropyCategorical1Hot``: -gz / p at the label positions, zero elsewhere.
public struct CrossentropyCategorical1HotGrad: Op {
    package init() {  }
    public var description: String { "CrossentropyCategorical1HotGrad" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(inputs[1].dtype.upgradedToFloat, [false, false])] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[1]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let gz = inputs[0].doubles, p = inputs[1].doubles
        let (rows, classes) = (inputs[1].shape[0], inputs[1].shape[1])
        let labels = try LabelCheck.labels(inputs[2], rows: rows, classes: classes, input: 2)
        var g = [Double](repeating: 0, count: rows * classes)
        for r in 0..<rows { g[r * classes + labels[r]] = -gz[r] / p[r * classes + labels[r]] }
        return [NDArray(g, shape: [rows, classes]).astype(inputs[1].dtype.upgradedToFloat)]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        throw TheanoError(.unsupported, "the second derivative of categorical cross-entropy with integer labels is not implemented")
    }
}

/// Softmax and cross-entropy with integer labels fused into one stable node:
/// logsumexp(x) - x[y] per row, finite for logits of any size.
public struct CrossentropySoftmax1Hot: Op {
    package init() {  }
    public var description: String { "CrossentropySoftmax1Hot" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs[0].ndim == 2 && inputs[1].ndim == 1 && inputs[1].dtype.isInteger,
                     "crossentropySoftmax1Hot: needs a matrix of logits and an integer label vector, got \(inputs[0]) and \(inputs[1])")
        return [TensorType(inputs[0].dtype.upgradedToFloat, [false])]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[inputShapes[0][0]]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let (rows, classes) = (inputs[0].shape[0], inputs[0].shape[1])
        let labels = try LabelCheck.labels(inputs[1], rows: rows, classes: classes, input: 1)
        let logp = AxisKernels.softmax(inputs[0].astype(.float64), axis: 1, log: true).doubles
        return [NDArray((0..<rows).map { -logp[$0 * classes + labels[$0]] }, shape: [rows]).astype(inputs[0].dtype.upgradedToFloat)]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let gz = outputGrads[0] else { return [nil, nil] }
        let x = inputs[0]
        let oneHot = OneHot()(inputs[1], shapeI(x, 1))
        return [cast((softmax(x, axis: 1) - cast(oneHot, x.dtype.upgradedToFloat)) * gz.dimshuffle(0, nil), x.dtype), nil]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "crossentropySoftmax1Hot(\(inputs[0]), \(inputs[1]))" }
}

/// Integer labels as one-hot rows: `OneHot()(y, classes)`.
public struct OneHot: Op {
    package init() {  }
    public var description: String { "OneHot" }
    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [TensorType(.int8, [false, false])] }
    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [[SymbolicShape.product(inputShapes[0]), SymbolicShape.int64(inputs[1])]] }
    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let classes = Int(inputs[1].item(as: Int64.self)), rows = inputs[0].count
        // The number of classes is a value: a negative or huge one is an error before anything else.
        let out = try NDArray(checkedZeros: [rows, classes], dtype: .int8, op: "OneHot", input: 1)
        let labels = try LabelCheck.labels(inputs[0], rows: rows, classes: classes, input: 0)
        let v = out.storage.pointer.assumingMemoryBound(to: Int8.self)
        for r in 0..<rows { v[r * classes + labels[r]] = 1 }
        return [out]
    }
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] { [nil, nil] }
}

package enum LabelCheck {
    /// The integer labels, checked against the rows and classes; an error names the op's input that
    /// holds them (the labels are input 0 of ``OneHot`` but a later input of the cross-entropies).
    package static func labels(_ y: NDArray, rows: Int, classes: Int, input: Int) throws -> [Int] {
        guard y.count == rows else { throw OpFailure(.shapeMismatch, input: input, "\(y.count) labels for \(rows) rows") }
        let labels = y.scalars(as: Int64.self).map(Int.init)
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw OpFailure(.indexOutOfRange, input: input, "label \(bad) is outside the \(classes) classes")
        }
        return labels
    }
}

/// Cross-entropy between predicted class probabilities and the truth, one value per row. The truth is
/// either integer labels (a vector) or a one-hot/probability matrix.
public func categoricalCrossentropy(_ predictions: TensorVariable, _ truth: TensorVariable) -> TensorVariable {
    if truth.ndim == 1 && truth.dtype.isInteger { return CrossentropyCategorical1Hot()(predictions, truth) }
    return -(truth * log(predictions)).sum(axis: -1)
}

/// The fused, stable softmax + cross-entropy on integer labels (Theano's `crossentropy_softmax_1hot`).
public func crossentropySoftmax1Hot(_ logits: TensorVariable, _ labels: TensorVariable) -> TensorVariable {
    CrossentropySoftmax1Hot()(logits, labels)
}

/// Elementwise binary cross-entropy of probabilities `output` against `target`.
public func binaryCrossentropy(_ output: TensorVariable, _ target: some TensorConvertible) -> TensorVariable {
    let t = target.asTensor()
    return -(t * log(output) + (1 - t) * log(1 - output))
}

/// Binary cross-entropy from logits, stable at any magnitude: softplus(x) − x·t.
///
/// At x = ±∞ that is ∞ − ∞ (NaN, which PyTorch's BCE-with-logits also gives for (+∞, 1)); the loss
/// there is its limit |x|·w, with w = 1 − t for x = +∞ and t for x = −∞: 0 when w = 0 (a certain,
/// right answer costs nothing), ±∞ otherwise. The finite form reads 0 where x is infinite, so its
/// gradient there is 0, not NaN.
public func sigmoidBinaryCrossentropy(_ logits: TensorVariable, _ target: some TensorConvertible) -> TensorVariable {
    let x = logits, t = target.asTensor()
    let infinite = isInfinite(x)
    let finite = `switch`(infinite, 0, x)
    let weight = `switch`(x > 0, 1 - t, t)
    let limit = `switch`(eq(weight, 0), 0, abs(x) * weight)
    return `switch`(infinite, limit, softplus(finite) - finite * t)
}
