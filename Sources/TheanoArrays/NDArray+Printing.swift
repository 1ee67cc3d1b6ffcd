import ComplexModule
import Foundation

/// numpy's `str` layout: `4.0`, `[19.94 20.09 19.99 20.14]`, `[[11.  0.]\n [35. 20.]]`.
extension NDArray: CustomStringConvertible {
    public var description: String {
        if ndim == 0 { return NumpyFormat.scalar(self) }
        let cells = NumpyFormat.cells(self)
        let width = cells.map(\.count).max() ?? 0
        let padded = cells.map { String(repeating: " ", count: width - $0.count) + $0 }
        var position = 0
        return NumpyFormat.nest(shape: shape, cells: padded, position: &position, indent: 1, summarise: count > 1000)
    }
}

extension NDArray: CustomDebugStringConvertible {
    /// numpy's `repr` shape: `array([1., 2.])` with the dtype when it is not the default.
    public var debugDescription: String {
        let body = description.replacingOccurrences(of: "\n", with: "\n      ")
        let showDType = !(dtype == .float64 || dtype == .int64 || dtype == .bool)
        return "array(\(body)\(showDType ? ", dtype=\(dtype)" : ""))"
    }
}

package enum NumpyFormat {
    package static let precision = 8
    package static let lineWidth = 75
    package static let edgeItems = 3

    package static func scalar(_ a: NDArray) -> String {
        switch a.dtype {
        case .bool: return a.item(as: Bool.self) ? "True" : "False"
        case .float32: return shortest(a.item(as: Float.self))
        case .float64: return shortest(a.item(as: Double.self))
        case .complex64, .complex128:
            let z = a.scalars(as: Complex<Double>.self)[0]
            return "(\(shortest(z.real))\(z.imaginary < 0 || (z.imaginary == 0 && z.imaginary.sign == .minus) ? "-" : "+")\(shortest(abs(z.imaginary)))j)"
        case .uint64: return String(a.item(as: UInt64.self))
        default: return String(a.item(as: Int64.self))
        }
    }

    /// Python's float repr: shortest round-trip digits, `.0` for whole numbers.
    package static func shortest<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        var s = x.description
        if s.hasSuffix(".0") && s.count > 17 { s = String(s.dropLast(2)) } // large values print in full
        if let e = s.firstIndex(of: "e") {
            // Python writes 1e-05, Swift 1e-05 too; make the mantissa plain.
            let mantissa = String(s[..<e]).replacingOccurrences(of: ".0", with: "")
            var exponent = String(s[s.index(after: e)...])
            let sign = exponent.hasPrefix("-") ? "-" : "+"
            exponent = String(exponent.drop { $0 == "-" || $0 == "+" })
            if exponent.count < 2 { exponent = "0" + exponent }
            return "\(mantissa)e\(sign)\(exponent)"
        }
        return s
    }

    /// The element strings, row-major, before padding.
    package static func cells(_ a: NDArray) -> [String] {
        switch a.dtype {
        case .bool: return a.scalars(as: Bool.self).map { $0 ? "True" : "False" }
        case .int8, .int16, .int32, .int64: return a.scalars(as: Int64.self).map { String($0) }
        case .uint8, .uint16, .uint32, .uint64: return a.scalars(as: UInt64.self).map { String($0) }
        case .float32, .float64: return floatCells(a.doubles, isFloat32: a.dtype == .float32)
        case .complex64, .complex128:
            let values = a.scalars(as: Complex<Double>.self)
            let re = floatCells(values.map(\.real), isFloat32: a.dtype == .complex64)
            let im = floatCells(values.map { abs($0.imaginary) }, isFloat32: a.dtype == .complex64)
            return zip(values, zip(re, im)).map { v, parts in
                let sign = v.imaginary < 0 ? "-" : "+"
                return parts.0 + sign + parts.1.trimmingPrefix(" ") + "j"
            }
        }
    }

    /// numpy's "maxprec" float mode: at most 8 fraction digits, trailing zeros dropped, fractions left-aligned.
    package static func floatCells(_ values: [Double], isFloat32: Bool) -> [String] {
        let finite = values.filter { $0.isFinite && $0 != 0 }.map(abs)
        let useExponent = (finite.max() ?? 0) >= 1e16 || (finite.min() ?? 1) < 1e-4
        if useExponent {
            return values.map { v in
                guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
                var digits = String(format: "%.8e", v)
                // Trim trailing zeros in the mantissa as numpy does, keeping at least one digit.
                if let e = digits.firstIndex(of: "e") {
                    var mantissa = String(digits[..<e])
                    while mantissa.hasSuffix("0") { mantissa.removeLast() }
                    digits = mantissa + digits[e...]
                }
                return digits
            }
        }
        let parts: [(String, String)] = values.map { v in
            guard v.isFinite else { return (v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf"), "") }
            var text = isFloat32 ? Float(v).description : v.description
            if text.contains("e") || (text.split(separator: ".").last?.count ?? 0) > precision {
                text = String(format: "%.\(precision)f", v)
                while text.hasSuffix("0") { text.removeLast() }
            }
            if text.hasSuffix(".0") { text.removeLast() }
            let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
            return (String(pieces[0]) + ".", pieces.count > 1 ? String(pieces[1]) : "")
        }
        let fraction = parts.map { $0.1.count }.max() ?? 0
        return parts.map { whole, frac in
            if whole.hasSuffix("inf") || whole == "nan" { return whole }
            return whole + frac + String(repeating: " ", count: fraction - frac.count)
        }
    }

    /// Nests padded cells in brackets, one row per line, wrapping long rows at numpy's line width.
    package static func nest(shape: [Int], cells: [String], position: inout Int, indent: Int, summarise: Bool) -> String {
        let n = shape[0]
        let show: [Int?] = summarise && n > 2 * edgeItems
            ? Array(0..<edgeItems).map { $0 } + [nil] + Array((n - edgeItems)..<n).map { $0 }
            : Array(0..<n).map { $0 }
        let blockSize = shape.dropFirst().reduce(1, *)
        let start = position
        if shape.count == 1 {
            var line = "[", lines: [String] = []
            for (k, i) in show.enumerated() {
                let cell = i.map { cells[start + $0] } ?? "..."
                let piece = (k == 0 ? "" : " ") + cell
                if line.count + piece.count + 1 > lineWidth && k > 0 {
                    lines.append(line)
                    line = String(repeating: " ", count: indent) + cell
                } else {
                    line += piece
                }
            }
            position = start + n
            lines.append(line + "]")
            return lines.joined(separator: "\n")
        }
        var blocks: [String] = []
        for i in show {
            guard let i else { blocks.append("..."); continue }
            var inner = start + i * blockSize
            blocks.append(nest(shape: Array(shape.dropFirst()), cells: cells, position: &inner, indent: indent + 1, summarise: summarise))
        }
        position = start + n * blockSize
        let separator = "\n" + String(repeating: "\n", count: shape.count - 2) + String(repeating: " ", count: indent)
        return "[" + blocks.joined(separator: separator) + "]"
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
