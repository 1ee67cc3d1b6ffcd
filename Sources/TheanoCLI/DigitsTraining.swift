import Theano

/// `theano train digits`: an MLP and a small CNN on the handwritten-digits data.
enum DigitsTraining {
    static func run(dataset: String, model: String, epochs: Int?, outputDirectory: String) throws {
        throw TheanoError(.unsupported, "train: not yet available")
    }
}
