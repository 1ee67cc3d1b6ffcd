import Foundation
import Testing
@testable import Theano

/// The dlopen'd CBLAS path, on a machine with no BLAS installed: a plain CBLAS written here is compiled
/// into a shared library, and the dot tests run again in a child process that loads it through
/// `$THEANO_BLAS`. It marks a file when called, so the test knows the child really used it.
@Suite struct CBLASBindingTests {
    static let referenceCBLAS = """
    #include <stdio.h>
    #include <stdlib.h>
    static void mark(void) {
        static int done;
        const char *path = getenv("THEANO_TEST_CBLAS_MARK");
        if (done || !path) return;
        FILE *f = fopen(path, "w");
        if (f) fclose(f);
        done = 1;
    }
    /* C = alpha * op(A) * op(B) + beta * C in the requested layout; 111 = no transpose, 101 = row-major. */
    #define GEMM(NAME, T) \\
    void NAME(int order, int ta, int tb, int m, int n, int k, T alpha, const T *a, int lda, \\
              const T *b, int ldb, T beta, T *c, int ldc) { \\
        mark(); \\
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { \\
            T sum = 0; \\
            for (int p = 0; p < k; p++) { \\
                long ai = order == 101 ? (ta == 111 ? (long)i * lda + p : (long)p * lda + i) \\
                                       : (ta == 111 ? (long)p * lda + i : (long)i * lda + p); \\
                long bi = order == 101 ? (tb == 111 ? (long)p * ldb + j : (long)j * ldb + p) \\
                                       : (tb == 111 ? (long)j * ldb + p : (long)p * ldb + j); \\
                sum += a[ai] * b[bi]; \\
            } \\
            long ci = order == 101 ? (long)i * ldc + j : (long)j * ldc + i; \\
            c[ci] = alpha * sum + (beta == 0 ? 0 : beta * c[ci]); \\
        } \\
    }
    GEMM(cblas_sgemm, float)
    GEMM(cblas_dgemm, double)
    """

    /// Runs `executable` with this process's environment plus `environment`: its exit status and output.
    static func runChild(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        try child.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (child.terminationStatus, output)
    }

    /// Runs the suites `filter` matches again, in a child process of this test bundle.
    static func runSuites(_ filter: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        try runChild(try #require(testBundle), ["--testing-library", "swift-testing", "--filter", filter], environment: environment)
    }

    /// The running test bundle, which can run a suite again in a child process.
    static var testBundle: String? {
        let path = CommandLine.arguments[0]
        return path.hasSuffix(".xctest") && FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    @Test(.enabled(if: GeneratedCTests.compilerPresent && testBundle != nil && ProcessInfo.processInfo.environment["THEANO_BLAS"] == nil))
    func dotTestsPassOnADlopenedCBLAS() throws {
        let directory = GeneratedCTests.temporaryDirectory("cblas")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let compiler = try CCompiler.find().get()
        try Self.referenceCBLAS.write(toFile: "\(directory)/cblas.c", atomically: true, encoding: .utf8)
        try compiler.compile("\(directory)/cblas.c", to: "\(directory)/libreferencecblas.so")

        let (status, output) = try Self.runSuites("DotTests", environment: [
            "THEANO_BLAS": "\(directory)/libreferencecblas.so", "THEANO_TEST_CBLAS_MARK": "\(directory)/called",
        ])
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("Suite DotTests passed"), "\(output.suffix(3000))")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/called"), "the child never called the CBLAS")
    }

    @Test(.enabled(if: GeneratedCTests.theanoExecutable != nil))
    func theBuiltInGemmCanBeForced() throws {
        let info = GeneratedCTests.finish(try GeneratedCTests.launch(["info"], environment: ["THEANO_BLAS": "none"]))
        #expect(info.output.contains("CBLAS turned off (THEANO_BLAS=none); using the built-in packed GEMM"), "\(info.output)")
    }
}
