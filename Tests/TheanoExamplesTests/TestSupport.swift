import Foundation
import Testing
import ZIPFoundation

/// A decoded PNG (8-bit greyscale, RGB or RGBA, not interlaced: what rsvg-convert and Chromium write),
/// so a test can look at the pixels of a picture it rendered.
struct PNGImage {
    let width: Int
    let height: Int
    /// Red, green, blue per pixel, row by row.
    let rgb: [UInt8]

    init(contentsOf path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure("not a PNG file") }
        func u32(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var position = 8, idat: [UInt8] = []
        var (width, height, depth, colorType, interlace) = (0, 0, 0, 0, 0)
        while position + 8 <= bytes.count {
            let length = u32(position), kind = String(decoding: bytes[position + 4..<position + 8], as: UTF8.self)
            let data = position + 8
            if kind == "IHDR" {
                (width, height, depth, colorType, interlace) = (u32(data), u32(data + 4), Int(bytes[data + 8]), Int(bytes[data + 9]), Int(bytes[data + 12]))
            } else if kind == "IDAT" {
                idat += bytes[data..<data + length]
            }
            position = data + length + 4
        }
        let channels = [0: 1, 2: 3, 6: 4][colorType] ?? 0
        guard depth == 8, channels > 0, interlace == 0, idat.count > 6 else {
            throw Failure("unsupported PNG: depth \(depth), colour type \(colorType), interlace \(interlace)")
        }
        // A zlib stream: two header bytes, raw deflate, four bytes of Adler-32.
        let deflated = Data(idat[2..<(idat.count - 4)])
        var raw = Data()
        _ = try Data.decompress(size: Int64(deflated.count), bufferSize: 1 << 16, skipCRC32: true, provider: { offset, size in
            deflated.subdata(in: Int(offset)..<min(Int(offset) + size, deflated.count))
        }, consumer: { raw.append($0) })
        let stride = width * channels
        let input = [UInt8](raw)
        guard input.count >= height * (stride + 1) else { throw Failure("truncated image data") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = input[y * (stride + 1)], row = y * (stride + 1) + 1
            for x in 0..<stride {
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                pixels[y * stride + x] = UInt8((Int(input[row + x]) + predictor) & 0xFF)
            }
        }
        var rgb = [UInt8]()
        rgb.reserveCapacity(width * height * 3)
        for i in 0..<(width * height) {
            let p = i * channels
            if channels == 1 {
                rgb += [pixels[p], pixels[p], pixels[p]]
            } else {
                // Transparent pixels show as white, as on a page.
                let alpha = channels == 4 ? Int(pixels[p + 3]) : 255
                for k in 0..<3 { rgb.append(UInt8((Int(pixels[p + k]) * alpha + 255 * (255 - alpha)) / 255)) }
            }
        }
        (self.width, self.height, self.rgb) = (width, height, rgb)
    }

    /// The share of pixels that are not (nearly) white.
    var inkedFraction: Double {
        var inked = 0
        for i in stride(from: 0, to: rgb.count, by: 3) where min(rgb[i], rgb[i + 1], rgb[i + 2]) < 235 { inked += 1 }
        return Double(inked) / Double(max(width * height, 1))
    }

    /// Whether some pixel is within `tolerance` of the colour `(r, g, b)`.
    func contains(_ r: Int, _ g: Int, _ b: Int, tolerance: Int = 24) -> Bool {
        stride(from: 0, to: rgb.count, by: 3).contains { i in
            abs(Int(rgb[i]) - r) <= tolerance && abs(Int(rgb[i + 1]) - g) <= tolerance && abs(Int(rgb[i + 2]) - b) <= tolerance
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Programs the tests use when the machine has them: found on PATH, run without a shell.
enum Tool {
    static func find(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` and returns its exit status and standard output; standard error is dropped.
    /// Killed after `timeout` seconds.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Whether python3 with numpy is here.
    static var numpyPython: String? {
        guard let python = find("python3"), let result = try? run(python, ["-c", "import numpy"]), result.status == 0 else { return nil }
        return python
    }
}

/// A fresh directory under the temporary directory, for one test.
func temporaryDirectory(_ label: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("theano-\(label.filter(\.isLetter))-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
