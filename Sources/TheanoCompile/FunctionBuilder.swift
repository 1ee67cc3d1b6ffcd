/// Validates a `function` request, clones and optimizes its graph, and links the result.
package enum FunctionBuilder {
    package static func build<Output>(_ inputs: [In], _ outputs: [TensorVariable],
                              updates explicitUpdates: [(SharedVariable, TensorVariable)],
                              givens: [(TensorVariable, TensorVariable)], mode explicitMode: Mode?, allowInputDowncast: Bool,
                              onUnusedInput: UnusedInputPolicy, noDefaultUpdates: Bool, name: String?,
                              profile: Bool? = nil, outputBorrow: [Bool]? = nil, wrap: @escaping @Sendable ([NDArray]) -> Output) throws -> Function<Output> {
        let where_ = "function\(name.map { " '\($0)'" } ?? "")"
        let mode = try explicitMode ?? config.defaultMode(for: where_)
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
        // Givens: each variable replaced once, by a value of a matching type that does not depend on it.
        var replacements: [TensorVariable: TensorVariable] = [:]
        var givenValues: [TensorVariable: TensorVariable] = [:]
        for (old, new) in givens {
            if let earlier = givenValues[old] {
                throw TheanoError(.invalidGivens, "\(where_): givens replaces \(describe(old)) twice, by \(NodeFailure.shortName(earlier)) and by \(NodeFailure.shortName(new)); each variable may be replaced once")
            }
            guard old.ndim == new.ndim, DType.upcast(old.dtype, new.dtype) == old.dtype || old.dtype == new.dtype else {
                throw TheanoError(.invalidGivens, "\(where_): givens replaces \(describe(old)) of type \(old.type) by \(NodeFailure.shortName(new)) of type \(new.type)")
            }
            givenValues[old] = new
            replacements[old] = new.dtype == old.dtype ? new : cast(new, old.dtype)
        }
        let substitutionOrder = try orderWithoutCycles(givens.map(\.0), replacements: replacements, givenValues: givenValues, where_)
        let roots = outputs + updates.map(\.1)
        let userGraph = SubstitutedGraph(roots, replacing: replacements)
        var unsubstituted: Set<TensorVariable>?
        for (old, _) in givens where !userGraph.passes.contains(old) {
            // Cut off by another replacement, it is still part of the user's graph; only strangers are errors.
            let plain = unsubstituted ?? Set(GraphWalk.inputs(of: roots) + GraphWalk.topologicalNodes(outputs: roots).flatMap(\.outputs))
            unsubstituted = plain
            guard plain.contains(old) else {
                throw TheanoError(.invalidGivens, "\(where_): givens replaces \(describe(old)) (\(old.type)), which is not part of the outputs' or updates' graph")
            }
        }
        // Default updates of shared variables the graph reads (random streams).
        if !noDefaultUpdates {
            for leaf in userGraph.leaves {
                if let shared = leaf as? SharedVariable, let update = shared.defaultUpdate, !targets.contains(shared) {
                    updates.append((shared, update))
                    targets.insert(shared)
                }
            }
        }
        let allOutputs = outputs + updates.map(\.1)
        // What the compiled graph reads once givens are substituted.
        let compiled = SubstitutedGraph(allOutputs, replacing: replacements)
        let used = Set(compiled.leaves)
        if onUnusedInput == .raise {
            for (i, spec) in inputs.enumerated() where !used.contains(spec.variable) {
                if let value = givenValues[spec.variable] {
                    throw TheanoError(.unusedInput, "\(where_): input \(i) (\(describe(spec.variable))) is replaced by givens with \(NodeFailure.shortName(value)), so its argument would be ignored; remove it from the inputs or from givens, or pass onUnusedInput: .ignore")
                }
                throw TheanoError(.unusedInput, "\(where_): input \(i) (\(spec.variable.name ?? "unnamed")) is not used by any output or update; pass onUnusedInput: .ignore to allow this")
            }
        }
        // Shared variables become trailing graph inputs, read at each call.
        let userInputs = inputs.map(\.variable)
        let shared = compiled.leaves.compactMap { $0 as? SharedVariable }
        for leaf in compiled.leaves where !(leaf is SharedVariable) && !(leaf is TensorConstant) && !seenInputs.contains(leaf) {
            throw TheanoError(.missingInput, "\(where_): the outputs depend on \(leaf.name ?? "an unnamed variable") (\(leaf.type)), which is not among the inputs; add it to the input list or give it a value with givens")
        }
        let replacementsToClone = substitutedThroughout(replacements, order: substitutionOrder)
        let graph = FunctionGraph(inputs: userInputs + shared, outputs: allOutputs, replacements: replacementsToClone)
        let backend = try BackendRegistry.backend(for: mode, operation: "function")
        let optimizing = ContinuousClock.now
        let report = RewriteDatabase.standard.optimize(graph, mode: mode, extra: backend.rewrites)
        let linking = ContinuousClock.now
        let stats = (profile ?? config.profile) ? ProfileStats(name: name, graph: graph, optimizeTime: (linking - optimizing).seconds) : nil
        var program = try Linking.link(graph, mode: mode, backend: backend, profile: stats, unoptimized: { FunctionGraph(inputs: userInputs + shared, outputs: allOutputs, replacements: replacementsToClone) })
        if let stats {
            stats.linkTime = (ContinuousClock.now - linking).seconds
            program = ProfilingProgram(program, stats: stats)
        }
        return Function(inputs: inputs, graph: graph, mode: mode, report: report, program: program,
                        sharedReads: shared, updates: updates, userOutputs: outputs,
                        allowInputDowncast: allowInputDowncast, name: name, profile: stats, outputBorrow: outputBorrow, wrap: wrap)
    }

    package static func describe(_ v: TensorVariable) -> String { v.name ?? pp(v) }

    /// The replaced variables, each after those its replacement reads. Throws when a replacement
    /// depends, directly or through other givens, on the variable it replaces: substituting would never
    /// end (Theano forbids it too).
    package static func orderWithoutCycles(_ keys: [TensorVariable], replacements: [TensorVariable: TensorVariable],
                                   givenValues: [TensorVariable: TensorVariable], _ where_: String) throws -> [TensorVariable] {
        let replaced = Set(keys)
        // The replaced variables each replacement reads, stopping at them: they are substituted in turn.
        func replacedReads(_ key: TensorVariable) -> [TensorVariable] {
            guard let value = replacements[key] else { return [] }
            if replaced.contains(value) { return [value] }
            return GraphWalk.topologicalNodes(outputs: [value], stopAt: replaced).flatMap { $0.inputs.filter(replaced.contains) }
        }
        // Depth-first over the keys; a key met again while still on the path closes a cycle.
        var finished = Set<TensorVariable>(), order: [TensorVariable] = []
        for root in keys where !finished.contains(root) {
            var path = [root], onPath: Set = [root], pending = [replacedReads(root)]
            while let top = path.last {
                guard let next = pending[pending.count - 1].popLast() else {
                    path.removeLast()
                    onPath.remove(top)
                    finished.insert(top)
                    order.append(top)
                    pending.removeLast()
                    continue
                }
                if onPath.contains(next) {
                    throw cycleError(Array(path.drop { $0 != next }), givenValues: givenValues, where_)
                }
                if finished.contains(next) { continue }
                path.append(next)
                onPath.insert(next)
                pending.append(replacedReads(next))
            }
        }
        return order
    }

    /// The replacements with the givens inside them substituted as well, so no value reads a replaced
    /// variable. `FunctionGraph` clones the values in no particular order and would otherwise wire a
    /// chain (x → y + z, y → z * 2) to the user's uncloned `z * 2`, a slot nothing fills at run time.
    /// Only nodes that read a replaced variable are copied; without chains nothing is.
    package static func substitutedThroughout(_ replacements: [TensorVariable: TensorVariable],
                                      order: [TensorVariable]) -> [TensorVariable: TensorVariable] {
        let replaced = Set(order)
        var substituted: [TensorVariable: TensorVariable] = [:], copies: [TensorVariable: TensorVariable] = [:]
        for key in order {
            guard let value = replacements[key] else { continue }
            var map = copies.merging(substituted) { _, s in s }
            GraphClone.copy([value], into: &map, stopAt: replaced)
            for (old, new) in map where substituted[old] == nil { copies[old] = new }
            substituted[key] = map[value] ?? value
        }
        return substituted
    }

    package static func cycleError(_ cycle: [TensorVariable], givenValues: [TensorVariable: TensorVariable], _ where_: String) -> TheanoError {
        let steps = cycle.map { "\(describe($0)) by \(givenValues[$0].map(NodeFailure.shortName) ?? "?")" }
        let chain = (cycle + [cycle[0]]).map(describe).joined(separator: " → ")
        let what = cycle.count == 1 ? "which depends on \(describe(cycle[0])) itself" : "which depend on each other (\(chain))"
        return TheanoError(.invalidGivens, "\(where_): givens replaces \(steps.joined(separator: " and ")), \(what); a replacement must not depend, directly or through other givens, on the variable it replaces")
    }
}

