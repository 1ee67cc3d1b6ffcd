import Foundation

/// How ``allReduce(_:op:communicator:)`` combines the ranks' values.
public enum ReduceOperation: String, Hashable, Sendable {
    /// The elementwise sum, added in rank order.
    case sum
    /// The sum in rank order, divided by the number of ranks.
    case mean
    /// The elementwise maximum.
    case max
}

/// What moves bytes between processes: the MPI binding implements it (`TheanoBackends/MPI`), so the
/// collectives' reference `perform` needs no MPI at build time. Calls on one transport come from the
/// VM's schedule, in the same order on every rank.
package protocol CollectiveTransport: AnyObject, Sendable {
    /// Which of `size` processes this is.
    var rank: Int { get }
    /// How many processes take part.
    var size: Int { get }
    /// Every rank's `bytes` (the same count on every rank), written into `result` in rank order.
    func allGather(_ bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer, operation: String) throws
    /// `root`'s bytes, written over `bytes` on every other rank.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int, operation: String) throws
}

/// A group of processes that run the same program and exchange values: ``Communicator/single`` for one
/// process, `Communicator.world` for every process of an `mpirun` job.
public final class Communicator: Hashable, CustomStringConvertible, @unchecked Sendable {
    /// This process's position, 0 ..< ``size``.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// The engine between processes; nil for a single process.
    package let transport: (any CollectiveTransport)?
    /// Why this is a single-process communicator (no launcher, no MPI …), if it is one.
    public let note: String?

    package init(transport: (any CollectiveTransport)?, note: String? = nil) {
        self.transport = transport
        self.rank = transport?.rank ?? 0
        self.size = transport?.size ?? 1
        self.note = note
    }

    /// The communicator of one process alone: every collective is the identity.
    public static let single = Communicator(transport: nil, note: "a single process")

    public static func == (a: Communicator, b: Communicator) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { "Communicator(rank \(rank) of \(size))" }

    // MARK: The collectives on arrays (what the ops' `perform` calls)

    /// Ranks whose header (dtype and shape) differs from rank 0's, as one message naming both shapes.
    private func checkSameArrays(_ x: NDArray, _ operation: String) throws {
        guard let transport, size > 1 else { return }
        let slots = 16
        guard x.ndim <= slots - 2 else { throw OpFailure(.unsupported, input: 0, "\(operation): at most \(slots - 2) dimensions, got \(x.ndim)") }
        var header = [Int64](repeating: -1, count: slots)
        header[0] = Int64(DType.allCases.firstIndex(of: x.dtype) ?? -1)
        header[1] = Int64(x.ndim)
        for (i, n) in x.shape.enumerated() { header[2 + i] = Int64(n) }
        var all = [Int64](repeating: 0, count: slots * size)
        try header.withUnsafeBytes { mine in
            try all.withUnsafeMutableBytes { try transport.allGather(mine, into: $0, operation: operation) }
        }
        func describe(_ r: Int) -> String {
            let h = Array(all[(r * slots)..<((r + 1) * slots)])
            let dtype = h[0] >= 0 && Int(h[0]) < DType.allCases.count ? "\(DType.allCases[Int(h[0])])" : "?"
            return "\(dtype) [\(h[2..<(2 + Int(max(0, min(h[1], Int64(slots - 2)))))].map(String.init).joined(separator: ", "))]"
        }
        for r in 0..<size where Array(all[(r * slots)..<((r + 1) * slots)]) != Array(all[0..<slots]) {
            throw OpFailure(.shapeMismatch, input: 0, "\(operation): the ranks' arrays differ: rank 0 has \(describe(0)), rank \(r) has \(describe(r)); every rank must pass the same dtype and shape")
        }
    }

    /// Every rank's array, stacked along a new first axis in rank order.
    public func allGather(_ x: NDArray) throws -> NDArray { try converting { try gathering(x, operation: "allGather") } }

    /// The ranks' arrays combined elementwise, in rank order: `((x₀ + x₁) + x₂) …`, the same on every rank.
    public func allReduce(_ x: NDArray, _ op: ReduceOperation) throws -> NDArray {
        try converting { try reducing(x, op, operation: "allReduce") }
    }

    /// `root`'s array on every rank; every rank passes the same dtype and shape.
    public func broadcast(_ x: NDArray, root: Int) throws -> NDArray {
        try converting { try broadcasting(x, root: root, operation: "broadcast") }
    }

