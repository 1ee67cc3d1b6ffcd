import Foundation
import Testing
@testable import Theano

/// scipy's sparse `.npz` files. The archives below were written by `scipy.sparse.save_npz` (scipy
/// 1.17.1, numpy 2.4.6) and are kept as base64.
@Suite struct SparseNPZTests {
    /// `save_npz(f, csr_matrix(np.array([[0, 1.5, 0], [-2, 0, 0]], dtype=np.float32)), compressed=True)`.
    static let csrFloat32 = "UEsDBC0AAAAIAAAAIQCAMaOH//////////8LABQAaW5kaWNlcy5ucHkBABAAiAAAAAAAAABIAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC5GBggAAFBLAwQtAAAACAAAACEAAuy9qf//////////CgAUAGluZHB0ci5ucHkBABAAjAAAAAAAAABMAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4GIGAEYiYgBgBQSwMELQAAAAgAAAAhAKPDdJf//////////woAFABmb3JtYXQubnB5AQAQAIMAAAAAAAAARQAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBeE2ysrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RqaOgq1ChQBruTiIgBQSwMELQAAAAgAAAAhAGBIfgz//////////wkAFABzaGFwZS5ucHkBABAAkAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC4mBghghtIAUEsDBC0AAAAIAAAAIQDWQ0sF//////////8IABQAZGF0YS5ucHkBABAAiAAAAAAAAABLAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC4GhgP2DEACAFBLAQItAy0AAAAIAAAAIQCAMaOHSAAAAIgAAAALAAAAAAAAAAAAAACAAQAAAABpbmRpY2VzLm5weVBLAQItAy0AAAAIAAAAIQAC7L2pTAAAAIwAAAAKAAAAAAAAAAAAAACAAYUAAABpbmRwdHIubnB5UEsBAi0DLQAAAAgAAAAhAKPDdJdFAAAAgwAAAAoAAAAAAAAAAAAAAIABDQEAAGZvcm1hdC5ucHlQSwECLQMtAAAACAAAACEAYEh+DEoAAACQAAAACQAAAAAAAAAAAAAAgAGOAQAAc2hhcGUubnB5UEsBAi0DLQAAAAgAAAAhANZDSwVLAAAAiAAAAAgAAAAAAAAAAAAAAIABEwIAAGRhdGEubnB5UEsFBgAAAAAFAAUAFgEAAJgCAAAAAA=="

    /// `save_npz(f, csc_array(np.array([[0, 3], [4, 0], [0, 5]])), compressed=True)`: int64 values and
    /// the `_is_array` member scipy adds for sparse arrays.
    static let cscArrayInt64 = "UEsDBC0AAAAIAAAAIQDzoLL+//////////8LABQAaW5kaWNlcy5ucHkBABAAjAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC5GBghgAmIAUEsDBC0AAAAIAAAAIQBniwER//////////8KABQAaW5kcHRyLm5weQEAEACMAAAAAAAAAEwAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjqaOgq1ChQALgYgYARiZiAGAFBLAwQtAAAACAAAACEAUePE/f//////////CgAUAGZvcm1hdC5ucHkBABAAgwAAAAAAAABFAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loF4TbKyuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5Gpo6CrUKFAGu5OJkAFBLAwQtAAAACAAAACEAb9m8bv//////////CQAUAHNoYXBlLm5weQEAEACQAAAAAAAAAEoAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQALmYGCGCC0gBQSwMELQAAAAgAAAAhANLycQ7//////////wgAFABkYXRhLm5weQEAEACYAAAAAAAAAE0AAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjqaOgq1ChQALhYGCGCG0qxQGgBQSwMELQAAAAgAAAAhAIIt+NP//////////w0AFABfaXNfYXJyYXkubnB5AQAQAIEAAAAAAAAAQwAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBek2SorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RqaOgq1ChQBLkYAUEsBAi0DLQAAAAgAAAAhAPOgsv5KAAAAjAAAAAsAAAAAAAAAAAAAAIABAAAAAGluZGljZXMubnB5UEsBAi0DLQAAAAgAAAAhAGeLARFMAAAAjAAAAAoAAAAAAAAAAAAAAIABhwAAAGluZHB0ci5ucHlQSwECLQMtAAAACAAAACEAUePE/UUAAACDAAAACgAAAAAAAAAAAAAAgAEPAQAAZm9ybWF0Lm5weVBLAQItAy0AAAAIAAAAIQBv2bxuSgAAAJAAAAAJAAAAAAAAAAAAAACAAZABAABzaGFwZS5ucHlQSwECLQMtAAAACAAAACEA0vJxDk0AAACYAAAACAAAAAAAAAAAAAAAgAEVAgAAZGF0YS5ucHlQSwECLQMtAAAACAAAACEAgi3400MAAACBAAAADQAAAAAAAAAAAAAAgAGcAgAAX2lzX2FycmF5Lm5weVBLBQYAAAAABgAGAFEBAAAeAwAAAAA="

