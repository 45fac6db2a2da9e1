import Foundation

/// A forward-only reader of JSON text that builds only the values it is asked for: it walks
/// objects key by key and arrays element by element, and skips everything else (COCO's
/// segmentation polygons, most of a large annotation file) by scanning bytes, without
/// materialising them. Errors name the source and the byte offset. Package-wide, for the
/// annotation readers of other modules (PoseTrack18's video files in PoseEval).
package struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    let source: String
    private(set) var position = 0

    package init(bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    package func error(_ message: String) -> DatasetError {
        DatasetError("\(source): \(message) at byte \(position)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-space byte, not consumed.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    package mutating func expect(_ c: UInt8, _ what: String) throws {
        guard peek() == c else { throw error("expected \(what)") }
        position += 1
    }

    /// Enters an object; then `nextKey` until it returns nil.
    package mutating func beginObject() throws { try expect(UInt8(ascii: "{"), "'{'") ; first = true }

    /// Enters an array; then `nextElement` until it returns false.
    package mutating func beginArray() throws { try expect(UInt8(ascii: "["), "'['") ; first = true }

    /// Whether the next key or element is its container's first (no comma before it). One
    /// flag serves every depth: a nested value always ends with it false, as its parent needs.
    private var first = true

    /// The next key of the object being read (its value follows), or nil at its end.
    package mutating func nextKey() throws -> String? {
        if peek() == UInt8(ascii: "}") { position += 1; first = false; return nil }
        if !first { try expect(UInt8(ascii: ","), "',' or '}'") }
        first = false
        let key = try readString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Whether the array being read has another element (positioned at it).
    package mutating func nextElement() throws -> Bool {
        if peek() == UInt8(ascii: "]") { position += 1; first = false; return false }
        if !first { try expect(UInt8(ascii: ","), "',' or ']'") }
        first = false
        return true
    }

    package mutating func readString() throws -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = position
        var plain = true
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                defer { position += 1 }
                if plain { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) }
                return try unescape(start..<position)
            }
            if c == UInt8(ascii: "\\") { plain = false; position += 1 }
            position += 1
        }
        throw error("unterminated string")
    }

    private func unescape(_ range: Range<Int>) throws -> String {
        var out: [UInt8] = [], i = range.lowerBound
        var pendingHigh: UInt32?
        while i < range.upperBound {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\"), i + 1 < range.upperBound else { out.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= range.upperBound,
                      let v = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<i + 4]), as: UTF8.self), radix: 16) else {
                    throw DatasetError("\(source): bad \\u escape in a string near byte \(i)")
                }
                i += 4
                var scalar: Unicode.Scalar?
                if (0xD800..<0xDC00).contains(v) { pendingHigh = v; continue }
                if (0xDC00..<0xE000).contains(v), let high = pendingHigh {
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00))
                } else {
                    scalar = Unicode.Scalar(v)
                }
                pendingHigh = nil
                out += Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number (as JSON writes it), or nil when the value is not one (it is then not consumed).
    package mutating func readNumber() -> Double? {
        guard let c = peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else { return nil }
        var buffer = [CChar](repeating: 0, count: 40), n = 0
        while position < bytes.count, n < 39 {
            let d = bytes[position]
            guard (d >= 0x30 && d <= 0x39) || d == UInt8(ascii: "-") || d == UInt8(ascii: "+") || d == UInt8(ascii: ".")
                    || d == UInt8(ascii: "e") || d == UInt8(ascii: "E") else { break }
            buffer[n] = CChar(bitPattern: d)
            n += 1
            position += 1
        }
        return strtod(buffer, nil)
    }

    /// An integral number fitting in 53 bits (`JSONNumber.integer`), or nil; a value that is not
    /// one is skipped. With `booleans`, `true` and `false` read as 1 and 0.
    package mutating func readInteger(booleans: Bool = false) -> Int? {
        if let d = readNumber() { return JSONNumber.integer(d) }
        if booleans, let b = readBool() { return b ? 1 : 0 }
        try? skipValue()
        return nil
    }

    /// `true`, `false`, or nil when the value is neither (not consumed).
    package mutating func readBool() -> Bool? {
        for (word, value) in [("true", true), ("false", false)] where matches(word) {
            position += word.utf8.count
            return value
        }
        return nil
    }

    /// Consumes `null` if it is next.
    package mutating func readNull() -> Bool {
        guard matches("null") else { return false }
        position += 4
        return true
    }

    private mutating func matches(_ word: String) -> Bool {
        guard peek() != nil else { return false }
        let w = Array(word.utf8)
        return position + w.count <= bytes.count && (0..<w.count).allSatisfy { bytes[position + $0] == w[$0] }
    }

    /// Skips one value of any kind by scanning its bytes.
    package mutating func skipValue() throws {
        guard let c = peek() else { throw error("expected a value") }
        if c == UInt8(ascii: "\"") { _ = try readString(); return }
        guard c == UInt8(ascii: "{") || c == UInt8(ascii: "[") else {
            if readNumber() != nil || readBool() != nil || readNull() { return }
            throw error("expected a value")
        }
        var depth = 0
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                while position < bytes.count && bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { position += 1; first = false; return }
            }
            position += 1
        }
        throw error("unterminated value")
    }
}
