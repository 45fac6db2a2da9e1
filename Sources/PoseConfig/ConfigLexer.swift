/// Tokens of the Python subset config files use.
struct Token: Equatable {
    enum Kind: Equatable {
        case name(String)
        case int(Int)
        case float(Double)
        /// A string literal; `isFormat` for f-strings (their text is parsed at evaluation).
        case string(String, isFormat: Bool)
        case op(String)
        case newline
        /// The start and end of an indented block (`for`/`if` bodies), as Python's tokenizer.
        case indent
        case dedent
        case end
    }
    let kind: Kind
    let line: Int
    let column: Int
}

/// Splits config source into tokens. Newlines inside brackets and after a backslash are joined,
/// comments are dropped; statement indentation becomes `indent`/`dedent` tokens, as Python's
/// tokenizer makes them, for the bodies of top-level `for` and `if` blocks.
struct ConfigLexer {
    let file: String
    let chars: [Character]
    var index = 0
    var line = 1
    var column = 1
    var depth = 0
    /// The indentation widths of the open blocks (the module level is 0).
    var indentation = [0]

    init(source: String, file: String) {
        self.file = file
        chars = Array(source)
    }

    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        var atLineStart = true
        while index < chars.count {
            let c = chars[index]
            if c == "#" {
                while index < chars.count && chars[index] != "\n" { advance() }
                continue
            }
            if c == "\\" && peek(1) == "\n" { advance(); advance(); continue }
            if c == "\n" {
                if depth == 0, let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(kind: .newline, line: line, column: column))
                }
                advance()
                atLineStart = true
                continue
            }
            if atLineStart && depth == 0 {
                // a statement's indentation opens or closes blocks; blank and comment lines do neither
                let (l, col) = (line, column)
                var width = 0
                while index < chars.count && (chars[index] == " " || chars[index] == "\t" || chars[index] == "\r") {
                    if chars[index] == " " { width += 1 } else if chars[index] == "\t" { width = (width / 8 + 1) * 8 }
                    advance()
                }
                if index >= chars.count || chars[index] == "\n" || chars[index] == "#" { continue }
                if width > indentation.last! {
                    indentation.append(width)
                    tokens.append(Token(kind: .indent, line: l, column: col))
                } else {
                    while width < indentation.last! {
                        indentation.removeLast()
                        tokens.append(Token(kind: .dedent, line: l, column: col))
                    }
                    guard width == indentation.last! else {
                        throw ConfigError.at(file, l, col, "unindent does not match any outer indentation level")
                    }
                }
                atLineStart = false
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                advance()
                continue
            }
            atLineStart = false
            let (l, col) = (line, column)
            if c.isLetter || c == "_" {
                var name = ""
                while index < chars.count && (chars[index].isLetter || chars[index].isNumber || chars[index] == "_") {
                    name.append(chars[index]); advance()
                }
                let lower = name.lowercased()
                if index < chars.count && (chars[index] == "'" || chars[index] == "\"") && ["f", "r", "rf", "fr", "b", "u"].contains(lower) {
                    let text = try readString(raw: lower.contains("r"))
                    tokens.append(Token(kind: .string(text, isFormat: lower.contains("f")), line: l, column: col))
                } else {
                    tokens.append(Token(kind: .name(name), line: l, column: col))
                }
                continue
            }
            if (c.isASCII && c.isNumber) || (c == "." && (peek(1).map { $0.isASCII && $0.isNumber } ?? false)) {
                tokens.append(Token(kind: try readNumber(), line: l, column: col))
                continue
            }
            if c == "'" || c == "\"" {
                tokens.append(Token(kind: .string(try readString(raw: false), isFormat: false), line: l, column: col))
                continue
            }
            let two = String(c) + String(peek(1) ?? " ")
            if ["//", "**", "==", "!=", "<=", ">="].contains(two) {
                advance(); advance()
                tokens.append(Token(kind: .op(two), line: l, column: col))
                continue
            }
            guard "()[]{},:=+-*/%.<>".contains(c) else {
                throw ConfigError.at(file, l, col, "unexpected character '\(c)'")
            }
            if "([{".contains(c) { depth += 1 }
            if ")]}".contains(c) { depth = max(0, depth - 1) }
            advance()
            tokens.append(Token(kind: .op(String(c)), line: l, column: col))
        }
        if let last = tokens.last, last.kind != .newline && last.kind != .dedent { tokens.append(Token(kind: .newline, line: line, column: column)) }
        for _ in indentation.dropFirst() { tokens.append(Token(kind: .dedent, line: line, column: column)) }
        tokens.append(Token(kind: .end, line: line, column: column))
        return tokens
    }

    private func peek(_ offset: Int) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    /// A number literal as Python reads it: decimal, `0x`/`0o`/`0b` integers, floats; leading
    /// zeros only on zero itself (`08` is a syntax error), integers within 64 bits.
    private mutating func readNumber() throws -> Token.Kind {
        let (l, col) = (line, column)
        var text = ""
        let prefixed = chars[index] == "0" && index + 1 < chars.count && "xXoObB".contains(chars[index + 1])
        if prefixed {
            text.append(chars[index]); advance()
            text.append(chars[index]); advance()
            while index < chars.count && (chars[index].isHexDigit || chars[index] == "_") { text.append(chars[index]); advance() }
        } else {
            while index < chars.count {
                let c = chars[index]
                if c.isASCII && (c.isNumber || c == "." || c == "_") {
                    text.append(c); advance()
                } else if c == "e" || c == "E" {
                    text.append(c); advance()
                    if index < chars.count && (chars[index] == "+" || chars[index] == "-") { text.append(chars[index]); advance() }
                } else {
                    break
                }
            }
        }
        let clean = text.replacingOccurrences(of: "_", with: "")
        if prefixed {
            let radix = ["x": 16, "o": 8, "b": 2][clean.dropFirst().prefix(1).lowercased()]!
            let digits = clean.dropFirst(2)
            guard !digits.isEmpty, !text.hasSuffix("_"), !text.contains("__") else { throw ConfigError.at(file, l, col, "invalid number '\(text)'") }
            guard let v = Int(digits, radix: radix) else {
                if UInt64(digits, radix: radix) != nil || digits.allSatisfy({ $0.isHexDigit && Int(String($0), radix: radix) != nil }) {
                    throw ConfigError.at(file, l, col, "integer '\(text)' does not fit in 64 bits (config integers are 64-bit)")
                }
                throw ConfigError.at(file, l, col, "invalid number '\(text)'")
            }
            return .int(v)
        }
        guard !text.hasSuffix("_"), !text.contains("__"), !text.contains("_."), !text.contains("._") else {
            throw ConfigError.at(file, l, col, "invalid number '\(text)'")
        }
        let isInteger = !clean.contains(".") && !clean.contains("e") && !clean.contains("E")
        if isInteger {
            if clean.count > 1 && clean.hasPrefix("0") && clean.contains(where: { $0 != "0" }) {
                throw ConfigError.at(file, l, col, "leading zeros in decimal integer literals are not permitted ('\(text)'); use 0o for octal")
            }
            guard let v = Int(clean) else {
                throw ConfigError.at(file, l, col, "integer '\(text.prefix(40))\(text.count > 40 ? "..." : "")' does not fit in 64 bits (config integers are 64-bit)")
            }
            return .int(v)
        }
        if let v = Double(clean) { return .float(v) }
        throw ConfigError.at(file, l, col, "invalid number '\(text)'")
    }

    private mutating func readString(raw: Bool) throws -> String {
        let (l, col) = (line, column)
        let quote = chars[index]
        let triple = peek(1) == quote && peek(2) == quote
        advance()
        if triple { advance(); advance() }
        var text = ""
        while true {
            guard index < chars.count else { throw ConfigError.at(file, l, col, "unterminated string literal") }
            let c = chars[index]
            if c == quote {
                if !triple { advance(); return text }
                if peek(1) == quote && peek(2) == quote { advance(); advance(); advance(); return text }
            }
            if c == "\n" && !triple { throw ConfigError.at(file, l, col, "unterminated string literal") }
            if c == "\\" && raw, let next = peek(1) {
                // a raw string keeps the backslash, but it still stops the next quote from closing it
                text.append(c); text.append(next)
                advance(); advance()
                continue
            }
            if c == "\\" && !raw, let next = peek(1) {
                advance(); advance()
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\\": text.append("\\")
                case "'": text.append("'")
                case "\"": text.append("\"")
                case "\n": break
                default: text.append("\\"); text.append(next)
                }
                continue
            }
            text.append(c)
            advance()
        }
    }
}
