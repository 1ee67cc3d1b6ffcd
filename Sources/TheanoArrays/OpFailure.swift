/// What an op's `perform` throws: the input at fault, if one, and what was wrong.
/// The executor adds the node as the user wrote it.
public struct OpFailure: Error {
    public let input: Int?
    public let message: String
    public let kind: TheanoError.Kind

    public init(_ kind: TheanoError.Kind = .shapeMismatch, input: Int? = nil, _ message: String) {
        self.kind = kind
        self.input = input
        self.message = message
    }
}
