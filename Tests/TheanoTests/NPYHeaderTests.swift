import ComplexModule
import Foundation
import Testing
@testable import Theano

/// An `.npy` file with `header` as its header text, exactly as given.
func npyFile(_ header: String, data: [UInt8] = [UInt8](repeating: 0, count: 64), version: UInt8 = 1) -> Data {
    let text: [UInt8] = version == 3 ? Array(header.utf8) : header.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    var bytes = NPY.magic + [version, 0]
    let length = UInt32(text.count)
    bytes += (0..<(version == 1 ? 2 : 4)).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    return Data(bytes + text + data)
}

func header(descr: String = "'<f8'", fortran: String = "False", shape: String = "(2,)") -> String {
    "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
}


@Suite struct NPYHeaderTests {
    /// Regression: sizes that overflow crashed the loader (`count * itemSize`, or the strides). numpy
    /// refuses every one of these; so does the reader, before allocating anything.
    @Test(arguments: ["(4294967296, 4294967296)", "(2305843009213693952,)", "(0, 9223372036854775807, 9223372036854775807)",
                      "(0, 1152921504606846976)", "(9223372036854775808,)", "(99999999999999999999,)"])
    func shapesWhoseSizeOverflowsAreRefused(_ shape: String) {
        let message = refusal { try NPY.decode(npyFile(header(shape: shape)), source: "big.npy") }
        #expect(message.contains("NPY.decode(big.npy)"), "\(message)")
        #expect(message.contains("too large") || message.contains("64 bits"), "\(message)")
    }

    /// numpy's limit counts a zero dimension as one: an empty array may have a huge other dimension
    /// as long as its span in bytes fits in an Int.
    @Test func anEmptyArrayMayHaveAHugeDimension() throws {
        let a = try NPY.decode(npyFile(header(descr: "'<i1'", shape: "(0, 9223372036854775807)")))
        #expect(a.shape == [0, Int.max] && a.count == 0)
    }

    /// Regression: a `)` before the `(` in the shape crashed the loader (a reversed range).
    @Test(arguments: [")3, 4(", ")(", "3, 4)", "(3, 4"])
    func malformedShapesAreRefused(_ shape: String) {
        let message = refusal { try NPY.decode(npyFile(header(shape: shape))) }
        #expect(message.contains("not a Python literal") || message.contains("shape"), "\(message)")
    }

