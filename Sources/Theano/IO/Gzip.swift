import Foundation
import ZIPFoundation

/// Reads `.gz` files (RFC 1952): the header, then a raw deflate stream that ZIPFoundation inflates.
public enum Gzip {
    /// The decompressed contents of a `.gz` file's bytes; throws `.io` naming `source` when they are not gzip.
    public static func decompress(_ data: Data, source: String = "gzip data") throws -> Data {
        let bytes = [UInt8](data)
        func fail(_ why: String) -> TheanoError { TheanoError(.io, "Gzip.decompress(\(source)): \(why)") }
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else { throw fail("not a gzip file (magic bytes 1f 8b missing)") }
        guard bytes[2] == 8 else { throw fail("unsupported compression method \(bytes[2]); expected 8 (deflate)") }
        let flags = bytes[3]
        var position = 10
        if flags & 0x04 != 0 { // FEXTRA
            guard position + 2 <= bytes.count else { throw fail("truncated header") }
            position += 2 + Int(bytes[position]) | Int(bytes[position + 1]) << 8
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 { // FNAME, FCOMMENT: zero-terminated
            while position < bytes.count && bytes[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 0x02 != 0 { position += 2 } // FHCRC
        guard position < bytes.count - 8 else { throw fail("truncated header") }
        let payload = data.subdata(in: position..<(bytes.count - 8))
        var output = Data()
        do {
            _ = try Data.decompress(size: Int64(payload.count), bufferSize: 64 * 1024, skipCRC32: true, provider: { offset, size in
                let start = Swift.min(Int(offset), payload.count)
                return payload.subdata(in: start..<Swift.min(start + size, payload.count))
            }, consumer: { output.append($0) })
        } catch {
            throw fail("corrupt deflate stream (\(error))")
        }
        let expectedSize = (0..<4).reduce(0) { $0 | Int(bytes[bytes.count - 4 + $1]) << (8 * $1) }
        guard output.count & 0xFFFF_FFFF == expectedSize else { throw fail("size check failed: \(output.count) bytes inflated, trailer says \(expectedSize)") }
        return output
    }
}
