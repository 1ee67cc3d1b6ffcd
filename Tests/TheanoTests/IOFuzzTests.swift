import Foundation
import Testing
@testable import Theano

@Suite struct IOSeedTests {
    /// Every array numpy wrote reads back with the values it wrote: every dtype, both byte orders,
    /// Fortran order, header versions 1.0 to 3.0, empty and 0-d arrays, stored and deflated archives.
    @Test func everySeedReadsAsNumpyWroteIt() throws {
        let manifest = try String(contentsOfFile: IOSeeds.directory + "/manifest.txt", encoding: .utf8)
        var checked = 0
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").map(String.init)
            let path = IOSeeds.directory + "/" + fields[0]
            if fields[0].hasSuffix(".gz") {
                let digits = try Digits.load(path: path)
                #expect(digits.count == Int(fields[3])!)
                continue
            }
            if fields[1] == "-" && fields[0].hasSuffix(".npz") {
                #expect(try NPZ.load(path).isEmpty)
                continue
            }
            let dtype = try #require(NPY.dtype(fromDescr: fields[2])?.0, "\(line)")
            let shape = fields[3] == "scalar" ? [] : fields[3].split(separator: ",").map { Int($0)! }
            let array = fields[1] == "-" ? try load(path) : try #require(try NPZ.load(path)[fields[1]], "\(line)")
            #expect(array == IOSeeds.pattern(dtype, shape), "\(line)")
            checked += 1
        }
        #expect(checked == 23)
    }

    /// The fuzz target, built plainly, replays files; the `theano` tests find their executable the same way.
    static var replayExecutable: String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("TheanoFuzzIO").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Regression: a truncated deflate stream hung only in a fresh process, where the memory read past
    /// the input happened to decode as more stream. Each damaged file here goes to a new process, which
    /// must finish within seconds.
    @Test(.enabled(if: replayExecutable != nil))
    func truncatedStreamsEndInAFreshProcess() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theano-fresh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gzip = GzipTests.seed
        var npz = ZipLayout(try Data(contentsOf: URL(fileURLWithPath: IOSeeds.directory + "/params-compressed.npz")))
        npz.set(npz.uint32(npz.member("W.npy").central + 20) / 2, at: npz.member("W.npy").central + 20)
        let files = [("cut.gz", Data(gzip.prefix(gzip.count / 2))), ("cut-trailer.gz", Data(gzip.prefix(gzip.count - 9) + gzip.suffix(8))),
                     ("cut.npz", npz.data)]
        for (name, data) in files {
            let path = directory + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.replayExecutable))
            process.arguments = [path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(name): \(output)")
            #expect(output.contains(name.hasSuffix(".gz") ? "gzip: error: Gzip.decompress" : "npz: error: NPZ.decode"), "\(name): \(output)")
        }
    }
}

/// A fixed-seed mutator over the seed files: thousands of damaged files, each read by every reader, and
/// each read must return or throw `TheanoError`. A crash ends the test run; a hang hits the time limit.
@Suite struct IOMutationTests {
    static let mutationCount = 10_000

    /// Characters that mean something in a header: brackets, quotes, digits, signs, line breaks.
    static let headerBytes = Array("()[]{},:'\"\\#\n\r\t -+_0123456789LxTrueFalse<>|=?bifcdD".utf8)

    static func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...(random.next() % 3) {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            switch random.next() % 7 {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << (random.next() % 8)
            case 1 where !bytes.isEmpty: bytes[position] = [0, 1, 0x7F, 0x80, 0xFF, UInt8(truncatingIfNeeded: random.next())][Int(random.next() % 6)]
            case 2: bytes.removeSubrange(position...)
            case 3: bytes.insert(contentsOf: (0...(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
            case 4 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(random.next() % 8)))
            case 5 where !bytes.isEmpty:
                // Header edits land in the first 128 bytes, where an .npy header is.
                bytes[position % min(bytes.count, 128)] = headerBytes[Int(random.next() % UInt64(headerBytes.count))]
            case 6 where bytes.count >= 4:
                let width = random.next() % 2 == 0 ? 2 : 4
                let start = min(position, bytes.count - width)
                let value: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0x7F, 0xFF, 0xFF, 0xFF]][Int(random.next() % 3)]
                bytes.replaceSubrange(start..<(start + width), with: value.prefix(width))
            default: break
            }
        }
        return bytes
    }

    @Test(.timeLimit(.minutes(1)))
    func mutatedFilesNeverCrashOrHang() throws {
        let seeds = try IOSeeds.files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: IOSeeds.directory + "/" + $0))) }
        try #require(seeds.count >= 18)
        var random = SplitMix64(seed: 18)
        var read = 0, refused = 0
        for index in 0..<Self.mutationCount {
            let data = Data(Self.mutate(seeds[index % seeds.count], &random))
            for reader: (Data) throws -> Any in [{ try NPY.decode($0) }, { try NPZ.decode($0) }, { try Gzip.decompress($0) }] {
                do {
                    _ = try reader(data)
                    read += 1
                } catch is TheanoError {
                    refused += 1
                } catch {
                    Issue.record("mutation \(index) threw \(error), not a TheanoError")
                }
            }
        }
        // Most damage is caught; some leaves a readable file (a changed value, padding, a comment).
        #expect(read > Self.mutationCount / 50 && refused > Self.mutationCount)
    }
}
