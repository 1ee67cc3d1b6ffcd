import Foundation
import Testing
@testable import Theano

/// Both kernel paths of the linear-algebra ops. When a LAPACK is loaded here, the op, gradient, error
/// and rewrite suites run again in a child process with `THEANO_LAPACK=none`, so the CPU backend uses
/// the built-in kernels there too; `theano info` says which is in use.
@Suite struct LinearAlgebraLAPACKBindingTests {
    @Test(.enabled(if: CBLASBindingTests.testBundle != nil && LinearAlgebraKernels.lapack != nil && ProcessInfo.processInfo.environment["THEANO_LAPACK"] == nil))
    func theSuitesPassWithTheBuiltInKernelsOnTheCPUBackend() throws {
        let (status, output) = try CBLASBindingTests.runSuites("LinearAlgebra(Kernel|Op|Gradient|Error|Rewrite)Tests", environment: ["THEANO_LAPACK": "none"])
        #expect(status == 0, "\(output.suffix(3000))")
        for suite in ["LinearAlgebraKernelTests", "LinearAlgebraOpTests", "LinearAlgebraGradientTests", "LinearAlgebraErrorTests", "LinearAlgebraRewriteTests"] {
            #expect(output.contains("Suite \(suite) passed"), "\(suite): \(output.suffix(3000))")
        }
        // The kernel suite saw only the built-in kernels there.
        #expect(output.contains("luReconstructsWithItsPivotsAndGivesNumpysDeterminant(_:) with 1 test case passed"), "\(output.suffix(3000))")
    }

    @Test(.enabled(if: GeneratedCTests.theanoExecutable != nil))
    func theBuiltInKernelsCanBeForcedAndInfoSaysWhichRun() throws {
        let off = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: ["THEANO_LAPACK": "none"]))
        #expect(off.output.contains("LAPACK:      LAPACK turned off (THEANO_LAPACK=none); using the built-in factorizations"), "\(off.output)")
        let normal = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: [:]))
        #expect(normal.output.contains("LAPACK:      \(LAPACK.status)"), "\(normal.output)")
        if let library = LAPACK.loaded.library {
            // $THEANO_LAPACK names the library to load.
            let forced = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: ["THEANO_LAPACK": library.name]))
            #expect(forced.output.contains("LAPACK:      using \(library.name)"), "\(forced.output)")
        }
    }

    @Test func aLibraryWithoutLAPACKsRoutinesIsPassedOver() throws {
        // libm loads but has no dgetrf_; a missing file does not load at all.
        let (library, status) = LAPACK.load(["libm.so.6", "/nonexistent/liblapack.so.3"])
        #expect(library == nil)
        #expect(status == "no LAPACK found (tried libm.so.6 (no dgetrf_), /nonexistent/liblapack.so.3); using the built-in factorizations", "\(status)")
    }
}
