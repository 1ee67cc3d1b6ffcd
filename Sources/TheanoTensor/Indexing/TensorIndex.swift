/// One item of a basic index: `x[2]`, `x[.all, 0]`, `x[.slice(1, nil, 2)]`, `x[.at(i)]`.
public enum TensorIndex: ExpressibleByIntegerLiteral {
    /// One position (negative counts from the end); the dimension disappears.
    case at(TensorVariable)
    /// A slice with optional start, stop and step, as Python's `a:b:c`.
    case slice(TensorVariable?, TensorVariable?, TensorVariable?)

    /// An integer index written as a literal: `x[0]`.
    public init(integerLiteral value: Int) { self = .at(constant(Int64(value))) }

    /// The whole dimension, Python's `:`.
    public static var all: TensorIndex { .slice(nil as TensorVariable?, nil as TensorVariable?, nil as TensorVariable?) }

    /// A slice of constant bounds: `.slice(1, nil, 2)` is Python's `1::2`.
    public static func slice(_ start: Int?, _ stop: Int?, _ step: Int? = nil) -> TensorIndex {
        .slice(start.map { constant(Int64($0)) }, stop.map { constant(Int64($0)) }, step.map { constant(Int64($0)) })
    }

    /// The slice `r.lowerBound..<r.upperBound`.
    public static func range(_ r: Range<Int>) -> TensorIndex { .slice(r.lowerBound, r.upperBound) }
    /// The integer index `i`.
    public static func index(_ i: Int) -> TensorIndex { .at(constant(Int64(i))) }

    /// How this item appears in the op: the static shape of the index, without its values.
    package var kind: SubtensorItem {
        switch self {
        case .at: return .index
        case .slice(let a, let b, let c): return .slice(start: a != nil, stop: b != nil, step: c != nil)
        }
    }

    package var variables: [TensorVariable] {
        switch self {
        case .at(let v): return [v]
        case .slice(let a, let b, let c): return [a, b, c].compactMap { $0 }
        }
    }
}

/// The static part of an index item; the values are the op's extra scalar inputs.
public enum SubtensorItem: Hashable, Sendable, CustomStringConvertible {
    case index
    case slice(start: Bool, stop: Bool, step: Bool)

    package var inputCount: Int {
        switch self {
        case .index: return 1
        case .slice(let a, let b, let c): return [a, b, c].filter { $0 }.count
        }
    }

    public var description: String {
        switch self {
        case .index: return "int"
        case .slice(let a, let b, let c): return "\(a ? "start" : ""):\(b ? "stop" : "")\(c ? ":step" : "")"
        }
    }
}

/// Resolves index items against a runtime shape, numpy's way.
package enum IndexResolution {
    /// (start, count, step) per indexed axis, and the axes that an integer index removes.
    package static func resolve(_ items: [SubtensorItem], _ values: [Int], shape: [Int]) throws -> (ranges: [(start: Int, count: Int, step: Int)], dropped: Set<Int>) {
        var ranges: [(start: Int, count: Int, step: Int)] = []
        var dropped = Set<Int>()
        var next = 0
        func take() -> Int { defer { next += 1 }; return values[next] }
        for (axis, item) in items.enumerated() {
            let size = shape[axis]
            switch item {
            case .index:
                let raw = take()
                let i = raw < 0 ? raw + size : raw
                guard i >= 0 && i < size else {
                    throw OpFailure(.indexOutOfRange, input: 0, "index \(raw) is out of bounds for axis \(axis) with size \(size)")
                }
                ranges.append((i, 1, 1))
                dropped.insert(axis)
            case .slice(let hasStart, let hasStop, let hasStep):
                let start = hasStart ? take() : nil
                let stop = hasStop ? take() : nil
                let step = hasStep ? take() : 1
                guard step != 0 else { throw OpFailure(.badArgument, "slice step cannot be zero (axis \(axis))") }
                ranges.append(sliceRange(start, stop, step, size))
            }
        }
        return (ranges, dropped)
    }

    /// Python's `slice.indices`: clamps the bounds, then counts the elements. Any step works, `Int.min`
    /// and `Int.max` included: the count divides by the step's magnitude, and a slice of at most one
    /// element gets step 1, so the view's stride never multiplies a huge step.
    package static func sliceRange(_ start: Int?, _ stop: Int?, _ step: Int, _ size: Int) -> (start: Int, count: Int, step: Int) {
        func clamp(_ v: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 { v += size }
            return Swift.min(Swift.max(v, low), high)
        }
        let s: Int, e: Int
        if step > 0 {
            s = clamp(start, 0, low: 0, high: size)
            e = clamp(stop, size, low: 0, high: size)
        } else {
            s = clamp(start, size - 1, low: -1, high: size - 1)
            e = clamp(stop, -1, low: -1, high: size - 1)
        }
        // The clamped bounds are within [-1, size], so their distance cannot overflow.
        let distance = step > 0 ? e - s : s - e
        let count = distance <= 0 ? 0 : Int(UInt(distance - 1) / step.magnitude) + 1
        return (count == 0 ? 0 : s, count, count <= 1 ? 1 : step)
    }
}
