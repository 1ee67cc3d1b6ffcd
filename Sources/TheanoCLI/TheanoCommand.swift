import ArgumentParser
import Theano

/// The `theano` command: tutorials, training, machine info and the kernel cache.
@main
struct TheanoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theano",
        abstract: "Theano for Swift: run the tutorials, train on real data, inspect the machine.",
        subcommands: [Examples.self, Train.self, Info.self, Cache.self]
    )
}

struct Examples: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every Theano tutorial program and print what the tutorials print.")
    @Option(help: "Print the graph of a tutorial: pp, debugprint, or dot (Graphviz).")
    var graph: String?
    @Option(help: "Run only the tutorial with this name.")
    var only: String?

    func run() throws { try TutorialPrograms.runAll(only: only, graph: graph) }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model on a bundled data set (digits).")
    @Argument(help: "The data set: digits.")
    var dataset: String = "digits"
    @Option(help: "The model: mlp, cnn or both.")
    var model: String = "both"
    @Option(help: "Training epochs.")
    var epochs: Int?
    @Option(help: "Where to write parameters (.npz) and curves (.svg).")
    var output: String = "."

    func run() throws { try DigitsTraining.run(dataset: dataset, model: model, epochs: epochs, outputDirectory: output) }
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