    /// The ops' failures (`OpFailure`, which the executor completes with the node) as `TheanoError`s.
    private func converting(_ body: () throws -> NDArray) throws -> NDArray {
        do { return try body() } catch let failure as OpFailure { throw TheanoError(failure.kind, failure.message) }
    }

    package func gathering(_ x: NDArray, operation: String) throws -> NDArray {
        let x = x.contiguous()
        let out = try NDArray(checkedUninitialized: [size] + x.shape, dtype: x.dtype, op: operation, input: 0)
        guard let transport, size > 1 else {
            if x.count > 0 { out.baseAddress.copyMemory(from: x.baseAddress, byteCount: x.count * x.dtype.itemSize) }
            return out
        }
        try checkSameArrays(x, operation)
        let bytes = x.count * x.dtype.itemSize
        try transport.allGather(UnsafeRawBufferPointer(start: x.baseAddress, count: bytes),
                                into: UnsafeMutableRawBufferPointer(start: out.baseAddress, count: bytes * size), operation: operation)
        return out
    }

    package func reducing(_ x: NDArray, _ op: ReduceOperation, operation: String) throws -> NDArray {
        if !x.dtype.isFloat && x.dtype != .int32 && x.dtype != .int64 {
            throw OpFailure(.unsupported, input: 0, "\(operation): reduces float32, float64, int32 and int64 arrays, got \(x.dtype)")
        }
        let gathered = try gathering(x, operation: operation)
        let n = x.count
        let out = NDArray(uninitialized: x.shape, dtype: x.dtype)
        func reduce<T: TensorElement>(_: T.Type, _ add: (T, T) -> T, _ bigger: (T, T) -> T, _ divide: ((T) -> T)?) {
            let g = gathered.baseAddress.assumingMemoryBound(to: T.self)
            let o = out.baseAddress.assumingMemoryBound(to: T.self)
            for i in 0..<n {
                var acc = g[i]
                for r in 1..<max(size, 1) { acc = op == .max ? bigger(acc, g[r * n + i]) : add(acc, g[r * n + i]) }
                o[i] = op == .mean ? (divide?(acc) ?? acc) : acc
            }
        }
        let count = size
        switch x.dtype {
        case .float64: reduce(Double.self, +, { $1 > $0 || $1.isNaN ? $1 : $0 }) { $0 / Double(count) }
        case .float32: reduce(Float.self, +, { $1 > $0 || $1.isNaN ? $1 : $0 }) { $0 / Float(count) }
        case .int64: reduce(Int64.self, &+, { Swift.max($0, $1) }) { $0 / Int64(count) }
        case .int32: reduce(Int32.self, &+, { Swift.max($0, $1) }) { $0 / Int32(count) }
        default: break
        }
        return out
    }

    package func broadcasting(_ x: NDArray, root: Int, operation: String) throws -> NDArray {
        guard root >= 0 && root < size else {
            throw OpFailure(.badArgument, "\(operation): root \(root) is not a rank of this communicator (0 ..< \(size))")
        }
        let out = x.copy()
        guard let transport, size > 1 else { return out }
        try checkSameArrays(x, operation)
        try transport.broadcast(UnsafeMutableRawBufferPointer(start: out.baseAddress, count: out.count * out.dtype.itemSize),
                                root: root, operation: operation)
        return out
    }
}

/// The rows of `data` that `rank` of `size` ranks trains on: the `rank`-th of `size` equal, disjoint,
/// contiguous blocks along the first axis. The rows that do not divide evenly (at most `size - 1`) are
/// left out, so every rank holds the same number.
public func shard(of data: NDArray, rank: Int, size: Int) throws -> NDArray {
    guard size >= 1, rank >= 0, rank < size else {
        throw TheanoError(.badArgument, "shard(of:rank:size:): rank \(rank) is not in 0 ..< \(size)")
    }
    guard data.ndim >= 1 else {
        throw TheanoError(.ndimMismatch, "shard(of:rank:size:): the data must have a first axis to split, got a \(data.ndim)-d array")
    }
    let per = data.shape[0] / size
    var shape = data.shape
    shape[0] = per
    return NDArray(storage: data.storage, dtype: data.dtype, shape: shape, strides: data.strides,
                   offset: data.offset + rank * per * data.strides[0]).copy()
}

/// This communicator's shard of `data` (see ``shard(of:rank:size:)``).
public func shard(of data: NDArray, communicator: Communicator) throws -> NDArray {
    try shard(of: data, rank: communicator.rank, size: communicator.size)
}
