// The program the MPI tests start under `mpirun` (Tests/TheanoTests/DistributedTests.swift): it runs
// one scenario and prints what each rank saw, one line per fact, for the test to check.
import Foundation
import Theano

let arguments = CommandLine.arguments.dropFirst()
let scenario = arguments.first ?? "info"
let world = Communicator.world

func say(_ line: String) { print("rank \(world.rank): \(line)"); fflush(nil) }
func hex(_ a: NDArray) -> String { a.doubles.map { String($0.bitPattern, radix: 16) }.joined(separator: " ") }
func show(_ a: NDArray) -> String { "\(a.shape) \(a.doubles)" }

/// A small logistic-regression problem: 12 examples of 5 features, fixed by formula.
enum Problem {
    static let examples = 12, features = 5, steps = 4, rate = 0.5
    static let x = NDArray((0..<(examples * features)).map { i in sin(Double(i) * 0.7 + 0.3) }, shape: [examples, features])
    static let y = NDArray((0..<examples).map { i in (i * 7 % 5) < 2 ? 1.0 : 0.0 }, shape: [examples])

    /// The model: w, b, the cost on (x, y) and its gradients. `start` offsets the initial weights.
    static func model(start: Double) throws -> (w: SharedVariable, b: SharedVariable, x: TensorVariable, y: TensorVariable,
                                                cost: TensorVariable, gw: TensorVariable, gb: TensorVariable) {
        let w = shared(NDArray((0..<features).map { Double($0) * 0.1 - 0.2 + start }, shape: [features]), name: "w")
        let b = shared(NDArray(scalar: start), name: "b")
        let x = dmatrix("x"), y = dvector("y")
        let p = sigmoid(dot(x, w) + b)
        let cost = (-(y * log(p)) - (1.0 - y) * log(1.0 - p)).mean()
        let g = try grad(cost, wrt: [w, b])
        return (w, b, x, y, cost, g[0], g[1])
    }
}

