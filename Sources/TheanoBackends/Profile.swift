import Foundation
import Synchronization

/// Theano's `ProfileStats`: what the calls of one function cost, collected when it is compiled with
/// `function(..., profile: true)` or under `THEANO_FLAGS=profile=True`.
///
/// It records the number of calls; the time in `Function.call` (argument conversion included), in the
/// program, and in each node of the optimized graph (also summed per op and per op class); the time to
/// optimize and to link; and the peak memory of the intermediate values. Node times come from the same
/// per-node observer the NaN guard uses, so a function compiled without profiling runs no profiling
/// code at all. A scan or ifelse node's time includes the subgraphs it runs.
///
/// `summary()` prints Theano's layout; profiled functions print it at exit unless `printsAtExit` is false.
public final class ProfileStats: @unchecked Sendable {
    /// The function's name (Theano's `Message:`).
    public let name: String?
    /// Seconds the rewrite database took on the graph.
    public let optimizeTime: Double
    /// Seconds the backend took to link the graph (set once, when the function is built).
    public package(set) var linkTime: Double = 0

    /// The nodes of the optimized graph, in the order they run.
    public let nodes: [Apply]
    private let index: [ObjectIdentifier: Int]
    /// For each node, the values no later node reads (freed after it runs, for the memory estimate).
    private let freedAfter: [[ObjectIdentifier]]
    /// For each node, which outputs take new memory (not views, not written over an input).
    private let allocates: [[Bool]]

    private struct State {
        var calls = 0
        var callTime = 0.0
        var runs = 0
        var runTime = 0.0
        var nodeTime: [Double]
        var nodeCalls: [Int]
        var last: ContinuousClock.Instant?
        var live = 0
        var peak = 0
        var sizes: [ObjectIdentifier: Int] = [:]
        var printsAtExit = true
    }
    private let state: Mutex<State>

    package init(name: String?, graph: FunctionGraph, optimizeTime: Double) {
        self.name = name
        self.optimizeTime = optimizeTime
        let nodes = graph.toposort
        self.nodes = nodes
        var index: [ObjectIdentifier: Int] = [:]
        for (k, node) in nodes.enumerated() { index[ObjectIdentifier(node)] = k }
        self.index = index
        var lastUse: [ObjectIdentifier: Int] = [:]
        for (k, node) in nodes.enumerated() { for input in node.inputs where input.owner != nil { lastUse[ObjectIdentifier(input)] = k } }
        for output in graph.outputs { lastUse[ObjectIdentifier(output)] = nil }
        var freed = [[ObjectIdentifier]](repeating: [], count: nodes.count)
        for (variable, k) in lastUse { freed[k].append(variable) }
        freedAfter = freed
        allocates = nodes.map { node in
            let views = node.op.viewMap, inplace = graph.inplace[ObjectIdentifier(node)] != nil
            return node.outputs.indices.map { i in views[i] == nil && !(inplace && i == 0) }
        }
        state = Mutex(State(nodeTime: Array(repeating: 0, count: nodes.count), nodeCalls: Array(repeating: 0, count: nodes.count)))
        ProfileStats.register(self)
    }

    // MARK: Recording

    /// The observer the backend calls after each node: the time since the previous node of this graph
    /// ended (or the run began) is this node's. Nodes of inner graphs (scan steps) are not this graph's.
    package var observer: NodeObserver {
        { [unowned self] node, outputs in
            guard let k = self.index[ObjectIdentifier(node)] else { return }
            let now = ContinuousClock.now
            self.state.withLock { s in
                if let last = s.last { s.nodeTime[k] += (now - last).seconds }
                s.nodeCalls[k] += 1
                for (i, value) in outputs.enumerated() where i < self.allocates[k].count && self.allocates[k][i] {
                    let bytes = value.count * value.dtype.itemSize
                    s.sizes[ObjectIdentifier(node.outputs[i])] = bytes
                    s.live += bytes
                }
                s.peak = Swift.max(s.peak, s.live)
                for variable in self.freedAfter[k] { s.live -= s.sizes.removeValue(forKey: variable) ?? 0 }
                s.last = ContinuousClock.now
            }
        }
    }

