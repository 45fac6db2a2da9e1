/// MMEngine's text substitutions, made on a config file's text before it is parsed
/// (`Config._substitute_predefined_vars`, `_substitute_env_variables`, `_pre_substitute_base_vars`):
///
/// - `{{ fileDirname }}`, `{{ fileBasename }}`, `{{ fileBasenameNoExtension }}` and
///   `{{ fileExtname }}` become the config file's folder, name, name without extension and
///   extension;
/// - `{{$NAME:default}}` (quotes inside the braces allowed) becomes the environment variable
///   `NAME`, or `default` when it is not set;
/// - `{{_base_.key.path}}` becomes a placeholder string that `substituteBaseVariables` replaces,
///   after the file is evaluated, by that value of the merged base configs (any type).
///
/// As MMEngine's, the substitutions are textual: they apply anywhere in the file, in strings
/// and comments too.
struct ConfigTemplates {
    /// The file's text as Python reads it: a UTF-8 byte order mark dropped, `\r\n` and `\r`
    /// line ends made `\n` (universal newlines).
    static func normalizedSource(_ bytes: [UInt8]) -> [UInt8] {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count - start)
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }

    /// The substituted text, and the `{{_base_.…}}` placeholders with the key path each stands for.
    static func substitute(_ text: [UInt8], file: String, environment: [String: String]) throws -> (text: [UInt8], baseVariables: [String: String]) {
        let path = file
        let slash = path.lastIndex(of: "/")
        let dirname = slash.map { String(path[..<$0]) } ?? ""
        let basename = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let dot = basename.lastIndex(of: ".").flatMap { $0 == basename.startIndex ? nil : $0 }
        let stem = dot.map { String(basename[..<$0]) } ?? basename
        let extname = dot.map { String(basename[$0...]) } ?? ""
        let predefined = ["fileDirname": dirname, "fileBasename": basename, "fileBasenameNoExtension": stem, "fileExtname": extname]
        var out = replacingFields(text) { field in
            var s = Scanner(field)
            s.skipSpaces()
            let name = s.word()
            s.skipSpaces()
            guard s.atEnd, let value = predefined[name] else { return nil }
            return Array(value.utf8)
        }
        var missing: String?
        out = replacingFields(out) { field in
            var s = Scanner(field)
            s.skipQuote()
            s.skipSpaces()
            guard s.take(UInt8(ascii: "$")) else { return nil }
            let name = s.word()
            guard !name.isEmpty else { return nil }
            s.skipSpaces()
            guard s.take(UInt8(ascii: ":")) else { return nil }
            s.skipSpaces()
            // the default is the shortest run of non-space characters the closing part can follow
            let start = s.index
            while true {
                var rest = s
                rest.skipSpaces()
                rest.skipQuote()
                if rest.atEnd { break }
                guard let c = s.peek, !Scanner.isSpace(c) else { return nil }
                s.index += 1
            }
            let value = environment[name] ?? String(decoding: field[start..<s.index], as: UTF8.self)
            if value.isEmpty { missing = missing ?? name }
            return Array(value.utf8)
        }
        if let missing {
            throw ConfigError("\(file): `\(missing)` cannot be found in the environment (the config reads {{$\(missing):...}}); set \(missing) or give a default value")
        }
        var baseVariables: [String: String] = [:]
        out = replacingFields(out) { field in
            var s = Scanner(field)
            s.skipSpaces()
            guard s.word() == "_base_", s.take(UInt8(ascii: ".")) else { return nil }
            let start = s.index
            while let c = s.peek, Scanner.isWord(c) || c == UInt8(ascii: ".") { s.index += 1 }
            let keyPath = String(decoding: field[start..<s.index], as: UTF8.self)
            s.skipSpaces()
            guard !keyPath.isEmpty, s.atEnd else { return nil }
            let placeholder = "_\(keyPath)_swiftpose_base_variable"
            baseVariables[placeholder] = keyPath
            return Array("\"\(placeholder)\"".utf8)
        }
        return (out, baseVariables)
    }

    /// `text` with each `{{field}}` for which `replacement` gives bytes replaced by them.
    private static func replacingFields(_ text: [UInt8], _ replacement: (ArraySlice<UInt8>) -> [UInt8]?) -> [UInt8] {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        // the next "}}" at or after a position only moves forward as `i` does: one pass in all
        var j = 0
        while i < text.count {
            if text[i] == open, i + 1 < text.count, text[i + 1] == open {
                // the field ends at the first "}}" (the patterns hold no braces)
                j = max(j, i + 2)
                while j + 1 < text.count, !(text[j] == close && text[j + 1] == close) { j += 1 }
                // (no variable is longer; reading longer fields from every "{{" would take quadratic time)
                if j + 1 < text.count, j - i <= 4096, let bytes = replacement(text[(i + 2)..<j]) {
                    out += bytes
                    i = j + 2
                    continue
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    /// Replaces every placeholder string in `value` by the base value its key path names.
    static func substituteBaseVariables(_ value: ConfigValue, _ variables: [String: String], base: ConfigDict, file: String) throws -> ConfigValue {
        switch value {
        case .string(let s):
            guard let keyPath = variables[s] else { return value }
            var current = ConfigValue.dict(base)
            for component in keyPath.split(separator: ".", omittingEmptySubsequences: false) {
                guard case .dict(let d) = current, let next = d[String(component)] else {
                    throw ConfigError("\(file): {{_base_.\(keyPath)}}: '\(component)' is not a key of the base configs there")
                }
                current = next
            }
            return current
        case .list(let items): return .list(try items.map { try substituteBaseVariables($0, variables, base: base, file: file) })
        case .tuple(let items): return .tuple(try items.map { try substituteBaseVariables($0, variables, base: base, file: file) })
        case .dict(let d):
            var out = ConfigDict()
            for (k, v) in d.items { out[k] = try substituteBaseVariables(v, variables, base: base, file: file) }
            return .dict(out)
        default: return value
        }
    }

    /// A cursor over a field's bytes.
    private struct Scanner {
        let bytes: ArraySlice<UInt8>
        var index: Int
        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes; index = bytes.startIndex }

        var atEnd: Bool { index >= bytes.endIndex }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        static func isWord(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F || c >= 0x80
        }
        mutating func skipSpaces() { while let c = peek, Scanner.isSpace(c) { index += 1 } }
        mutating func skipQuote() { if let c = peek, c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { index += 1 } }
        mutating func take(_ c: UInt8) -> Bool {
            guard peek == c else { return false }
            index += 1
            return true
        }
        mutating func word() -> String {
            let start = index
            while let c = peek, Scanner.isWord(c) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
