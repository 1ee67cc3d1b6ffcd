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
    /// The name used in error messages.
    public let name: String?

    /// An input with an optional default `value` and `name`.
    public init(_ variable: TensorVariable, value: (any NDArrayConvertible)? = nil, name: String? = nil) {
        self.variable = variable
        self.value = value.map { NDArray($0) }
        self.name = name ?? variable.name
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
