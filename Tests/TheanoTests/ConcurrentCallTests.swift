import Foundation
import Synchronization
import Testing
@testable import Theano

/// Calls from many threads at once: each call is atomic with respect to every other call touching the
/// same shared variables, so no update is lost, no snapshot is torn and no random draw repeats.
@Suite struct ConcurrentCallTests {
    /// Runs `body(thread)` on `count` threads of their own, released together, and waits for all of them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        let start = DispatchSemaphore(value: 0), finished = DispatchGroup()
        let failures = Mutex<[String]>([])
        for thread in 0..<count {
            finished.enter()
            Thread {
                start.wait()
                do { try body(thread) } catch { failures.withLock { $0.append("thread \(thread): \(error)") } }
                finished.leave()
            }.start()
        }
        for _ in 0..<count { start.signal() }
        finished.wait()
        let messages = failures.withLock { $0 }
        if !messages.isEmpty { throw TheanoError(.badArgument, messages.joined(separator: "\n")) }
    }

    @Test func eightThreadsOnOneAccumulatorLoseNothing() throws {
        let inc = dscalar("inc"), s = shared(0.0, name: "s")
        let accumulate = try function([inc], updates: [(s, s + inc)])
        try Self.onThreads(8) { _ in for _ in 0..<5_000 { try accumulate(1.0) } }
        #expect(s.getValue().item() == 40_000)
    }

    /// Eight threads share: one accumulator function; eight functions of their own that all update one
    /// float64 total and one int64 count; moves of one unit between two int64 variables, audited by a
    /// read-only function that must always see their sum unchanged; a random stream, whose draws must
    /// be exactly those of the same stream drawn in one thread; and plain `getValue` reads.
    @Test func overlappingUpdatesFromManyThreadsLandExactly() throws {
        let threads = 8, rounds = 1_000, calls = threads * rounds
        let step = dscalar("step")
        let total = shared(0.0, name: "total"), count = shared(Int64(0), name: "count")
        let from = shared(Int64(calls), name: "from"), to = shared(Int64(0), name: "to")
        let accumulate = try function([step], updates: [(total, total + step)])
        let ownAdders = try (0..<threads).map { _ in
            try function([step], updates: [(count, count + 1), (total, total + 2 * step)])
        }
        let move = try function([], updates: [(from, from - 1), (to, to + 1)])
        let audit = try function([], from + to)
        let streams = RandomStreams(seed: 42)
        let draw = try function([], streams.uniform(size: [2]))

        let draws = Mutex<[[Double]]>([])
        let problems = Mutex<[String]>([])
        try Self.onThreads(threads) { thread in
            var mine: [[Double]] = [], lastCount: Int64 = 0
            for round in 0..<rounds {
                try accumulate(0.5)
                try ownAdders[thread](0.25)
                try move()
                let sum = try audit().item(as: Int64.self)
                if sum != Int64(calls) { problems.withLock { $0.append("thread \(thread), round \(round): from + to = \(sum)") } }
                mine.append(try draw().doubles)
                let seen = count.getValue().item(as: Int64.self)
                if seen < lastCount { problems.withLock { $0.append("thread \(thread): count went back from \(lastCount) to \(seen)") } }
                lastCount = seen
            }
            draws.withLock { $0 += mine }
        }
        #expect(problems.withLock { $0 } == [])
        #expect(total.getValue().item() == Double(calls) * (0.5 + 2 * 0.25))
        #expect(count.getValue().item(as: Int64.self) == Int64(calls))
        #expect(from.getValue().item(as: Int64.self) == 0 && to.getValue().item(as: Int64.self) == Int64(calls))

        let sameStream = RandomStreams(seed: 42)
        let drawAlone = try function([], sameStream.uniform(size: [2]))
        let expected = try (0..<calls).map { _ in try drawAlone().doubles }
        let drawn = draws.withLock { $0 }
        #expect(Set(expected).count == calls, "one thread's draws never repeat")
        #expect(drawn.count == calls && Set(drawn) == Set(expected), "the threads drew the stream's numbers, each once")
    }

    /// While a call updating `a` is stopped inside its program, calls on other variables, read-only
    /// calls on `a` and `getValue` go on; a second update of `a` and `setValue` wait, then build on it.
    @Test func anUpdatingCallBlocksOnlyWritersOfItsVariables() throws {
        let a = shared(1.0, name: "a"), b = shared(0.0, name: "b")
        let gate = Gate()
        let slowIncrement = try function([], updates: [(a, WaitAtGate(gate: gate)(a + 1))])
        let scale = try function([], updates: [(a, a * 10)])
        let other = try function([], updates: [(b, b + 1)])
        let readA = try function([], a * 1)

        Thread { _ = try? slowIncrement() }.start()
        try #require(gate.arrived.wait(timeout: .now() + 10) == .success)
        let scaled = DispatchSemaphore(value: 0), setValueDone = DispatchSemaphore(value: 0)
        Thread { _ = try? scale(); scaled.signal() }.start()
        #expect(Self.finishesSoon { _ = try other(); return try readA().item() == 1 && a.getValue().item() == 1 })
        #expect(b.getValue().item() == 1)
        #expect(scaled.wait(timeout: .now() + 0.2) == .timedOut, "a second writer of a waits for the first")
        gate.open.signal()
        #expect(scaled.wait(timeout: .now() + 10) == .success)
        #expect(a.getValue().item() == 20, "(1 + 1) * 10: the second writer read the first one's update")

        Thread { _ = try? slowIncrement() }.start()
        try #require(gate.arrived.wait(timeout: .now() + 10) == .success)
        Thread { try? a.setValue(100.0); setValueDone.signal() }.start()
        #expect(setValueDone.wait(timeout: .now() + 0.2) == .timedOut, "setValue waits for the updating call")
        gate.open.signal()
        #expect(setValueDone.wait(timeout: .now() + 10) == .success)
        #expect(a.getValue().item() == 100, "setValue landed after the call's update, which it replaced")
    }

    /// Runs `body` on another thread and says whether it finished within ten seconds with true.
    static func finishesSoon(_ body: @escaping @Sendable () throws -> Bool) -> Bool {
        let done = DispatchSemaphore(value: 0), result = Mutex(false)
        Thread {
            let ok = (try? body()) ?? false
            result.withLock { $0 = ok }
            done.signal()
        }.start()
        return done.wait(timeout: .now() + 10) == .success && result.withLock { $0 }
    }
}

/// Where a ``WaitAtGate`` node stops: it signals `arrived`, then waits for `open`.
final class Gate: Sendable {
    let arrived = DispatchSemaphore(value: 0), open = DispatchSemaphore(value: 0)
}

/// The identity, stopping at a gate while it runs, to hold a call in the middle of its program.
struct WaitAtGate: StatefulOp {
    let gate: Gate
    var description: String { "WaitAtGate" }
    static func == (lhs: WaitAtGate, rhs: WaitAtGate) -> Bool { lhs.gate === rhs.gate }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(gate)) }
    func outputTypes(_ inputs: [TensorType]) -> [TensorType] { inputs }
    func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        gate.arrived.signal()
        gate.open.wait()
        return inputs
    }
    func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        outputGrads
    }
}
