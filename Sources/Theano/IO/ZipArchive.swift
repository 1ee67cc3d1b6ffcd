/// A zip archive read for `np.load`: the central directory parsed the way Python's `zipfile` parses it,
/// and each member's contents checked against the size and CRC-32 the directory declares.
///
/// Differences from `zipfile`, each refusing a file it would read: member names that are not UTF-8
/// (flag bit 11) must be ASCII (`zipfile` decodes them as code page 437) and hold no NUL (`zipfile` cuts
/// the name there); members may not overlap (as in Python 3.12, against zip bombs); and only the stored
/// and deflate methods are read (`zipfile` also has bzip2 and LZMA, which `np.savez` never writes).
struct ZipArchive {
    struct Member {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let headerOffset: Int
        /// Where the next member's header (or the central directory) starts: this one's data must end there.
        var limit = 0
    }

    static let localSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let centralSignature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    static let end64Signature: [UInt8] = [0x50, 0x4B, 0x06, 0x06]
    static let end64LocatorSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x07]
    /// The newest "version needed to extract" that `zipfile` accepts (6.3).
    static let newestVersion = 63

    let bytes: UntrustedBytes
    /// The operation and file, such as `NPZ.load(params.npz)`, that errors start with.
    let context: String
    private(set) var members: [Member] = []

    func fail(_ why: String) -> TheanoError { TheanoError(.io, "\(context): \(why)") }

    /// Reads the directory of the archive in `bytes`.
    init(_ bytes: UntrustedBytes, context: String) throws {
        self.bytes = bytes
        self.context = context
        let (directoryStart, directorySize, shift) = try locateDirectory()
        var offset = directoryStart
        let directoryEnd = directoryStart + directorySize
        while offset < directoryEnd {
            let entry = members.count + 1
            guard offset + 46 <= directoryEnd else { throw fail("truncated central directory at entry \(entry)") }
            guard bytes.matches(Self.centralSignature, at: offset) else { throw fail("bad signature for central directory entry \(entry)") }
            let field16 = { bytes.uint16(offset + $0)! }, field32 = { bytes.uint32(offset + $0)! }
            let (nameLength, extraLength, commentLength) = (Int(field16(28)), Int(field16(30)), Int(field16(32)))
            let entryEnd = offset + 46 + nameLength + extraLength + commentLength
            guard entryEnd <= directoryEnd else { throw fail("central directory entry \(entry) runs past the end of the directory") }
            let version = Int(field16(6) & 0xFF)
            guard version <= Self.newestVersion else { throw fail("entry \(entry) needs zip version \(version / 10).\(version % 10); at most 6.3 is supported") }
            let flags = field16(8)
            let name = try Self.name(bytes.slice(offset + 46, nameLength)!, utf8: flags & 0x800 != 0, fail: { fail("entry \(entry): \($0)") })
            var compressedSize = UInt64(field32(20)), size = UInt64(field32(24)), headerOffset = UInt64(field32(42))
            try Self.applyZip64(bytes.slice(offset + 46 + nameLength, extraLength)!, size: &size, compressedSize: &compressedSize,
                                headerOffset: &headerOffset, fail: { fail("member '\(name)': \($0)") })
            guard let compressed = Int(fileValue: compressedSize), let uncompressed = Int(fileValue: size),
                  let header = Int(fileValue: headerOffset), case (let shifted, false) = header.addingReportingOverflow(shift),
                  shifted >= 0 else {
                throw fail("member '\(name)': its sizes or offset are beyond any file")
            }
            members.append(Member(name: name, flags: flags, method: field16(10), crc: field32(16), compressedSize: compressed,
                                  size: uncompressed, headerOffset: shifted))
            offset = entryEnd
        }
        // Each member's data must end before the next member's header, and the last before the directory.
        let order = members.indices.sorted { members[$0].headerOffset < members[$1].headerOffset }
        for (rank, index) in order.enumerated() {
            members[index].limit = rank + 1 < order.count ? members[order[rank + 1]].headerOffset : directoryStart
        }
    }

    /// The central directory's start and size, and the shift `zipfile` adds to every header offset
    /// (nonzero when something precedes the archive).
    private func locateDirectory() throws -> (start: Int, size: Int, shift: Int) {
        let count = bytes.count
        // The end record is the last 22 bytes, or further back when the archive has a comment.
        var end = count - 22
        if !(bytes.matches(Self.endSignature, at: end) && bytes.uint16(count - 2) == 0) {
            let earliest = max(count - 22 - 65_535, 0)
            guard let found = stride(from: count - 4, through: earliest, by: -1).first(where: { bytes.matches(Self.endSignature, at: $0) }),
                  found + 22 <= count else {
                throw fail("not a zip archive: no end-of-central-directory record")
            }
            end = found
        }
        var size = UInt64(bytes.uint32(end + 12)!), offset = UInt64(bytes.uint32(end + 16)!)
        var recordStart = end
        // A zip64 locator just before the end record points to the zip64 end record just before it.
        let locator = end - 20
        if bytes.matches(Self.end64LocatorSignature, at: locator) {
            guard bytes.uint32(locator + 4) == 0, bytes.uint32(locator + 16)! <= 1 else {
                throw fail("archives that span several disks are not supported")
            }
            let record = locator - 56
            if bytes.matches(Self.end64Signature, at: record) {
                size = bytes.uint64(record + 40)!
                offset = bytes.uint64(record + 48)!
                recordStart = record
            }
        }
        guard let directorySize = Int(fileValue: size), directorySize <= recordStart, let directoryOffset = Int(fileValue: offset) else {
            throw fail("the central directory's size (\(size) bytes) does not fit before its end record at byte \(recordStart)")
        }
        let start = recordStart - directorySize
        return (start, directorySize, start - directoryOffset)
    }

    /// A member's name: UTF-8 when flag bit 11 says so, else ASCII.
    static func name(_ raw: UnsafeRawBufferPointer, utf8: Bool, fail: (String) -> TheanoError) throws -> String {
        var scalars = String.UnicodeScalarView()
        if utf8 {
            var decoder = UTF8(), iterator = raw.makeIterator()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: break decoding
                case .error: throw fail("the name is marked UTF-8 but is not valid UTF-8")
                }
            }
        } else {
            guard raw.allSatisfy({ $0 < 0x80 }) else { throw fail("the name is neither ASCII nor marked UTF-8 (code page 437 names are not supported)") }
            scalars.append(contentsOf: raw.map { Unicode.Scalar($0) })
        }
        guard !scalars.contains("\0") else { throw fail("the name contains a NUL byte") }
        return String(scalars)
    }

    /// Replaces the 32-bit sizes and offset marked 0xFFFFFFFF with those of the zip64 extra field, and
    /// checks the extra field's blocks the way `zipfile` does.
    static func applyZip64(_ extra: UnsafeRawBufferPointer, size: inout UInt64, compressedSize: inout UInt64,
                           headerOffset: inout UInt64, fail: (String) -> TheanoError) throws {
        let extra = UntrustedBytes(extra)
        var offset = 0
        while offset + 4 <= extra.count {
            let (kind, length) = (extra.uint16(offset)!, Int(extra.uint16(offset + 2)!))
            guard let block = extra.slice(offset + 4, length) else { throw fail("corrupt extra field \(kind) (\(length) bytes announced)") }
            if kind == 1 {
                let fields = UntrustedBytes(block)
                var position = 0
                func next(_ what: String) throws -> UInt64 {
                    guard let value = fields.uint64(position) else { throw fail("corrupt zip64 extra field: the \(what) is missing") }
                    position += 8
                    return value
                }
                if size == 0xFFFF_FFFF { size = try next("size") }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try next("compressed size") }
                if headerOffset == 0xFFFF_FFFF { headerOffset = try next("header offset") }
            }
            offset += 4 + length
        }
    }

    /// The bytes of `member`, inflated if need be, exactly as long as the directory says and with its CRC-32.
    func contents(of member: Member) throws -> [UInt8] {
        func fail(_ why: String) -> TheanoError { self.fail("member '\(member.name)': \(why)") }
        let header = member.headerOffset
        guard bytes.contains(header, 30) else { throw fail("its local header at byte \(header) is past the end of the file") }
        guard bytes.matches(Self.localSignature, at: header) else { throw fail("bad signature for the local header at byte \(header)") }
        let nameLength = Int(bytes.uint16(header + 26)!), extraLength = Int(bytes.uint16(header + 28)!)
        guard let localName = bytes.slice(header + 30, nameLength) else { throw fail("its local header is truncated") }
        let name = try Self.name(localName, utf8: bytes.uint16(header + 6)! & 0x800 != 0, fail: { fail("the local header: \($0)") })
        guard name == member.name else { throw fail("the local header names it '\(name)'") }
        if member.flags & 0x20 != 0 { throw fail("compressed patched data (flag bit 5) is not supported") }
        if member.flags & 0x40 != 0 || member.flags & 0x01 != 0 { throw fail("it is encrypted") }
        let dataStart = header + 30 + nameLength + extraLength
        guard case (let dataEnd, false) = dataStart.addingReportingOverflow(member.compressedSize), dataEnd <= member.limit else {
            throw fail("its \(member.compressedSize) bytes of data overlap the next member or the directory (byte \(member.limit))")
        }
        let compressed = bytes.slice(dataStart, member.compressedSize)!
        var output: [UInt8]
        switch member.method {
        case 0:
            // zipfile reads the declared size from the stored bytes.
            guard member.size <= compressed.count else { throw fail("it is stored in \(compressed.count) bytes but declares \(member.size)") }
            output = Array(compressed.prefix(member.size))
        case 8:
            guard member.size <= Inflate.maximumOutput(ofCompressed: compressed.count) else {
                throw fail("it declares \(member.size) bytes, more than \(compressed.count) bytes of deflate data can hold")
            }
            output = [UInt8](repeating: 0, count: member.size)
            let outcome: Inflate.Outcome
            do {
                outcome = try output.withUnsafeMutableBytes { try Inflate.inflate(compressed, into: $0, checkingEnd: false) }
            } catch let error as Inflate.Corrupt {
                throw fail("corrupt deflate data (zlib: \(error.reason))")
            }
            guard outcome.produced == member.size else {
                throw fail(outcome.end == .streamEnd ? "it inflates to \(outcome.produced) bytes; the directory declares \(member.size)"
                                                     : "truncated: its deflate data ends after \(outcome.produced) of \(member.size) bytes")
            }
        case 12, 14:
            throw fail("compression method \(member.method == 12 ? "bzip2" : "LZMA") is not supported (np.savez writes stored or deflate)")
        default:
            throw fail("unknown compression method \(member.method)")
        }
        let crc = output.withUnsafeBytes { Inflate.crc32($0) }
        guard crc == member.crc else { throw fail("CRC-32 check failed: the directory says \(Gzip.hex(member.crc)), the data gives \(Gzip.hex(crc))") }
        return output
    }
}
