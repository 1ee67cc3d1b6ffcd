/// An output with options, Theano's `Out(y, borrow=True)`.
///
/// Arrays are values in Swift, so nothing a caller holds ever changes, whatever `borrow` says: a later
/// call, an update or `setValue` never writes into an array it returned (the VM reuses an output buffer
/// only when the caller has let go of it). `borrow` decides only whether storage may be shared:
/// - `false` (the default for every output, as in Theano): the result shares storage with no argument,
///   no shared variable's value and no other output. An output that would (`function([x], x)`,
///   `function([], W)`) is copied.
/// - `true`: the result may be a shared variable's stored value, or the argument of an
///   `In(x, borrow: true)` input, itself; no copy is made. An argument of an input without
///   `In(borrow: true)` is still copied.
public struct Out {
    /// The output variable.
    public let variable: TensorVariable
    /// Whether the result may share storage with arguments, shared values and other outputs.
    public let borrow: Bool

    /// An output with its `borrow` option.
    public init(_ variable: TensorVariable, borrow: Bool = false) {
        self.variable = variable
        self.borrow = borrow
    }
}

/// Compiles a function with one output given as an ``Out``.
public func function(_ inputs: [any FunctionInput], _ output: Out,
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil, profile: Bool? = nil) throws -> Function<NDArray> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), [output.variable], updates: updates, givens: givens,
                              mode: mode, allowInputDowncast: allowInputDowncast, onUnusedInput: onUnusedInput,
                              noDefaultUpdates: noDefaultUpdates, name: name, profile: profile,
                              outputBorrow: [output.borrow]) { $0[0] }
}

/// Compiles a function with a list of outputs given as ``Out``s.
public func function(_ inputs: [any FunctionInput], _ outputs: [Out],
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil, profile: Bool? = nil) throws -> Function<[NDArray]> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), outputs.map(\.variable), updates: updates, givens: givens,
                              mode: mode, allowInputDowncast: allowInputDowncast, onUnusedInput: onUnusedInput,
                              noDefaultUpdates: noDefaultUpdates, name: name, profile: profile,
                              outputBorrow: outputs.map(\.borrow)) { $0 }
}
