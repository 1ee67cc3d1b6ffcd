import Dispatch
import Foundation

// The machine's memory bandwidth in this run, the yardstick of W4 (elementwise: read and write) and W8
// (reduction: read only). glibc's memcpy and memchr are vectorised for the CPU, so over arrays far
// larger than the caches and split over the cores as our kernels are, they run at what memory gives.

/// 10,000,000 float64 values, W4's and W8's largest array.
private let bandwidthBytes = 80_000_000

enum MemoryBandwidth {
    /// Bytes read plus bytes written per second by memcpy, in GB/s.
    static let copy: Double = measure { source, destination, range in
        _ = memcpy(destination + range.lowerBound, source + range.lowerBound, range.count)
    } * 2

    /// Bytes read per second by memchr looking for a byte that is not there, in GB/s.
    static let read: Double = measure { source, destination, range in
        // Where it stopped is stored, so the search cannot be optimised away.
        let found = memchr(source + range.lowerBound, 1, range.count)
        destination.storeBytes(of: found == nil ? 0 : 1, toByteOffset: range.lowerBound, as: UInt8.self)
    }

    private static func measure(_ body: @escaping @Sendable (UnsafeMutableRawPointer, UnsafeMutableRawPointer, Range<Int>) -> Void) -> Double {
        let source = UnsafeMutableRawPointer.allocate(byteCount: bandwidthBytes, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: bandwidthBytes, alignment: 64)
        defer { source.deallocate(); destination.deallocate() }
        memset(source, 0, bandwidthBytes)
        memset(destination, 0, bandwidthBytes)
        let parts = ProcessInfo.processInfo.activeProcessorCount
        let (s, d) = (UnsafeSendable(source), UnsafeSendable(destination))
        let t = median(repeats: 7) {
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let size = (bandwidthBytes + parts - 1) / parts
                let start = Swift.min(bandwidthBytes, part * size), end = Swift.min(bandwidthBytes, start + size)
                body(s.pointer, d.pointer, start..<end)
            }
        }
        return Double(bandwidthBytes) / t / 1e9
    }
}

private struct UnsafeSendable: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}
