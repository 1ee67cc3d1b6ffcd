/// A block of raw memory shared by an ``NDArray`` and its views: 64-byte aligned (a cache line) when it
/// is large enough for that to matter, plain `malloc` alignment for the small ones, which are mostly
/// scalars converted on every call and for which an aligned allocation costs several times as much.
///
/// A final class so that `isKnownUniquelyReferenced` can decide when a write must copy.
final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: byteCount > 256 ? 64 : 16)
    }

    /// Zero-filled storage.
    convenience init(zeroedBytes byteCount: Int) {
        self.init(byteCount: byteCount)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { pointer.deallocate() }
}
