import Testing
@testable import Theano

/// Profiling (Theano's doc/tutorial/profiling.txt): per-node and per-op times, calls, compile time, memory.
@Suite(.serialized) struct ProfileTests {
    private func profiled(_ mode: Mode = .fastRun) throws -> (Function<NDArray>, TensorVariable) {
        let x = dvector("x")
        let e = exp(x)
        let f = try function([x], dot(e, e), mode: mode, name: "energy", profile: true)
        f.profile?.printsAtExit = false
        return (f, x)
    }

    @Test func collectsCallsNodeTimesCompileTimeAndMemory() throws {
        for mode in [Mode.fastRun, .reference] {
            let (f, _) = try profiled(mode)
            let stats = try #require(f.profile)
            let input = NDArray((0..<1000).map { Double($0) / 1000 }, shape: [1000])
            for _ in 0..<3 { _ = try f.call([input]) }
            #expect(stats.callCount == 3)
            #expect(stats.nodes.count == f.graph.toposort.count && stats.nodes.count >= 2)
            #expect(stats.nodeCallCounts == Array(repeating: 3, count: stats.nodes.count))
            #expect(stats.nodeTimes.allSatisfy { $0 > 0 })
            #expect(stats.nodeTime <= stats.programTime && stats.programTime <= stats.callTime)
            #expect(stats.optimizeTime > 0 && stats.linkTime > 0 && stats.compileTime == stats.optimizeTime + stats.linkTime)
            // exp(x) (8,000 bytes) is alive while the dot's scalar (8 bytes) is made.
            #expect(stats.peakMemory == 8008, "\(mode.name): \(stats.peakMemory)")
            #expect(Set(stats.timeByClass.map(\.name)).isSuperset(of: ["Elemwise", "Dot"]))
            #expect(Swift.abs(stats.timeByOp.map(\.seconds).reduce(0, +) - stats.nodeTime) < 1e-12)
        }
    }

    @Test func summaryHasTheanosLayoutSortedByTime() throws {
        let (f, _) = try profiled()
        _ = try f([0.5, 1.5])
        let report = try #require(f.profile).report
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(report.contains("   Dot(exp(x), exp(x))\n"), "\(report)")
        #expect(lines.prefix(4) == ["Function profiling", "==================", "  Message: energy", lines[3]])
        #expect(lines[3].hasPrefix("  Time in 1 calls to Function.__call__: ") && lines[3].hasSuffix("s"))
        for heading in ["Class", "Ops", "Apply", "Memory Profile", "  Time in thunks: ", "  Total compile time: ", "    Theano Optimizer time: ",
                        "<% time> <sum %> <apply time> <time per call> <#call> <#apply> <Class name>", "        CPU: 1KB (24 bytes of intermediate values)"] {
            #expect(lines.contains { $0.hasPrefix(heading) }, "no line starting \(heading) in\n\(report)")
        }
        // Each table's percentages decrease and its cumulative column ends at 100%.
        for title in ["Class", "Ops", "Apply"] {
            let start = try #require(lines.firstIndex(of: title)) + 3
            let rows = lines[start...].prefix { !$0.hasPrefix("   ...") }
            let percents = rows.map { Double($0.split(separator: "%")[0].trimmingCharacters(in: .whitespaces))! }
            #expect(!percents.isEmpty && percents == percents.sorted(by: >), "\(title): \(percents)")
            #expect(rows.last!.contains("100.0%"), "\(title): \(rows.last!)")
        }
    }

    @Test func offByDefaultAndFromConfig() throws {
        let x = dvector("x")
        let plain = try function([x], x * 2)
        #expect(plain.profile == nil && !(plain.program is ProfilingProgram))
        // Off, the VM has no observer: its run loop does no profiling work at all.
        #expect((plain.program as? VMProgram)?.observer == nil)
        // The global flag is on only while one function compiles (other suites run meanwhile).
        config.profile = true
        let flagged = try function([x], x * 2)
        config.profile = false
        flagged.profile?.printsAtExit = false
        #expect(flagged.profile != nil && flagged.program is ProfilingProgram)
        let refused = try function([x], x * 2, profile: false)
        #expect(refused.profile == nil)
        #expect(TheanoConfig(flags: "profile=True").profile && !TheanoConfig(flags: "floatX=float32").profile)
    }

    @Test func profilingKeepsTheNaNGuardAndCopiesShareTheStats() throws {
        let x = dvector("x")
        let f = try function([x], log(x), mode: .nanGuard, profile: true)
        f.profile?.printsAtExit = false
        _ = try f([1.0])
        #expect(throws: TheanoError.self) { try f([-1.0]) }
        #expect(f.profile?.callCount == 1)
        let copy = try f.copy()
        _ = try copy([2.0])
        #expect(f.profile?.callCount == 2)
    }

    @Test func aScanNodeCountsItsSteps() throws {
        let x = dvector("x")
        let result = try scan({ slots in [slots[0] * 2] }, sequences: [x]).outputs[0]
        let f = try function([x], result.sum(), profile: true)
        f.profile?.printsAtExit = false
        _ = try f([1.0, 2.0, 3.0])
        let stats = try #require(f.profile)
        // The step's own nodes are the scan node's, not the function's.
        #expect(stats.nodeCallCounts.allSatisfy { $0 == 1 })
        #expect(stats.nodes.contains { $0.op is Scan })
    }
}
