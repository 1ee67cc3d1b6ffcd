import ArgumentParser
import Foundation
import Theano
import TheanoExamples

/// The `theano` command: tutorials, training, machine info, the kernel cache and the documentation.
@main
struct TheanoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theano",
        abstract: "Theano for Swift: run the tutorials, train on real data, inspect the machine.",
        subcommands: [Examples.self, Train.self, Info.self, Cache.self, Docs.self]
    )
}

struct Examples: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Theano tutorial programs and print what the tutorials print.",
        discussion: "With no NAME, runs every tutorial program; --list shows the names, the articles' examples included."
    )
    @Argument(help: "The example to run (see --list); all tutorial programs when omitted.")
    var name: String?
    @Flag(help: "List the tutorial programs and the articles' examples.")
    var list = false
    /// The older spelling of NAME, kept so scripts and tests that say `--only NAME` go on working.
    @Option(help: .hidden)
    var only: String?
    @Option(help: "Show the example's graph: a file ending in .html (the interactive view), .png, .svg or .dot, or pp or debugprint.")
    var graph: String?

    func run() throws {
        if list {
            print(ExampleRunner.listing())
            return
        }
        let examples = try (name ?? only).map { [try Example.named($0)] } ?? TutorialPrograms.all
        if graph != nil && examples.count != 1 {
            throw ValidationError("--graph shows one example's graph; name it: theano examples NAME --graph \(graph ?? "")")
        }
        for example in examples { try ExampleRunner.run(example, graph: graph) }
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model on a bundled data set (digits).")
    @Argument(help: "The data set: digits.")
    var dataset: String = "digits"
    @Option(help: "The model: mlp, cnn or both.")
    var model: String = "both"
    @Option(help: "Epochs in all (a resumed run counts the checkpoint's); 30 for the MLP and 20 for the CNN by default.")
    var epochs: Int?
    @Option(help: "Where to write parameters (.npz) and curves (.svg).")
    var output: String = "."
    @Flag(help: "Continue from the .npz checkpoint that an earlier run left in --output.")
    var resume = false

    func run() throws {
        // Under mpirun every rank trains its part of each batch; only rank 0 prints.
        let world = Communicator.world
        if world.rank != 0 { dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO) }
        try DigitsTraining.run(dataset: dataset, model: model, epochs: epochs, outputDirectory: output, resume: resume,
                               communicator: world)
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report the BLAS, C compiler and CPU features in use, and why one is missing.")
    func run() throws { print(MachineInfo.report()) }
}

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List or clear the generated-kernel cache (like theano-cache).")
    @Argument(help: "list or clear")
    var action: KernelCacheCommand.Action = .list
    func run() { KernelCacheCommand.run(action) }
}

struct Docs: ParsableCommand {
    enum Action: String, CaseIterable, ExpressibleByArgument { case update, check, rewrites }
    static let configuration = CommandConfiguration(
        abstract: "Keep the documentation's generated parts current.",
        discussion: """
        update: rewrite the examples' code and output blocks and the rewrite list in Sources/Theano/Theano.docc.
        check: fail when one of them is stale. rewrites: print the rewrite list.
        """
    )
    @Argument(help: "update, check or rewrites")
    var action: Action

    func run() throws {
        switch action {
        case .rewrites:
            print(DocsGenerator.rewriteList())
        case .update, .check:
            let sources = try DocsGenerator.exampleSources()
            var stale: [String] = []
            for article in try DocsGenerator.articles() {
                let current = try DocsGenerator.updated(article.text, sources: sources)
                guard current != article.text else { continue }
                stale.append(article.name)
                if action == .update {
                    try current.write(to: DocsGenerator.catalog.appendingPathComponent(article.name), atomically: true, encoding: .utf8)
                }
            }
            if action == .check && !stale.isEmpty {
                throw ValidationError("stale: \(stale.joined(separator: ", ")); run `swift run theano docs update`")
            }
            print(stale.isEmpty ? "the catalog is current" : "updated: \(stale.joined(separator: ", "))")
        }
    }
}
