/// The nnet stage's rewrites, registered with the optimizer.
enum NNetRewrites {
    static var all: [LocalRewrite] { [] }
}
