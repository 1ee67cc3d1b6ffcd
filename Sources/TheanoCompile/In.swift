/// Something that can appear in `function`'s input list: a variable, or an ``In`` with a default value.
public protocol FunctionInput {
    /// The input with its options.
    var inputSpec: In { get }
}

/// An input with options, Theano's `In(x, value: 1)`.
public struct In: FunctionInput {
    /// The input variable.
    public let variable: TensorVariable
    /// The value used when the caller leaves this argument out.
    public let value: NDArray?
    /// The name used in error messages, and to pass the argument by name: `f(x: 1)`.
    public let name: String?
    /// Theano's `In(borrow=True)`: an `Out(borrow: true)` output may share storage with this argument. A
    /// call never writes into an argument's storage either way; with `false` (the default) an output
    /// that would share it is copied (see `Out`).
    public let borrow: Bool

    /// An input with an optional default `value` and `name`.
    public init(_ variable: TensorVariable, value: (any NDArrayConvertible)? = nil, name: String? = nil, borrow: Bool = false) {
        self.variable = variable
        self.value = value.map { NDArray($0) }
        self.name = name ?? variable.name
        self.borrow = borrow
    }

    /// Itself.
    public var inputSpec: In { self }
}

extension TensorVariable: FunctionInput {
    /// The variable as an input with no default.
    public var inputSpec: In { In(self) }
}

/// What `function` does with an input no output depends on.
public enum UnusedInputPolicy: Sendable {
    case raise, ignore
}
