/// Links a graph on the backend its mode names, wrapped in the mode's checks: the NaN guard watches
/// every node the backend runs, and the debug mode compares the backend's results with the reference
/// executor's on the unoptimized graph.
package enum Linking {
    /// With `profile`, its observer times every node the backend runs (after the NaN guard's check).
    package static func link(_ graph: FunctionGraph, mode: Mode, backend: any Backend, profile: ProfileStats? = nil, unoptimized: () -> FunctionGraph) throws -> any Program {
        let profiling = profile?.observer
        switch mode.check {
        case .nanGuard:
            guard let profiling else { return try backend.link(graph, mode: mode, observer: NaNGuard.check) }
            return try backend.link(graph, mode: mode, observer: { node, outputs in try NaNGuard.check(node, outputs); try profiling(node, outputs) })
        case .debug:
            return DebugProgram(optimized: try backend.link(graph, mode: mode, observer: profiling), graph: graph,
                                reference: try ReferenceBackend().link(unoptimized(), mode: mode, observer: nil))
        case .none:
            return try backend.link(graph, mode: mode, observer: profiling)
        }
    }
}

/// Throws at the first node whose output holds NaN or ±Inf.
package enum NaNGuard {
    @Sendable package static func check(_ node: Apply, _ outputs: [NDArray]) throws {
        for (i, value) in outputs.enumerated() where value.dtype.isFloat || value.dtype.isComplex {
            let values = value.dtype.isComplex ? value.astype(.complex128).scalars(as: Double.self) : value.doubles
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                // numpy's spelling: a NaN with its sign bit set is "nan", not Swift's "-nan".
                let shown = values[bad].isNaN ? "nan" : "\(values[bad])"
                throw OpFailure(.numericalError, "NanGuardMode: output \(i) holds \(shown) at flat index \(bad) (shape \(value.shape))")
            }
        }
    }
}

/// Runs the optimized and the unoptimized graph on the same inputs and throws when they disagree,
/// naming the output and the rewrite that produced the node computing it.
package final class DebugProgram: Program, @unchecked Sendable {
    package let optimized: any Program
    package let graph: FunctionGraph
    package let reference: any Program

    package var generatedC: GeneratedCStatus { optimized.generatedC }
    package func waitForGeneratedC() -> GeneratedCStatus { optimized.waitForGeneratedC() }

    package init(optimized: any Program, graph: FunctionGraph, reference: any Program) {
        self.optimized = optimized
        self.graph = graph
        self.reference = reference
    }

    package func run(_ inputs: [NDArray]) throws -> [NDArray] {
        let fast = try optimized.run(inputs)
        let expected = try reference.run(inputs)
        for (i, (a, b)) in zip(fast, expected).enumerated() where !DebugProgram.agree(a, b) {
            let output = graph.outputs[i]
            let rewrite = output.owner.flatMap { graph.producedBy[ObjectIdentifier($0)] } ?? "no rewrite (the node is the user's)"
            throw TheanoError(.numericalError, "DebugMode: output \(i) (\(pp(output))) differs after optimization: optimized \(a), reference \(b); the node was produced by \(rewrite)")
        }
        return fast
    }

    package static func agree(_ a: NDArray, _ b: NDArray) -> Bool {
        guard a.shape == b.shape else { return false }
        if a.dtype.isComplex || b.dtype.isComplex { return a.astype(.complex128) == b.astype(.complex128) }
        let tolerance = (a.dtype == .float32 || b.dtype == .float32) ? 1e-4 : 1e-7
        return zip(a.doubles, b.doubles).allSatisfy { x, y in
            x == y || (x.isNaN && y.isNaN) || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))
        }
    }
}
