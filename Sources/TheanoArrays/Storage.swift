#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of raw memory shared by an ``NDArray`` and its views: 64-byte aligned (a cache line) when it
/// is large enough for that to matter, plain `malloc` alignment for the small ones, which are mostly
/// scalars converted on every call and for which an aligned allocation costs several times as much.
///
/// A final class so that `isKnownUniquelyReferenced` can decide when a write must copy.
package final class Storage: @unchecked Sendable {
    package let pointer: UnsafeMutableRawPointer
    package let byteCount: Int

    /// Storage for a size the program itself derived (from arrays that exist, or a literal): running out
    /// of memory here stops the process. Sizes that come from data go through ``ShapeCheck``, which
    /// uses the failable initialiser and throws instead.
    package init(byteCount: Int) {
        guard let memory = Storage.allocate(byteCount, zeroed: false) else { fatalError("Storage: cannot allocate \(byteCount) bytes") }
        pointer = memory
        self.byteCount = byteCount
    }

    /// Zero-filled storage.
    package init(zeroedBytes byteCount: Int) {
        guard let memory = Storage.allocate(byteCount, zeroed: true) else { fatalError("Storage: cannot allocate \(byteCount) bytes") }
        pointer = memory
        self.byteCount = byteCount
    }

    /// Storage of `byteCount` bytes, or nil when `malloc` refuses.
    package init?(tryByteCount byteCount: Int, zeroed: Bool) {
        guard let memory = Storage.allocate(byteCount, zeroed: zeroed) else { return nil }
        pointer = memory
        self.byteCount = byteCount
    }

    /// `malloc` (or `posix_memalign` for the large blocks), which reports failure where Swift's
    /// `allocate` stops the process; `free` in `deinit` releases either.
    private static func allocate(_ byteCount: Int, zeroed: Bool) -> UnsafeMutableRawPointer? {
        guard byteCount >= 0 else { return nil }
        let size = max(byteCount, 1)
        var memory: UnsafeMutableRawPointer?
        if byteCount > 256 {
            guard posix_memalign(&memory, 64, size) == 0 else { return nil }
        } else {
            memory = malloc(size)
        }
        if zeroed { memory?.initializeMemory(as: UInt8.self, repeating: 0, count: size) }
        return memory
    }

    deinit { free(pointer) }
}
