import Synchronization

/// The backends by name. The reference executor and the CPU VM are built in; others register.
public enum BackendRegistry {
    private static let backends = Mutex<[String: any Backend]>(["reference": ReferenceBackend(), "cpu": VMBackend()])

    /// Registers `backend` under its name, replacing any backend of that name.
    public static func register(_ backend: any Backend) {
        backends.withLock { $0[backend.name] = backend }
    }

    /// The backend registered under `name`, if any.
    public static func backend(named name: String) -> (any Backend)? {
        backends.withLock { $0[name] }
    }

    /// The registered names, sorted.
    public static var names: [String] { backends.withLock { $0.keys.sorted() } }

    /// The backend `mode` names, or an error that names what is registered.
    package static func backend(for mode: Mode, operation: String) throws -> any Backend {
        let name = mode.resolvedBackend.rawValue
        guard let backend = backend(named: name) else {
            let source = mode.backend == .device ? "config.device (THEANO_FLAGS=device=) is '\(name)'" : "the mode names backend '\(name)'"
            // Theano's device names: say where the GPU stands rather than only that no backend has the name.
            let gpu = name.hasPrefix("cuda") || name.hasPrefix("gpu")
                ? " (no CUDA backend yet: the kernels are rendered and compiled with NVRTC, not run; GPU: \(CUDADevices.summary))" : ""
            throw TheanoError(.badArgument, "\(operation): \(source), which is not a registered backend\(gpu); expected one of \(names.joined(separator: ", "))")
        }
        return backend
    }
}
