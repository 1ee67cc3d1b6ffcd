/// Calling by input name, and copies of a compiled function.
extension Function {
    /// Theano's keyword arguments: `f(x: 1, w: 3)`, `f(33, w: 3)`. Unlabelled arguments come first, in
    /// input order; each label names an input (its `In` name, else its variable's name). Inputs left
    /// out take their `In` defaults.
    @discardableResult
    public func dynamicallyCall(withKeywordArguments arguments: KeyValuePairs<String, any NDArrayConvertible>) throws -> Output {
        var positional: [any NDArrayConvertible] = [], named: [(String, any NDArrayConvertible)] = []
        for (keyword, value) in arguments {
            if keyword.isEmpty {
                guard named.isEmpty else {
                    throw TheanoError(.badArgument, "\(label): a positional argument follows the keyword argument '\(named.last!.0)'")
                }
                positional.append(value)
            } else {
                named.append((keyword, value))
            }
        }
        return try call(positional, named: named)
    }

    /// Calls with positional arguments followed by arguments by input name:
    /// `f.call([33], named: ["w": 3])`.
    @discardableResult
    public func call(_ positional: [any NDArrayConvertible] = [], named: [String: any NDArrayConvertible]) throws -> Output {
        try call(positional, named: named.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private func call(_ positional: [any NDArrayConvertible], named: [(String, any NDArrayConvertible)]) throws -> Output {
        guard positional.count <= inputs.count else {
            throw TheanoError(.badArgument, "\(label): takes \(inputs.count) argument\(inputs.count == 1 ? "" : "s"), got \(positional.count) positional")
        }
        var slots: [(any NDArrayConvertible)?] = positional.map { $0 }
        slots += Array(repeating: nil, count: inputs.count - positional.count)
        for (name, value) in named {
            let matches = inputs.indices.filter { inputs[$0].name == name }
            guard let i = matches.first else {
                let names = inputs.compactMap(\.name)
                throw TheanoError(.badArgument, "\(label): got an unexpected keyword argument '\(name)'; the inputs with names are \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            guard matches.count == 1 else {
                throw TheanoError(.badArgument, "\(label): \(matches.count) inputs are named '\(name)' (inputs \(matches.map(String.init).joined(separator: ", "))), so it cannot be passed by name")
            }
            guard slots[i] == nil else {
                throw TheanoError(.badArgument, "\(label): got multiple values for argument '\(name)' (input \(i))")
            }
            slots[i] = value
        }
        // Holes take their defaults here; trailing ones are left to `call`, which fills them the same way.
        let last = slots.lastIndex { $0 != nil } ?? -1
        var arguments: [any NDArrayConvertible] = []
        for i in 0...Swift.max(last, -1) where last >= 0 {
            if let value = slots[i] { arguments.append(value); continue }
            guard let value = inputs[i].value else {
                throw TheanoError(.missingInput, "\(label): missing argument \(i) (\(inputs[i].name ?? "unnamed") \(inputs[i].variable.type)), which has no default value")
            }
            arguments.append(DefaultArgument(array: value))
        }
        return try call(arguments)
    }

    /// Theano's `f.copy(swap=..., delete_updates=...)`: a function running the same compiled program,
    /// reading and updating the shared variables in `swap`'s values instead of its keys. Each new
    /// variable must have its old one's type. With `deleteUpdates` the copy commits no updates (the
    /// program still computes them). The copy has its own name and profile, sharing nothing mutable
    /// with this function but the program, which is safe to run from both at once.
    public func copy(swap: [SharedVariable: SharedVariable] = [:], deleteUpdates: Bool = false, name: String? = nil) throws -> Function<Output> {
        let used = Set(sharedReads.map(ObjectIdentifier.init)).union(updateTargets.map(ObjectIdentifier.init))
        for (old, new) in swap.sorted(by: { $0.key.serial < $1.key.serial }) {
            guard used.contains(ObjectIdentifier(old)) else {
                throw TheanoError(.badArgument, "\(label).copy: swap replaces shared variable \(old.name ?? "unnamed"), which the function does not use")
            }
            guard old.type == new.type else {
                throw TheanoError(.typeMismatch, "\(label).copy: swap replaces shared variable \(old.name ?? "unnamed") of type \(old.type) by \(new.name ?? "unnamed") of type \(new.type); the types must be equal")
            }
        }
        func swapped(_ v: SharedVariable) -> SharedVariable { swap[v] ?? v }
        return Function(inputs: inputs, graph: graph, mode: mode, report: rewriteReport, program: program,
                        sharedReads: sharedReads.map(swapped),
                        updates: deleteUpdates ? [] : updates.map { (swapped($0.0), $0.1) },
                        userOutputs: userOutputs, allowInputDowncast: allowInputDowncast, name: name ?? self.name,
                        profile: profile, outputBorrow: outputBorrow, wrap: wrap)
    }
}

/// An `In` default passed on by a call by name: converts like the default it is.
private struct DefaultArgument: NDArrayConvertible {
    let array: NDArray
    func makeNDArray() throws -> NDArray { array }
}
