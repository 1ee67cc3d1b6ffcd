/// A Python literal as `ast.literal_eval` reads it: what an `.npy` header is (a dict literal).
///
/// The parser accepts the Python 3 syntax numpy's reader accepts: single, double and triple quotes,
/// the `r`/`u` prefixes, escapes, implicit concatenation of adjacent strings, integers in every base
/// with `_` separators, a sign before a number, parentheses, trailing commas, comments, line
/// continuations and newlines inside brackets. It refuses what `literal_eval` refuses (names,
/// operators, calls, f-strings) and, for simplicity, the one thing that only a hand-written header
/// could use: `\N{...}` escapes by character name.
indirect enum PythonLiteral: Equatable {
    case string(String)
    /// An integer; nil when it does not fit in 64 bits (numpy fails on those too).
    case integer(Int?)
    case bool(Bool)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([Pair])
    /// A literal no header field can hold (None, a float, a complex, a bytes string, a set), by name.
    case other(String)

    struct Pair: Equatable {
        let key: PythonLiteral
        let value: PythonLiteral
    }

    /// How numpy would write it back, for error messages.
    var description: String {
        switch self {
        case .string(let text): return "'\(text)'"
        case .integer(let value): return value.map(String.init) ?? "an integer beyond 64 bits"
        case .bool(let value): return value ? "True" : "False"
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dict(let pairs): return "{" + pairs.map { "\($0.key.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        case .other(let what): return what
        }
    }

    struct SyntaxError: Error { let reason: String }

    /// Parses `text` as one literal. `longSuffixes` accepts Python 2's `3L` integers, as numpy does in
    /// headers of format versions 1.0 and 2.0.
    static func parse(_ text: String, longSuffixes: Bool = false) throws(SyntaxError) -> PythonLiteral {
        var parser = Parser(Array(text.unicodeScalars), longSuffixes: longSuffixes)
        return try parser.parseWhole()
    }
}

private struct Parser {
    let text: [Unicode.Scalar]
    let longSuffixes: Bool
    var position = 0
    /// Brackets open at `position`: inside them newlines are whitespace.
    var depth = 0
    /// Python's parser stops at this nesting; so does this one, so deep nesting cannot exhaust the stack.
    static let maximumDepth = 200

    init(_ text: [Unicode.Scalar], longSuffixes: Bool) {
        self.text = text
        self.longSuffixes = longSuffixes
    }

    typealias SyntaxError = PythonLiteral.SyntaxError

    var current: Unicode.Scalar? { position < text.count ? text[position] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { position + offset < text.count ? text[position + offset] : nil }

    func error(_ reason: String) -> SyntaxError { SyntaxError(reason: "\(reason) at character \(position + 1)") }

    static func isNewline(_ c: Unicode.Scalar?) -> Bool { c == "\n" || c == "\r" }

    // MARK: - Layout

    /// The whole text: blank lines, one literal on the first line that is not blank (not indented), and
    /// nothing after its line but blank lines and comments.
    mutating func parseWhole() throws(SyntaxError) -> PythonLiteral {
        if text.contains("\0") { throw error("a NUL character (Python source cannot hold one)") }
        // `literal_eval` strips leading spaces and tabs; then come blank lines, then the literal's line.
        while current == " " || current == "\t" { position += 1 }
        var indent = 0
        while let c = current {
            if c == " " || c == "\t" { indent += 1; position += 1 }
            else if c == "\u{0C}" { indent = 0; position += 1 } // a form feed resets the column, as in Python
            else if c == "#" { skipComment() }
            else if Self.isNewline(c) { consumeNewline(); indent = 0 }
            else { break }
        }
        guard current != nil else { throw error("no literal") }
        if indent > 0 { throw error("unexpected indent") }
        let value = try parseValue()
        // The rest of the literal's line, then blank lines.
        skipInlineSpace()
        if current != nil && !Self.isNewline(current) { throw error("unexpected '\(current!)' after the literal") }
        // Python counts a last line of only spaces, with no line break after it, as an indented line.
        var column = 0
        while let c = current {
            if Self.isNewline(c) { consumeNewline(); column = 0; continue }
            if c == " " || c == "\t" { column += 1 }
            else if c == "\u{0C}" { column = 0 }
            else if c == "#" { skipComment(); column = 0; continue }
            else { throw error("unexpected '\(c)' after the literal") }
            position += 1
        }
        if column > 0 { throw error("unexpected indent on the last line") }
        return value
    }

    mutating func skipComment() {
        while let c = current, !Self.isNewline(c) { position += 1 }
    }

    mutating func consumeNewline() {
        if current == "\r" && peek(1) == "\n" { position += 2 } else { position += 1 }
    }

    /// Spaces, tabs, form feeds, comments and backslash continuations; and newlines inside brackets.
    mutating func skipSpace() {
        if depth == 0 { skipInlineSpace(); return }
        while let c = current {
            if c == " " || c == "\t" || c == "\u{0C}" || Self.isNewline(c) { position += 1 }
            else if c == "#" { skipComment() }
            else if c == "\\" && Self.isNewline(peek(1)) { position += 1; consumeNewline() }
            else { return }
        }
    }

    /// Whitespace that does not end a logical line.
    mutating func skipInlineSpace() {
        while let c = current {
            if c == " " || c == "\t" || c == "\u{0C}" { position += 1 }
            else if c == "#" { skipComment() }
            // A continuation joins the next line, which must exist (Python fails at end of input).
            else if c == "\\" && Self.isNewline(peek(1)) && position + 2 < text.count
                        && !(peek(1) == "\r" && peek(2) == "\n" && position + 3 == text.count) {
                position += 1
                consumeNewline()
            }
            else { return }
        }
    }

    // MARK: - Values

    mutating func parseValue() throws(SyntaxError) -> PythonLiteral {
        try parseSignedValue().value
    }

    /// One value, and whether it began with `+` or `-` (Python allows one sign, on a number).
    mutating func parseSignedValue() throws(SyntaxError) -> (value: PythonLiteral, signed: Bool) {
        skipSpace()
        guard let c = current else { throw error("unexpected end of the header") }
        switch c {
        case "+", "-":
            position += 1
            skipSpace()
            let operand = try parseSignedValue()
            if operand.signed { throw error("more than one sign") }
            switch operand.value {
            case .integer(let value): return (.integer(c == "-" ? value.map { 0 - $0 } : value), true)
            case .other("a float"), .other("a complex number"): return (operand.value, true)
            default: throw error("a sign before \(operand.value.description), which is not a number")
            }
        case "(":
            let (items, trailingComma) = try parseSequence(closing: ")")
            // `(x)` is x itself; `(x,)` and `()` are tuples.
            if items.count == 1 && !trailingComma { return (items[0].value, items[0].signed) }
            return (.tuple(items.map(\.value)), false)
        case "[":
            return (.list(try parseSequence(closing: "]").items.map(\.value)), false)
        case "{":
            return (try parseBraces(), false)
        case "'", "\"":
            return (try parseStrings(), false)
        case "0"..."9", ".":
            return (try parseNumber(), false)
        default:
            if c.properties.isXIDStart || c == "_" { return (try parseName(), false) }
            throw error("unexpected '\(c)'")
        }
    }

    mutating func open() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("too many nested brackets") }
        position += 1
    }

    /// `( a, b, )` or `[ a, b ]`: the items and whether a comma ended them.
    mutating func parseSequence(closing: Unicode.Scalar) throws(SyntaxError) -> (items: [(value: PythonLiteral, signed: Bool)], trailingComma: Bool) {
        try open()
        var items: [(value: PythonLiteral, signed: Bool)] = []
        var trailingComma = false
        while true {
            skipSpace()
            if current == closing { break }
            items.append(try parseSignedValue())
            skipSpace()
            trailingComma = current == ","
            if trailingComma { position += 1 } else if current != closing { throw error("expected ',' or '\(closing)'") }
        }
        position += 1
        depth -= 1
        return (items, trailingComma)
    }

    /// `{k: v, ...}` (a dict) or `{a, b}` (a set).
    mutating func parseBraces() throws(SyntaxError) -> PythonLiteral {
        try open()
        var pairs: [PythonLiteral.Pair] = []
        var isSet = false
        while true {
            skipSpace()
            if current == "}" { break }
            if current == "*" { throw error("unpacking is not a literal") }
            let key = try parseValue()
            skipSpace()
            if current == ":" && !isSet {
                position += 1
                pairs.append(.init(key: key, value: try parseValue()))
            } else if pairs.isEmpty {
                isSet = true
            } else {
                throw error("expected ':' after a dict key")
            }
            skipSpace()
            if current == "," { position += 1 } else if current != "}" { throw error("expected ',' or '}'") }
        }
        position += 1
        depth -= 1
        return isSet ? .other("a set") : .dict(pairs)
    }

    /// A name: True, False, None, or a string prefix. Anything else is not a literal.
    mutating func parseName() throws(SyntaxError) -> PythonLiteral {
        let start = position
        while let c = current, c.properties.isXIDContinue { position += 1 }
        let name = String(String.UnicodeScalarView(text[start..<position]))
        if current == "'" || current == "\"" {
            position = start
            if stringPrefixLength() != nil { return try parseStrings() }
            throw error("the string prefix '\(name)' (f-strings are not literals)")
        }
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .other("None")
        default: throw error("the name '\(name)', which is not a literal")
        }
    }

    // MARK: - Strings

    /// One or more adjacent string literals, joined as Python joins them.
    mutating func parseStrings() throws(SyntaxError) -> PythonLiteral {
        var joined = ""
        var sawBytes = false, sawText = false
        while true {
            let (text, isBytes) = try parseString()
            joined += text
            if isBytes { sawBytes = true } else { sawText = true }
            skipSpace()
            guard let c = current else { break }
            if c == "'" || c == "\"" || stringPrefixLength() != nil { continue } // such as 'a' r'b'
            break
        }
        if sawBytes && sawText { throw error("bytes and text strings cannot be joined") }
        return sawBytes ? .other("a bytes string") : .string(joined)
    }

    /// The length of the string prefix at `position` (`r`, `u`, `b`, `br` or `rb`, any case) when a quote
    /// follows it.
    func stringPrefixLength() -> Int? {
        var length = 0
        while let c = peek(length), c.properties.isXIDContinue { length += 1 }
        guard length > 0, peek(length) == "'" || peek(length) == "\"" else { return nil }
        let prefix = String(String.UnicodeScalarView(text[position..<(position + length)])).lowercased()
        return ["r", "u", "b", "br", "rb"].contains(prefix) ? length : nil
    }

    /// One string literal, with its prefix.
    mutating func parseString() throws(SyntaxError) -> (text: String, isBytes: Bool) {
        var raw = false, isBytes = false
        while let c = current, c != "'" && c != "\"" {
            if c == "r" || c == "R" { raw = true } else if c == "b" || c == "B" { isBytes = true }
            position += 1
        }
        let quote = current!
        let triple = peek(1) == quote && peek(2) == quote
        position += triple ? 3 : 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = current else { throw error("unterminated string") }
            if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                position += triple ? 3 : 1
                return (String(out), isBytes)
            }
            if Self.isNewline(c) && !triple { throw error("a line break inside a single-quoted string") }
            if isBytes && c.value > 0x7F { throw error("a non-ASCII character in a bytes string") }
            position += 1
            guard c == "\\" else { out.append(c); continue }
            guard let e = current else { throw error("unterminated string") }
            if raw {
                // A raw string keeps its backslashes; one still stops the next quote from closing it.
                out.append(c)
                out.append(e)
                position += 1
                continue
            }
            try appendEscape(e, to: &out, isBytes: isBytes)
        }
    }

    /// The escape sequence after a backslash, at `position`.
    mutating func appendEscape(_ e: Unicode.Scalar, to out: inout String.UnicodeScalarView, isBytes: Bool) throws(SyntaxError) {
        let simple: [Unicode.Scalar: Unicode.Scalar] = ["\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}",
                                                       "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}"]
        if let scalar = simple[e] { out.append(scalar); position += 1; return }
        if Self.isNewline(e) { consumeNewline(); return } // a backslash-newline continues the string
        if ("0" as Unicode.Scalar)..."7" ~= e {
            var value: UInt32 = 0, digits = 0
            while digits < 3, let d = current, ("0" as Unicode.Scalar)..."7" ~= d { value = value * 8 + d.value - 48; position += 1; digits += 1 }
            out.append(Unicode.Scalar(value)!) // at most 0o777
            return
        }
        let hexDigits = e == "x" ? 2 : (e == "u" && !isBytes) ? 4 : (e == "U" && !isBytes) ? 8 : 0
        if hexDigits > 0 {
            position += 1
            var value: UInt32 = 0
            for _ in 0..<hexDigits {
                guard let d = current, let digit = Int(String(d), radix: 16) else { throw error("a truncated \\\(e) escape") }
                value = value * 16 + UInt32(digit)
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw error("the \\\(e) escape \(String(value, radix: 16)) is not a character") }
            out.append(scalar)
            return
        }
        if e == "N" && !isBytes { throw error("a \\N{...} escape (not supported in headers)") }
        out.append("\\") // an unknown escape keeps its backslash
        out.append(e)
        position += 1
    }

    // MARK: - Numbers

    /// An integer in any base, or a float or complex number (returned as `.other`, since no header
    /// field holds one).
    mutating func parseNumber() throws(SyntaxError) -> PythonLiteral {
        let start = position
        while let c = current, c.properties.isXIDContinue || c == "." || ((c == "+" || c == "-") && (text[position - 1] == "e" || text[position - 1] == "E") && isDecimalFloatPrefix(start)) {
            position += 1
        }
        var token = String(String.UnicodeScalarView(text[start..<position]))
        // Python 2's long integers, `3L` or `3 L`, which numpy strips from version 1.0 and 2.0 headers.
        if longSuffixes {
            if token.hasSuffix("L") && token.count > 1 && Self.integer(String(token.dropLast())) != nil {
                token.removeLast()
            } else if Self.integer(token) != nil {
                let save = position
                skipSpace()
                if current == "L" && !(peek(1).map { $0.properties.isXIDContinue } ?? false) { position += 1 } else { position = save }
            }
        }
        if let value = Self.integer(token) { return .integer(value) }
        if Self.isFloat(token) { return .other(token.hasSuffix("j") || token.hasSuffix("J") ? "a complex number" : "a float") }
        throw error("the invalid number '\(token)'")
    }

    /// Whether the token so far is a decimal number that an exponent sign can continue.
    func isDecimalFloatPrefix(_ start: Int) -> Bool {
        let token = text[start..<position]
        return !(token.count > 1 && token.first == "0" && "xXoObB".unicodeScalars.contains(token[token.startIndex + 1]))
    }

    /// The value of a Python integer literal (`0`, `12_000`, `0x1F`, `0o17`, `0b101`), nil inside when it
    /// overflows 64 bits; nil when the token is not an integer literal at all.
    static func integer(_ token: String) -> Int?? {
        var digits = Array(token.unicodeScalars)
        var radix = 10
        if digits.count > 1 && digits[0] == "0" {
            switch digits[1] {
            case "x", "X": radix = 16
            case "o", "O": radix = 8
            case "b", "B": radix = 2
            default: break
            }
        }
        if radix != 10 {
            digits.removeFirst(2)
            if digits.first == "_" { digits.removeFirst() } // 0x_1F
        } else if digits.first == "0" && digits.contains(where: { $0 != "0" && $0 != "_" }) {
            return nil // 012 is not a Python 3 literal; 0, 00 and 0_0 are
        }
        // Underscores only between digits.
        guard !digits.isEmpty, digits.first != "_", digits.last != "_" else { return nil }
        var value = 0, overflow = false
        var previousUnderscore = false
        for d in digits {
            if d == "_" {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let digit = Int(String(d), radix: radix) else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            value = sum
        }
        return .some(overflow ? nil : value)
    }

    /// Whether `token` is a Python float or imaginary literal (`1.5`, `.5`, `1e3`, `2j`, `01.5`).
    static func isFloat(_ token: String) -> Bool {
        var rest = Substring(token)
        let imaginary = rest.hasSuffix("j") || rest.hasSuffix("J")
        if imaginary { rest = rest.dropLast() }
        /// Digits with single underscores between them; false when there are none.
        func digitPart() -> Bool {
            guard let first = rest.first, first.isASCII, first.isNumber else { return false }
            while let c = rest.first {
                if c.isASCII && c.isNumber { rest = rest.dropFirst() }
                else if c == "_", let next = rest.dropFirst().first, next.isASCII, next.isNumber { rest = rest.dropFirst() }
                else { break }
            }
            return true
        }
        let whole = digitPart()
        var isFloat = false
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = digitPart()
            guard whole || fraction else { return false }
            isFloat = true
        } else if !whole {
            return false
        }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
            guard digitPart() else { return false }
            isFloat = true
        }
        return rest.isEmpty && (isFloat || imaginary)
    }
}
