import Synchronization

/// A compiled function: call it with Swift values or NDArrays.
///
/// `Output` is `NDArray` for a single output and `[NDArray]` for a list. Building it optimized and linked the
/// graph once; a call only converts the arguments, runs the program and commits the updates.
public final class Function<Output>: @unchecked Sendable {
    /// The explicit inputs, in call order.
    public let inputs: [In]
    /// The optimized graph the backend runs.
    public let graph: FunctionGraph
    /// The mode it was compiled with.
    public let mode: Mode
    /// Which rewrites fired, when the mode records them.
    public let rewriteReport: RewriteReport
    /// The name given to `function(..., name:)`, used in error messages.
    public let name: String?
    let program: any Program
    let sharedReads: [SharedVariable]
    let updateTargets: [SharedVariable]
    /// How many outputs a call returns.
    public let outputCount: Int
    let allowInputDowncast: Bool
    let wrap: @Sendable ([NDArray]) -> Output
    /// The user's output and update expressions, for `debugprint` of the unoptimized form.
    public let userOutputs: [TensorVariable]
    /// The updates as the user wrote them: each shared variable and its new value's expression.
    public let updates: [(SharedVariable, TensorVariable)]

    /// For each input, the 0-d array a Swift scalar argument was stored in, reused while nothing else
    /// holds it (guarded by `bindingLock`).
    private let boundScalars: UnsafeMutablePointer<NDArray?>
    private let bindingLock = NSLockish()

    deinit {
        boundScalars.deinitialize(count: inputs.count)
        boundScalars.deallocate()
    }

    init(inputs: [In], graph: FunctionGraph, mode: Mode, report: RewriteReport, program: any Program,
         sharedReads: [SharedVariable], updates: [(SharedVariable, TensorVariable)], userOutputs: [TensorVariable],
         allowInputDowncast: Bool, name: String?, wrap: @escaping @Sendable ([NDArray]) -> Output) {
        self.inputs = inputs
        boundScalars = .allocate(capacity: inputs.count)
        boundScalars.initialize(repeating: nil, count: inputs.count)
        self.graph = graph
        self.mode = mode
        self.rewriteReport = report
        self.program = program
        self.sharedReads = sharedReads
        self.updateTargets = updates.map(\.0)
        self.updates = updates
        self.userOutputs = userOutputs
        self.outputCount = userOutputs.count
        self.allowInputDowncast = allowInputDowncast
        self.name = name
        self.wrap = wrap
    }

    /// Calls the function: `f(1.5, 2.5)`, `f([1, 1, 1, 1], 100.0)`.
    @discardableResult
    public func callAsFunction(_ arguments: any NDArrayConvertible...) throws -> Output {
        try call(arguments)
    }

    /// Calls the function with an argument list; missing trailing arguments take their `In` defaults.
    @discardableResult
    public func call(_ arguments: [any NDArrayConvertible]) throws -> Output {
        guard arguments.count <= inputs.count else {
            throw TheanoError(.badArgument, "\(label): takes \(inputs.count) argument\(inputs.count == 1 ? "" : "s"), got \(arguments.count)")
        }
        var values: [NDArray] = []
        values.reserveCapacity(inputs.count + sharedReads.count)
        // One caller at a time reuses the arrays that Swift scalar arguments were stored in last call.
        let ownsBindings = bindingLock.tryLock()
        defer { if ownsBindings { bindingLock.unlock() } }
        for i in 0..<inputs.count {
            if ownsBindings && i < arguments.count, var kept = boundScalars[i].take() {
                if arguments[i].overwriteScalar(&kept) {
                    values.append(kept)
                    boundScalars[i] = kept
                    continue
                }
            }
            // Bound only here: copying an `In` retains each of its fields.
            let spec = inputs[i]
            let array: NDArray, byValue: Bool
            if i < arguments.count {
                array = try arguments[i].makeNDArray()
                byValue = arguments[i].convertsByValue
            } else if let value = spec.value {
                array = value
                byValue = true
            } else {
                throw TheanoError(.missingInput, "\(label): missing argument \(i) (\(spec.name ?? "unnamed") \(spec.variable.type)), which has no default value")
            }
            let value = try spec.variable.type.filter(array, byValue: byValue, allowDowncast: allowInputDowncast) {
                "\(label): argument \(i) (\(spec.name ?? "unnamed"))"
            }
            if ownsBindings && byValue && value.ndim == 0 { boundScalars[i] = value }
            values.append(value)
        }
        return try runWith(values)
    }

