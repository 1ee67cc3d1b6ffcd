import Foundation
import Theano

/// The fuzz target of the file readers: every input is read as `.npy`, `.npz` and gzip, and each read
/// must give a value or throw `TheanoError`. Anything else (a trap, another error, a hang, a sanitizer
/// report) is a bug.
///
/// Built with libFuzzer (`Scripts/fuzz-io.sh`, which passes `-D FUZZING`), libFuzzer's `main` drives it.
/// Built plainly (`swift build`), it reads the files named on the command line and prints what
/// each reader made of them (with `--contents`, every value too): the way to replay a crash the fuzzer
/// saved.
func readEverything(_ data: Data, contents: Bool = false) -> [String] {
    var outcomes: [String] = []
    func attempt(_ reader: String, _ read: () throws -> String) {
        do {
            outcomes.append("\(reader): \(try read())")
        } catch let error as TheanoError {
            outcomes.append("\(reader): error: \(error.message)")
        } catch {
            fatalError("\(reader) threw \(type(of: error)), not TheanoError: \(error)")
        }
    }
    /// The dtype and shape, and with `contents` the data in C order, little-endian, as hex.
    func describe(_ array: NDArray) -> String {
        guard contents else { return "\(array.dtype) \(array.shape)" }
        let bytes = NPY.encode(array).suffix(array.count * array.dtype.itemSize)
        return "\(array.dtype) \(array.shape) " + bytes.map { String(format: "%02x", $0) }.joined()
    }
    attempt("npy") { describe(try NPY.decode(data)) }
    attempt("npz") {
        try NPZ.decode(data).sorted { $0.key < $1.key }.map { "\($0.key): \(describe($0.value))" }.joined(separator: ", ")
    }
    attempt("gzip") {
        let inflated = try Gzip.decompress(data)
        return contents ? inflated.map { String(format: "%02x", $0) }.joined() : "\(inflated.count) bytes"
    }
    return outcomes
}

#if FUZZING
/// libFuzzer's entry point: its own `main` calls this once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    _ = readEverything(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
#else
@main
enum FuzzIO {
    static func main() {
        // --contents prints every value, for comparing with numpy (Scripts/compare-io-with-numpy.py).
        let contents = CommandLine.arguments.dropFirst().first == "--contents"
        for path in CommandLine.arguments.dropFirst(contents ? 2 : 1) {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot be read")
                continue
            }
            print(path)
            for outcome in readEverything(data, contents: contents) { print("  \(outcome)") }
        }
    }
}
#endif
