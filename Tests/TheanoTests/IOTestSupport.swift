import ComplexModule
import Foundation
import Testing
@testable import Theano

// Files are never trusted: every `.npy`, `.npz` and `.gz` reader either returns what numpy would read
// or throws a `TheanoError` that names the file, the member and what is wrong. None of them crashes,
// hangs or allocates what the file only claims to hold. The seeds in Tests/IOSeeds were written by
// numpy (Scripts/make-io-seeds.py); Scripts/compare-io-with-numpy.py compares the readers with numpy
// on mutated copies of them.

/// The message of the TheanoError that `body` throws; records an issue when it throws nothing or another error.
func refusal(_ body: () throws -> Any, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        let value = try body()
        Issue.record("expected a TheanoError, read \(value)", sourceLocation: sourceLocation)
    } catch let error as TheanoError {
        #expect(error.kind == .io, sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("expected a TheanoError, got \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

/// The seed files numpy wrote, and the values it put in them.
enum IOSeeds {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IOSeeds").path

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasSuffix(".txt") }.sorted()
    }

    /// The array `Scripts/make-io-seeds.py` writes for a dtype and shape: element i in C order is
    /// i % 3 != 0 (bool), (7i mod 100) − 50 (integers), i/2 − 3 (floats), and i/2 − 3 − i·j (complex).
    static func pattern(_ dtype: DType, _ shape: [Int]) -> NDArray {
        let n = shape.reduce(1, *)
        switch dtype {
        case .bool: return NDArray((0..<n).map { $0 % 3 != 0 }, shape: shape)
        case .int8, .int16, .int32, .int64: return NDArray((0..<n).map { Int64(($0 * 7) % 100 - 50) }, shape: shape).astype(dtype)
        case .uint8, .uint16, .uint32, .uint64: return NDArray((0..<n).map { Int64(($0 * 7) % 100) }, shape: shape).astype(dtype)
        case .float32, .float64: return NDArray((0..<n).map { Double($0) * 0.5 - 3 }, shape: shape).astype(dtype)
        case .complex64, .complex128:
            return NDArray((0..<n).map { Complex(Double($0) * 0.5 - 3, -Double($0)) }, shape: shape).astype(dtype)
        }
    }
}
