/// The one error type the library throws. The message names the operation, the input, and what was
/// expected versus what was given.
public struct TheanoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of mistake or failure an error reports.
    public enum Kind: String, Sendable {
        case typeMismatch, dtypeMismatch, ndimMismatch, shapeMismatch, indexOutOfRange
        case badArgument, missingInput, unusedInput, disconnectedInput, nonScalarCost
        case invalidUpdate, invalidGivens, numericalError, gradientMismatch
        case io, missingDependency, unsupported, compilationFailed
        /// An array too large for `Int` or for the machine's memory.
        case outOfMemory
    }

    /// What kind of error this is.
    public let kind: Kind
    /// The explanation, naming the operation, the input and what was expected.
    public let message: String

    /// An error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