    package func beginRun() { state.withLock { s in s.last = ContinuousClock.now; s.live = 0; s.sizes.removeAll(keepingCapacity: true) } }
    package func endRun(_ duration: Duration) { state.withLock { s in s.runs += 1; s.runTime += duration.seconds; s.last = nil } }
    package func recordCall(_ duration: Duration) { state.withLock { s in s.calls += 1; s.callTime += duration.seconds } }

    // MARK: Reading

    /// Completed calls of the function.
    public var callCount: Int { state.withLock { $0.calls } }
    /// Seconds in `Function.call`, summed over calls.
    public var callTime: Double { state.withLock { $0.callTime } }
    /// Seconds in the compiled program (Theano's `Function.fn.__call__`).
    public var programTime: Double { state.withLock { $0.runTime } }
    /// Seconds in each node of `nodes`, summed over calls.
    public var nodeTimes: [Double] { state.withLock { $0.nodeTime } }
    /// How many times each node of `nodes` ran.
    public var nodeCallCounts: [Int] { state.withLock { $0.nodeCalls } }
    /// Seconds in the nodes, summed (Theano's "time in thunks").
    public var nodeTime: Double { nodeTimes.reduce(0, +) }
    /// Seconds to optimize and link.
    public var compileTime: Double { optimizeTime + linkTime }
    /// The most bytes of intermediate values alive at once in one call (outputs of views and of
    /// in-place nodes take none), over all calls.
    public var peakMemory: Int { state.withLock { $0.peak } }
    /// Whether `summary()` is printed when the program exits (Theano prints every profile).
    public var printsAtExit: Bool {
        get { state.withLock { $0.printsAtExit } }
        set { state.withLock { $0.printsAtExit = newValue } }
    }

    /// Seconds per op class (the op's Swift type), most expensive first.
    public var timeByClass: [(name: String, seconds: Double)] { grouped { String(describing: type(of: $0.op)) }.map { ($0.name, $0.seconds) } }
    /// Seconds per op (its description, so `Elemwise{add}` and `Elemwise{mul}` are apart), most expensive first.
    public var timeByOp: [(name: String, seconds: Double)] { grouped { "\($0.op)" }.map { ($0.name, $0.seconds) } }

    private func grouped(_ key: (Apply) -> String) -> [(name: String, seconds: Double, calls: Int, applies: Int)] {
        let (times, calls) = state.withLock { ($0.nodeTime, $0.nodeCalls) }
        var order: [String] = [], totals: [String: (Double, Int, Int)] = [:]
        for (k, node) in nodes.enumerated() {
            let name = key(node)
            if totals[name] == nil { order.append(name) }
            let t = totals[name] ?? (0, 0, 0)
            totals[name] = (t.0 + times[k], t.1 + calls[k], t.2 + 1)
        }
        return order.map { (name: $0, seconds: totals[$0]!.0, calls: totals[$0]!.1, applies: totals[$0]!.2) }
            .sorted { $0.seconds > $1.seconds }
    }

    // MARK: Summary