    /// Runs with already filtered inputs: reads the shared state, computes everything, commits updates together.
    func runWith(_ explicitValues: [NDArray]) throws -> Output {
        var values = explicitValues
        if !sharedReads.isEmpty { sharedStateLock.withLock { _ in for shared in sharedReads { values.append(shared.value) } } }
        let results = try program.run(values)
        if !updateTargets.isEmpty {
            // Every output and update was computed from the state before the call; they land together.
            sharedStateLock.withLock { _ in
                for (k, target) in updateTargets.enumerated() { target.store(results[outputCount + k]) }
            }
        }
        return wrap(outputCount == results.count ? results : Array(results.prefix(outputCount)))
    }

    /// Whether the VM runs generated C kernels for this function's elementwise loops, and if not, why.
    public var generatedC: GeneratedCStatus {
        program.generatedC
    }

    /// Compiles the generated C kernels now (the function's, and those of the scan steps and ifelse
    /// branches it runs), if they are not compiled already, and waits until they are in use or have
    /// failed; calls meanwhile go on running on the VM's own kernels.
    @discardableResult
    public func waitForGeneratedC() -> GeneratedCStatus {
        program.waitForGeneratedC()
    }

    var label: String { "function \(name.map { "'\($0)'" } ?? "(\(inputs.map { $0.name ?? "_" }.joined(separator: ", ")))")" }
}

/// Serialises reading shared state at the start of calls against committing updates at the end, so a call
/// never sees half of another call's updates.
let sharedStateLock = Mutex<Void>(())

/// Compiles a function with one output: `let f = try function([a, b], a + b)`.
public func function(_ inputs: [any FunctionInput], _ output: TensorVariable,
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil) throws -> Function<NDArray> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), [output], updates: updates, givens: givens,
                              mode: mode ?? .default, allowInputDowncast: allowInputDowncast,
                              onUnusedInput: onUnusedInput, noDefaultUpdates: noDefaultUpdates, name: name) { $0[0] }
}

/// Compiles a function with a list of outputs (possibly empty): it returns a list of arrays.
public func function(_ inputs: [any FunctionInput], _ outputs: [TensorVariable],
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil) throws -> Function<[NDArray]> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), outputs, updates: updates, givens: givens,
                              mode: mode ?? .default, allowInputDowncast: allowInputDowncast,
                              onUnusedInput: onUnusedInput, noDefaultUpdates: noDefaultUpdates, name: name) { $0 }
}

/// Compiles a function with only updates: `function([inc], updates: [(state, state + inc)])`.
public func function(_ inputs: [any FunctionInput], updates: [(SharedVariable, TensorVariable)],
                     givens: [(TensorVariable, TensorVariable)] = [], mode: Mode? = nil,
                     allowInputDowncast: Bool = false, name: String? = nil) throws -> Function<[NDArray]> {
    try function(inputs, [], updates: updates, givens: givens, mode: mode, allowInputDowncast: allowInputDowncast, name: name)
}

extension TensorVariable {
    /// Compiles and runs this expression once: `(x + y).eval([x: 1, y: 2])`.
    public func eval(_ values: [TensorVariable: any NDArrayConvertible] = [:], mode: Mode? = nil) throws -> NDArray {
        let keys = Array(values.keys)
        let f = try function(keys, self, mode: mode, onUnusedInput: .ignore)
        return try f.call(keys.map { values[$0]! })
    }
}
