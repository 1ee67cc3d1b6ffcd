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

    /// Reads every array in an `.npz` file, keyed by name without the `.npy` suffix.
    public static func load(_ path: String) throws -> [String: NDArray] {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw TheanoError(.io, "NPZ.load(\(path)): not a readable zip archive (\(error))")
        }
        var result: [String: NDArray] = [:]
        for entry in archive where entry.type == .file {
            var data = Data()
            do { _ = try archive.extract(entry) { data.append($0) } } catch {
                throw TheanoError(.io, "NPZ.load(\(path)): entry \(entry.path) is corrupt (\(error))")
            }
            let name = entry.path.hasSuffix(".npy") ? String(entry.path.dropLast(4)) : entry.path
            result[name] = try NPY.decode(data, source: "\(path):\(entry.path)")
        }
        return result
    }
}