do {
    switch scenario {
    case "info":
        say("size \(world.size); \(MPI.status); \(world.note ?? "")")

    case "collectives":
        let x = dvector("x")
        let mine = NDArray([Double(world.rank + 1), 10 * Double(world.rank + 1)], shape: [2])
        for op in [ReduceOperation.sum, .mean, .max] {
            say("allReduce(\(op.rawValue)) = \(show(try function([x], allReduce(x, op: op, communicator: world)).call([mine])))")
        }
        say("broadcast(root: 1) = \(show(try function([x], broadcast(x, root: 1, communicator: world)).call([mine])))")
        say("allGather = \(show(try function([x], allGather(x, communicator: world)).call([mine])))")
        // d/dx of Σ_ranks sum(allReduce(x) · c_rank), c_rank = rank + 1: every element gets Σ c.
        let c = Double(world.rank + 1)
        let cost = (allReduce(x, op: .sum, communicator: world) * c).sum()
        say("grad allReduce(sum) = \(show(try function([x], try grad(cost, wrt: x)).call([mine])))")
        let meanCost = (allReduce(x, op: .mean, communicator: world) * c).sum()
        say("grad allReduce(mean) = \(show(try function([x], try grad(meanCost, wrt: x)).call([mine])))")
        // Shapes that differ across ranks: every rank reports both.
        do {
            _ = try function([x], allReduce(x, communicator: world)).call([NDArray(repeating: 1.0, shape: [2 + world.rank])])
            say("mismatch not detected")
        } catch {
            say("mismatch: \(error)")
        }

        do {
            let value = NDArray([1.0, 2.0], shape: [2])
            _ = try world.allReduce(world.rank == 1 ? value.astype(.float32) : value, .sum)
            say("dtype mismatch not detected")
        } catch {
            say("dtype mismatch: \(error)")
        }

    case "train":
        // Data-parallel: this rank's shard of the global batch; rank-dependent starting weights, which
        // the broadcast at build time must overwrite with rank 0's.
        let m = try Problem.model(start: Double(world.rank))
        let step = try function([m.x, m.y], m.cost, updates: [(m.w, m.w - Problem.rate * m.gw), (m.b, m.b - Problem.rate * m.gb)],
                                communicator: world)
        let xs = try shard(of: Problem.x, communicator: world), ys = try shard(of: Problem.y, communicator: world)
        for _ in 0..<Problem.steps { _ = try step.call([xs, ys]) }
        say("w \(hex(m.w.getValue())) b \(hex(m.b.getValue()))")

    case "reference":
        // One process, global batch split into `n` shards whose gradients are added in rank order and
        // divided by n: what data-parallel training promises to reproduce bit for bit.
        let n = Int(arguments.dropFirst().first ?? "1") ?? 1
        let m = try Problem.model(start: 0)
        let gradients = try function([m.x, m.y], [m.gw, m.gb])
        let gw = dvector("gw"), gb = dscalar("gb")
        let apply = try function([gw, gb], updates: [(m.w, m.w - Problem.rate * gw), (m.b, m.b - Problem.rate * gb)])
        let shards = try (0..<n).map { r in (try shard(of: Problem.x, rank: r, size: n), try shard(of: Problem.y, rank: r, size: n)) }
        for _ in 0..<Problem.steps {
            var sums: [NDArray] = []
            for (xs, ys) in shards {
                let g = try gradients.call([xs, ys])
                sums = sums.isEmpty ? g : zip(sums, g).map { NDArray(zip($0.doubles, $1.doubles).map { $0 + $1 }, shape: $0.shape) }
            }
            _ = try apply.call(sums.map { NDArray($0.doubles.map { $0 / Double(n) }, shape: $0.shape) })
        }
        print("reference w \(hex(m.w.getValue())) b \(hex(m.b.getValue()))")
        // The same steps on the whole batch at once: equal up to rounding, since a sum's order changes.
        let m2 = try Problem.model(start: 0)
        let whole2 = try function([m2.x, m2.y], m2.cost, updates: [(m2.w, m2.w - Problem.rate * m2.gw), (m2.b, m2.b - Problem.rate * m2.gb)])
        for _ in 0..<Problem.steps { _ = try whole2.call([Problem.x.copy(), Problem.y.copy()]) }
        let diff = zip(m.w.getValue().doubles + [m.b.getValue().doubles[0]], m2.w.getValue().doubles + [m2.b.getValue().doubles[0]])
            .map { abs($0 - $1) }.max() ?? 0
        print("whole batch max difference \(diff)")

    case "fault":
        // Rank 1 fails inside the step (its batch has the wrong width); the others must throw within
        // THEANO_MPI_TIMEOUT, and nobody's parameters change.
        let m = try Problem.model(start: 0)
        let step = try function([m.x, m.y], m.cost, updates: [(m.w, m.w - Problem.rate * m.gw), (m.b, m.b - Problem.rate * m.gb)],
                                communicator: world)
        let before = hex(m.w.getValue()) + hex(m.b.getValue())
        var xs = try shard(of: Problem.x, communicator: world)
        if world.rank == 1 { xs = NDArray(repeating: 1.0, shape: [xs.shape[0], Problem.features + 1]) }
        let start = Date()
        do {
            _ = try step.call([xs, try shard(of: Problem.y, communicator: world)])
            say("step succeeded")
        } catch {
            say("step failed after \(Int(Date().timeIntervalSince(start).rounded())) s: \(error)")
        }
        say("parameters unchanged: \(before == hex(m.w.getValue()) + hex(m.b.getValue()))")
        // Rank 1 waits so the others can report before the job ends.
        if world.rank == 1 { Thread.sleep(forTimeInterval: (Double(Settings.mpiTimeout ?? "2") ?? 2) + 2) }
        fflush(nil)
        _exit(0)

    case "alone":
        // Under mpirun without a usable MPI: a data-parallel function refuses to train each rank alone.
        let m = try Problem.model(start: 0)
        do {
            _ = try function([m.x, m.y], m.cost, updates: [(m.w, m.w - Problem.rate * m.gw)], communicator: world)
            say("built")
        } catch {
            say("refused: \(error)")
        }

    default:
        print("unknown scenario \(scenario)")
        exit(2)
    }
} catch {
    say("error: \(error)")
    exit(1)
}
