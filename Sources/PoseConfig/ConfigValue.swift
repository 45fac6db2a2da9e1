/// A value in a config file: the subset of Python values MMPose configs use.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    /// Python's `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// A Python `int`, limited to 64 bits.
    case int(Int)
    /// A Python `float` (a double).
    case float(Double)
    /// A `str`.
    case string(String)
    /// A `list` (`[...]`), rendered with brackets.
    case list([ConfigValue])
    /// A `tuple` (`(...)`), rendered with parentheses; `sequence` reads it as a list does.
    case tuple([ConfigValue])
    /// A `dict` or `dict(...)`, insertion-ordered.
    case dict(ConfigDict)

    /// Python's `repr`-like rendering, for messages and dumps.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends the rendering to `out`: one growing string, so a large value (a config's
    /// ten-million-item list) costs its text and no more.
    func write(to out: inout String) {
        switch self {
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .float(let d): out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case .string(let s): out += "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'"
        case .list(let items), .tuple(let items):
            let isList: Bool
            if case .list = self { isList = true } else { isList = false }
            out += isList ? "[" : "("
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(to: &out)
            }
            out += isList ? "]" : (items.count == 1 ? ",)" : ")")
        case .dict(let d): d.write(to: &out)
        }
    }

    /// The Python type name, for error messages.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        }
    }

    /// The elements of a list or tuple.
    public var sequence: [ConfigValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// Python truthiness.
    public var isTruthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let a), .tuple(let a): return !a.isEmpty
        case .dict(let d): return !d.isEmpty
        }
    }
}

import Foundation

/// An insertion-ordered string-keyed dictionary (Python dicts keep insertion order).
/// Integer keys, as in metainfo files' `keypoint_info={0: ...}`, are stored as their decimal text.
public struct ConfigDict: Equatable, Sendable, CustomStringConvertible {
    /// The keys in insertion order (Python's `dict.keys()`); removing a key drops it here too.
    public private(set) var keys: [String] = []
    private var storage: [String: ConfigValue] = [:]

    /// Creates an empty dict.
    public init() {}

    /// Creates a dict of `pairs` in order; a repeated key keeps its first position and its last value.
    public init(_ pairs: [(String, ConfigValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The value of `key`, or nil. Setting a new key appends it to `keys`; setting an existing one
    /// keeps its position; setting nil removes the key.
    public subscript(key: String) -> ConfigValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Whether the dict has no keys (a Python `{}` is falsy).
    public var isEmpty: Bool { keys.isEmpty }
    /// The number of keys (Python's `len`).
    public var count: Int { keys.count }
    /// Key-value pairs in insertion order.
    public var items: [(key: String, value: ConfigValue)] { keys.map { ($0, storage[$0]!) } }

    /// Python's `repr`-like rendering in insertion order, `{'a': 1, 'b': [2, 3]}`.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        out += "{"
        for (i, key) in keys.enumerated() {
            out += (i == 0 ? "'" : ", '") + key + "': "
            storage[key]!.write(to: &out)
        }
        out += "}"
    }

    /// Whether both dicts hold the same keys with equal values, in any order (as Python's `==`).
    public static func == (a: ConfigDict, b: ConfigDict) -> Bool { a.storage == b.storage }

    /// The dict as a Python config file, one `key = value` line per key (what MMEngine saves
    /// as a run's `config.py` and `Config.fromfile` reads back).
    public var pythonSource: String {
        var out = ""
        for key in keys {
            out += key + " = "
            storage[key]!.write(to: &out)
            out += "\n"
        }
        return out
    }
}
