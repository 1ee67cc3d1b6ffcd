import Foundation
import Testing
@testable import Theano

@Suite struct GzipTests {
    static let seed = [UInt8](try! Data(contentsOf: URL(fileURLWithPath: IOSeeds.directory + "/digits-12.csv.gz")))

    @Test func theSeedInflates() throws {
        #expect(try Gzip.decompress(Data(Self.seed)).count == 1875)
    }

    /// Regression: the CRC was not checked, so a flipped bit in the data gave wrong rows without error.
    /// Now every flipped bit is refused, or (in the padding after the last block) changes nothing.
    @Test func aFlippedBitNeverGivesOtherContents() throws {
        let original = try Gzip.decompress(Data(Self.seed))
        var refused = 0
        for position in 10..<(Self.seed.count - 8) {
            for bit in 0..<8 {
                var bytes = Self.seed
                bytes[position] ^= 1 << bit
                guard let inflated = try? Gzip.decompress(Data(bytes)) else { refused += 1; continue }
                #expect(inflated == original, "bit \(bit) of byte \(position)")
            }
        }
        #expect(refused > 8 * (Self.seed.count - 18) * 9 / 10)
    }

    /// Regression: a truncated stream made decompression loop forever.
    @Test func everyTruncationIsRefused() {
        for count in 0..<Self.seed.count {
            _ = refusal { try Gzip.decompress(Data(Self.seed.prefix(count))) }
        }
    }

    @Test func aSizeTheDataCannotHoldIsRefusedBeforeAllocating() {
        var bytes = Self.seed
        bytes.replaceSubrange((bytes.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(refusal { try Gzip.decompress(Data(bytes)) }.contains("more than"))
    }

    @Test func bytesAfterTheMemberAreRefused() {
        #expect(refusal { try Gzip.decompress(Data(Self.seed + Self.seed)) }.contains("Gzip.decompress"))
    }

    @Test func reservedFlagsAreRefused() {
        var bytes = Self.seed
        bytes[3] |= 0x80
        #expect(refusal { try Gzip.decompress(Data(bytes)) }.contains("reserved"))
    }
}

@Suite struct DigitsFileTests {
    func gzipped(_ text: String) throws -> String {
        // A stored deflate block: no compressor needed.
        let body = [UInt8](text.utf8)
        var bytes: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1]
        bytes += [UInt8(body.count & 0xFF), UInt8(body.count >> 8), ~UInt8(body.count & 0xFF), ~UInt8(body.count >> 8)] + body
        let crc = body.withUnsafeBytes { Inflate.crc32($0) }
        bytes += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) } + (0..<4).map { UInt8(truncatingIfNeeded: body.count >> (8 * $0)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("digits-\(UUID().uuidString).csv.gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aWellFormedFileLoads() throws {
        let path = try gzipped(String(repeating: "1,", count: 64) + "7\r\n\n" + String(repeating: "16,", count: 64) + "0\n")
        let digits = try Digits.load(path: path)
        #expect(digits.count == 2 && digits.labels.scalars(as: Int64.self) == [7, 0])
    }

    /// Regression: a field that was not a number was skipped, so a line with 66 fields could load.
    @Test(arguments: ["x," + String(repeating: "1,", count: 64) + "7", String(repeating: "1,", count: 64) + "10",
                      "17," + String(repeating: "1,", count: 63) + "7", String(repeating: "1,", count: 63) + "7", ""])
    func aBadLineIsRefused(_ line: String) throws {
        let message = refusal { try Digits.load(path: try gzipped(line + "\n")) }
        #expect(message.contains("Digits.load"), "\(message)")
    }
}
