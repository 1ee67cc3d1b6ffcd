import Foundation
import Theano

/// `theano-bench data-parallel`, run under `mpirun -np N`: the W6 MLP step and the W7 logistic
/// regression step written with `communicator: .world`, the global batch split across the ranks; the
/// time per step, the share of it an all-reduce of the same gradient bytes takes, and the all-reduce's
/// cost per megabyte. Only rank 0 prints.
enum DataParallelBench {
    static func runIfAsked() {
        guard CommandLine.arguments.dropFirst().first == "data-parallel" else { return }
        let world = Communicator.world
        func emit(_ workload: String, _ metric: String, _ value: Double) {
            if world.rank == 0 { print("peer=swift-theano workload=\(workload) ranks=\(world.size) metric=\(metric) value=\(String(format: "%.6g", value))") }
        }
        do {
            if world.rank == 0 { print("# \(world.size) process(es); MPI: \(MPI.status)") }
            // W6: 784-1024-1024-10 float32 MLP, global batch 256.
            do {
                let batch = 256
                var g = SplitMix64(seed: 6)
                let (params, x, y, loss) = w6Model(&g)
                let grads = try grad(loss, wrt: params)
                let step = try function([x, y], loss, updates: zip(params, grads).map { ($0, $0 - cast(0.01 * $1, .float32)) },
                                        communicator: world)
                let xs = NDArray((0..<batch * 784).map { _ in Float(g.nextUnit()) }, shape: [batch, 784])
                let ys = NDArray((0..<batch).map { _ in Int32(g.next() % 10) }, shape: [batch])
                let (mx, my) = (try shard(of: xs, communicator: world), try shard(of: ys, communicator: world))
                _ = step.waitForGeneratedC()
                let t = try median(repeats: 5, warmup: 1) { _ = try step(mx, my) }
                emit("W6", "ms_per_step", t * 1e3)
                let count = params.reduce(0) { $0 + $1.getValue().count }
                let flat = NDArray(zeros: [count], dtype: .float32)
                let r = try median(repeats: 5, warmup: 1) { _ = try world.allReduce(flat, .mean) }
                emit("W6", "allreduce_ms", r * 1e3)
                emit("W6", "allreduce_share", world.size > 1 ? r / t : 0)
            }
            // W7: 400 × 784 float64 logistic regression.
            do {
                let (xs, ys, x, y, w, b, _, _, cost) = w7Model()
                let features = xs.shape[1]
                let gs = try grad(cost, wrt: [w, b])
                let train = try function([x, y], cost, updates: [(w, w - 0.1 * gs[0]), (b, b - 0.1 * gs[1])], communicator: world)
                let (mx, my) = (try shard(of: xs, communicator: world), try shard(of: ys, communicator: world))
                _ = train.waitForGeneratedC()
                let t = try median(repeats: 5, warmup: 1) { for _ in 0..<100 { _ = try train(mx, my) } } / 100
                emit("W7", "ms_per_step", t * 1e3)
                let flat = NDArray(zeros: [features + 1], dtype: .float64)
                let r = try median(repeats: 5, warmup: 1) { for _ in 0..<100 { _ = try world.allReduce(flat, .mean) } } / 100
                emit("W7", "allreduce_ms", r * 1e3)
                emit("W7", "allreduce_share", world.size > 1 ? r / t : 0)
            }
            // The all-reduce alone on 8 MB, per megabyte.
            let big = NDArray(zeros: [1 << 20], dtype: .float64)
            let r = try median(repeats: 5, warmup: 1) { _ = try world.allReduce(big, .sum) }
            emit("allreduce", "ms_per_MB", r * 1e3 / 8.388608)
        } catch {
            print("rank \(world.rank): data-parallel benchmark failed: \(error)")
            exit(1)
        }
        exit(0)
    }
}
