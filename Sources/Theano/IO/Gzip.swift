import Foundation

/// Reads `.gz` files (RFC 1952): one member, its header, a raw deflate stream, and a trailer whose
/// CRC-32 and size are both checked.
public enum Gzip {
    static let magic: [UInt8] = [0x1F, 0x8B]

    /// The decompressed contents of one gzip member. Throws `.io` naming `source` and what is wrong for
    /// anything else: a bad header, corrupt or truncated deflate data, a CRC or size that does not match,
    /// bytes after the member (concatenated members are not supported).
    public static func decompress(_ data: Data, source: String = "gzip data") throws -> Data {
        try data.withUnsafeBytes { try decompress(UntrustedBytes($0), source: source) }
    }

    static func decompress(_ bytes: UntrustedBytes, source: String) throws -> Data {
        func fail(_ why: String) -> TheanoError { TheanoError(.io, "Gzip.decompress(\(source)): \(why)") }
        // The smallest member: a 10-byte header, an empty deflate block and the 8-byte trailer.
        guard bytes.count >= 18 else { throw fail("\(bytes.count) bytes is too short for a gzip file (at least 18)") }
        guard bytes.matches(magic, at: 0) else { throw fail("not a gzip file (magic bytes 1f 8b missing)") }
        guard bytes.raw[2] == 8 else { throw fail("unsupported compression method \(bytes.raw[2]); expected 8 (deflate)") }
        let flags = bytes.raw[3]
        guard flags & 0xE0 == 0 else { throw fail("reserved header flag bits are set (flags 0x\(String(flags, radix: 16)))") }
        let trailer = bytes.count - 8
        var position = 10
        if flags & 0x04 != 0 { // FEXTRA: a length, then that many bytes
            guard let length = bytes.uint16(position), bytes.contains(position + 2, Int(length)), position + 2 + Int(length) <= trailer else {
                throw fail("truncated header: the extra field runs past the end")
            }
            position += 2 + Int(length)
        }
        for (flag, what) in [(UInt8(0x08), "file name"), (0x10, "comment")] where flags & flag != 0 { // zero-terminated
            guard let end = (position..<trailer).first(where: { bytes.raw[$0] == 0 }) else {
                throw fail("truncated header: the \(what) has no terminating zero byte")
            }
            position = end + 1
        }
        if flags & 0x02 != 0 { position += 2 } // FHCRC, which Python's gzip also skips unchecked
        guard position <= trailer, let payload = bytes.slice(position, trailer - position),
              let expectedCRC = bytes.uint32(trailer), let declared = bytes.uint32(trailer + 4) else {
            throw fail("truncated header")
        }
        let expectedSize = Int(declared)
        guard expectedSize <= Inflate.maximumOutput(ofCompressed: payload.count) else {
            throw fail("the trailer declares \(expectedSize) bytes, more than \(payload.count) bytes of deflate data can hold")
        }
        var output = Data(count: expectedSize)
        let outcome: Inflate.Outcome
        do {
            outcome = try output.withUnsafeMutableBytes { try Inflate.inflate(payload, into: $0, checkingEnd: true) }
        } catch let error as Inflate.Corrupt {
            throw fail("corrupt deflate data (zlib: \(error.reason))")
        }
        switch outcome.end {
        case .streamEnd where outcome.produced != expectedSize:
            throw fail("size check failed: \(outcome.produced) bytes inflated, the trailer says \(expectedSize)")
        case .streamEnd where outcome.consumed != payload.count:
            throw fail("\(payload.count - outcome.consumed) bytes follow the deflate stream before the trailer (concatenated gzip members are not supported)")
        case .streamEnd:
            break
        case .moreData, .outputFull:
            throw fail("size check failed: the data inflates to more than the \(expectedSize) bytes the trailer says (members over 4 GiB are not supported)")
        case .inputExhausted:
            throw fail("truncated: the deflate stream stops after \(outcome.consumed) bytes without its end marker")
        }
        let crc = output.withUnsafeBytes { Inflate.crc32($0) }
        guard crc == expectedCRC else { throw fail("CRC-32 check failed: the trailer says \(hex(expectedCRC)), the data gives \(hex(crc))") }
        return output
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
