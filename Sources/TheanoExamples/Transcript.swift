import Synchronization

/// What an example printed, collected while it ran under ``Transcript/capture(_:)``.
///
/// The examples are written with plain `print`, as the documentation shows them. Inside this module,
/// `print` is the function below, which writes to the transcript being captured when there is one and
/// to standard output otherwise; so a test can compare an example's output with the block that follows
/// its code in an article, and `theano examples` prints the same text.
public final class Transcript: Sendable {
    @TaskLocal static var current: Transcript?
    private let text = Mutex("")

    init() {}

    func append(_ string: String) { text.withLock { $0 += string } }

    /// Runs `body` and returns everything it printed instead of printing it.
    public static func capture(_ body: () throws -> Void) rethrows -> String {
        let transcript = Transcript()
        try $current.withValue(transcript) { try body() }
        return transcript.text.withLock { $0 }
    }
}

// NOTE: this shadows `Swift.print` for the whole module; it takes the same arguments.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let line = items.map { String(describing: $0) }.joined(separator: separator) + terminator
    if let transcript = Transcript.current {
        transcript.append(line)
    } else {
        Swift.print(line, terminator: "")
    }
}
