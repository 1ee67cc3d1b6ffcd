/// Arithmetic on symbolic sizes (int64 scalars) for the ops' `inferShape`. Constants fold as the
/// expression is built, so a shape known from the types is a constant in the graph at once; anything
/// else becomes ordinary elementwise nodes, which the optimizer simplifies and the backends run.
package enum SymbolicShape {
    /// The value of a constant size.
    package static func value(_ v: TensorVariable) -> Int64? {
        guard let c = v as? TensorConstant, c.value.count == 1, c.dtype.isDiscrete else { return nil }
        return c.value.reshaped([]).item(as: Int64.self)
    }

    package static func constant(_ k: Int) -> TensorVariable { TheanoTensor.constant(Int64(k)) }

    /// The size as an int64 scalar.
    package static func int64(_ v: TensorVariable) -> TensorVariable { v.dtype == .int64 ? v : cast(v, .int64) }

    /// The sizes of `x`'s dimensions: constants for a constant or a broadcastable dimension, else `Shape_i`.
    package static func of(_ x: TensorVariable) -> [TensorVariable] {
        if let c = x as? TensorConstant { return c.value.shape.map(constant) }
        return (0..<x.ndim).map { shapeI(x, $0) }
    }

    package static func add(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        switch (value(a), value(b)) {
        case let (x?, y?): return constant(Int(x &+ y))
        case (0?, _): return int64(b)
        case (_, 0?): return int64(a)
        default: return int64(a) + int64(b)
        }
    }

    package static func sub(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        switch (value(a), value(b)) {
        case let (x?, y?): return constant(Int(x &- y))
        case (_, 0?): return int64(a)
        default: return int64(a) - int64(b)
        }
    }

    package static func mul(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        switch (value(a), value(b)) {
        case let (x?, y?): return constant(Int(x &* y))
        case (1?, _): return int64(b)
        case (_, 1?): return int64(a)
        default: return int64(a) * int64(b)
        }
    }

    /// Python's floor division.
    package static func floorDiv(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        switch (value(a), value(b)) {
        case let (x?, y?) where y != 0:
            let q = x / y
            return constant(Int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q))
        case (_, 1?): return int64(a)
        default: return intDiv(int64(a), int64(b))
        }
    }

    package static func max(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        if let x = value(a), let y = value(b) { return constant(Int(Swift.max(x, y))) }
        return a === b ? a : maximum(int64(a), int64(b))
    }

    package static func min(_ a: TensorVariable, _ b: TensorVariable) -> TensorVariable {
        if let x = value(a), let y = value(b) { return constant(Int(Swift.min(x, y))) }
        return a === b ? a : minimum(int64(a), int64(b))
    }

    package static func product(_ sizes: [TensorVariable]) -> TensorVariable {
        sizes.reduce(constant(1), mul)
    }

    /// The broadcast of shapes aligned on their last axes: each dimension takes its size from the first
    /// shape whose pattern does not broadcast there, or, where `patterns` is nil (nodes built by rewrites,
    /// where any size 1 may broadcast), the largest size.
    package static func broadcast(_ shapes: [[TensorVariable]], _ patterns: [[Bool]]?) -> [TensorVariable] {
        let ndim = shapes.map(\.count).max() ?? 0
        return (0..<ndim).map { d in
            var candidates: [(size: TensorVariable, broadcasts: Bool)] = []
            for (i, shape) in shapes.enumerated() {
                let axis = d - (ndim - shape.count)
                guard axis >= 0 else { continue }
                let size = shape[axis]
                let broadcasts = patterns.map { $0[i][axis] } ?? (value(size) == 1)
                candidates.append((size, broadcasts))
            }
            let sizes = candidates.filter { !$0.broadcasts }.map(\.size)
            guard let first = sizes.first else { return constant(1) }
            return patterns == nil ? sizes.dropFirst().reduce(first, max) : first
        }
    }

    /// The length of `start:stop:step` over a dimension of `size`, Python's `slice.indices` written
    /// symbolically (each bound absent when nil).
    package static func sliceLength(start: TensorVariable?, stop: TensorVariable?, step: TensorVariable?, size: TensorVariable) -> TensorVariable {
        if start == nil && stop == nil && step == nil { return size }
        /// A bound counted from the end when negative, then clamped to [low, high].
        func clamp(_ v: TensorVariable?, _ missing: TensorVariable, low: TensorVariable, high: TensorVariable) -> TensorVariable {
            guard let v else { return missing }
            let fromEnd: TensorVariable
            if let k = value(v) { fromEnd = k < 0 ? add(v, size) : int64(v) } else { fromEnd = `switch`(lt(v, 0), add(v, size), int64(v)) }
            return min(max(fromEnd, low), high)
        }
        func forward(_ magnitude: TensorVariable) -> TensorVariable {
            let s = clamp(start, constant(0), low: constant(0), high: size)
            let e = clamp(stop, size, low: constant(0), high: size)
            return max(constant(0), floorDiv(add(sub(e, s), sub(magnitude, constant(1))), magnitude))
        }
        func backward(_ magnitude: TensorVariable) -> TensorVariable {
            let last = sub(size, constant(1))
            let s = clamp(start, last, low: constant(-1), high: last)
            let e = clamp(stop, constant(-1), low: constant(-1), high: last)
            return max(constant(0), floorDiv(add(sub(s, e), sub(magnitude, constant(1))), magnitude))
        }
        guard let step else { return forward(constant(1)) }
        if let k = value(step) { return k > 0 ? forward(step) : backward(constant(Int(-k))) }
        return `switch`(gt(step, 0), forward(int64(step)), backward(int64(neg(step))))
    }
}

