import Theano

/// A program the documentation shows and `theano examples NAME` runs.
public struct Example: Sendable {
    /// The name `theano examples NAME` takes and an article's `<!-- output: NAME -->` marker names.
    public let name: String
    /// One line saying what it shows.
    public let title: String
    /// Runs it, printing what the documentation shows; returns the function whose graph it shows.
    public let run: @Sendable () throws -> (any GraphShowing)?

    init(_ name: String, _ title: String, _ run: @escaping @Sendable () throws -> (any GraphShowing)?) {
        (self.name, self.title, self.run) = (name, title, run)
    }

    /// Every example: the tutorial programs, then the articles' examples.
    public static var all: [Example] { TutorialPrograms.all + ArticleExamples.all }

    /// The example with this name, or an error that lists the names there are.
    public static func named(_ name: String) throws -> Example {
        guard let example = all.first(where: { $0.name == name }) else {
            throw TheanoError(.badArgument, "examples: no example named '\(name)'; `theano examples --list` lists them")
        }
        return example
    }
}

/// A compiled function whose graph `theano examples NAME --graph` can show; every ``Function`` is one.
public protocol GraphShowing {
    /// The expressions the user wrote, before optimization.
    var userOutputs: [TensorVariable] { get }
    /// `debugprint` of the optimized graph, its updates and its order.
    var debugprintText: String { get }
    /// Writes the interactive graph view (``d3viz(_:to:)``).
    func writeGraphView(to path: String) throws
    /// Writes a Graphviz picture (``pydotprint(_:outfile:format:)``) and returns its path.
    func writePicture(to path: String, format: GraphFormat) throws -> String
}

extension Function: GraphShowing {
    public var debugprintText: String { debugprint(self) }
    public func writeGraphView(to path: String) throws { try d3viz(self, to: path) }
    public func writePicture(to path: String, format: GraphFormat) throws -> String {
        try pydotprint(self, outfile: path, format: format)
    }
}
