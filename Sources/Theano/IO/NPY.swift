import Foundation

/// NumPy's `.npy` format, versions 1.0–3.0: written little-endian in C order; read as strictly as
/// `numpy.load` reads it, in either byte order and in C or Fortran order.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// numpy refuses longer headers (`max_header_size`) as unsafe to parse.
    static let maximumHeaderCharacters = 10_000
    /// numpy's `NPY_MAXDIMS`.
    static let maximumDimensions = 64

    static func descr(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "|b1"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .uint32: return "<u4"
        case .uint64: return "<u8"
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
        // Version 1.0 counts the header in 16 bits; 2.0 in 32, for arrays of thousands of dimensions.
        let version: UInt8 = header.utf8.count + 12 + 64 <= 65_535 ? 1 : 2
        // Pad so the data starts on a 64-byte boundary, as numpy does.
        let unpadded = magic.count + 2 + (version == 1 ? 2 : 4) + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [version, 0])
        let length = UInt32(header.utf8.count)
        data.append(contentsOf: (0..<(version == 1 ? 2 : 4)).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) })
        data.append(contentsOf: Array(header.utf8))
        let c = array.contiguous()
        data.append(Data(bytes: c.baseAddress, count: c.count * c.dtype.itemSize))
        return data
    }

    /// Parses `.npy` bytes. Throws `.io` naming `source` and what is wrong for anything `numpy.load`
    /// refuses, and for the dtypes numpy reads that this package has not (unsigned, float16, strings,
    /// structured and object arrays).
    public static func decode(_ data: Data, source: String = "npy data") throws -> NDArray {
        try data.withUnsafeBytes { try decode(UntrustedBytes($0), source: source) }
    }

    /// What an `.npy` header says about the data after it.
    struct Header: Equatable {
        var dtype: DType
        var bigEndian: Bool
        var fortranOrder: Bool
        var shape: [Int]
        /// Where the data starts.
        var dataOffset: Int
        /// The data's size: every dimension's product times the item size, checked for overflow.
        var byteCount: Int
    }

    static func decode(_ bytes: UntrustedBytes, source: String) throws -> NDArray {
        let header = try readHeader(bytes, source: source)
        let available = bytes.count - header.dataOffset
        guard header.byteCount <= available else {
            throw TheanoError(.io, "NPY.decode(\(source)): truncated data: shape \(header.shape) of \(header.dtype) needs \(header.byteCount) bytes, found \(available)")
        }
        // Only now, with the size checked against the bytes present, is anything allocated.
        let storage = Storage(byteCount: header.byteCount)
        if header.byteCount > 0 {
            storage.pointer.copyMemory(from: bytes.raw.baseAddress! + header.dataOffset, byteCount: header.byteCount)
        }
        if header.bigEndian { swapBytes(storage.pointer, byteCount: header.byteCount, dtype: header.dtype) }
        if header.dtype == .bool {
            // numpy reads any nonzero byte as True (a view: the byte stays, every operation treats it as
            // True). A Swift Bool must be 0 or 1, so such bytes become 1: the same values numpy computes with.
            let flags = storage.pointer.assumingMemoryBound(to: UInt8.self)
            for i in 0..<header.byteCount where flags[i] > 1 { flags[i] = 1 }
        }
        if header.fortranOrder {
            let reversed = Array(header.shape.reversed())
            return NDArray(storage: storage, dtype: header.dtype, shape: reversed, strides: NDArray.contiguousStrides(reversed), offset: 0).T.copy()
        }
        return NDArray(storage: storage, dtype: header.dtype, shape: header.shape, strides: NDArray.contiguousStrides(header.shape), offset: 0)
    }

    /// Reads and checks the magic string, version and header the way numpy's `read_array` does.
    static func readHeader(_ bytes: UntrustedBytes, source: String) throws -> Header {
        func fail(_ why: String) -> TheanoError { TheanoError(.io, "NPY.decode(\(source)): \(why)") }
        guard bytes.matches(magic, at: 0) else { throw fail("not an .npy file: the magic string \\x93NUMPY is missing") }
        guard let major = bytes.byte(6), let minor = bytes.byte(7) else { throw fail("truncated: no format version after the magic string") }
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default: throw fail("unsupported format version \(major).\(minor); expected 1.0, 2.0 or 3.0")
        }
        guard let length = lengthSize == 2 ? bytes.uint16(8).map(Int.init) : bytes.uint32(8).map(Int.init) else {
            throw fail("truncated: the header length is missing")
        }
        let headerStart = 8 + lengthSize
        guard let headerBytes = bytes.slice(headerStart, length) else {
            throw fail("truncated header: \(length) bytes announced, \(bytes.count - headerStart) present")
        }
        // No character takes more than 4 bytes, so a longer header is refused before it is decoded.
        guard length <= 4 * maximumHeaderCharacters else {
            throw fail("the header is \(length) bytes; numpy refuses headers over \(maximumHeaderCharacters) characters")
        }
        var text = String.UnicodeScalarView()
        if major == 3 {
            var decoder = UTF8(), iterator = headerBytes.makeIterator()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): text.append(scalar)
                case .emptyInput: break decoding
                case .error: throw fail("the version 3.0 header is not valid UTF-8")
                }
            }
        } else {
            text.append(contentsOf: headerBytes.map { Unicode.Scalar($0) }) // Latin-1
        }
        let header = String(text)
        guard text.count <= maximumHeaderCharacters else {
            throw fail("the header is \(text.count) characters; numpy refuses headers over \(maximumHeaderCharacters)")
        }
        let shown = header.count > 200 ? header.prefix(200) + "…" : Substring(header)
        let literal: PythonLiteral
        do { literal = try PythonLiteral.parse(header, longSuffixes: major < 3) } catch {
            throw fail("the header is not a Python literal (\(error.reason)): \(shown.debugDescription)")
        }
        guard case .dict(let pairs) = literal else { throw fail("the header is not a dictionary: \(shown.debugDescription)") }
        // As in Python, a repeated key keeps its last value.
        var fields: [String: PythonLiteral] = [:]
        var otherKeys: [String] = []
        for pair in pairs {
            guard case .string(let key) = pair.key else { otherKeys.append(pair.key.description); continue }
            fields[key] = pair.value
        }
        let expected = ["descr", "fortran_order", "shape"]
        guard otherKeys.isEmpty, fields.keys.sorted() == expected else {
            let keys = fields.keys.sorted().map { "'\($0)'" } + otherKeys
            throw fail("the header has the keys [\(keys.joined(separator: ", "))]; expected exactly ['descr', 'fortran_order', 'shape']")
        }
        // The checks in numpy's order: the types of shape, fortran_order and descr, then the values.
        let shapeText = fields["shape"]!.description
        guard case .tuple(let dimensions) = fields["shape"]!,
              case let shape = dimensions.compactMap({ item -> Int?? in if case .integer(let n) = item { n } else { nil } }),
              shape.count == dimensions.count else {
            throw fail("'shape' is not a tuple of integers: \(shapeText)")
        }
        guard case .bool(let fortranOrder) = fields["fortran_order"]! else {
            throw fail("'fortran_order' is not True or False: \(fields["fortran_order"]!.description)")
        }
        guard case .string(let descr) = fields["descr"]! else {
            throw fail("'descr' \(fields["descr"]!.description) is not a dtype string (structured and subarray dtypes are not supported)")
        }
        guard let (dtype, bigEndian) = dtype(fromDescr: descr) else {
            throw fail("unsupported dtype '\(descr)'; supported: bool, int8, int16, int32, int64, float32, float64, complex64 and complex128, in either byte order (such as '<f8')")
        }
        guard shape.count <= maximumDimensions else {
            throw fail("the shape has \(shape.count) dimensions; numpy allows at most \(maximumDimensions)")
        }
        let dims = shape.compactMap { $0 }
        guard dims.count == shape.count else { throw fail("a dimension of shape \(shapeText) does not fit in 64 bits") }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw fail("negative dimension in shape \(shapeText)") }
        // numpy's own limit: the bytes the shape would span, zero dimensions counted as one, must fit in
        // an Int. It also bounds every stride, so nothing computed from the shape later can overflow.
        var span = dtype.itemSize
        for dimension in dims {
            let (product, overflow) = span.multipliedReportingOverflow(by: max(dimension, 1))
            guard !overflow else { throw fail("shape \(dims) of \(dtype) is too large: its size in bytes overflows a 64-bit integer") }
            span = product
        }
        let byteCount = dims.contains(0) ? 0 : span
        return Header(dtype: dtype, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: dims,
                      dataOffset: headerStart + length, byteCount: byteCount)
    }

    /// The dtype a descr string names, as `numpy.dtype` reads it, and whether the data is big-endian; nil
    /// for the strings numpy refuses and for dtypes this package does not have. The C `long` and pointer
    /// codes are 64-bit, as on every platform this package runs on.
    static func dtype(fromDescr descr: String) -> (DType, bigEndian: Bool)? {
        let names: [String: DType] = [
            "bool": .bool, "bool_": .bool, "int8": .int8, "byte": .int8, "int16": .int16, "short": .int16,
            "int32": .int32, "intc": .int32, "int64": .int64, "int": .int64, "int_": .int64, "intp": .int64,
            "long": .int64, "longlong": .int64, "float32": .float32, "single": .float32, "float64": .float64,
            "uint8": .uint8, "ubyte": .uint8, "uint16": .uint16, "ushort": .uint16, "uint32": .uint32, "uintc": .uint32,
            "uint64": .uint64, "uint": .uint64, "uintp": .uint64, "ulong": .uint64, "ulonglong": .uint64,
            "double": .float64, "float": .float64, "complex64": .complex64, "csingle": .complex64,
            "complex128": .complex128, "cdouble": .complex128, "complex": .complex128,
        ]
        if let dtype = names[descr] { return (dtype, false) }
        var rest = Substring(descr)
        var bigEndian = false
        if let order = rest.first, "<>=|".contains(order) {
            bigEndian = order == ">"
            rest = rest.dropFirst()
        }
        guard let code = rest.first else { return nil }
        // numpy reads the size with C's strtol: leading whitespace, a '+', then decimal digits to the end.
        var digits = rest.dropFirst().drop { " \t\n\u{0B}\u{0C}\r".contains($0) }
        let size: Int?
        if rest.count == 1 {
            size = nil
        } else {
            if digits.first == "+" { digits = digits.dropFirst() }
            let significant = digits.drop { $0 == "0" }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), significant.count <= 4 else { return nil }
            size = Int(significant) ?? 0
        }
        let dtype: DType?
        switch (code, size) {
        case ("?", nil), ("b", 1): dtype = .bool
        case ("b", nil), ("i", 1): dtype = .int8
        case ("h", nil), ("i", 2): dtype = .int16
        case ("i", nil), ("i", 4): dtype = .int32
        case ("q", nil), ("l", nil), ("p", nil), ("n", nil), ("i", 8): dtype = .int64
        case ("B", nil), ("u", 1): dtype = .uint8
        case ("H", nil), ("u", 2): dtype = .uint16
        case ("I", nil), ("u", 4): dtype = .uint32
        case ("Q", nil), ("L", nil), ("P", nil), ("N", nil), ("u", 8): dtype = .uint64
        case ("f", nil), ("f", 4): dtype = .float32
        case ("d", nil), ("f", 8): dtype = .float64
        case ("F", nil), ("c", 8): dtype = .complex64
        case ("D", nil), ("c", 16): dtype = .complex128
        default: dtype = nil
        }
        guard let dtype else { return nil }
        return (dtype, bigEndian && dtype.itemSize > 1)
    }

    /// Reverses the bytes of every number in place: each element, or each half of a complex one.
    static func swapBytes(_ pointer: UnsafeMutableRawPointer, byteCount: Int, dtype: DType) {
        let width = dtype.isComplex ? dtype.itemSize / 2 : dtype.itemSize
        for offset in stride(from: 0, to: byteCount, by: width) {
            let p = pointer + offset
            switch width {
            case 2: p.storeBytes(of: p.loadUnaligned(as: UInt16.self).byteSwapped, as: UInt16.self)
            case 4: p.storeBytes(of: p.loadUnaligned(as: UInt32.self).byteSwapped, as: UInt32.self)
            case 8: p.storeBytes(of: p.loadUnaligned(as: UInt64.self).byteSwapped, as: UInt64.self)
            default: break
            }
        }
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
