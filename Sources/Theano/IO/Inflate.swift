import CTheanoZlib

/// Raw deflate (RFC 1951) decoding into a buffer whose size the file declared, through the system zlib.
///
/// NOTE: ZIPFoundation's Linux inflate loop is not used for reading. It tells zlib that every input chunk
/// is a whole buffer long, so on a short last chunk zlib reads past the chunk's end into uninitialised heap
/// memory, and once the input runs out it calls the provider forever, waiting for an end-of-stream marker
/// that a truncated or mutated stream never has. What that memory happens to hold decides whether the
/// loop ends, which is why a bad `.gz` or `.npz` hung only in a fresh process. Here zlib sees exactly the
/// bytes that exist, the output never grows past the declared size, and every call either makes progress
/// or ends the loop.
enum Inflate {
    /// No deflate stream expands more than 1032:1 (a 258-byte match costs at least two bits), so a size
    /// declared beyond this many bytes per compressed byte is a lie and is refused before allocating.
    static let maximumRatio = 1032

    /// The largest output a deflate stream of `compressedCount` bytes can have.
    static func maximumOutput(ofCompressed compressedCount: Int) -> Int {
        let (product, overflow) = compressedCount.multipliedReportingOverflow(by: maximumRatio)
        return overflow ? Int.max : product
    }

    enum End: Equatable {
        /// The stream's end-of-block marker was reached.
        case streamEnd
        /// The output is full and `checkingEnd` was false, so nothing past it was looked at.
        case outputFull
        /// The output is full and the stream still has more to give.
        case moreData
        /// The input ran out before the stream's end marker.
        case inputExhausted
    }

    struct Outcome {
        /// Bytes written into the output.
        let produced: Int
        /// Input bytes the stream occupied: where a gzip trailer starts when `end` is `.streamEnd`.
        let consumed: Int
        let end: End
    }

    /// Why zlib stopped on corrupt data, in its own words.
    struct Corrupt: Error { let reason: String }

    /// Inflates the raw deflate stream at the start of `input` into `output`. With `checkingEnd`, once the
    /// output is full one more byte is asked for, to tell a stream that ends exactly there from one that
    /// goes on. Throws only for data zlib rejects.
    static func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                        checkingEnd: Bool) throws(Corrupt) -> Outcome {
        var stream = z_stream()
        guard theano_inflate_init_raw(&stream) == Z_OK else { throw Corrupt(reason: "zlib could not start an inflate stream") }
        defer { inflateEnd(&stream) }
        // zlib counts in 32 bits: longer buffers are handed over a piece at a time.
        let piece = Int(UInt32.max)
        var consumed = 0, produced = 0
        var scratch: UInt8 = 0
        while true {
            let full = produced == output.count
            if full && !checkingEnd { return Outcome(produced: produced, consumed: consumed, end: .outputFull) }
            let inCount = min(input.count - consumed, piece)
            stream.next_in = inCount == 0 ? nil
                : UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: consumed).assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(inCount)
            let outCount = full ? 1 : min(output.count - produced, piece)
            let status = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                stream.next_out = full ? scratchPointer
                    : output.baseAddress!.advanced(by: produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(outCount)
                return CTheanoZlib.inflate(&stream, Z_NO_FLUSH)
            }
            consumed += inCount - Int(stream.avail_in)
            let written = outCount - Int(stream.avail_out)
            if full && written > 0 { return Outcome(produced: produced, consumed: consumed, end: .moreData) }
            produced += written
            switch status {
            case Z_STREAM_END:
                return Outcome(produced: produced, consumed: consumed, end: .streamEnd)
            case Z_OK:
                continue // zlib returns Z_OK only when it consumed or produced something
            case Z_BUF_ERROR where consumed == input.count:
                return Outcome(produced: produced, consumed: consumed, end: .inputExhausted)
            case Z_BUF_ERROR where !full && produced == output.count:
                continue // this call filled the output: the check at the top ends or probes
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw Corrupt(reason: message)
            }
        }
    }

    /// The CRC-32 (ISO 3309, as in zip and gzip) of `bytes`.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CTheanoZlib.crc32(0, nil, 0)
        var start = 0
        while start < bytes.count {
            let count = min(bytes.count - start, Int(UInt32.max))
            crc = CTheanoZlib.crc32(crc, bytes.baseAddress!.advanced(by: start).assumingMemoryBound(to: UInt8.self), UInt32(count))
            start += count
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