extension SymbolicShape {
    /// The shapes of an inner graph's outputs (an ifelse branch) in terms of the outer variables that
    /// `outer` gives for its free variables, or nil when a size needs a value computed inside the graph,
    /// which would no longer be lazy.
    package static func innerShapes(_ graph: InnerGraph, outer: (Int) -> TensorVariable?) -> [[TensorVariable]]? {
        let free = graph.freeVariables
        let nodes = GraphWalk.topologicalNodes(outputs: graph.outputs, stopAt: Set(free))
        var shapes: [TensorVariable: [TensorVariable]] = [:]
        func shape(_ v: TensorVariable) -> [TensorVariable]? {
            if let known = shapes[v] { return known }
            return v.owner == nil || free.contains(v) ? of(v) : nil
        }
        for node in nodes {
            let inputShapes = node.inputs.compactMap(shape)
            guard inputShapes.count == node.inputs.count,
                  let out = node.op.inferShape(node.inputs, inputShapes), out.count == node.outputCount else { return nil }
            for (v, dims) in zip(node.outputs, out) where dims.count == v.ndim { shapes[v] = dims.map(int64) }
        }
        let inner = Set(nodes.map(ObjectIdentifier.init))
        let dims = graph.outputs.compactMap(shape)
        guard dims.count == graph.outputs.count else { return nil }
        // Sizes read only constants, free variables and arithmetic made for the shapes, never a branch's node.
        guard !GraphWalk.topologicalNodes(outputs: dims.flatMap { $0 }, stopAt: Set(free)).contains(where: { inner.contains(ObjectIdentifier($0)) }) else { return nil }
        var map: [TensorVariable: TensorVariable] = [:]
        for (k, v) in free.enumerated() {
            guard let o = outer(k) else { return nil }
            map[v] = o
        }
        for node in GraphWalk.topologicalNodes(outputs: dims.flatMap { $0 }, stopAt: Set(free)) {
            let clone = Apply(node.op, node.inputs.map { map[$0] ?? $0 })
            for (old, new) in zip(node.outputs, clone.outputs) { map[old] = new }
        }
        return dims.map { $0.map { map[$0] ?? $0 } }
    }
}
