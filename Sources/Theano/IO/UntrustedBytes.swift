/// Bytes read from a file: every offset and length taken from the file is checked here, with
/// arithmetic that cannot overflow, before anything reads, allocates or loops on it.
struct UntrustedBytes {
    let raw: UnsafeRawBufferPointer

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var count: Int { raw.count }

    /// Whether `length` bytes starting at `offset` lie inside.
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }

    /// The `length` bytes at `offset`, or nil where they run past the end.
    func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset, length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
    }

    func byte(_ offset: Int) -> UInt8? { contains(offset, 1) ? raw[offset] : nil }

    func uint16(_ offset: Int) -> UInt16? { load(offset, as: UInt16.self).map(UInt16.init(littleEndian:)) }
    func uint32(_ offset: Int) -> UInt32? { load(offset, as: UInt32.self).map(UInt32.init(littleEndian:)) }
    func uint64(_ offset: Int) -> UInt64? { load(offset, as: UInt64.self).map(UInt64.init(littleEndian:)) }

    /// Whether the bytes at `offset` are `expected`.
    func matches(_ expected: [UInt8], at offset: Int) -> Bool {
        guard let bytes = slice(offset, expected.count) else { return false }
        return bytes.elementsEqual(expected)
    }

    private func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T? {
        contains(offset, MemoryLayout<T>.size) ? raw.loadUnaligned(fromByteOffset: offset, as: T.self) : nil
    }
}

extension Int {
    /// A size or offset read from a file, if it fits in an `Int`.
    init?(fileValue value: UInt64) {
        guard value <= UInt64(Int.max) else { return nil }
        self.init(value)
    }
}
