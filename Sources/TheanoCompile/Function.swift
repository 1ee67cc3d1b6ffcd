/// A compiled function: call it with Swift values or NDArrays.
///
/// `Output` is `NDArray` for a single output and `[NDArray]` for a list. Building it optimized and linked the
/// graph once; a call only converts the arguments, runs the program and commits the updates.
@dynamicCallable
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
    package let program: any Program
    /// The shared variables the program reads, in the order of its trailing inputs.
    package let sharedReads: [SharedVariable]
    package let updateTargets: [SharedVariable]
    /// The shared variables a call locks, by increasing serial: with updates, every variable read or
    /// updated (update locks); without, the variables read (value locks). Empty when none is touched.
    private let lockOrder: [SharedVariable]
    /// Each update target, by increasing serial, with the index of its new value among the results.
    private let commits: [(target: SharedVariable, result: Int)]
    /// How many outputs a call returns.
    public let outputCount: Int
    package let allowInputDowncast: Bool
    package let wrap: @Sendable ([NDArray]) -> Output
    /// The times and memory of calls, when compiled with `profile: true` or `THEANO_FLAGS=profile=True`.
    public let profile: ProfileStats?
    /// For each output, whether it was given as `Out(borrow: true)` (see `Out`).
    package let outputBorrow: [Bool]
    /// The user's output and update expressions, for `debugprint` of the unoptimized form.
    public let userOutputs: [TensorVariable]
    /// The updates as the user wrote them: each shared variable and its new value's expression.
    public let updates: [(SharedVariable, TensorVariable)]

    /// For each input, the 0-d array a Swift scalar argument was stored in, reused while nothing else
    /// holds it (guarded by `bindingLock`).
    private let boundScalars: UnsafeMutablePointer<NDArray?>
    private let bindingLock = TryLock()

    deinit {
        boundScalars.deinitialize(count: inputs.count)
        boundScalars.deallocate()
    }

    package init(inputs: [In], graph: FunctionGraph, mode: Mode, report: RewriteReport, program: any Program,
         sharedReads: [SharedVariable], updates: [(SharedVariable, TensorVariable)], userOutputs: [TensorVariable],
         allowInputDowncast: Bool, name: String?, profile: ProfileStats? = nil, outputBorrow: [Bool]? = nil,
         wrap: @escaping @Sendable ([NDArray]) -> Output) {
        self.inputs = inputs
        self.profile = profile
        self.outputBorrow = outputBorrow ?? userOutputs.map { _ in false }
        boundScalars = .allocate(capacity: inputs.count)
        boundScalars.initialize(repeating: nil, count: inputs.count)
        self.graph = graph
        self.mode = mode
        self.rewriteReport = report
        self.program = program
        self.sharedReads = sharedReads
        self.updateTargets = updates.map(\.0)
        let outputCount = userOutputs.count
        commits = updates.enumerated().map { (target: $1.0, result: outputCount + $0) }.sorted { $0.target.serial < $1.target.serial }
        var touched = Set(sharedReads.map(ObjectIdentifier.init))
        var lockOrder = sharedReads
        for (target, _) in updates where touched.insert(ObjectIdentifier(target)).inserted { lockOrder.append(target) }
        self.lockOrder = lockOrder.sorted { $0.serial < $1.serial }
        self.updates = updates
        self.userOutputs = userOutputs
        self.outputCount = outputCount
        self.allowInputDowncast = allowInputDowncast
        self.name = name
        self.wrap = wrap
    }

    /// Calls the function: `f(1.5, 2.5)`, `f([1, 1, 1, 1], 100.0)`.
    @discardableResult
    public func dynamicallyCall(withArguments arguments: [any NDArrayConvertible]) throws -> Output {
        try call(arguments)
    }

    /// Calls the function with an argument list; missing trailing arguments take their `In` defaults.
    ///
    /// Calls are thread-safe, and each is atomic with respect to every other call that touches the same
    /// shared variables (Theano promised nothing here):
    /// - A call with updates reads its shared variables, runs, and commits all its updates with no other
    ///   updating call, and no `setValue`, on any of those variables in between. Eight threads running
    ///   `s ← s + 1` 10,000 times end at exactly 80,000, and random streams never repeat a draw.
    /// - A call without updates reads all its shared variables at one moment between two commits, so
    ///   it never sees half of another call's updates, and it does not wait while an updating call runs.
    /// - Calls whose shared variables are disjoint run in parallel; a function that touches no shared
    ///   variable takes no lock. A failed call commits nothing.
    ///
    /// An op that a call runs must not itself call a function updating the same variables: it would
    /// wait for the call it is part of.
    @discardableResult
    public func call(_ arguments: [any NDArrayConvertible]) throws -> Output {
        let started = profile == nil ? nil : ContinuousClock.now
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
                do { array = try arguments[i].makeNDArray() } catch {
                    throw TheanoError.converting(error, "\(label): argument \(i) (\(spec.name ?? "unnamed"), \(spec.variable.type))")
                }
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
        let result = try run(&values)
        if let profile, let started { profile.recordCall(ContinuousClock.now - started) }
        return result
    }

    /// Runs with already filtered explicit inputs, to which it appends the shared values: reads the
    /// shared state, computes everything, commits the updates together (see `call` for the guarantee).
    private func run(_ values: inout [NDArray]) throws -> Output {
        var results: [NDArray]
        if lockOrder.isEmpty {
            results = try program.run(values)
        } else if commits.isEmpty {
            // Only reads: one consistent snapshot, then the locks are free again while the program runs.
            for shared in lockOrder { shared.lockValue() }
            for shared in sharedReads { values.append(shared.lockedValue) }
            for shared in lockOrder.reversed() { shared.unlockValue() }
            results = try program.run(values)
        } else {
            // Updates: no other writer touches these variables from the read to the commit, so none is lost.
            for shared in lockOrder { shared.lockForUpdate() }
            defer { for shared in lockOrder.reversed() { shared.unlockForUpdate() } }
            for shared in sharedReads { values.append(shared.lockedValue) }
            results = try program.run(values)
            // Every output and update was computed from the state before the call; they land together.
            for (target, _) in commits { target.lockValue() }
            for (target, k) in commits { target.commit(results[k]) }
            for (target, _) in commits.reversed() { target.unlockValue() }
        }
        unalias(&results, values)
        return wrap(outputCount == results.count ? results : Array(results.prefix(outputCount)))
    }

    /// Which outputs may share storage with what (see `Out`): an output without `Out(borrow: true)` shares
    /// none with an argument, a shared variable's value or another output; a borrowed one may share the
    /// storage of shared values and of arguments of `In(borrow: true)` inputs only. Others are copied.
    /// (Nothing a caller holds can change either way: arrays are values.)
    private func unalias(_ results: inout [NDArray], _ values: [NDArray]) {
        for k in 0..<outputCount {
            let storage = results[k].storage, borrowed = outputBorrow[k]
            let aliased = values.indices.contains { i in
                values[i].storage === storage && (i < inputs.count ? !(borrowed && inputs[i].borrow) : !borrowed)
            } || (!borrowed && (0..<outputCount).contains { j in j != k && results[j].storage === storage })
            if aliased { results[k] = results[k].copy() }
        }
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

    package var label: String { "function \(name.map { "'\($0)'" } ?? "(\(inputs.map { $0.name ?? "_" }.joined(separator: ", ")))")" }
}

