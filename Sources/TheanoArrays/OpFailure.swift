/// What an op's `perform` throws: the input at fault, if one, and what was wrong.
/// The executor adds the node as the user wrote it.
public struct OpFailure: Error {
    /// The input at fault, if one is.
    public let input: Int?
    /// What was wrong.
    public let message: String
    /// The kind of error the executor throws.
    public let kind: TheanoError.Kind

    /// A failure of `kind`, blaming `input` when given.
    public init(_ kind: TheanoError.Kind = .shapeMismatch, input: Int? = nil, _ message: String) {
        self.kind = kind
        self.input = input
        self.message = message
    }
}
