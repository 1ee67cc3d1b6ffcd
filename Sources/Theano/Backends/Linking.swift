/// Picks the backend for a mode and wraps it in the mode's checks.
enum Linking {
    static func link(_ graph: FunctionGraph, mode: Mode, unoptimized: () -> FunctionGraph) throws -> any Program {
        switch mode.backend {
        case .reference, .vm:
            return try ReferenceLinker().link(graph)
        }
    }
}
