import Foundation
import Theano

/// `theano-bench optimizer-property [N] [SEED]`: runs N random graphs (10,000 by default) optimized on
/// the CPU backend and unoptimized on the reference executor, and lists every disagreement.
enum OptimizerProperty {
    static func runIfAsked() {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.first == "optimizer-property" else { return }
        let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000
        let seed = arguments.dropFirst(2).first.flatMap { UInt64($0) } ?? 1
        var graphs = RandomGraphs(seed: seed)
        var failures = 0, threw = 0
        let start = Date()
        for i in 0..<count {
            let c = graphs.next()
            if (try? function(c.inputs, c.output, mode: .reference, onUnusedInput: .ignore).call(c.arguments)) == nil { threw += 1 }
            if let problem = RandomGraphs.check(c, mode: Mode.fastRun.generatedC(.off)) {
                failures += 1
                print("graph \(i): \(problem)")
            }
        }
        print("\(count) random graphs (seed \(seed)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: "
              + "\(failures) disagreements, \(threw) failed on both sides as they should")
        exit(failures == 0 ? 0 : 1)
    }
}
