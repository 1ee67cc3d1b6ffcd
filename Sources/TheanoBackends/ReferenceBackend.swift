/// The semantic baseline: runs each node's `perform`, in order, with fresh arrays.
/// Every faster backend is tested against it.
public struct ReferenceBackend: Backend {
    /// The reference executor.
    public init() {}
    public var name: String { "reference" }
    public func link(_ graph: FunctionGraph, mode: Mode, observer: NodeObserver?) throws -> any Program {
        ReferenceProgram(Schedule(graph), observer: observer)
    }
}
