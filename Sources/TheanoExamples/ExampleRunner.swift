import Theano

/// Runs examples for `theano examples`, and shows their graphs.
public enum ExampleRunner {
    /// The names and titles of every example, the tutorial programs first.
    public static func listing() -> String {
        func rows(_ examples: [Example]) -> [String] {
            let width = examples.map(\.name.count).max() ?? 0
            return examples.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.title }
        }
        return (["Tutorial programs (theano examples runs them all):"] + rows(TutorialPrograms.all)
            + ["", "The articles' examples:"] + rows(ArticleExamples.all)).joined(separator: "\n")
    }

    /// Runs `example` under a heading and, when `graph` says how, shows the function it compiled:
    /// a path ending in `.html` gets the interactive view, `.png`, `.svg` or `.dot` a Graphviz picture,
    /// and `pp` or `debugprint` print the graph.
    public static func run(_ example: Example, graph: String? = nil) throws {
        print("== \(example.title) (\(example.name)) ==")
        let function = try example.run()
        if let graph {
            guard let function else {
                throw TheanoError(.badArgument, "examples: '\(example.name)' compiles no function, so it has no graph to show")
            }
            try show(function, as: graph)
        }
        print()
    }

    static func show(_ function: any GraphShowing, as style: String) throws {
        switch style {
        case "pp":
            for output in function.userOutputs { print("pp:", pp(output)) }
        case "debugprint":
            print(function.debugprintText)
        case _ where style.hasSuffix(".html"):
            try function.writeGraphView(to: style)
            print("graph view written to \(style)")
        case _ where style.hasSuffix(".png") || style.hasSuffix(".svg") || style.hasSuffix(".dot"):
            let format = GraphFormat(rawValue: String(style.split(separator: ".").last ?? "dot")) ?? .dot
            do {
                print("graph written to", try function.writePicture(to: style, format: format))
            } catch let error as TheanoError where error.kind == .missingDependency {
                print(error.message)
            }
        default:
            throw TheanoError(.badArgument, "examples --graph: '\(style)' is neither a file ending in .html, .png, .svg or .dot, nor pp or debugprint")
        }
    }
}
