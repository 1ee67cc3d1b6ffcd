import RealModule

/// Integer arithmetic with numpy's conventions: wrapping, floor division, the divisor's sign for `%`,
/// and 0 for division by zero, never a trap.
package enum IntegerArithmetic {
    package static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 0 { return 0 }
        let (q, overflow) = a.dividedReportingOverflow(by: b)
        if overflow { return q }
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    package static func remainder(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 0 { return 0 }
        let (r, _) = a.remainderReportingOverflow(dividingBy: b)
        return (r != 0 && (r < 0) != (b < 0)) ? r &+ b : r
    }

    package static func power(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 { return base == 1 ? 1 : (base == -1 ? (exponent % 2 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }
}

/// Sigmoid and softplus, written with exp(-|x|) so that nothing overflows. The VM's blocks compute
/// that exponential through libmvec when it has it; the scalar forms give the same formula.
package enum Activation {
    package static let vectorExp = VectorMath.handle("exp")
    package static let vectorLog1p = VectorMath.handle("log1p")

    @inline(__always)
    package static func sigmoid<T: FloatTensorElement>(_ x: T) -> T {
        let e = T.exp(-Swift.abs(x))
        return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }

    @inline(__always)
    package static func softplus<T: FloatTensorElement>(_ x: T) -> T {
        Swift.max(x, 0) + T.log(onePlus: T.exp(-Swift.abs(x)))
    }

    package static func sigmoidBlock<T: FloatTensorElement>(_ a: UnsafePointer<T>, _: UnsafePointer<T>, _: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        guard let exp = vectorExp else { for i in 0..<n { o[i] = sigmoid(a[i]) }; return }
        overInput(a, o, n) { a, o in
            for i in 0..<n { o[i] = -Swift.abs(a[i]) }
            _ = VectorMath.apply(exp, UnsafePointer(o), o, n)
            for i in 0..<n { let e = o[i]; o[i] = a[i] >= 0 ? 1 / (1 + e) : e / (1 + e) }
        }
    }

    package static func softplusBlock<T: FloatTensorElement>(_ a: UnsafePointer<T>, _: UnsafePointer<T>, _: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        guard let exp = vectorExp else { for i in 0..<n { o[i] = softplus(a[i]) }; return }
        overInput(a, o, n) { a, o in
            for i in 0..<n { o[i] = -Swift.abs(a[i]) }
            _ = VectorMath.apply(exp, UnsafePointer(o), o, n)
            if let log1p = vectorLog1p { _ = VectorMath.apply(log1p, UnsafePointer(o), o, n) } else { for i in 0..<n { o[i] = T.log(onePlus: o[i]) } }
            for i in 0..<n { o[i] += Swift.max(a[i], 0) }
        }
    }

    /// Runs `body` with an input that survives writes to `o`: a copy when the block is computed in place
    /// (regression: in-place nodes once fell to the scalar loop, 6× slower).
    @inline(__always)
    private static func overInput<T>(_ a: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int,
                                      _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
        let aliased = UnsafeRawPointer(a) == UnsafeRawPointer(o) as UnsafeRawPointer?
        guard aliased, n > 0 else { body(a, o); return }
        withUnsafeTemporaryAllocation(of: T.self, capacity: n) { copy in
            copy.baseAddress!.update(from: a, count: n)
            body(UnsafePointer(copy.baseAddress!), o)
        }
    }
}

/// Special functions that libm lacks, computed in Double (float32 results are rounded from it, as
/// scipy's float32 loops do).
package enum SpecialFunctions {
    package static let twoOverSqrtPi = 1.1283791670955126
    package static let sqrtPi = 1.7724538509055160

    package static func erfcx<T: FloatTensorElement>(_ x: T) -> T { T(erfcx(Double(x))) }
    package static func erfinv<T: FloatTensorElement>(_ y: T) -> T { T(erfinv(Double(y))) }
    package static func erfcinv<T: FloatTensorElement>(_ z: T) -> T { T(erfcinv(Double(z))) }
    package static func digamma<T: FloatTensorElement>(_ x: T) -> T { T(digamma(Double(x))) }
    package static func trigamma<T: FloatTensorElement>(_ x: T) -> T { T(trigamma(Double(x))) }

    /// numpy's `logaddexp`: log(exp(a) + exp(b)) without overflow; equal infinities give themselves.
    package static func logAddExp<T: FloatTensorElement>(_ a: T, _ b: T) -> T {
        if a == b { return a + 0.693147180559945309417232121458176568 }
        let d = a - b
        if d > 0 { return a + T.log(onePlus: T.exp(-d)) }
        if d <= 0 { return b + T.log(onePlus: T.exp(d)) }
        return d
    }

    /// exp(x²)·erfc(x), the scaled complementary error function.
    package static func erfcx(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x < 0 {
            if x < -26.7 { return .infinity }
            return 2 * exactSquareExp(x) - erfcx(-x)
        }
        if x < 12 { return exactSquareExp(x) * Double.erfc(x) }
        // Continued fraction erfcx(x) = 1/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated backwards.
        if x.isInfinite { return 0 }
        var t = x
        for k in stride(from: 40, through: 1, by: -1) { t = x + (Double(k) / 2) / t }
        return 1 / (sqrtPi * t)
    }

    /// exp(x²) with x² split into its rounded value and the rounding error, so large x keeps full precision.
    private static func exactSquareExp(_ x: Double) -> Double {
        let hi = x * x
        let lo = (-hi).addingProduct(x, x)
        return Double.exp(hi) * (1 + lo)
    }

    /// The inverse of erf on (-1, 1); ±1 give ±∞, values outside give NaN.
    package static func erfinv(_ y: Double) -> Double {
        if y.isNaN || Swift.abs(y) > 1 { return .nan }
        if Swift.abs(y) == 1 { return y * .infinity }
        if y == 0 { return y }
        if Swift.abs(y) > 0.5 {
            // 1 - |y| is exact here, and erfc's inverse keeps the precision erf's would lose near ±1.
            let x = erfcinv(1 - Swift.abs(y))
            return y < 0 ? -x : x
        }
        // Series start, then Halley steps on erf(x) - y.
        var x = y * sqrtPi / 2 * (1 + Double.pi / 12 * y * y)
        for _ in 0..<6 {
            let f = Double.erf(x) - y
            let d = twoOverSqrtPi * Double.exp(-x * x)
            let step = f / (d + x * f)
            x -= step
            if Swift.abs(step) <= 1e-17 * Swift.abs(x) { break }
        }
        return x
    }

    /// The inverse of erfc on (0, 2); 0 gives ∞, 2 gives -∞, values outside give NaN.
    package static func erfcinv(_ z: Double) -> Double {
        if z.isNaN || z < 0 || z > 2 { return .nan }
        if z == 0 { return .infinity }
        if z == 2 { return -.infinity }
        if z > 1 { return -erfcinv(2 - z) }
        if z >= 0.5 { return erfinv(1 - z) }
        // Newton on log(erfc(x)) - log(z) = log(erfcx(x)) - x² - log(z), which stays well scaled down to
        // the smallest z; the start solves erfc(x) ≈ exp(-x²)/(x√π).
        let logZ = Double.log(z)
        var x = (-logZ).squareRoot()
        for _ in 0..<3 {
            let next = -(logZ + Double.log(sqrtPi * x))
            if next > 0 { x = next.squareRoot() }
        }
        for _ in 0..<8 {
            let scaled = erfcx(x)
            let g = Double.log(scaled) - x * x - logZ
            let derivative = -twoOverSqrtPi / scaled
            let step = g / derivative
            x -= step
            if Swift.abs(step) <= 1e-16 * Swift.abs(x) { break }
        }
        return x
    }

    /// ψ(x), the digamma function: -∞ at 0, NaN at the negative integers, as scipy.
    package static func digamma(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == .infinity { return x }
        if x == 0 { return -.infinity }
        if x < 0 {
            if x == x.rounded(.down) { return .nan }
            // Reflection: ψ(x) = ψ(1 - x) - π / tan(πx).
            return digamma(1 - x) - Double.pi / Double.tan(Double.pi * x)
        }
        var result = 0.0, v = x
        while v < 10 { result -= 1 / v; v += 1 }
        let r = 1 / (v * v)
        // Asymptotic series: ln v - 1/(2v) - Σ B₂ₖ / (2k v²ᵏ).
        let series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))))
        return result + Double.log(v) - 0.5 / v - series
    }

    /// ψ₁(x), the trigamma function: ∞ at 0 and the negative integers, as scipy's polygamma(1, x).
    package static func trigamma(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == .infinity { return 0 }
        if x <= 0 {
            if x == x.rounded(.down) { return .infinity }
            // Reflection: ψ₁(x) = π² / sin²(πx) - ψ₁(1 - x).
            let s = Double.sin(Double.pi * x)
            return Double.pi * Double.pi / (s * s) - trigamma(1 - x)
        }
        var result = 0.0, v = x
        while v < 10 { result += 1 / (v * v); v += 1 }
        let r = 1 / (v * v)
        // 1/v + 1/(2v²) + Σ B₂ₖ / v²ᵏ⁺¹.
        let series = (1 + r * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6))))))) / v
        return result + series + 0.5 * r
    }
}