    /// The summary in Theano's layout: times, then classes, ops and nodes sorted by time with their
    /// percentages of the node time, then the memory peak.
    public var report: String {
        let (calls, callTime, runTime) = state.withLock { ($0.calls, $0.callTime, $0.runTime) }
        let thunks = nodeTime
        func percent(_ t: Double, of total: Double) -> String { String(format: "%.1f%%", total > 0 ? 100 * t / total : 0) }
        func e(_ t: Double) -> String { String(format: "%e", t) + "s" }
        var lines = [
            "Function profiling", "==================",
            "  Message: \(name ?? "None")",
            "  Time in \(calls) calls to Function.__call__: \(e(callTime))",
            "  Time in Function.fn.__call__: \(e(runTime)) (\(percent(runTime, of: callTime)))",
            "  Time in thunks: \(e(thunks)) (\(percent(thunks, of: callTime)))",
            "  Total compile time: \(e(compileTime))",
            "    Number of Apply nodes: \(nodes.count)",
            "    Theano Optimizer time: \(e(optimizeTime))",
            "    Theano Linker time (includes C code generation/compiling): \(e(linkTime))",
            "",
        ]
        func table(_ title: String, _ underline: String, _ header: String, _ rows: [(name: String, seconds: Double, calls: Int, applies: Int)], what: String, idColumn: Bool) {
            lines += [title, underline, header]
            var cumulative = 0.0
            for (k, row) in rows.enumerated() {
                cumulative += row.seconds
                let perCall = row.calls > 0 ? row.seconds / Double(row.calls) : 0
                let columns = String(format: "  %6.1f%%   %6.1f%%  %10.3fs  %12.2es  %6d  ", thunks > 0 ? 100 * row.seconds / thunks : 0,
                                     thunks > 0 ? 100 * cumulative / thunks : 0, row.seconds, perCall, row.calls)
                lines.append(columns + (idColumn ? String(format: "%5d   ", k) : String(format: "%6d   ", row.applies)) + row.name)
            }
            lines.append("   ... (remaining 0 \(what) account for   0.00%(0.00s) of the runtime)")
            lines.append("")
        }
        let classes = grouped { String(describing: type(of: $0.op)) }
        table("Class", "---", "<% time> <sum %> <apply time> <time per call> <#call> <#apply> <Class name>", classes, what: "Classes", idColumn: false)
        table("Ops", "---", "<% time> <sum %> <apply time> <time per call> <#call> <#apply> <Op name>", grouped { "\($0.op)" }, what: "Ops", idColumn: false)
        let (times, counts) = state.withLock { ($0.nodeTime, $0.nodeCalls) }
        let applies = nodes.indices.map { k in
            (name: "\(nodes[k].op)(\(nodes[k].inputs.map(Self.label).joined(separator: ", ")))", seconds: times[k], calls: counts[k], applies: k)
        }.sorted { $0.seconds > $1.seconds }
        lines += ["Apply", "------", "<% time> <sum %> <apply time> <time per call> <#call> <id> <Apply name>"]
        var cumulative = 0.0
        for row in applies {
            cumulative += row.seconds
            let perCall = row.calls > 0 ? row.seconds / Double(row.calls) : 0
            lines.append(String(format: "  %6.1f%%   %6.1f%%  %10.3fs  %12.2es  %6d  %5d   ", thunks > 0 ? 100 * row.seconds / thunks : 0,
                                thunks > 0 ? 100 * cumulative / thunks : 0, row.seconds, perCall, row.calls, row.applies) + row.name)
        }
        lines.append("   ... (remaining 0 Apply instances account for 0.00%(0.00s) of the runtime)")
        lines += ["", "Memory Profile", "---", "    Max peak memory with current setting",
                  "        CPU: \((peakMemory + 1023) / 1024)KB (\(peakMemory) bytes of intermediate values)", ""]
        return lines.joined(separator: "\n")
    }

    /// Prints `report` to standard error, as Theano's `summary()` prints to its profiling destination.
    public func summary() {
        FileHandle.standardError.write(Data((report + "\n").utf8))
    }

    private static func label(_ v: TensorVariable) -> String {
        if let name = v.name { return name }
        if let c = v as? TensorConstant, c.value.count == 1 { return "TensorConstant{\(c.value.doubles[0])}" }
        return NodeFailure.shortName(v)
    }

    // MARK: At exit

    private static let registry = Mutex<[ProfileStats]>([])
    private static let atExit: Void = { atexit { ProfileStats.printAllAtExit() } }()

    private static func register(_ stats: ProfileStats) {
        _ = atExit
        registry.withLock { $0.append(stats) }
    }

    /// Theano's `_atexit_print_fn`: each profile that ran prints its summary.
    package static func printAllAtExit() {
        for stats in registry.withLock({ $0 }) where stats.printsAtExit {
            if stats.callCount > 0 { stats.summary() }
        }
    }
}

/// Wraps a profiled function's program: it times each run and serializes runs, so the per-node times of
/// two concurrent calls do not interleave.
package final class ProfilingProgram: Program, @unchecked Sendable {
    package let inner: any Program
    package let stats: ProfileStats
    private let lock = Mutex<Void>(())

    package init(_ inner: any Program, stats: ProfileStats) { (self.inner, self.stats) = (inner, stats) }

    package var generatedC: GeneratedCStatus { inner.generatedC }
    package func waitForGeneratedC() -> GeneratedCStatus { inner.waitForGeneratedC() }

    package func run(_ inputs: [NDArray]) throws -> [NDArray] {
        try lock.withLock { _ in
            stats.beginRun()
            let start = ContinuousClock.now
            defer { stats.endRun(ContinuousClock.now - start) }
            return try inner.run(inputs)
        }
    }
}

extension Duration {
    /// The duration in seconds.
    package var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
