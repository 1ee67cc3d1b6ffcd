/// Random expression graphs over many ops, with random shapes that may be empty or fail to match: the
/// optimizer's property test. Run optimized and unoptimized, a graph must give the same values or fail
/// on both. The suite runs a fixed-seed sample; `theano-bench optimizer-property N` runs many.
package struct RandomGraphs {
    package struct Case {
        package let inputs: [TensorVariable]
        package let output: TensorVariable
        package let arguments: [NDArray]
    }

    /// What one case showed: nil when both agree.
    package enum Disagreement: Error, CustomStringConvertible {
        case values(String, optimized: [Double], reference: [Double])
        case onlyOneThrew(String, optimizedError: String?, referenceError: String?)

        package var description: String {
            switch self {
            case .values(let expr, let o, let r): "\(expr): optimized \(o.prefix(8)) against reference \(r.prefix(8))"
            case .onlyOneThrew(let expr, let o, let r): "\(expr): optimized threw \(o ?? "nothing"), reference threw \(r ?? "nothing")"
            }
        }
    }

    private var generator: SplitMix64

    package init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    private mutating func pick(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }

    private mutating func length() -> Int { [0, 1, 2, 3, 3, 4][pick(6)] }

    /// A case of `steps` operations over three float64 matrices and a vector whose sizes are drawn
    /// independently, so some operations fail on shapes.
    package mutating func next(steps: Int = 8) -> Case {
        let (r, c) = (length(), length())
        let inputs = [dmatrix("a"), dmatrix("b"), dvector("v")]
        let shapes = [[r, c], pick(4) == 0 ? [length(), c] : [r, c], [pick(3) == 0 ? length() : c]]
        var pool = inputs
        for _ in 0..<steps {
            let x = pool[pick(pool.count)], y = pool[pick(pool.count)]
            pool.append(apply(pick(24), x, y))
        }
        let output = pool.last!
        let arguments = shapes.map { shape in
            NDArray((0..<shape.reduce(1, *)).map { _ in generator.nextUnit() * 4 - 2 }, shape: shape)
        }
        return Case(inputs: inputs, output: output, arguments: arguments)
    }

    private mutating func apply(_ k: Int, _ x: TensorVariable, _ y: TensorVariable) -> TensorVariable {
        switch k {
        case 0: return x + y
        case 1: return x * y
        case 2: return x - y
        case 3: return x + y - x
        case 4: return x * y / x
        case 5: return maximum(x, y)
        case 6: return exp(x * 0.1)
        case 7: return log(1 + exp(x))
        case 8: return 1 / (1 + exp(-x))
        case 9: return x ** 2
        case 10: return tanh(x) * 2 + 1
        case 11: return -(-x)
        case 12: return x * 1 + 0
        case 13: return x.ndim == 2 ? x.sum(axis: 0) : x.sum(keepdims: true)
        case 14: return x.ndim == 2 ? x.T : x.dimshuffle(nil, 0)
        case 15: return x.ndim == 2 && y.ndim == 2 ? dot(x, y.T) : x * 3
        case 16: return x.ndim == 2 ? softmax(x) : abs(x)
        case 17: return x.ndim == 2 ? x.max(axis: 1) : x.max(keepdims: true)
        case 18: return clip(x, -1, 1)
        case 19: return `switch`(gt(x, 0), x, y)
        case 20: return x.ndim == 2 ? x.reshape([x.shape[1], x.shape[0]]) : x.reshape([x.shape[0]])
        case 21: return x.ndim == y.ndim ? concatenate([x, y], axis: 0) : x
        case 22: return sqr(x - y).sum() + 0 * x
        default: return erf(x) + arctan(y)
        }
    }

    /// Runs `c` unoptimized on the reference executor and optimized on `mode`; nil when they agree.
    /// Where the reference gives NaN or ±∞, the optimized graph may give the simplified value instead
    /// (`x * y / x` is `y`, as Theano's canonicalizer has it), so only finite reference values compare.
    package static func check(_ c: Case, mode: Mode, tolerance: Double = 1e-9) -> Disagreement? {
        let expr = pp(c.output)
        func run(_ mode: Mode) -> Result<NDArray, Error> {
            Result { try function(c.inputs, c.output, mode: mode, onUnusedInput: .ignore).call(c.arguments) }
        }
        switch (run(mode), run(.reference)) {
        case (.success(let o), .success(let r)):
            let (a, b) = (o.doubles, r.doubles)
            let agree = o.shape == r.shape && zip(a, b).allSatisfy { x, y in
                x == y || !y.isFinite || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))
            }
            return agree ? nil : .values(expr, optimized: a, reference: b)
        case (.failure, .failure):
            return nil
        case (.success, .failure(let e)):
            return .onlyOneThrew(expr, optimizedError: nil, referenceError: "\(e)")
        case (.failure(let e), .success):
            return .onlyOneThrew(expr, optimizedError: "\(e)", referenceError: nil)
        }
    }
}