    /// `save_npz(f, coo_matrix(...))`: a format this reader refuses by name.
    static let coo = "UEsDBC0AAAAIAAAAIQAW4FJT//////////8HABQAcm93Lm5weQEAEACUAAAAAAAAAEwAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNpoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkapjqaOgq1ChQALgYoYARiJigGAFBLAwQtAAAACAAAACEAefNZaP//////////BwAUAGNvbC5ucHkBABAAlAAAAAAAAABPAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GqY6mjoKtQoUAC4GIGACYmYGCGAEYgBQSwMELQAAAAgAAAAhACfyBRL//////////woAFABmb3JtYXQubnB5AQAQAIMAAAAAAAAARQAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBeE2ysrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RqaOgq1ChQBruT8fABQSwMELQAAAAgAAAAhAOjQ06j//////////wkAFABzaGFwZS5ucHkBABAAkAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC5mBghggdIAUEsDBC0AAAAIAAAAIQDXQ6Vw//////////8IABQAZGF0YS5ucHkBABAAqAAAAAAAAABVAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GqY6mjoKtQoUAC4GMPhgD6EZHCAUB5QWgNIiDgBQSwECLQMtAAAACAAAACEAFuBSU0wAAACUAAAABwAAAAAAAAAAAAAAgAEAAAAAcm93Lm5weVBLAQItAy0AAAAIAAAAIQB581loTwAAAJQAAAAHAAAAAAAAAAAAAACAAYUAAABjb2wubnB5UEsBAi0DLQAAAAgAAAAhACfyBRJFAAAAgwAAAAoAAAAAAAAAAAAAAIABDQEAAGZvcm1hdC5ucHlQSwECLQMtAAAACAAAACEA6NDTqEoAAACQAAAACQAAAAAAAAAAAAAAgAGOAQAAc2hhcGUubnB5UEsBAi0DLQAAAAgAAAAhANdDpXBVAAAAqAAAAAgAAAAAAAAAAAAAAIABEwIAAGRhdGEubnB5UEsFBgAAAAAFAAUADwEAAKICAAAAAA=="

    /// The bytes of scipy's uncompressed `format.npy` for a CSR matrix: a 0-d `|S3` array holding `csr`.
    static let scipyFormatMember: [UInt8] = Array("\u{93}NUMPY".unicodeScalars.map { UInt8($0.value) }) + [1, 0, 118, 0]
        + Array("{'descr': '|S3', 'fortran_order': False, 'shape': (), }".utf8) + [UInt8](repeating: 32, count: 62) + [10] + Array("csr".utf8)

    static func bytes(_ base64: String) -> Data { Data(base64Encoded: base64)! }

    @Test func readsWhatScipyWrites() throws {
        let m = try SparseNPZ.decode(Self.bytes(Self.csrFloat32))
        #expect(m.format == .csr && m.dtype == .float32 && m.shape == [2, 3])
        #expect(m.data.scalars(as: Float.self) == [1.5, -2] && m.indices.scalars(as: Int32.self) == [1, 0] && m.indptr.scalars(as: Int32.self) == [0, 1, 2])
        #expect(m.toDense().doubles == [0, 1.5, 0, -2, 0, 0])
        let a = try SparseNPZ.decode(Self.bytes(Self.cscArrayInt64))
        #expect(a.format == .csc && a.dtype == .int64 && a.shape == [3, 2] && a.toDense().doubles == [0, 3, 4, 0, 0, 5])
    }