    /// What numpy's `read_array` refuses, each checked against numpy 2.4: the header must be a Python
    /// dict literal with exactly the keys descr, fortran_order and shape, of the right types.
    static let refusedHeaders: [(header: String, reason: String)] = [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "keys"),
        ("{'descr': '<f8', 'shape': (2,)}", "keys"),
        ("['descr', 'fortran_order', 'shape']", "not a dictionary"),
        (header(fortran: "0"), "'fortran_order' is not True or False"),
        (header(fortran: "'False'"), "'fortran_order' is not True or False"),
        (header(shape: "(2)"), "'shape' is not a tuple"),
        (header(shape: "[2]"), "'shape' is not a tuple"),
        (header(shape: "(2.0,)"), "'shape' is not a tuple"),
        (header(shape: "(True, 2)"), "'shape' is not a tuple"),
        (header(shape: "(-1, 2)"), "negative"),
        (header(shape: "(02,)"), "not a Python literal"),
        (header(shape: "(1_,)"), "not a Python literal"),
        (header(shape: "(2,),,"), "not a Python literal"),
        (header(shape: "(2,)[0:1]"), "not a Python literal"),
        (header(shape: "(1,)*2"), "not a Python literal"),
        (header(shape: "(--2,)"), "not a Python literal"),
        (header(descr: "f'<f8'"), "not a Python literal"),
        (header(descr: "b'<f8'"), "not a dtype string"),
        (header(descr: "('<f8', (2,))"), "not a dtype string"),
        (header(descr: "'<float64'"), "unsupported dtype"),
        (header(descr: "'<u3'"), "unsupported dtype"),
        (header(descr: "'<f2'"), "unsupported dtype"),
        (header(descr: "'i8 '"), "unsupported dtype"),
        (header() + "\n  x", "not a Python literal"),
        (header() + "\n   ", "indent"),
        ("\n  " + header(), "indent"),
        (header() + ";", "not a Python literal"),
        (header() + "\\", "not a Python literal"),
        (header().replacingOccurrences(of: ", }", with: ",\0 }"), "NUL"),
        (header(shape: "(" + String(repeating: "1,", count: 65) + ")"), "at most 64"),
        (header(shape: String(repeating: "(", count: 300) + "2," + String(repeating: ")", count: 300)), "nested"),
        (header() + String(repeating: " ", count: 10_000), "10000"),
    ]

    @Test(arguments: refusedHeaders)
    func headersNumpyRefusesAreRefused(_ text: String, _ reason: String) {
        let message = refusal { try NPY.decode(npyFile(text), source: "bad.npy") }
        #expect(message.contains(reason), "\(text.debugDescription): \(message)")
    }

    /// What numpy reads though `np.save` never writes it: any Python literal syntax for the same dict.
    static let acceptedHeaders: [String] = [
        "{'descr': '<f' '8', 'fortran_order': False, 'shape': (0x2,), }",
        "{\"descr\": \"\\x3cf8\", \"fortran_order\": False, \"shape\": (+2,)}",
        "{'descr': r'<f8', 'fortran_order': (False), 'shape': ((2,)), }  # a comment",
        "{'descr': u'''<f8''', 'fortran_order': False, 'shape': (0b10 ,) }\r\n",
        "#c\n{'descr': '<\\u0066\\U00000038', 'fortran_order': False,\n 'shape': (2,), }\n\n  \n",
        "  {('descr'): '<f\\\n8', 'fortran_order': False, 'shape': (0o2,), 'descr': '<f8'}",
        "\u{0C}{'descr': 'float64', 'fortran_order': False, 'shape': (2,), } \\\n  ",
        "{'descr': 'd', 'fortran_order': False, 'shape': (2,), }",
        "{'descr': '|f 8', 'fortran_order': False, 'shape': (2,), }",
    ]

    @Test(arguments: acceptedHeaders)
    func headersNumpyAcceptsAreRead(_ text: String) throws {
        let a = try NPY.decode(npyFile(text, data: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0]))
        #expect(a.dtype == .float64 && a.shape == [2] && a.doubles == [1, -2])
    }

    /// Python 2 wrote `2L`; numpy strips the suffix in version 1.0 and 2.0 headers, not in 3.0.
    @Test func longSuffixesAreReadInVersionsBefore3() throws {
        let text = header(shape: "(2L, 3 L)")
        #expect(try NPY.decode(npyFile(text, data: [UInt8](repeating: 0, count: 48))).shape == [2, 3])
        #expect(try NPY.decode(npyFile(text, data: [UInt8](repeating: 0, count: 48), version: 2)).shape == [2, 3])
        #expect(refusal { try NPY.decode(npyFile(text, data: [UInt8](repeating: 0, count: 48), version: 3)) }.contains("not a Python literal"))
    }

    /// The version must be 1.0, 2.0 or 3.0: numpy refuses a minor version other than 0.
    @Test(arguments: [(UInt8(1), UInt8(1)), (2, 5), (4, 0), (0, 0)])
    func onlyVersions1To3Point0AreRead(_ major: UInt8, _ minor: UInt8) {
        var file = [UInt8](npyFile(header()))
        (file[6], file[7]) = (major, minor)
        #expect(refusal { try NPY.decode(Data(file)) }.contains("unsupported format version \(major).\(minor)"))
    }

    /// A version 3.0 header is UTF-8; one that is not valid UTF-8 is refused.
    @Test func aVersion3HeaderMustBeUTF8() {
        var file = [UInt8](npyFile(header(), version: 3))
        file[20] = 0xFF
        #expect(refusal { try NPY.decode(Data(file)) }.contains("not valid UTF-8"))
    }

    /// descr strings as `numpy.dtype` reads them; nil where numpy refuses or the dtype is one we lack.
    @Test func dtypeStringsFollowNumpy() {
        let cases: [(String, DType?, Bool)] = [
            ("|b1", .bool, false), ("?", .bool, false), ("b1", .bool, false), ("b", .int8, false), ("|i1", .int8, false),
            ("<i2", .int16, false), ("h", .int16, false), ("i", .int32, false), ("<i4", .int32, false), ("=i8", .int64, false),
            ("l", .int64, false), ("q", .int64, false), ("f", .float32, false), ("<f4", .float32, false), ("d", .float64, false),
            (">f8", .float64, true), ("<c8", .complex64, false), ("F", .complex64, false), (">c16", .complex128, true),
            ("D", .complex128, false), ("float32", .float32, false), ("int", .int64, false), ("complex", .complex128, false),
            (">i1", .int8, false), (">b1", .bool, false), ("f08", .float64, false), ("i +8", .int64, false), ("|f\t8", .float64, false),
            ("u1", .uint8, false), ("|u1", .uint8, false), ("<u2", .uint16, false), ("H", .uint16, false), ("I", .uint32, false),
            (">u8", .uint64, true), ("Q", .uint64, false), ("uint8", .uint8, false), ("uint", .uint64, false), ("u3", nil, false),
            ("<f2", nil, false), ("<f16", nil, false), ("c", nil, false), ("S3", nil, false), ("O", nil, false),
            ("<float64", nil, false), ("f8 ", nil, false), (" f8", nil, false), ("<<f8", nil, false), ("?1", nil, false),
            ("i-8", nil, false), ("<h2", nil, false), ("", nil, false), ("<", nil, false), ("i99999999999999999999", nil, false),
        ]
        for (descr, dtype, bigEndian) in cases {
            let parsed = NPY.dtype(fromDescr: descr)
            #expect(parsed?.0 == dtype && (parsed?.bigEndian ?? false) == bigEndian, "\(descr.debugDescription) gave \(String(describing: parsed))")
        }
    }

    /// numpy reads any nonzero byte of a bool array as True. A Swift Bool must be 0 or 1, so those bytes
    /// become 1: the values numpy computes with (`a.tolist()`, `a.astype(int)`, `a == True`).
    @Test func boolBytesOtherThanZeroAndOneReadAsTrue() throws {
        let a = try NPY.decode(npyFile(header(descr: "'|b1'", shape: "(4,)"), data: [0, 1, 2, 0xFF]))
        #expect(a.scalars(as: Bool.self) == [false, true, true, true])
        #expect(Array(NPY.encode(a).suffix(4)) == [0, 1, 1, 1])
        #expect(a.astype(.int8).scalars(as: Int8.self) == [0, 1, 1, 1])
    }

    @Test func bigEndianDataIsSwapped() throws {
        let ints = try NPY.decode(npyFile(header(descr: "'>i4'"), data: [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE]))
        #expect(ints.scalars(as: Int32.self) == [1, -2])
        let complex = try NPY.decode(npyFile(header(descr: "'>c8'", shape: "(1,)"), data: [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0]))
        #expect(complex.scalars(as: Complex<Float>.self) == [Complex(1, -2)])
    }

    @Test func fortranOrderIsReadInLogicalOrder() throws {
        let data = [1.0, 2, 3, 4, 5, 6].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let a = try NPY.decode(npyFile(header(fortran: "True", shape: "(2, 3)"), data: data))
        #expect(a.shape == [2, 3] && a.doubles == [1, 3, 5, 2, 4, 6])
    }

    /// numpy ignores bytes after the data; so does the reader.
    @Test func bytesAfterTheDataAreIgnored() throws {
        #expect(try NPY.decode(npyFile(header(shape: "(1,)"), data: [UInt8](repeating: 0, count: 100))).shape == [1])
    }
}
