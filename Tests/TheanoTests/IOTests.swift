import Foundation
import Testing
@testable import Theano

@Suite struct NPYTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theano-io-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    @Test(arguments: [DType.bool, .int8, .int16, .int32, .int64, .float32, .float64, .complex64, .complex128])
    func roundTripsEveryDType(_ dtype: DType) throws {
        let a = NDArray([[1, 0, 3], [4, 5, 0]], dtype: dtype)
        let path = directory + "/a.npy"
        try save(a, to: path)
        #expect(try load(path) == a)
    }

    @Test func headerIsAlignedAndReadableByNumpy() {
        let data = NPY.encode(NDArray([1.0, 2.0, 3.0]))
        let header = String(decoding: data[10..<(10 + Int(data[8]))], as: UTF8.self)
        #expect(header.contains("'descr': '<f8'"))
        #expect(header.contains("'shape': (3,)"))
        #expect((10 + Int(data[8])) % 64 == 0)
    }

    @Test func transposedViewsAreWrittenInLogicalOrder() throws {
        let a = NDArray([[1.0, 2.0], [3.0, 4.0]]).T
        #expect(try NPY.decode(NPY.encode(a)).doubles == [1, 3, 2, 4])
    }

    @Test func badFilesThrowClearErrors() throws {
        #expect(throws: TheanoError.self) { try NPY.decode(Data([1, 2, 3])) }
        var truncated = NPY.encode(NDArray([1.0, 2.0, 3.0]))
        truncated.removeLast(8)
        let error = try #require(throws: TheanoError.self) { try NPY.decode(truncated) }
        #expect(error.message.contains("truncated data"))
        #expect(throws: TheanoError.self) { try load(directory + "/missing.npy") }
    }

    @Test func headersWithImpossibleShapesAreErrors() throws {
        func file(shape: String) -> Data {
            var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
            header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            let length = header.utf8.count
            return Data(NPY.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + [UInt8](repeating: 0, count: 8))
        }
        let overflow = try #require(throws: TheanoError.self) { try NPY.decode(file(shape: "(4294967296, 4294967296)"), source: "big.npy") }
        #expect(overflow.message.contains("NPY.decode(big.npy): shape [4294967296, 4294967296]") && overflow.message.contains("too large"), "\(overflow)")
        let truncated = try #require(throws: TheanoError.self) { try NPY.decode(file(shape: "(1099511627776,)")) }
        #expect(truncated.message.contains("truncated data"), "\(truncated)")
        #expect(try NPY.decode(file(shape: "(1,)")).doubles == [0])
    }

    @Test func npzRoundTrip() throws {
        let path = directory + "/params.npz"
        let arrays = ["W": NDArray([[0.5, -1.0]], dtype: .float32), "b": NDArray([1, 2, 3])]
        try NPZ.save(arrays, to: path)
        let back = try NPZ.load(path)
        #expect(back == arrays)
        try NPZ.save(arrays, to: path, compressed: true)
        #expect(try NPZ.load(path) == arrays)
    }

    @Test func npzRejectsNonArchives() throws {
        let path = directory + "/junk.npz"
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TheanoError.self) { try NPZ.load(path) }
    }
}

@Suite struct DigitsDataTests {
    @Test func loadsTheBundledDataSet() throws {
        let digits = try Digits.load()
        #expect(digits.count == 1797)
        #expect(digits.images.shape == [1797, 64])
        let pixels = digits.images.doubles
        #expect(pixels.min()! == 0 && pixels.max()! == 1)
        #expect(Set(digits.labels.scalars(as: Int64.self)) == Set(0...9))
        let (train, test) = digits.split(testFraction: 0.2, seed: 1)
        #expect(train.count + test.count == 1797 && test.count == 359)
    }

    @Test func corruptGzipIsAClearError() throws {
        let error = try #require(throws: TheanoError.self) { try Gzip.decompress(Data([0x1F, 0x8B, 8, 0] + [UInt8](repeating: 7, count: 30))) }
        #expect(error.kind == .io)
        #expect(throws: TheanoError.self) { try Digits.load(path: "/nonexistent/digits.csv.gz") }
    }
}