    @Test func writesWhatScipyReadsAndReadsItBack() throws {
        #expect(Array(SparseNPZ.encodeByteString("csr")) == Self.scipyFormatMember)
        let original = try SparseMatrix(dense: NDArray([0.0, 2, 0, -1, 0, 3.5], shape: [3, 2]), format: .csc)
        for compressed in [false, true] {
            let path = NSTemporaryDirectory() + "theano-sparse-\(UUID().uuidString).npz"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try SparseNPZ.save(original, to: path, compressed: compressed)
            let back = try SparseNPZ.load(path)
            #expect(back.format == .csc && back.shape == [3, 2] && back.data.doubles == original.data.doubles)
            #expect(back.indices.scalars(as: Int32.self) == original.indices.scalars(as: Int32.self) && back.indptr.scalars(as: Int32.self) == [0, 0, 3])
            // The members scipy's load_npz reads, with the dtypes it writes.
            let members = try Self.members(path)
            #expect(members.keys.sorted() == ["data", "format", "indices", "indptr", "shape"])
            #expect(members["shape"]?.starts(with: NPY.encode(NDArray([Int64(3), 2], shape: [2]))) == true)
            #expect(members["indices"] == Array(NPY.encode(original.indices)) && members["data"] == Array(NPY.encode(original.data)))
            #expect(members["format"] == Array(SparseNPZ.encodeByteString("csc")))
        }
    }

    @Test func refusesOtherFormatsAndBrokenFiles() throws {
        let coo = refusal { try SparseNPZ.decode(Self.bytes(Self.coo), source: "m.npz") }
        #expect(coo.contains("SparseNPZ.load(m.npz)") && coo.contains("the matrix is stored as 'coo'; only csr and csc are read"), "\(coo)")
        let notZip = refusal { try SparseNPZ.decode(Data("hello".utf8)) }
        #expect(notZip.contains("not an .npz file"), "\(notZip)")
        let missing = refusal { try SparseNPZ.load("/nonexistent/m.npz") }
        #expect(missing.contains("does not exist"), "\(missing)")
        // An ordinary .npz of one array is not a sparse matrix.
        let path = NSTemporaryDirectory() + "theano-dense-\(UUID().uuidString).npz"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPZ.save(["data": NDArray([1.0], shape: [1])], to: path)
        let dense = refusal { try SparseNPZ.load(path) }
        #expect(dense.contains("no member 'format'"), "\(dense)")
        // Parts that do not form a matrix, and a format member that is not a string.
        let parts: [(String, Data)] = [("data", NPY.encode(NDArray([1.0, 2], shape: [2]))), ("indices", NPY.encode(NDArray([Int32(0), 7], shape: [2]))),
                                       ("indptr", NPY.encode(NDArray([Int32(0), 1, 2], shape: [3]))), ("shape", NPY.encode(NDArray([Int64(2), 2], shape: [2])))]
        try SparseNPZ.write(parts + [("format", SparseNPZ.encodeByteString("csr"))], to: path, compressed: false)
        let bad = refusal { try SparseNPZ.load(path) }
        #expect(bad.contains("SparseNPZ.load(\(path)): SparseMatrix: index 7 at position 1 is out of range for 2 columns"), "\(bad)")
        try SparseNPZ.write(parts + [("format", NPY.encode(NDArray([Int32(1)], shape: [1])))], to: path, compressed: false)
        let format = refusal { try SparseNPZ.load(path) }
        #expect(format.contains("member 'format': expected a 0-d string"), "\(format)")
    }

    /// The raw members of an archive, by name without `.npy`.
    static func members(_ path: String) throws -> [String: [UInt8]] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return try data.withUnsafeBytes { raw in
            let archive = try ZipArchive(UntrustedBytes(raw), context: path)
            var out: [String: [UInt8]] = [:]
            for member in archive.members { out[String(member.name.dropLast(4))] = try archive.contents(of: member) }
            return out
        }
    }
}
