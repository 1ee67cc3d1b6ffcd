import Synchronization

/// A compiled, runnable form of an optimized graph. Backends (the reference executor, the CPU virtual
/// machine, CUDA) each produce one.
///
/// `run` takes one value per graph input (explicit inputs, then shared variables, in `FunctionGraph.inputs`
/// order) and returns one value per graph output. It must not keep or mutate its arguments, and the arrays
/// it returns must not alias buffers it will write again.
public protocol Program: AnyObject, Sendable {
    /// Runs the graph on one value per graph input and returns one value per graph output.
    func run(_ inputs: [NDArray]) throws -> [NDArray]
    /// Whether this program runs generated C, and if not, why.
    var generatedC: GeneratedCStatus { get }
    /// Compiles any generated code now and waits for it (the program's and its subgraphs').
    func waitForGeneratedC() -> GeneratedCStatus
}

extension Program {
    public var generatedC: GeneratedCStatus { .off("this backend does not generate C") }
    public func waitForGeneratedC() -> GeneratedCStatus { generatedC }
}

/// Called after each node a program runs, with the node and its outputs; the NaN guard is one.
public typealias NodeObserver = @Sendable (Apply, [NDArray]) throws -> Void

/// A backend: turns an optimized graph into a ``Program``. Backends register by name in
/// ``BackendRegistry``; a ``Mode`` names one, and `THEANO_FLAGS=device=` picks the default.
public protocol Backend: Sendable {
    /// The name it registers under and a ``Mode`` names it by.
    var name: String { get }
    /// Rewrites this backend adds to the database's phases for the functions it links (its own fusion
    /// and in-place policy).
    var rewrites: [(phase: RewriteDatabase.Phase, entry: RewriteDatabase.Entry)] { get }
    /// Links `graph`; when `observer` is set, it is called after every node the program runs.
    func link(_ graph: FunctionGraph, mode: Mode, observer: NodeObserver?) throws -> any Program
}

extension Backend {
    /// None by default.
    public var rewrites: [(phase: RewriteDatabase.Phase, entry: RewriteDatabase.Entry)] { [] }
}

/// The backends by name. The reference executor and the CPU VM are built in; others register.
public enum BackendRegistry {
    private static let backends = Mutex<[String: any Backend]>(["reference": ReferenceBackend(), "cpu": VMBackend()])

    /// Registers `backend` under its name, replacing any backend of that name.
    public static func register(_ backend: any Backend) {
        backends.withLock { $0[backend.name] = backend }
    }

    /// The backend registered under `name`, if any.
    public static func backend(named name: String) -> (any Backend)? {
        backends.withLock { $0[name] }
    }

    /// The registered names, sorted.
    public static var names: [String] { backends.withLock { $0.keys.sorted() } }

    /// The backend `mode` names, or an error that names what is registered.
    static func backend(for mode: Mode, operation: String) throws -> any Backend {
        let name = mode.resolvedBackend.rawValue
        guard let backend = backend(named: name) else {
            let source = mode.backend == .device ? "config.device (THEANO_FLAGS=device=) is '\(name)'" : "the mode names backend '\(name)'"
            throw TheanoError(.badArgument, "\(operation): \(source), which is not a registered backend; expected one of \(names.joined(separator: ", "))")
        }
        return backend
    }
}

/// The schedule shared by executors: each node's input and output slots, fixed when the function is built.
struct Schedule {
    /// A class, so walking the schedule shares each step instead of retaining its fields.
    final class Step {
        let node: Apply
        let inputSlots: [Int]
        let outputSlots: [Int]
        init(node: Apply, inputSlots: [Int], outputSlots: [Int]) {
            (self.node, self.inputSlots, self.outputSlots) = (node, inputSlots, outputSlots)
        }
    }
    let steps: [Step]
    let slotCount: Int
    let inputSlots: [Int]
    let outputSlots: [Int]
    /// Constant values preloaded into their slots.
    let constants: [(slot: Int, value: NDArray)]
    /// For each slot, the index of the last step that reads it (or `steps.count` for graph outputs).
    let lastUse: [Int]
    /// The most inputs any step reads.
    let maxArity: Int

    init(_ graph: FunctionGraph) {
        var slotOf: [TensorVariable: Int] = [:]
        var constants: [(Int, NDArray)] = []
        func slot(_ v: TensorVariable) -> Int {
            if let s = slotOf[v] { return s }
            let s = slotOf.count
            slotOf[v] = s
            if let c = v as? TensorConstant { constants.append((s, c.value)) }
            return s
        }
        let inputSlots = graph.inputs.map(slot)
        let nodes = graph.toposort
        var steps: [Step] = []
        for node in nodes {
            steps.append(Step(node: node, inputSlots: node.inputs.map(slot), outputSlots: node.outputs.map(slot)))
        }
        let outputSlots = graph.outputs.map(slot)
        var lastUse = [Int](repeating: -1, count: slotOf.count)
        for (k, step) in steps.enumerated() { for s in step.inputSlots { lastUse[s] = k } }
        for s in outputSlots { lastUse[s] = steps.count }
        self.steps = steps
        self.slotCount = slotOf.count
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.constants = constants
        self.lastUse = lastUse
        maxArity = steps.map(\.inputSlots.count).max() ?? 0
    }
}

/// Turns a failure inside a node into an error that shows the node as the user wrote it.
enum NodeFailure {
    static func error(_ node: Apply, _ failure: Error, _ inputs: [NDArray?]) -> Error {
        if failure is TheanoError { return failure }
        let user = node.origin ?? node
        let (kind, input, message): (TheanoError.Kind, Int?, String) = {
            if let f = failure as? OpFailure { return (f.kind, f.input, f.message) }
            return (.numericalError, nil, "\(failure)")
        }()
        // A fused loop's inputs are its own, not those of the user's node it ends with.
        let isFused = (node.op as? Elemwise).map { if case .composite = $0.scalarOp { true } else { false } } ?? false
        var lines = ["\(user.op) failed: \(message)", "  expression: \(pp(user.outputs[0]))" + (isFused ? " (computed in one fused loop)" : "")]
        for (i, value) in inputs.enumerated() where input == nil || input == i {
            let variable = !isFused && i < user.inputs.count ? user.inputs[i] : node.inputs[i]
            let shape = value.map { "shape \($0.shape), dtype \($0.dtype)" } ?? "not computed"
            lines.append("  input \(i): \(shortName(variable)) \(variable.type), \(shape)")
        }
        return TheanoError(kind, lines.joined(separator: "\n"))
    }

    static func shortName(_ v: TensorVariable) -> String {
        let text = pp(v)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
