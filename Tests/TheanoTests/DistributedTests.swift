import Foundation
import Testing
@testable import Theano

/// The collectives and data-parallel training: in this process (a single-process communicator), and
/// under `mpirun` on the TheanoMPITestProgram for 2 and 3 ranks when Open MPI is installed.
@Suite struct DistributedTests {
    // MARK: One process

    @Test func collectivesAreTheIdentityOnOneProcess() throws {
        let x = dmatrix("x")
        let value = NDArray([1.0, -2, 3.5, 4, 5, 6], shape: [2, 3])
        for op in [ReduceOperation.sum, .mean, .max] {
            #expect(try function([x], allReduce(x, op: op)).call([value]).doubles == [1, -2, 3.5, 4, 5, 6])
        }
        #expect(try function([x], broadcast(x, root: 0)).call([value]).doubles == [1, -2, 3.5, 4, 5, 6])
        let gathered = try function([x], allGather(x)).call([value])
        #expect(gathered.shape == [1, 2, 3] && gathered.doubles == [1, -2, 3.5, 4, 5, 6])
        #expect(Communicator.single.rank == 0 && Communicator.single.size == 1)
    }

    @Test func collectiveGradientsOnOneProcess() throws {
        let point = NDArray([0.5, -1.5, 2.0], shape: [3])
        try verifyGrad({ (allReduce($0[0], op: .sum) * $0[0]).sum() }, at: [point])
        try verifyGrad({ exp(allReduce($0[0], op: .mean)).sum() }, at: [point])
        try verifyGrad({ (broadcast($0[0]) * 3.0).sum() }, at: [point])
        try verifyGrad({ (allGather($0[0]) * $0[0]).sum() }, at: [point])
        let x = dvector("x")
        #expect(throws: TheanoError.self) { try grad(allReduce(x, op: .max).sum(), wrt: x) }
    }

    @Test func collectivesAreNeitherFoldedNorMerged() throws {
        let x = dvector("x")
        // Two equal all-reduces stay two nodes; one of a constant is not run at compile time.
        let f = try function([x], allReduce(x) + allReduce(x) + allReduce(constant(NDArray([1.0, 2.0], shape: [2]))))
        let collectives = f.graph.toposort.filter { $0.op is AllReduce }
        #expect(collectives.count == 3)
        #expect(try f.call([NDArray([1.0, 1.0], shape: [2])]).doubles == [3, 4])
    }