/// Compiles a function with one output: `let f = try function([a, b], a + b)`.
///
/// Calls may come from any thread; each is atomic with respect to other calls touching the same
/// shared variables, so no update is lost (see ``Function/call(_:)``).
public func function(_ inputs: [any FunctionInput], _ output: TensorVariable,
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil, profile: Bool? = nil) throws -> Function<NDArray> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), [output], updates: updates, givens: givens,
                              mode: mode, allowInputDowncast: allowInputDowncast,
                              onUnusedInput: onUnusedInput, noDefaultUpdates: noDefaultUpdates, name: name, profile: profile) { $0[0] }
}

/// Compiles a function with a list of outputs (possibly empty): it returns a list of arrays.
public func function(_ inputs: [any FunctionInput], _ outputs: [TensorVariable],
                     updates: [(SharedVariable, TensorVariable)] = [],
                     givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false,
                     onUnusedInput: UnusedInputPolicy = .raise, noDefaultUpdates: Bool = false,
                     name: String? = nil, profile: Bool? = nil) throws -> Function<[NDArray]> {
    try FunctionBuilder.build(inputs.map(\.inputSpec), outputs, updates: updates, givens: givens,
                              mode: mode, allowInputDowncast: allowInputDowncast,
                              onUnusedInput: onUnusedInput, noDefaultUpdates: noDefaultUpdates, name: name, profile: profile) { $0 }
}

/// Compiles a function with only updates: `function([inc], updates: [(state, state + inc)])`.
public func function(_ inputs: [any FunctionInput], updates: [(SharedVariable, TensorVariable)],
                     givens: [(TensorVariable, TensorVariable)] = [], mode: Mode? = nil,
                     allowInputDowncast: Bool = false, name: String? = nil, profile: Bool? = nil) throws -> Function<[NDArray]> {
    try function(inputs, [] as [TensorVariable], updates: updates, givens: givens, mode: mode, allowInputDowncast: allowInputDowncast, name: name, profile: profile)
}

extension TensorVariable {
    /// Compiles and runs this expression once: `(x + y).eval([x: 1, y: 2])`.
    public func eval(_ values: [TensorVariable: any NDArrayConvertible] = [:], mode: Mode? = nil) throws -> NDArray {
        let keys = Array(values.keys)
        let f = try function(keys, self, mode: mode, onUnusedInput: .ignore)
        return try f.call(keys.map { values[$0]! })
    }
}

