import Theano

/// `theano info` and `theano cache`.
enum MachineInfo {
    static func report() -> String { "theano info: backends not yet reported" }
}

enum KernelCacheCommand {
    static func run(_ action: String) throws {
        throw TheanoError(.unsupported, "cache: no kernel cache yet")
    }
}
