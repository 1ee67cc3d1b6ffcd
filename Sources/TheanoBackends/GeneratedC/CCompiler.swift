import CTheanoKernels
import Foundation
import Synchronization

/// The system C compiler that builds generated kernels: found at run time, never required.
package struct CCompiler: Sendable {
    package init(path: String, identity: String, flags: [String]) { self.path = path; self.identity = identity; self.flags = flags }
    package let path: String
    /// The first line of `--version`: part of every cache key, so a compiler upgrade rebuilds.
    package let identity: String
    package let flags: [String]

    /// The compiler `config.cxx` or `$THEANO_CC` names, else the first of cc, gcc, clang on PATH; or why
    /// generated C is off.
    package static func find() -> Result<CCompiler, GeneratedCUnavailable> {
        let requested = config.cxx ?? Settings.compiler
        if let requested, requested.isEmpty { return .failure(.init("generated C disabled by configuration (cxx=\"\")")) }
        let names = requested.map { [$0] } ?? ["cc", "gcc", "clang"]
        guard let path = names.lazy.compactMap(ExternalProgram.find).first else {
            return .failure(.init("no C compiler (\(names.joined(separator: ", "))) on PATH"))
        }
        return found.withLock { known in
            if let compiler = known[path] { return compiler }
            let result = identify(path, optimization: Settings.compilerFlags)
            known[path] = result
            return result
        }
    }

    /// Compilers already asked for their version in this process, by path.
    private static let found = Mutex<[String: Result<CCompiler, GeneratedCUnavailable>]>([:])

    private static func identify(_ path: String, optimization: String?) -> Result<CCompiler, GeneratedCUnavailable> {
        guard let version = try? ExternalProgram.run(path, ["--version"]), version.status == 0,
              let first = version.output.split(separator: "\n").first else {
            return .failure(.init("\(path) does not answer --version"))
        }
        // Exact IEEE semantics: no fast-math, no fused multiply-adds, and no libm calls vectorized behind
        // our back (the source calls libmvec itself where the VM does), so results keep the VM's bits.
        var flags = (optimization ?? "-O3 -march=native").split(separator: " ").map(String.init) + ["-fno-math-errno", "-ffp-contract=off"]
        flags += isaFlags(CPUISA.active)
        flags += ["-fPIC", "-shared"]
        return .success(CCompiler(path: path, identity: String(first), flags: flags))
    }

    /// Generated code stays on the kernels' path when `cpu_isa` lowers it below what `-march=native` allows.
    private static func isaFlags(_ isa: CPUISA) -> [String] {
        guard isa != CPUISA.detected else { return [] }
        switch isa {
        case .generic: return ["-mno-avx", "-mno-fma"]
        case .avx2: return ["-mno-avx512f"]
        case .avx512: return []
        }
    }

    /// Compiles `source` (a .c file) to the shared library `output`; throws with the compiler's messages.
    package func compile(_ source: String, to output: String) throws {
        let libraries = VectorMath.available ? ["-lm", "-l:libmvec.so.1"] : ["-lm"]
        let result = try ExternalProgram.run(path, flags + ["-o", output, source] + libraries)
        guard result.status == 0 else {
            throw TheanoError(.compilationFailed, "\(path) failed on \(source) (exit \(result.status)):\n\(result.output.suffix(2000))")
        }
    }
}

/// Why generated C is not in use.
package struct GeneratedCUnavailable: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
