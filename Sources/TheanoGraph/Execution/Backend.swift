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

/// Whether a compiled function runs generated C kernels, and if not, why.
public enum GeneratedCStatus: Sendable, Equatable, CustomStringConvertible {
    /// Not in use: turned off, no compiler, or nothing in the graph that C would speed up.
    case off(String)
    /// Waiting until the function is hot (over a million elements of elementwise work, counting only
    /// loops of at least 2,048 elements).
    case waiting
    case compiling
    /// The kernels are swapped in: `kernels` elementwise loops run as generated C.
    case ready(kernels: Int)
    /// Compiling failed; the VM's own kernels go on serving calls.
    case failed(String)

    public var description: String {
        switch self {
        case .off(let why): "off: \(why)"
        case .waiting: "waiting until the function is hot"
        case .compiling: "compiling in the background"
        case .ready(let n): "\(n) generated kernel\(n == 1 ? "" : "s") in use"
        case .failed(let why): "compilation failed, the VM's kernels run instead: \(why)"
        }
    }
}