    @Test func badCollectiveArguments() throws {
        let ints = NDArray([true, false], shape: [2])
        #expect { try Communicator.single.allReduce(ints, .sum) } throws: { error in
            "\(error)".contains("allReduce") && "\(error)".contains("float32, float64, int32 and int64") && "\(error)".contains("bool")
        }
        #expect { try Communicator.single.broadcast(ints, root: 1) } throws: { error in
            "\(error)".contains("root 1 is not a rank") && "\(error)".contains("0 ..< 1")
        }
    }

    @Test func shardsAreDisjointAndEqual() throws {
        let data = NDArray((0..<14).map(Double.init), shape: [7, 2])
        #expect(try shard(of: data, rank: 0, size: 3).doubles == [0, 1, 2, 3])
        #expect(try shard(of: data, rank: 2, size: 3).doubles == [8, 9, 10, 11])
        #expect(try shard(of: data, rank: 1, size: 3).shape == [2, 2])
        #expect(try shard(of: data, rank: 0, size: 1).doubles == data.doubles)
        #expect { try shard(of: data, rank: 3, size: 3) } throws: { "\($0)".contains("rank 3 is not in 0 ..< 3") }
        #expect { try shard(of: NDArray(scalar: 1.0), rank: 0, size: 2) } throws: { "\($0)".contains("first axis") }
    }

    @Test func dataParallelFunctionOnOneProcessIsThePlainFunction() throws {
        let w = shared(NDArray([1.0, 2.0], shape: [2]), name: "w")
        let x = dvector("x")
        let cost = (w * x).sum()
        let g = try grad(cost, wrt: w)
        let step = try function([x], cost, updates: [(w, w - 0.5 * g)], communicator: .single)
        _ = try step.call([NDArray([2.0, 4.0], shape: [2])])
        #expect(w.getValue().doubles == [0, 0])
    }

    @Test func missingMPIIsExplained() {
        let missing = MPI.load(["libmpi-not-installed.so.99"])
        #expect(missing.library == nil)
        #expect(missing.status.contains("not found (tried libmpi-not-installed.so.99)") && missing.status.contains("openmpi-bin"))
        // A library without Open MPI's handle symbols (as MPICH's libmpi is) is named and refused.
        let other = MPI.load(["libm.so.6"])
        #expect(other.library == nil && other.status.contains("(libm.so.6), which is not Open MPI"), "\(other.status)")
        #expect(BackendInfo.report.contains("MPI:") && BackendInfo.report.contains("NCCL:        not yet"))
    }

    // MARK: Under mpirun

    static let program: String? = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("TheanoMPITestProgram").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    static let mpirun: String? = (Settings.path ?? "").split(separator: ":").map { "\($0)/mpirun" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why the MPI tests skip, if they do.
    static let skipReason: String? = {
        if MPI.loaded.library == nil { return "MPI tests skipped: MPI \(MPI.loaded.status)" }
        if mpirun == nil { return "MPI tests skipped: no mpirun on PATH (install openmpi-bin)" }
        if program == nil { return "MPI tests skipped: TheanoMPITestProgram is not built beside the tests" }
        return nil
    }()

    static var mpiPresent: Bool {
        if let skipReason { print(skipReason) }
        return skipReason == nil
    }

    /// Runs the test program on `ranks` processes (or alone, for `ranks == 0`), killed after 60 s.
    static func run(_ ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        if ranks == 0 {
            process.executableURL = URL(fileURLWithPath: try #require(program))
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: try #require(mpirun))
            process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)"]
                + environment.keys.sorted().flatMap { ["-x", $0] } + [try #require(program)] + arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        return output
    }

    @Test(.enabled(if: mpiPresent), arguments: [2, 3])
    func collectiveValuesAndGradients(ranks: Int) throws {
        let output = try Self.run(ranks, ["collectives"])
        let expected: [String] = ranks == 2 ? [
            "allReduce(sum) = [2] [3.0, 30.0]", "allReduce(mean) = [2] [1.5, 15.0]", "allReduce(max) = [2] [2.0, 20.0]",
            "broadcast(root: 1) = [2] [2.0, 20.0]", "allGather = [2, 2] [1.0, 10.0, 2.0, 20.0]",
            "grad allReduce(sum) = [2] [3.0, 3.0]", "grad allReduce(mean) = [2] [1.5, 1.5]",
        ] : [
            "allReduce(sum) = [2] [6.0, 60.0]", "allReduce(mean) = [2] [2.0, 20.0]", "allReduce(max) = [2] [3.0, 30.0]",
            "broadcast(root: 1) = [2] [2.0, 20.0]", "allGather = [3, 2] [1.0, 10.0, 2.0, 20.0, 3.0, 30.0]",
            "grad allReduce(sum) = [2] [6.0, 6.0]", "grad allReduce(mean) = [2] [2.0, 2.0]",
        ]
        for rank in 0..<ranks {
            for line in expected { #expect(output.contains("rank \(rank): \(line)\n"), "\(line)\n\(output)") }
            #expect(output.contains("rank \(rank): mismatch: ") && output.contains("rank 0 has float64 [2], rank 1 has float64 [3]"), "\(output)")
            #expect(output.contains("rank \(rank): dtype mismatch: allReduce: the ranks' arrays differ: rank 0 has float64 [2], rank 1 has float32 [2]"), "\(output)")
        }
    }

    @Test(.enabled(if: mpiPresent), arguments: [2, 3])
    func dataParallelTrainingIsBitIdenticalToOneProcess(ranks: Int) throws {
        let output = try Self.run(ranks, ["train"])
        let reference = try Self.run(0, ["reference", "\(ranks)"])
        let parameters = try #require(reference.split(separator: "\n").first { $0.hasPrefix("reference ") }).dropFirst("reference ".count)
        for rank in 0..<ranks {
            #expect(output.contains("rank \(rank): \(parameters)\n"), "reference: \(reference)\nmpirun: \(output)")
        }
        // Against the whole batch in one sum, only rounding separates them.
        let difference = try #require(reference.split(separator: "\n").first { $0.hasPrefix("whole batch") }?.split(separator: " ").last.flatMap { Double($0) })
        #expect(difference < 1e-14, "\(reference)")
    }

    @Test(.enabled(if: mpiPresent))
    func aRankThatThrowsMakesTheOthersFail() throws {
        let started = Date()
        let output = try Self.run(2, ["fault"], environment: ["THEANO_MPI_TIMEOUT": "2"])
        #expect(Date().timeIntervalSince(started) < 30)
        // Rank 1 fails in its own dot; rank 0 waits out the 2 s timeout (seconds vary with the load).
        #expect(output.contains("rank 1: step failed after ") && output.contains("Dot failed: shapes [6, 6] and [5] are not aligned"), "\(output)")
        #expect(output.contains("rank 0: step failed after ") && output.contains("allReduce(mean) on rank 0 of 2: the other ranks did not take part within 2.0 s"), "\(output)")
        #expect(output.contains("rank 0: parameters unchanged: true") && output.contains("rank 1: parameters unchanged: true"), "\(output)")
    }

    @Test(.enabled(if: mpiPresent && GeneratedCTests.theanoExecutable != nil))
    func trainDigitsOnTwoRanksPrintsOnce() throws {
        let directory = GeneratedCTests.temporaryDirectory("mpi-digits")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try CBLASBindingTests.runChild(try #require(Self.mpirun), [
            "--allow-run-as-root", "--oversubscribe", "-np", "2", try #require(GeneratedCTests.theanoExecutable),
            "train", "digits", "--model", "mlp", "--epochs", "1", "--output", directory,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: "data-parallel on 2 ranks: each takes 16 of every batch of 32").count == 2, "\(output)")
        #expect(output.components(separatedBy: "MLP: test accuracy").count == 2, "\(output)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/digits-mlp.npz"))
    }

    @Test(.enabled(if: mpiPresent))
    func launchedWithoutMPIARankRefusesToTrainAlone() throws {
        let output = try Self.run(2, ["alone"], environment: ["THEANO_MPI": "none"])
        #expect(output.contains("rank 0: refused: ") && output.contains("one of 2 started by a launcher"), "\(output)")
        #expect(output.contains("THEANO_MPI=none"), "\(output)")
    }
}
