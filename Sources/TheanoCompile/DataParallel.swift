import Foundation

/// Compiles a data-parallel training step: like `function(_:_:updates:)`, but every gradient (a
/// variable `grad` returned) that flows into an update is averaged across `communicator`'s ranks before
/// the updates are applied, and the updated shared variables are first broadcast from rank 0, so every
/// rank starts from the same parameters.
///
/// Small gradients of one dtype travel together, in buckets of up to `bucketBytes` (as PyTorch's DDP
/// does), each one `allReduce(_:op:communicator:)`. The mean adds the ranks' gradients in rank order,
/// so every rank computes the same bits and the parameters stay identical everywhere. On a single
/// process it is the plain function.
///
/// Building broadcasts and every call communicates, so every rank must build its data-parallel
/// functions, and call them, in the same order (as with any MPI collective).
public func function(_ inputs: [any FunctionInput], _ output: TensorVariable,
                     updates: [(SharedVariable, TensorVariable)], givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false, communicator: Communicator,
                     bucketBytes: Int = 1 << 20, name: String? = nil) throws -> Function<NDArray> {
    let averaged = try DataParallel.averagingGradients(updates, communicator: communicator, bucketBytes: bucketBytes, name: name)
    return try function(inputs, output, updates: averaged, givens: givens, mode: mode, allowInputDowncast: allowInputDowncast, name: name)
}

/// A data-parallel training step with a list of outputs (see `function(_:_:updates:communicator:)`).
public func function(_ inputs: [any FunctionInput], _ outputs: [TensorVariable],
                     updates: [(SharedVariable, TensorVariable)], givens: [(TensorVariable, TensorVariable)] = [],
                     mode: Mode? = nil, allowInputDowncast: Bool = false, communicator: Communicator,
                     bucketBytes: Int = 1 << 20, name: String? = nil) throws -> Function<[NDArray]> {
    let averaged = try DataParallel.averagingGradients(updates, communicator: communicator, bucketBytes: bucketBytes, name: name)
    return try function(inputs, outputs, updates: averaged, givens: givens, mode: mode, allowInputDowncast: allowInputDowncast, name: name)
}

package enum DataParallel {
    /// The updates with each gradient inside them replaced by its mean across ranks, after the targets
    /// are broadcast from rank 0.
    package static func averagingGradients(_ updates: [(SharedVariable, TensorVariable)], communicator: Communicator,
                                           bucketBytes: Int, name: String?) throws -> [(SharedVariable, TensorVariable)] {
        let where_ = "function\(name.map { " '\($0)'" } ?? "")"
        if communicator.size == 1 {
            if communicator === Communicator.world, let launched = Settings.launchedProcesses, launched > 1 {
                throw TheanoError(.missingDependency, "\(where_): this process is one of \(launched) started by a launcher, but Communicator.world is a single process (\(communicator.note ?? "no MPI")); each rank would train alone")
            }
            return updates
        }
        guard bucketBytes >= 0 else {
            throw TheanoError(.badArgument, "\(where_): bucketBytes must be ≥ 0, got \(bucketBytes)")
        }
        // Every rank starts from rank 0's parameters.
        for (target, _) in updates {
            let operation = "\(where_): broadcast of \(target.name ?? "a shared variable")"
            do {
                try target.setValue(try communicator.broadcasting(target.getValue(), root: 0, operation: operation))
            } catch let failure as OpFailure {
                throw TheanoError(failure.kind, failure.message)
            }
        }
        // The gradients, in the graph's (deterministic) topological order: the same on every rank.
        var gradients: [TensorVariable] = [], seen = Set<TensorVariable>()
        for value in updates.map(\.1) where GradientMarks.wrt(of: value) != nil && value.owner != nil && seen.insert(value).inserted {
            gradients.append(value)
        }
        for node in GraphWalk.topologicalNodes(outputs: updates.map(\.1)) {
            for output in node.outputs where GradientMarks.wrt(of: output) != nil && seen.insert(output).inserted {
                gradients.append(output)
            }
        }
        guard !gradients.isEmpty else { return updates }
        // Buckets: consecutive gradients of one dtype with shapes known from their shared variable.
        var replacements: [TensorVariable: TensorVariable] = [:]
        var bucket: [(TensorVariable, [Int])] = [], bucketSize = 0
        func flush() {
            defer { bucket = []; bucketSize = 0 }
            if bucket.count == 1 { replacements[bucket[0].0] = allReduce(bucket[0].0, op: .mean, communicator: communicator) }
            guard bucket.count > 1 else { return }
            let flat = allReduce(concatenate(bucket.map { $0.0.flatten() }, axis: 0), op: .mean, communicator: communicator)
            var offset = 0
            for (g, shape) in bucket {
                let n = shape.reduce(1, *)
                replacements[g] = flat[offset ..< offset + n].reshape(shape)
                offset += n
            }
        }
        for g in gradients {
            let shape = (GradientMarks.wrt(of: g) as? SharedVariable)?.getValue().shape
            let bytes = shape.map { $0.reduce(1, *) * g.dtype.itemSize } ?? Int.max
            guard let shape, shape.count == g.ndim, bytes <= bucketBytes,
                  flat(g, shape).type == g.type else {
                flush()
                replacements[g] = allReduce(g, op: .mean, communicator: communicator)
                continue
            }
            if let first = bucket.first, first.0.dtype != g.dtype || bucketSize + bytes > bucketBytes { flush() }
            bucket.append((g, shape))
            bucketSize += bytes
        }
        flush()
        let values = GraphClone.clone(updates.map(\.1), replacing: replacements)
        return zip(updates, values).map { ($0.0, $1) }
    }

    /// The type a bucketed gradient comes back with, to check it is the gradient's own.
    private static func flat(_ g: TensorVariable, _ shape: [Int]) -> TensorVariable {
        g.flatten()[0 ..< shape.reduce(1, *)].reshape(shape)
    }
}
