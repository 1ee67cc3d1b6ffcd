import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// MPI found at run time with `dlopen`: nothing links against it, so the package builds and runs
/// without one. Open MPI is supported: its handles (`MPI_COMM_WORLD`, `MPI_BYTE`, `MPI_ERRORS_RETURN`)
/// are the addresses of global symbols (`ompi_mpi_comm_world` …), found with `dlsym`. MPICH and its
/// derivatives use integer constants from `mpi.h` instead; they are detected and reported, not used.
///
/// Every collective is non-blocking (`MPI_Iallgather`, `MPI_Ibcast`) and polled with `MPI_Test` up to a
/// deadline (`THEANO_MPI_TIMEOUT` seconds, default 120), so a rank that failed or died makes the others
/// throw instead of waiting forever. After a timeout the communicator is unusable (MPI cannot cancel a
/// collective), and says so on every later call.
public enum MPI {
    package typealias Handle = UnsafeMutableRawPointer
    package typealias IntOut = UnsafeMutablePointer<Int32>
    package typealias Initialized = @convention(c) (IntOut) -> Int32
    package typealias InitThread = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, IntOut) -> Int32
    package typealias Finalize = @convention(c) () -> Int32
    package typealias CommInt = @convention(c) (Handle, IntOut) -> Int32
    package typealias SetErrhandler = @convention(c) (Handle, Handle) -> Int32
    package typealias Iallgather = @convention(c) (UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, Int32, Handle, Handle,
                                           UnsafeMutablePointer<Handle?>) -> Int32
    package typealias Ibcast = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle, UnsafeMutablePointer<Handle?>) -> Int32
    package typealias Test = @convention(c) (UnsafeMutablePointer<Handle?>, IntOut, UnsafeMutableRawPointer?) -> Int32
    package typealias StringOut = @convention(c) (UnsafeMutablePointer<CChar>, IntOut) -> Int32
    package typealias ErrorString = @convention(c) (Int32, UnsafeMutablePointer<CChar>, IntOut) -> Int32

    /// The entry points and handles of a loaded Open MPI.
    package struct Library: @unchecked Sendable {
        package let name: String
        package let version: String
        package let initialized: Initialized, initThread: InitThread, finalized: Initialized, finalize: Finalize
        package let commRank: CommInt, commSize: CommInt, setErrhandler: SetErrhandler
        package let iallgather: Iallgather, ibcast: Ibcast, test: Test, errorString: ErrorString
        package let commWorld: Handle, byte: Handle, errorsReturn: Handle

        /// MPI's message for an error code.
        package func message(_ code: Int32) -> String {
            var buffer = [CChar](repeating: 0, count: 512), length: Int32 = 0
            _ = errorString(code, &buffer, &length)
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
    }

    /// Libraries tried in order; `$THEANO_MPI` first, and `THEANO_MPI=none` tries none.
    public static var candidates: [String] {
        let override = Settings.mpiLibrary
        if override == "none" { return [] }
        return (override.map { [$0] } ?? []) + ["libmpi.so.40", "libmpi.so", "libmpi.so.12"]
    }

    /// The loaded library, or nil with the reason in `status`.
    package static let loaded: (library: Library?, status: String) = {
        if candidates.isEmpty { return (nil, "turned off (THEANO_MPI=none); communicators are single-process") }
        return load(candidates)
    }()

    /// What `theano info` prints: the implementation and version, or why there is none.
    public static var status: String {
        guard let library = loaded.library else { return loaded.status }
        let launched = Settings.launchedProcesses.map { "in a job of \($0) processes" } ?? "not started by mpirun or srun, so Communicator.world is this process alone"
        return "\(library.version) (\(library.name)); \(launched)"
    }

    package static func symbol<T>(_ handle: UnsafeMutableRawPointer, _ name: String, as: T.Type) -> T? {
        dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
    }

    /// The first of `candidates` that loads; only Open MPI is bound.
    package static func load(_ candidates: [String]) -> (library: Library?, status: String) {
        var tried: [String] = []
        for name in candidates {
            // Global: Open MPI's own plug-ins (mca components) resolve symbols of libmpi.
            guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else { tried.append(name); continue }
            var version = "an MPI"
            if let getVersion = symbol(handle, "MPI_Get_library_version", as: StringOut.self) {
                var buffer = [CChar](repeating: 0, count: 8192), length: Int32 = 0
                if getVersion(&buffer, &length) == 0 {
                    version = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.split(whereSeparator: { $0 == "," || $0 == "\n" }).first.map(String.init) ?? version
                }
            }
            guard let commWorld = dlsym(handle, "ompi_mpi_comm_world"), let byte = dlsym(handle, "ompi_mpi_byte"),
                  let errorsReturn = dlsym(handle, "ompi_mpi_errors_return") else {
                return (nil, "found \(version) (\(name)), which is not Open MPI: its handles are compile-time constants this binding does not know; install Open MPI (openmpi-bin, libopenmpi-dev) or point THEANO_MPI at its libmpi.so")
            }
            guard let initialized = symbol(handle, "MPI_Initialized", as: Initialized.self),
                  let initThread = symbol(handle, "MPI_Init_thread", as: InitThread.self),
                  let finalized = symbol(handle, "MPI_Finalized", as: Initialized.self),
                  let finalize = symbol(handle, "MPI_Finalize", as: Finalize.self),
                  let commRank = symbol(handle, "MPI_Comm_rank", as: CommInt.self),
                  let commSize = symbol(handle, "MPI_Comm_size", as: CommInt.self),
                  let setErrhandler = symbol(handle, "MPI_Comm_set_errhandler", as: SetErrhandler.self),
                  let iallgather = symbol(handle, "MPI_Iallgather", as: Iallgather.self),
                  let ibcast = symbol(handle, "MPI_Ibcast", as: Ibcast.self),
                  let test = symbol(handle, "MPI_Test", as: Test.self),
                  let errorString = symbol(handle, "MPI_Error_string", as: ErrorString.self) else {
                return (nil, "found \(version) (\(name)) without the MPI-3 entry points this binding calls (MPI_Iallgather, MPI_Ibcast …)")
            }
            return (Library(name: name, version: version, initialized: initialized, initThread: initThread, finalized: finalized,
                            finalize: finalize, commRank: commRank, commSize: commSize, setErrhandler: setErrhandler,
                            iallgather: iallgather, ibcast: ibcast, test: test, errorString: errorString,
                            commWorld: commWorld, byte: byte, errorsReturn: errorsReturn), "")
        }
        return (nil, "not found (tried \(tried.joined(separator: ", "))); install openmpi-bin and libopenmpi-dev, or set THEANO_MPI to a libmpi.so; communicators are single-process")
    }

    /// Seconds a collective waits before it throws.
    package static var timeout: Double {
        Settings.mpiTimeout.flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 120
    }

    /// The world communicator, made once: MPI when a launcher started this process and MPI loads, else
    /// a single process, with the reason in its `note`.
    package static let world: Communicator = {
        guard let launched = Settings.launchedProcesses, launched > 1 else {
            return Communicator(transport: nil, note: "not started by mpirun or srun")
        }
        guard let library = loaded.library else {
            return Communicator(transport: nil, note: "started among \(launched) processes, but MPI \(loaded.status)")
        }
        do {
            return Communicator(transport: try MPITransport(library))
        } catch {
            return Communicator(transport: nil, note: "started among \(launched) processes, but MPI failed to start: \(error)")
        }
    }()
}

