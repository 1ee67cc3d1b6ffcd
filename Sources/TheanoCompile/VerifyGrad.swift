/// Theano's `verify_grad`: checks a symbolic gradient against finite differences.
///
/// The output is projected on a fixed random direction so that any output shape reduces to a scalar cost;
/// the gradient of that cost is compared with central differences at `points`. Throws a
/// `.gradientMismatch` error naming the input and the largest difference.
public func verifyGrad(_ fn: ([TensorVariable]) -> TensorVariable, at points: [NDArray],
                       eps: Double? = nil, absTol: Double? = nil, relTol: Double? = nil,
                       mode: Mode = .reference, seed: UInt64 = 42) throws {
    let floatPoints = points.map { $0.dtype.isFloat ? $0 : $0.astype(.float64) }
    let inputs = floatPoints.map { tensor(dtype: $0.dtype, broadcastable: [Bool](repeating: false, count: $0.ndim), name: "x") }
    let output = fn(inputs)
    let isSingle = floatPoints.allSatisfy { $0.dtype == .float32 } || output.dtype == .float32
    let eps = eps ?? (isSingle ? 1e-2 : 1e-6)
    let absTol = absTol ?? (isSingle ? 3e-2 : 1e-4)
    let relTol = relTol ?? (isSingle ? 3e-2 : 1e-4)

    // A fixed projection direction, of the output's runtime shape.
    let probe = try function(inputs, output, mode: mode, onUnusedInput: .ignore)
    let outValue = try probe.call(floatPoints)
    var generator = SplitMix64(seed: seed)
    let direction = NDArray((0..<outValue.count).map { _ in generator.nextUnit() + 0.5 }, shape: outValue.shape)
    let projection = TensorConstant(direction.astype(output.dtype.isFloat ? output.dtype : .float64))
    let cost = (cast(output, projection.dtype) * projection).sum()
    let grads = try grad(cost, wrt: inputs, disconnectedInputs: .returnZeros)
    let costFn = try function(inputs, cost, mode: mode, onUnusedInput: .ignore)
    let gradFn = try function(inputs, grads, mode: mode, onUnusedInput: .ignore)
    let analytic = try gradFn.call(floatPoints)

    for (k, point) in floatPoints.enumerated() {
        var values = point.doubles
        var numeric = [Double](repeating: 0, count: values.count)
        for i in values.indices {
            let original = values[i]
            var args = floatPoints
            values[i] = original + eps
            args[k] = NDArray(values, shape: point.shape).astype(point.dtype)
            let plus = try costFn.call(args).item(as: Double.self)
            values[i] = original - eps
            args[k] = NDArray(values, shape: point.shape).astype(point.dtype)
            let minus = try costFn.call(args).item(as: Double.self)
            values[i] = original
            numeric[i] = (plus - minus) / (2 * eps)
        }
        let symbolic = analytic[k].doubles
        for i in numeric.indices {
            let difference = Swift.abs(numeric[i] - symbolic[i])
            let scale = Swift.max(Swift.abs(numeric[i]), Swift.abs(symbolic[i]))
            if difference > absTol && difference > relTol * scale {
                throw TheanoError(.gradientMismatch, "verifyGrad: the gradient of \(pp(output)) with respect to input \(k) differs from finite differences at element \(i): symbolic \(symbolic[i]), numeric \(numeric[i]) (abs tolerance \(absTol), rel tolerance \(relTol))")
            }
        }
    }
}

