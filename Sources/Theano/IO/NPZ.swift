import Foundation
import ZIPFoundation

/// NumPy's `.npz` format: a zip archive of `.npy` files, one per named array (what `np.savez` writes).
public enum NPZ {
    /// Writes `arrays` to `path`, replacing any existing file; `np.load(path)` reads it back.
    public static func save(_ arrays: [String: NDArray], to path: String, compressed: Bool = false) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for name in arrays.keys.sorted() {
                let data = NPY.encode(arrays[name]!)
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: compressed ? .deflate : .none) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            // rename(2) replaces atomically, so a reader never sees half an archive.
            guard rename(temporary.path, url.path) == 0 else { throw TheanoError(.io, "cannot move the archive into place (errno \(errno))") }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw TheanoError(.io, "NPZ.save(to: \(path)): \(error)")
        }
    }

    /// Reads every array in an `.npz` file, keyed by name without the `.npy` suffix. Throws `.io` naming
    /// the file, the member and what is wrong for anything `np.load` refuses (a damaged archive, a member
    /// whose size or CRC-32 does not match, a bad `.npy` inside), and for what it reads but an array
    /// cannot hold: members that are not `.npy` files (numpy returns their raw bytes) and two members with
    /// one key (`W` and `W.npy`; numpy keeps one and drops the other).
    public static func load(_ path: String) throws -> [String: NDArray] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TheanoError(.io, "NPZ.load(\(path)): the file does not exist or cannot be read")
        }
        return try data.withUnsafeBytes { try decode(UntrustedBytes($0), source: path, operation: "NPZ.load") }
    }

    /// Reads every array in the bytes of an `.npz` file; `source` names it in errors.
    public static func decode(_ data: Data, source: String = "npz data") throws -> [String: NDArray] {
        try data.withUnsafeBytes { try decode(UntrustedBytes($0), source: source, operation: "NPZ.decode") }
    }

    static func decode(_ bytes: UntrustedBytes, source: String, operation: String) throws -> [String: NDArray] {
        // np.load tells an archive by its first bytes: a local header, or the end record of an empty archive.
        guard bytes.matches(ZipArchive.localSignature, at: 0) || bytes.matches(ZipArchive.endSignature, at: 0) else {
            throw TheanoError(.io, "\(operation)(\(source)): not an .npz file: it does not start with a zip signature (PK\\x03\\x04)")
        }
        let archive = try ZipArchive(bytes, context: "\(operation)(\(source))")
        var keys: [String: String] = [:]
        for member in archive.members {
            let key = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            if let other = keys[key] {
                throw archive.fail("members '\(other)' and '\(member.name)' both have the key '\(key)'")
            }
            keys[key] = member.name
        }
        var result: [String: NDArray] = [:]
        for member in archive.members {
            let contents = try archive.contents(of: member)
            guard contents.starts(with: NPY.magic) else {
                throw archive.fail("member '\(member.name)' is not an .npy array (numpy would return its raw bytes)")
            }
            let key = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            result[key] = try contents.withUnsafeBytes { try NPY.decode(UntrustedBytes($0), source: "\(source), member '\(member.name)'") }
        }
        return result
    }
}