extension Communicator {
    /// Every process of this `mpirun` (or `srun`) job, through MPI; outside such a job, or without
    /// Open MPI, this process alone (`note` says why).
    public static var world: Communicator { MPI.world }
}

/// Open MPI's `MPI_COMM_WORLD` with `MPI_ERRORS_RETURN`: error codes come back and become `TheanoError`s.
package final class MPITransport: CollectiveTransport, @unchecked Sendable {
    package let library: MPI.Library
    package let rank: Int
    package let size: Int
    package let timeout: Double
    /// Serializes calls (MPI_THREAD_SERIALIZED) and remembers a failure that left a collective pending.
    private let state = Mutex<String?>(nil)

    package init(_ library: MPI.Library) throws {
        self.library = library
        self.timeout = MPI.timeout
        var flag: Int32 = 0
        _ = library.initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            let code = library.initThread(nil, nil, 2 /* MPI_THREAD_SERIALIZED */, &provided)
            guard code == 0 else { throw TheanoError(.missingDependency, "MPI_Init_thread: \(library.message(code))") }
            atexit { MPITransport.finalizeAtExit() }
        }
        let world = library.commWorld
        var code = library.setErrhandler(world, library.errorsReturn)
        guard code == 0 else { throw TheanoError(.missingDependency, "MPI_Comm_set_errhandler: \(library.message(code))") }
        var value: Int32 = 0
        code = library.commRank(world, &value)
        guard code == 0 else { throw TheanoError(.missingDependency, "MPI_Comm_rank: \(library.message(code))") }
        rank = Int(value)
        code = library.commSize(world, &value)
        guard code == 0 else { throw TheanoError(.missingDependency, "MPI_Comm_size: \(library.message(code))") }
        size = Int(value)
    }

    /// Set when a collective was abandoned: finalizing would wait for it.
    nonisolated(unsafe) static var abandoned = false

    package static func finalizeAtExit() {
        guard !abandoned, let library = MPI.loaded.library else { return }
        var done: Int32 = 0
        _ = library.finalized(&done)
        if done == 0 { _ = library.finalize() }
    }

    /// Starts a non-blocking collective and polls it until it completes or the deadline passes.
    private func run(_ operation: String, _ start: (UnsafeMutablePointer<MPI.Handle?>) -> Int32) throws {
        try state.withLock { broken in
            if let broken {
                throw TheanoError(.unsupported, "\(operation): the communicator is unusable after an earlier failure (\(broken))")
            }
            var request: MPI.Handle? = nil
            var code = start(&request)
            guard code == 0 else {
                throw TheanoError(.unsupported, "\(operation) on rank \(rank) of \(size): MPI error \(code): \(library.message(code))")
            }
            let deadline = Date().addingTimeInterval(timeout)
            var flag: Int32 = 0, polls = 0
            while true {
                code = library.test(&request, &flag, nil)
                guard code == 0 else {
                    broken = "MPI error \(code) in \(operation)"
                    throw TheanoError(.unsupported, "\(operation) on rank \(rank) of \(size): MPI error \(code): \(library.message(code))")
                }
                if flag != 0 { return }
                polls += 1
                if polls > 1000 {
                    if Date() > deadline {
                        broken = "\(operation) timed out"
                        MPITransport.abandoned = true
                        throw TheanoError(.unsupported, "\(operation) on rank \(rank) of \(size): the other ranks did not take part within \(timeout) s (THEANO_MPI_TIMEOUT); a rank has probably failed or exited. This communicator can no longer be used")
                    }
                    usleep(polls > 100_000 ? 1000 : 20)
                }
            }
        }
    }

    private func count(_ bytes: Int, _ operation: String) throws -> Int32 {
        guard let n = Int32(exactly: bytes) else {
            throw TheanoError(.unsupported, "\(operation): \(bytes) bytes per rank is more than one MPI call carries (2³¹ - 1)")
        }
        return n
    }

    package func allGather(_ bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer, operation: String) throws {
        let n = try count(bytes.count, operation)
        precondition(result.count == bytes.count * size, "allGather: the result holds \(result.count) bytes, not \(bytes.count * size)")
        try run(operation) { request in
            library.iallgather(bytes.baseAddress, n, library.byte, result.baseAddress, n, library.byte, library.commWorld, request)
        }
    }

    package func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int, operation: String) throws {
        let n = try count(bytes.count, operation)
        try run(operation) { request in
            library.ibcast(bytes.baseAddress, n, library.byte, Int32(root), library.commWorld, request)
        }
    }
}
