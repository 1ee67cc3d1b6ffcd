import Foundation
import ZIPFoundation

/// scipy's sparse `.npz` files, as `scipy.sparse.save_npz` writes and `load_npz` reads them: an `.npz`
/// archive with the members `data`, `indices`, `indptr`, `shape` and `format` (a byte string, `csr` or
/// `csc`; the other formats scipy writes are refused by name).
public enum SparseNPZ {
    /// Writes `matrix` to `path` the way `scipy.sparse.save_npz` does; `load_npz(path)` reads it back.
    public static func save(_ matrix: SparseMatrix, to path: String, compressed: Bool = true) throws {
        let members: [(String, Data)] = [
            ("indices", NPY.encode(matrix.indices)), ("indptr", NPY.encode(matrix.indptr)),
            ("format", encodeByteString(matrix.format.rawValue)),
            ("shape", NPY.encode(NDArray(matrix.shape.map(Int64.init), shape: [2]))), ("data", NPY.encode(matrix.data)),
        ]
        do {
            try write(members, to: path, compressed: compressed)
        } catch {
            throw TheanoError(.io, "SparseNPZ.save(to: \(path)): \(error)")
        }
    }

    /// Writes `.npy` members (name without suffix, bytes) as an archive at `path`, atomically.
    static func write(_ members: [(String, Data)], to path: String, compressed: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for (name, data) in members.sorted(by: { $0.0 < $1.0 }) {
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: compressed ? .deflate : .none) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard rename(temporary.path, url.path) == 0 else { throw TheanoError(.io, "cannot move the archive into place (errno \(errno))") }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Reads a CSR or CSC matrix written by `scipy.sparse.save_npz` (or `save`). Throws `.io` naming
    /// the file and what is wrong: a damaged archive, a missing member, another sparse format, or parts
    /// that do not form a matrix.
    public static func load(_ path: String) throws -> SparseMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TheanoError(.io, "SparseNPZ.load(\(path)): the file does not exist or cannot be read")
        }
        return try decode(data, source: path)
    }

    /// Reads a sparse matrix from the bytes of a sparse `.npz` file; `source` names it in errors.
    public static func decode(_ data: Data, source: String = "sparse npz data") throws -> SparseMatrix {
        try data.withUnsafeBytes { raw in
            let bytes = UntrustedBytes(raw)
            let context = "SparseNPZ.load(\(source))"
            guard bytes.matches(ZipArchive.localSignature, at: 0) || bytes.matches(ZipArchive.endSignature, at: 0) else {
                throw TheanoError(.io, "\(context): not an .npz file: it does not start with a zip signature (PK\\x03\\x04)")
            }
            let archive = try ZipArchive(bytes, context: context)
            var members: [String: [UInt8]] = [:]
            for member in archive.members {
                let key = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
                guard members[key] == nil else { throw archive.fail("two members have the key '\(key)'") }
                members[key] = try archive.contents(of: member)
            }
            func member(_ name: String) throws -> [UInt8] {
                guard let contents = members[name] else {
                    throw archive.fail("no member '\(name)': scipy's sparse files hold data, indices, indptr, shape and format (found \(members.keys.sorted()))")
                }
                return contents
            }
            let formatName = try decodeByteString(try member("format"), fail: { archive.fail("member 'format': \($0)") })
            guard let format = SparseFormat(rawValue: formatName) else {
                throw archive.fail("the matrix is stored as '\(formatName)'; only csr and csc are read (convert with .tocsr() first)")
            }
            func array(_ name: String) throws -> NDArray {
                try member(name).withUnsafeBytes { try NPY.decode(UntrustedBytes($0), source: "\(source), member '\(name).npy'") }
            }
            let shape = try array("shape")
            guard shape.ndim == 1, shape.count == 2, shape.dtype.isInteger else {
                throw archive.fail("member 'shape' must be 2 integers, got \(shape.dtype) of shape \(shape.shape)")
            }
            let values = try array("data")
            guard values.dtype.isFloat || values.dtype.isInteger else {
                throw archive.fail("member 'data' has dtype \(values.dtype); sparse matrices here hold integers or floats")
            }
            do {
                return try SparseMatrix(format: format, data: values, indices: try array("indices").astype(.int32),
                                        indptr: try array("indptr").astype(.int32),
                                        shape: shape.scalars(as: Int64.self).map { Int(clamping: $0) })
            } catch let error as TheanoError where error.kind != .io {
                throw archive.fail(error.message)
            }
        }
    }

    /// A 0-d numpy byte string (`|S<n>`), as `np.array('csr'.encode())` saves.
    static func encodeByteString(_ text: String) -> Data {
        let payload = Array(text.utf8)
        var header = "{'descr': '|S\(payload.count)', 'fortran_order': False, 'shape': (), }"
        // numpy aligns the data to 64 bytes: magic (6), version (2), length (2), header, newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data(NPY.magic + [1, 0])
        let length = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: payload)
        return out
    }

    /// The text of a 0-d `.npy` byte string (`|S<n>`) or unicode string (`<U<n>`, UTF-32).
    static func decodeByteString(_ contents: [UInt8], fail: (String) -> TheanoError) throws -> String {
        guard contents.starts(with: NPY.magic), contents.count >= 10 else { throw fail("not an .npy array") }
        let (major, lengthSize) = (contents[6], contents[6] == 1 ? 2 : 4)
        guard major >= 1 && major <= 3, contents.count >= 8 + lengthSize else { throw fail("unsupported .npy version \(major)") }
        var length = 0
        for i in 0..<lengthSize { length |= Int(contents[8 + i]) << (8 * i) }
        let start = 8 + lengthSize
        guard length <= contents.count - start, length <= 4 * NPY.maximumHeaderCharacters else { throw fail("truncated header") }
        let header = String(decoding: contents[start..<(start + length)], as: UTF8.self)
        let payload = Array(contents[(start + length)...])
        guard header.contains("'shape': ()") else { throw fail("expected a 0-d string, got the header \(header)") }
        guard let descrRange = header.range(of: "'descr': '") else { throw fail("no descr in the header \(header)") }
        let descr = header[descrRange.upperBound...].prefix { $0 != "'" }
        if descr.hasPrefix("|S"), let n = Int(descr.dropFirst(2)), n <= payload.count {
            return String(decoding: payload.prefix(n).prefix { $0 != 0 }, as: UTF8.self)
        }
        if descr.hasPrefix("<U"), let n = Int(descr.dropFirst(2)), 4 * n <= payload.count {
            var scalars = String.UnicodeScalarView()
            for i in 0..<n {
                let code = UInt32(payload[4 * i]) | UInt32(payload[4 * i + 1]) << 8 | UInt32(payload[4 * i + 2]) << 16 | UInt32(payload[4 * i + 3]) << 24
                guard code != 0 else { break }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid UTF-32 text") }
                scalars.append(scalar)
            }
            return String(scalars)
        }
        throw fail("expected a byte or unicode string (|S or <U), got descr '\(descr)' with \(payload.count) bytes of data")
    }
}