/// The graph above some variables as the function will compile it, with givens substituted.
package struct SubstitutedGraph {
    /// The leaves it reads (inputs, shared variables, constants), in the order `GraphWalk.inputs` finds them.
    package private(set) var leaves: [TensorVariable] = []
    /// Every variable on the way, replaced ones included.
    package private(set) var passes = Set<TensorVariable>()

    /// The replacements must have no cycle (see `FunctionBuilder.orderWithoutCycles`). Iterative, like `GraphWalk`.
    package init(_ roots: [TensorVariable], replacing replacements: [TensorVariable: TensorVariable]) {
        var seenLeaves = Set<TensorVariable>()
        func resolve(_ variable: TensorVariable) -> TensorVariable {
            var v = variable
            passes.insert(v)
            while let r = replacements[v], r !== v { v = r; passes.insert(v) }
            if v.owner == nil && seenLeaves.insert(v).inserted { leaves.append(v) }
            return v
        }
        let resolvedRoots = roots.map(resolve)
        var done = Set<ObjectIdentifier>(), stack: [(Apply, Bool)] = []
        for root in resolvedRoots.reversed() { if let owner = root.owner { stack.append((owner, false)) } }
        while let (node, expanded) = stack.popLast() {
            let id = ObjectIdentifier(node)
            if expanded {
                if done.insert(id).inserted { passes.formUnion(node.outputs); for input in node.inputs { _ = resolve(input) } }
                continue
            }
            if done.contains(id) { continue }
            stack.append((node, true))
            for input in node.inputs.reversed() {
                var v = input
                while let r = replacements[v], r !== v { v = r }
                if let owner = v.owner, !done.contains(ObjectIdentifier(owner)) { stack.append((owner, false)) }
            }
        }
    }
}
