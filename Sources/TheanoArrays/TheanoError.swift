/// The one error type the library throws. The message names the operation, the input, and what was
/// expected versus what was given.
public struct TheanoError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case typeMismatch, dtypeMismatch, ndimMismatch, shapeMismatch, indexOutOfRange
        case badArgument, missingInput, unusedInput, disconnectedInput, nonScalarCost
        case invalidUpdate, invalidGivens, numericalError, gradientMismatch
        case io, missingDependency, unsupported, compilationFailed
        /// An array too large for `Int` or for the machine's memory.
        case outOfMemory
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
