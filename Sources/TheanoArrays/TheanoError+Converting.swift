extension TheanoError {
    /// An error from turning a Swift value into an array (a ragged nested array), saying whose value it was.
    package static func converting(_ error: any Error, _ whose: String) -> TheanoError {
        let reason = (error as? TheanoError)?.message ?? "\(error)"
        return TheanoError((error as? TheanoError)?.kind ?? .badArgument, "\(whose) cannot become an array: \(reason)")
    }
}
