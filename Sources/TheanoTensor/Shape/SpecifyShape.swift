/// Theano's `specify_shape`: passes `x` through after checking, each time the function runs, that its
/// shape is the one given. Sizes may be symbolic; a nil size is not checked. The shape feature reads the
/// sizes from here, so `specifyShape(x, [2, 3]).shape` is the constant `[2, 3]`, and computing it does not
/// run the check (see the Optimizer article).
public struct SpecifyShape: Op {
    /// For each dimension, whether a size input checks it.
    public let checked: [Bool]
    /// A check of the dimensions flagged in `checked`; the sizes follow `x` as inputs.
    public init(checked: [Bool]) { self.checked = checked }
    public var description: String { "SpecifyShape" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        let x = inputs[0]
        precondition(x.ndim == checked.count, "specifyShape: a shape of \(checked.count) dimensions for \(x)")
        precondition(inputs.count == 1 + checked.filter { $0 }.count && inputs.dropFirst().allSatisfy { $0.ndim == 0 && $0.dtype.isInteger },
                     "specifyShape: sizes must be integer scalars")
        return [x]
    }

    /// The expected size of each dimension (nil where unchecked), from the size inputs.
    package func expected<T>(_ sizes: [T]) -> [T?] {
        var next = 0
        return checked.map { flag in
            guard flag else { return nil }
            defer { next += 1 }
            return sizes[next]
        }
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        let x = inputs[0]
        let sizes = expected(inputs.dropFirst().map { Int($0.item(as: Int64.self)) })
        let wrong = zip(x.shape, sizes).contains { actual, want in want.map { $0 != actual } ?? false }
        if wrong {
            let text = "(" + sizes.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + (sizes.count == 1 ? ",)" : ")")
            throw OpFailure(.shapeMismatch, input: 0, "expected shape \(text), got shape \(x.shape)")
        }
        return [x]
    }

    public var viewMap: [Int: Int] { [0: 0] }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? {
        [zip(inputShapes[0], expected(Array(inputs.dropFirst()))).map { actual, want in want.map(SymbolicShape.int64) ?? actual }]
    }

    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [outputGrads[0]] + inputs.dropFirst().map { _ in nil }
    }

    public func prettyPrint(_ inputs: [String]) -> String {
        var sizes = expected(Array(inputs.dropFirst())).map { $0 ?? "None" }
        if sizes.count == 1 { sizes[0] += "," }
        return "specifyShape(\(inputs[0]), (\(sizes.joined(separator: ", "))))"
    }
}

/// Theano's `specify_shape(x, shape)`: `x`, checked at run time to have `shape` (nil: any size there).
/// The function throws a shape error naming `SpecifyShape` when it has another.
public func specifyShape(_ x: TensorVariable, _ shape: [Int?]) -> TensorVariable {
    specifyShape(x, shape.map { $0.map { constant(Int64($0)) } })
}

/// `specifyShape` with symbolic sizes (int scalars), nil where any size goes.
public func specifyShape(_ x: TensorVariable, _ shape: [TensorVariable?]) -> TensorVariable {
    precondition(shape.count == x.ndim, "specifyShape: \(shape.count) sizes for \(x.type)")
    for size in shape.compactMap({ $0 }) {
        precondition(size.ndim == 0 && size.dtype.isInteger, "specifyShape: sizes must be integer scalars, got \(size.type)")
    }
    let sizes = shape.compactMap { $0 }.map(SymbolicShape.int64)
    return SpecifyShape(checked: shape.map { $0 != nil })([x] + sizes)
}

extension TensorVariable {
    /// `specifyShape(self, shape)`.
    public func specifyShape(_ shape: [Int?]) -> TensorVariable { TheanoTensor.specifyShape(self, shape) }
}
