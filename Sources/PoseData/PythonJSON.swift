import Foundation

/// JSON text as Python's `json.dumps` writes it (what MMEngine's and MMPose's result and log
/// files hold): NaN and infinities as `NaN`, `Infinity` and `-Infinity` instead of an error,
/// so a model that predicts NaN still gets its results and metrics written.
///
/// Takes the values `JSONSerialization` takes: dictionaries with string keys, arrays, strings,
/// integers, floating-point numbers, booleans and `NSNull`.
public enum PythonJSON {
    /// `object` as UTF-8 JSON text, as Python's `json.dumps(object, ensure_ascii=False)` writes it.
    /// - Parameters:
    ///   - sortedKeys: dictionary keys in sorted order (`sort_keys=True`; the default).
    ///   - pretty: one item a line, indented by two spaces, `": "` after keys (`indent=2`); otherwise
    ///     compact, without spaces (`separators=(',', ':')`).
    /// - Throws: an `OutputError` naming the type of a value JSON cannot hold.
    public static func data(_ object: Any, sortedKeys: Bool = true, pretty: Bool = false) throws -> Data {
        var out = ""
        try append(object, to: &out, indent: pretty ? 0 : nil, sortedKeys: sortedKeys)
        return Data(out.utf8)
    }

    /// Python's `repr` of a float in JSON (`json.dumps` allow_nan=True).
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        return "\(d)"
    }

    private static func append(_ object: Any, to out: inout String, indent: Int?, sortedKeys: Bool) throws {
        let newline = indent.map { "\n" + String(repeating: "  ", count: $0 + 1) } ?? ""
        let closing = indent.map { "\n" + String(repeating: "  ", count: $0) } ?? ""
        let inner = indent.map { $0 + 1 }
        switch object {
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let i as Int64: out += String(i)
        case let u as UInt64: out += String(u)
        case let d as Double: out += number(d)
        case let f as Float: out += number(Double(f))
        case let s as String: appendString(s, to: &out)
        case is NSNull: out += "null"
        case let a as [Any]:
            guard !a.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in a.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                try append(item, to: &out, indent: inner, sortedKeys: sortedKeys)
            }
            out += closing + "]"
        case let d as [String: Any]:
            guard !d.isEmpty else { out += "{}"; return }
            out += "{"
            let keys = sortedKeys ? d.keys.sorted() : Array(d.keys)
            for (i, key) in keys.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                appendString(key, to: &out)
                out += indent == nil ? ":" : ": "
                try append(d[key]!, to: &out, indent: inner, sortedKeys: sortedKeys)
            }
            out += closing + "}"
        default:
            throw OutputError("cannot write a value of type \(type(of: object)) as JSON")
        }
    }

    private static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
