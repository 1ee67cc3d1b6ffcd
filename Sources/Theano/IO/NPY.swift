import ComplexModule
import Foundation

/// NumPy's `.npy` format (versions 1.0–3.0), little-endian, C or Fortran order on reading.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    static func descr(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "|b1"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        }
    }

    /// The bytes of an `.npy` file holding `array`.
    public static func encode(_ array: NDArray) -> Data {
        let shape = array.shape.map(String.init).joined(separator: ", ") + (array.ndim == 1 ? "," : "")
        var header = "{'descr': '\(descr(array.dtype))', 'fortran_order': False, 'shape': (\(shape)), }"
        // Pad so the data starts on a 64-byte boundary, as numpy does.
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        let c = array.contiguous()
        data.append(Data(bytes: c.baseAddress, count: c.count * c.dtype.itemSize))
        return data
    }

    /// Parses `.npy` bytes. Throws `.io` naming what is wrong with a malformed file.
    public static func decode(_ data: Data, source: String = "npy data") throws -> NDArray {
        let bytes = [UInt8](data)
        func fail(_ why: String) -> TheanoError { TheanoError(.io, "NPY.decode(\(source)): \(why)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not an .npy file: the magic string \\x93NUMPY is missing") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }; headerStart = 12
        default: throw fail("unsupported format version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header: \(headerLength) bytes announced, \(bytes.count - headerStart) present") }
        guard let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("the header is not text")
        }
        guard let descr = field(header, "descr").map(unquote) else { throw fail("the header has no 'descr': \(header)") }
        let fortran = field(header, "fortran_order")?.hasPrefix("True") ?? false
        guard let shapeText = field(header, "shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw fail("the header has no 'shape': \(header)")
        }
        let shape = try shapeText[shapeText.index(after: open)..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let n = Int(text), n >= 0 else { throw fail("bad dimension '\(text)' in shape \(shapeText)") }
                return n
            }
        guard let dtype = DType.allCases.first(where: { descr == NPY.descr($0) || descr == NPY.descr($0).replacingOccurrences(of: "<", with: "|") || (descr == "<b1" && $0 == .bool) || (descr == "<i1" && $0 == .int8) }) else {
            throw fail("unsupported dtype '\(descr)'; supported: \(DType.allCases.map { NPY.descr($0) }.joined(separator: " ")) (little-endian)")
        }
        // The header's shape is data: an impossible one, or one too large for memory, is an error.
        let count: Int, a: NDArray
        do {
            count = try ShapeCheck.elementCount(shape, dtype: dtype, op: "NPY.decode(\(source))")
            let payload = bytes.count - headerStart - headerLength
            guard payload >= count * dtype.itemSize else {
                throw fail("truncated data: shape \(shape) of \(dtype) needs \(count * dtype.itemSize) bytes, found \(payload)")
            }
            a = try NDArray(checkedUninitialized: fortran ? Array(shape.reversed()) : shape, dtype: dtype, op: "NPY.decode(\(source))")
        } catch let failure as OpFailure {
            throw TheanoError(failure.kind, failure.message)
        }
        bytes.withUnsafeBytes { raw in
            a.storage.pointer.copyMemory(from: raw.baseAddress! + headerStart + headerLength, byteCount: count * dtype.itemSize)
        }
        return fortran ? a.T.copy() : a
    }

    static func field(_ header: String, _ key: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
    }

    static func unquote(_ text: String) -> String {
        let quote = text.first ?? "'"
        return String(text.dropFirst().prefix { $0 != quote })
    }
}

/// Writes an array as a `.npy` file.
public func save(_ array: NDArray, to path: String) throws {
    do { try NPY.encode(array).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw TheanoError(.io, "save(to: \(path)): \(error.localizedDescription)")
    }
}

/// Reads a `.npy` file.
public func load(_ path: String) throws -> NDArray {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TheanoError(.io, "load(\(path)): the file does not exist or cannot be read")
    }
    return try NPY.decode(data, source: path)
}
