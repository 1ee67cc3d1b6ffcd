/// The fast CPU virtual machine. Until its kernels land it runs the reference schedule.
public struct VMLinker: Linker {
    public init() {}
    public var name: String { "vm" }
    public func link(_ graph: FunctionGraph) throws -> any Program { ReferenceProgram(Schedule(graph)) }
}
