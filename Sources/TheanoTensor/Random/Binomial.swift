import RealModule

/// Binomial draws in expected O(1) work for any n, where summing n Bernoulli trials would take n
/// uniforms per draw (and never finish for n = 2⁶¹).
///
/// Up to ``trialLimit`` trials a draw stays the sum of its trials, the numbers the streams always gave.
/// Beyond it, with p′ = min(p, 1 − p) (a draw for p > ½ is n minus a draw for 1 − p):
/// - mean n·p′ < 10: inversion, walking the probabilities P(0), P(1), … (exact);
/// - variance n·p′·(1 − p′) up to ``normalVariance``: Hörmann's BTRS, transformed rejection with a
///   squeeze ("The generation of binomial random variates", J. Statist. Comput. Simul. 46, 1993), exact
///   and valid from a mean of 10;
/// - beyond that, the normal approximation with continuity correction: BTRS's acceptance test is a
///   difference of log-factorials near n·log n, which loses its precision as n grows, while the
///   normal's error in the distribution function falls like 1/(6·σ) (below 10⁻⁵ here).
///
/// Draw `i` of a call reads only counter block `c + i`, whose high word counts its attempts, so a
/// rejection never shifts the numbers of the draws after it, and each draw can be made alone.
package enum Binomial {
    package static let trialLimit = 64
    package static let normalVariance = 1e9

    package static func draw(n: Int, p: Double, philox: Philox, counter: UInt64) -> Double {
        let flipped = p > 0.5
        let small = flipped ? 1 - p : p
        let k = drawSmall(Double(n), small, philox, counter)
        return flipped ? Double(n) - k : k
    }

    /// A draw for p ≤ ½.
    private static func drawSmall(_ n: Double, _ p: Double, _ philox: Philox, _ counter: UInt64) -> Double {
        let q = 1 - p
        if n * p < 10 { return inversion(n, p, q) { philox.unitPair(counter, $0).0 } }
        if n * p * q <= normalVariance { return btrs(n, p, q) { philox.unitPair(counter, $0) } }
        let (u, v) = philox.unitPair(counter)
        let z = (-2 * Double.log(Swift.max(u, 0x1p-53))).squareRoot() * Double.cos(2 * .pi * v)
        return Swift.min(Swift.max((n * p + (n * p * q).squareRoot() * z + 0.5).rounded(.down), 0), n)
    }

    /// Inversion: the first k where the uniform falls below P(0) + … + P(k). Starts over, with the
    /// next attempt's uniform, past a bound ten deviations above the mean (as numpy does), which
    /// rounding in the running probabilities could otherwise let it pass.
    private static func inversion(_ n: Double, _ p: Double, _ q: Double, _ uniform: (UInt64) -> Double) -> Double {
        let first = Double.exp(n * Double.log(onePlus: -p))
        let bound = Swift.min(n, n * p + 10 * (n * p * q + 1).squareRoot())
        var attempt: UInt64 = 0
        while true {
            var u = uniform(attempt), k = 0.0, probability = first
            attempt += 1
            while u > probability && k <= bound {
                k += 1
                u -= probability
                probability *= (n - k + 1) * p / (k * q)
            }
            if k <= bound { return k }
        }
    }

    /// BTRS for a mean n·p ≥ 10, with Hörmann's constants; two uniforms per attempt, and the
    /// expected number of attempts is below 1.2.
    private static func btrs(_ n: Double, _ p: Double, _ q: Double, _ uniforms: (UInt64) -> (Double, Double)) -> Double {
        let spq = (n * p * q).squareRoot()
        let b = 1.15 + 2.53 * spq
        let a = -0.0873 + 0.0248 * b + 0.01 * p
        let c = n * p + 0.5
        let vr = 0.92 - 4.2 / b
        let alpha = (2.83 + 5.1 / b) * spq
        let logRatio = Double.log(p / q)
        let mode = ((n + 1) * p).rounded(.down)
        let logMode = Double.logGamma(mode + 1) + Double.logGamma(n - mode + 1)
        var attempt: UInt64 = 0
        while true {
            let (first, v) = uniforms(attempt)
            attempt += 1
            let u = first - 0.5
            let us = 0.5 - Swift.abs(u)
            let k = ((2 * a / us + b) * u + c).rounded(.down)
            if !(k >= 0 && k <= n) { continue }
            if us >= 0.07 && v <= vr { return k }
            let logV = Double.log(v * alpha / (a / (us * us) + b))
            if logV <= logMode - Double.logGamma(k + 1) - Double.logGamma(n - k + 1) + (k - mode) * logRatio { return k }
        }
    }
}
