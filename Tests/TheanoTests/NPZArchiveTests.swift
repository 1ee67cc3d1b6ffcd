import Foundation
import Testing
@testable import Theano

/// The layout of a zip archive, so that a test can damage one field of one member.
struct ZipLayout {
    var bytes: [UInt8]
    /// Per member in directory order: where its central directory entry and its local header start.
    var members: [(name: String, central: Int, local: Int)] = []

    init(_ data: Data) {
        bytes = [UInt8](data)
        let end = bytes.count - 22
        var offset = Int(uint32(end + 16))
        for _ in 0..<Int(uint16(end + 10)) {
            let nameLength = Int(uint16(offset + 28))
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            members.append((name, offset, Int(uint32(offset + 42))))
            offset += 46 + nameLength + Int(uint16(offset + 30)) + Int(uint16(offset + 32))
        }
    }

    func uint16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func uint32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    mutating func set(_ value: UInt32, at: Int, width: Int = 4) {
        for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    func member(_ name: String) -> (name: String, central: Int, local: Int) { members.first { $0.name == name }! }
    /// Where a member's data starts.
    func dataStart(_ name: String) -> Int {
        let local = member(name).local
        return local + 30 + Int(uint16(local + 26)) + Int(uint16(local + 28))
    }
    /// Sets a member's CRC-32 in the directory to that of its (stored) data, after the data was changed.
    mutating func resealStored(_ name: String) {
        let size = Int(uint32(member(name).central + 24)), start = dataStart(name)
        set(bytes[start..<(start + size)].withUnsafeBytes { Inflate.crc32($0) }, at: member(name).central + 16)
    }

    var data: Data { Data(bytes) }
}

@Suite struct NPZArchiveTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theano-npz-\(UUID().uuidString)").path
    let arrays = ["a": NDArray([1.0, 2.0, 3.0]), "b": NDArray([[1, 2], [3, 4]], dtype: .int32)]

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    func archive(compressed: Bool) throws -> ZipLayout {
        let path = directory + "/\(compressed).npz"
        try NPZ.save(arrays, to: path, compressed: compressed)
        return ZipLayout(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Regression: a member whose CRC did not match loaded without error.
    @Test(arguments: [false, true])
    func aMemberWhoseCRCDoesNotMatchIsRefused(compressed: Bool) throws {
        var zip = try archive(compressed: compressed)
        zip.set(zip.uint32(zip.member("b.npy").central + 16) ^ 1, at: zip.member("b.npy").central + 16)
        let message = refusal { try NPZ.decode(zip.data, source: "p.npz") }
        #expect(message.contains("NPZ.decode(p.npz): member 'b.npy': CRC-32 check failed"), "\(message)")
    }

    /// A flipped bit in a stored member's data is caught by the CRC.
    @Test func aDamagedStoredMemberIsRefused() throws {
        var zip = try archive(compressed: false)
        zip.bytes[zip.dataStart("a.npy") + 100] ^= 0x10
        #expect(refusal { try NPZ.decode(zip.data) }.contains("CRC-32"))
    }

    /// The size the directory declares is checked both ways, stored or deflated.
    @Test(arguments: [(false, 1), (false, -1), (true, 1), (true, -1)])
    func aMemberWhoseSizeDisagreesIsRefused(compressed: Bool, change: Int) throws {
        var zip = try archive(compressed: compressed)
        let field = zip.member("a.npy").central + 24
        zip.set(UInt32(Int(zip.uint32(field)) + change), at: field)
        if !compressed && change > 0 { zip.set(zip.uint32(field), at: zip.member("a.npy").central + 20) }
        let message = refusal { try NPZ.decode(zip.data) }
        #expect(message.contains("member 'a.npy'"), "\(message)")
    }

    /// Regression: a deflate stream cut short made loading loop forever (in a fresh process; elsewhere it
    /// read uninitialised memory). It stops, saying where the data ends.
    @Test func aTruncatedDeflateStreamIsRefused() throws {
        var zip = try archive(compressed: true)
        let field = zip.member("a.npy").central + 20
        for size in [0, 1, 2, 5, Int(zip.uint32(field)) / 2] {
            zip.set(UInt32(size), at: field)
            let message = refusal { try NPZ.decode(zip.data) }
            #expect(message.contains("member 'a.npy'"), "\(message)")
        }
    }

    /// Regression: a size far beyond what the data can hold was allocated before anything was read.
    @Test func aSizeTheDataCannotHoldIsRefusedBeforeAllocating() throws {
        var zip = try archive(compressed: true)
        zip.set(0xFFFF_FFF0, at: zip.member("b.npy").central + 24)
        #expect(refusal { try NPZ.decode(zip.data) }.contains("more than"))
    }

    /// Members may not overlap: one local header's data may not run into the next (a zip bomb reuses
    /// one compressed stream for many members). Python 3.12's zipfile refuses them too.
    @Test func overlappingMembersAreRefused() throws {
        var zip = try archive(compressed: false)
        zip.set(zip.uint32(zip.member("a.npy").central + 20) + 40, at: zip.member("a.npy").central + 20)
        #expect(refusal { try NPZ.decode(zip.data) }.contains("overlap"))
    }

    /// Regression: a member whose attributes said "directory" or "symlink" was silently dropped. numpy
    /// reads every member whatever its attributes; so does the reader.
    @Test(arguments: [UInt32(0o040755), 0o120777])
    func membersAreReadWhateverTheirAttributes(_ mode: UInt32) throws {
        var zip = try archive(compressed: false)
        zip.set(0x0314, at: zip.member("a.npy").central + 4, width: 2) // made by Unix
        zip.set(mode << 16, at: zip.member("a.npy").central + 38)
        #expect(try NPZ.decode(zip.data) == arrays)
    }

    /// The local header must name the member as the directory does (zipfile's check).
    @Test func aLocalHeaderThatNamesAnotherMemberIsRefused() throws {
        var zip = try archive(compressed: false)
        zip.bytes[zip.member("a.npy").local + 30] = UInt8(ascii: "z")
        #expect(refusal { try NPZ.decode(zip.data) }.contains("the local header names it 'z.npy'"))
    }

    /// Two members with one key: numpy keeps one and drops the other; the reader refuses.
    @Test func twoMembersWithOneKeyAreRefused() throws {
        var zip = try archive(compressed: false)
        for offset in [zip.member("b.npy").central + 46, zip.member("b.npy").local + 30] { zip.bytes[offset] = UInt8(ascii: "a") }
        #expect(refusal { try NPZ.decode(zip.data) }.contains("both have the key 'a'"))
    }

    /// A member that is not an `.npy` file, which numpy returns as raw bytes, cannot be an array.
    @Test func aMemberThatIsNotAnArrayIsRefused() throws {
        var zip = try archive(compressed: false)
        zip.bytes[zip.dataStart("a.npy")] = UInt8(ascii: "x")
        zip.resealStored("a.npy")
        #expect(refusal { try NPZ.decode(zip.data) }.contains("member 'a.npy' is not an .npy array"))
    }

    /// A damaged `.npy` inside names the archive and the member.
    @Test func aBadArrayInsideNamesTheMember() throws {
        var zip = try archive(compressed: false)
        let shape = zip.bytes[zip.dataStart("a.npy")...].firstIndex(of: UInt8(ascii: "("))!
        zip.bytes[shape] = UInt8(ascii: ")")
        zip.resealStored("a.npy")
        let message = refusal { try NPZ.decode(zip.data, source: "p.npz") }
        #expect(message.hasPrefix("NPY.decode(p.npz, member 'a.npy'): the header is not a Python literal"), "\(message)")
    }

    /// Names are UTF-8 where the archive says so; a name that is neither UTF-8 nor ASCII is refused.
    @Test func namesFollowTheirEncodingFlag() throws {
        let path = directory + "/names.npz"
        try NPZ.save(["poids_é": NDArray([1.0])], to: path)
        var zip = ZipLayout(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try NPZ.decode(zip.data).keys.sorted() == ["poids_é"])
        for offset in [zip.members[0].central + 8, zip.members[0].local + 6] { zip.bytes[offset + 1] &= ~0x08 }
        #expect(refusal { try NPZ.decode(zip.data) }.contains("neither ASCII nor marked UTF-8"))
    }

    /// Archives over 4 GiB keep their sizes and offsets in zip64 records: the same archive rewritten
    /// that way (every 32-bit field 0xFFFFFFFF, the values in zip64 extra fields and end records) reads
    /// the same. Adding something before the archive shifts every offset, as zipfile allows.
    @Test(arguments: [0, 7])
    func zip64RecordsAreRead(prefix: Int) throws {
        let zip = try archive(compressed: true)
        func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let end = zip.bytes.count - 22
        let directoryStart = Int(zip.uint32(end + 16))
        var directory: [UInt8] = []
        for member in zip.members {
            let c = member.central
            let (nameLength, extraLength, commentLength) = (Int(zip.uint16(c + 28)), Int(zip.uint16(c + 30)), Int(zip.uint16(c + 32)))
            var entry = Array(zip.bytes[c..<(c + 46)])
            let values = [zip.uint32(c + 24), zip.uint32(c + 20), zip.uint32(c + 42)].map { UInt64($0) } // size, compressed, offset
            for field in [20, 24, 42] { entry.replaceSubrange(field..<(field + 4), with: [0xFF, 0xFF, 0xFF, 0xFF]) }
            let extra = le(1, 2) + le(24, 2) + values.flatMap { le($0, 8) }
            entry.replaceSubrange(30..<32, with: le(UInt64(extraLength + extra.count), 2))
            entry += zip.bytes[(c + 46)..<(c + 46 + nameLength + extraLength)] + extra
            entry += zip.bytes[(c + 46 + nameLength + extraLength)..<(c + 46 + nameLength + extraLength + commentLength)]
            directory += entry
        }
        let count = UInt64(zip.members.count)
        let record = le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(count, 8) + le(count, 8)
            + le(UInt64(directory.count), 8) + le(UInt64(directoryStart), 8)
        let locator = le(0x0706_4B50, 4) + le(0, 4) + le(UInt64(directoryStart + directory.count), 8) + le(1, 4)
        let endRecord = le(0x0605_4B50, 4) + le(0, 4) + [0xFF, 0xFF, 0xFF, 0xFF] + [0xFF, 0xFF, 0xFF, 0xFF] + [0xFF, 0xFF, 0xFF, 0xFF] + le(0, 2)
        let rewritten = [UInt8](repeating: 0x50, count: prefix) + zip.bytes[..<directoryStart] + directory + record + locator + endRecord
        let data = Data(prefix == 0 ? rewritten : Array(zip.bytes[..<4]) + rewritten) // np.load wants PK at the start
        #expect(try NPZ.decode(data) == arrays)
    }

    @Test func anEmptyArchiveHoldsNoArrays() throws {
        #expect(try NPZ.decode(Data(ZipArchive.endSignature + [UInt8](repeating: 0, count: 18))).isEmpty)
    }

    @Test(arguments: [Data(), Data("not a zip".utf8), Data([0x50, 0x4B, 0x03, 0x04])])
    func whatIsNotAnArchiveIsRefused(_ data: Data) {
        #expect(refusal { try NPZ.decode(data) }.contains("NPZ.decode(npz data): "))
    }
}
