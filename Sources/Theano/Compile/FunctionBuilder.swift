/// Validates a `function` request, clones and optimizes its graph, and links the result.
enum FunctionBuilder {
    static func build<Output>(_ inputs: [In], _ outputs: [TensorVariable],
                              updates explicitUpdates: [(SharedVariable, TensorVariable)],
                              givens: [(TensorVariable, TensorVariable)], mode: Mode, allowInputDowncast: Bool,
                              onUnusedInput: UnusedInputPolicy, noDefaultUpdates: Bool, name: String?,
                              wrap: @escaping @Sendable ([NDArray]) -> Output) throws -> Function<Output> {
        let where_ = "function\(name.map { " '\($0)'" } ?? "")"
        // Inputs: explicit, distinct, and never shared variables.
        var seenInputs = Set<TensorVariable>()
        for (i, spec) in inputs.enumerated() {
            if spec.variable is SharedVariable {
                throw TheanoError(.badArgument, "\(where_): input \(i) (\(spec.variable.name ?? "unnamed")) is a shared variable; shared variables are implicit inputs and must not be listed. Use givens to replace one")
            }
            if spec.variable is TensorConstant {
                throw TheanoError(.badArgument, "\(where_): input \(i) is a constant, which cannot be an input")
            }
            guard seenInputs.insert(spec.variable).inserted else {
                throw TheanoError(.badArgument, "\(where_): input \(i) (\(spec.variable.name ?? "unnamed")) is listed twice")
            }
        }
        // Updates: distinct shared targets with exactly matching types.
        var updates = explicitUpdates
        var targets = Set<TensorVariable>()
        for (target, value) in updates {
            guard targets.insert(target).inserted else {
                throw TheanoError(.invalidUpdate, "\(where_): shared variable \(target.name ?? "unnamed") has two updates; each shared variable may be updated once per call")
            }
            guard target.type == value.type else {
                throw TheanoError(.invalidUpdate, "\(where_): an update must have the same type as the original shared variable (shared_var=\(target.name ?? "unnamed"), shared_var.type=\(target.type), update_val=\(NodeFailure.shortName(value)), update_val.type=\(value.type)). Cast the update with cast(_:_:), or make the shared variable's dtype match")
            }
        }
        // Givens: each replaced variable must be in the graph, with a matching type.
        var replacements: [TensorVariable: TensorVariable] = [:]
        let reachable = Set(GraphWalk.inputs(of: outputs + updates.map(\.1)) + GraphWalk.topologicalNodes(outputs: outputs + updates.map(\.1)).flatMap(\.outputs))
        for (old, new) in givens {
            guard reachable.contains(old) else {
                throw TheanoError(.invalidGivens, "\(where_): givens replaces \(old.name ?? pp(old)) (\(old.type)), which is not part of the outputs' or updates' graph")
            }
            guard old.ndim == new.ndim, DType.upcast(old.dtype, new.dtype) == old.dtype || old.dtype == new.dtype else {
                throw TheanoError(.invalidGivens, "\(where_): givens replaces \(old.name ?? pp(old)) of type \(old.type) by \(NodeFailure.shortName(new)) of type \(new.type)")
            }
            replacements[old] = new.dtype == old.dtype ? new : cast(new, old.dtype)
        }
        // Default updates of shared variables the graph reads (random streams).
        if !noDefaultUpdates {
            for leaf in GraphWalk.inputs(of: outputs + updates.map(\.1)) {
                if let shared = leaf as? SharedVariable, let update = shared.defaultUpdate, !targets.contains(shared) {
                    updates.append((shared, update))
                    targets.insert(shared)
                }
            }
        }
        let allOutputs = outputs + updates.map(\.1)
        let used = Set(GraphWalk.inputs(of: allOutputs.map { replacements[$0] ?? $0 } + Array(replacements.values)))
        if onUnusedInput == .raise {
            for (i, spec) in inputs.enumerated() where !used.contains(spec.variable) && !allOutputs.contains(spec.variable) {
                throw TheanoError(.unusedInput, "\(where_): input \(i) (\(spec.variable.name ?? "unnamed")) is not used by any output or update; pass onUnusedInput: .ignore to allow this")
            }
        }
        // Shared variables become trailing graph inputs, read at each call.
        let userInputs = inputs.map(\.variable)
        let shared = GraphWalk.inputs(of: allOutputs + Array(replacements.values)).compactMap { $0 as? SharedVariable }
            .filter { replacements[$0] == nil }
        for leaf in GraphWalk.inputs(of: allOutputs + Array(replacements.values))
        where leaf.owner == nil && !(leaf is SharedVariable) && !(leaf is TensorConstant) && !seenInputs.contains(leaf) && replacements[leaf] == nil {
            throw TheanoError(.missingInput, "\(where_): the outputs depend on \(leaf.name ?? "an unnamed variable") (\(leaf.type)), which is not among the inputs; add it to the input list or give it a value with givens")
        }
        let graph = FunctionGraph(inputs: userInputs + shared, outputs: allOutputs, replacements: replacements)
        let backend = try BackendRegistry.backend(for: mode, operation: "function")
        let report = RewriteDatabase.standard.optimize(graph, mode: mode, extra: backend.rewrites)
        let program = try Linking.link(graph, mode: mode, backend: backend, unoptimized: { FunctionGraph(inputs: userInputs + shared, outputs: allOutputs, replacements: replacements) })
        return Function(inputs: inputs, graph: graph, mode: mode, report: report, program: program,
                        sharedReads: shared, updates: updates, userOutputs: outputs,
                        allowInputDowncast: allowInputDowncast, name: name, wrap: wrap)
    }
}
