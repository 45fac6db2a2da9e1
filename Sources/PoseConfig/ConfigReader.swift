/// Strict typed access to one config dict: every read key is recorded, and `finish()` rejects
/// keys nobody read, naming the file, the key path and the accepted keys.
public final class ConfigReader {
    /// The dict being read.
    public let dict: ConfigDict
    /// Dotted path of this dict from the config root, for messages.
    public let path: String
    /// The config file the dict comes from, first in every message.
    public let file: String
    private var known: Set<String> = []
    private var ignoredKeys: Set<String> = []
    /// Keys accepted without effect (GPU-only or presentation settings), reported by the caller.
    public private(set) var ignored: [String] = []

    /// Creates a reader of `dict`, found at `path` (empty for the root) in `file`.
    public init(_ dict: ConfigDict, path: String, file: String) {
        self.dict = dict
        self.path = path
        self.file = file
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The error for `key` of this dict: `file: path.key: message`.
    public func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError("\(file): \(keyPath(key)): \(message)")
    }

    /// The raw value, marking the key as known.
    public func value(_ key: String) -> ConfigValue? {
        known.insert(key)
        if case .none? = dict[key] { return nil }
        return dict[key]
    }

    /// Whether `key` is given as `None` (which `value` and `has` report as absent); marks it read.
    public func isNone(_ key: String) -> Bool {
        known.insert(key)
        if case .none? = dict[key] { return true }
        return false
    }

    /// Marks keys as accepted and without effect here.
    public func ignore(_ keys: String...) {
        for k in keys {
            known.insert(k)
            if dict[k] != nil { ignored.append(keyPath(k)) }
        }
    }

    /// Whether `key` is present and not `None`, marking it as known.
    public func has(_ key: String) -> Bool { known.insert(key); return value(key) != nil }

    /// An integer; a whole float (`2.0`) is accepted. A missing or `None` key takes `fallback`.
    /// - Throws: `ConfigError` when the key is missing without a fallback or holds another type.
    public func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        switch value(key) {
        case .int(let i)?: return i
        case .float(let d)? where Int(exactly: d) != nil: return Int(exactly: d)!
        case nil:
            if let fallback { return fallback }
            throw error(key, "is required (an integer)")
        case let v?: throw error(key, "expected an integer, found \(v.typeName) \(v)")
        }
    }

    /// An integer within `range`.
    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws -> Int {
        let i = try int(key, default: fallback)
        guard range.contains(i) else { throw error(key, "must be an integer in \(range.lowerBound)...\(range.upperBound), got \(i)") }
        return i
    }

    /// An integer of at least `range.lowerBound`.
    public func int(_ key: String, default fallback: Int? = nil, in range: PartialRangeFrom<Int>) throws -> Int {
        let i = try int(key, default: fallback)
        guard range.contains(i) else { throw error(key, "must be an integer of at least \(range.lowerBound), got \(i)") }
        return i
    }

    /// A number within `range` (never NaN).
    public func double(_ key: String, default fallback: Double? = nil, in range: ClosedRange<Double>) throws -> Double {
        let d = try double(key, default: fallback)
        guard range.contains(d) else { throw error(key, "must be a number in \(range.lowerBound)...\(range.upperBound), got \(d)") }
        return d
    }

    /// A finite number of at least `range.lowerBound`.
    public func double(_ key: String, default fallback: Double? = nil, in range: PartialRangeFrom<Double>) throws -> Double {
        let d = try double(key, default: fallback)
        guard range.contains(d), d.isFinite else { throw error(key, "must be a finite number of at least \(range.lowerBound), got \(d)") }
        return d
    }

    /// A number; NaN is refused (no setting means "not a number").
    public func double(_ key: String, default fallback: Double? = nil) throws -> Double {
        switch value(key) {
        case .int(let i)?: return Double(i)
        case .float(let d)? where d.isNaN: throw error(key, "expected a number, found nan")
        case .float(let d)?: return d
        case nil:
            if let fallback { return fallback }
            throw error(key, "is required (a number)")
        case let v?: throw error(key, "expected a number, found \(v.typeName) \(v)")
        }
    }

    /// `True` or `False`; the integers 0 and 1 are accepted. A missing or `None` key takes `fallback`.
    /// - Throws: `ConfigError` when the key is missing without a fallback or holds another value.
    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        switch value(key) {
        case .bool(let b)?: return b
        case .int(let i)? where i == 0 || i == 1: return i == 1
        case nil:
            if let fallback { return fallback }
            throw error(key, "is required (True or False)")
        case let v?: throw error(key, "expected True or False, found \(v.typeName) \(v)")
        }
    }

    /// A string. A missing or `None` key takes `fallback`.
    /// - Throws: `ConfigError` when the key is missing without a fallback or holds another type.
    public func string(_ key: String, default fallback: String? = nil) throws -> String {
        switch value(key) {
        case .string(let s)?: return s
        case nil:
            if let fallback { return fallback }
            throw error(key, "is required (a string)")
        case let v?: throw error(key, "expected a string, found \(v.typeName) \(v)")
        }
    }

    /// A string, or nil when the key is missing or `None`.
    /// - Throws: `ConfigError` when the key holds another type.
    public func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    /// A list or tuple of integers (whole floats accepted); a single integer reads as a list of one.
    /// A missing or `None` key takes `fallback`.
    /// - Throws: `ConfigError` when the key is missing without a fallback, or it or an element has another type.
    public func ints(_ key: String, default fallback: [Int]? = nil) throws -> [Int] {
        guard let v = value(key) else {
            if let fallback { return fallback }
            throw error(key, "is required (a list of integers)")
        }
        if case .int(let i) = v { return [i] }
        guard let seq = v.sequence else { throw error(key, "expected a list or tuple of integers, found \(v.typeName) \(v)") }
        return try seq.map {
            if case .float(let d) = $0, let i = Int(exactly: d) { return i }
            guard case .int(let i) = $0 else { throw error(key, "expected integers, found \($0.typeName) \($0)") }
            return i
        }
    }

    /// Integers, each within `range`.
    public func ints(_ key: String, default fallback: [Int]? = nil, in range: ClosedRange<Int>) throws -> [Int] {
        let v = try ints(key, default: fallback)
        if let bad = v.first(where: { !range.contains($0) }) {
            throw error(key, "expected integers in \(range.lowerBound)...\(range.upperBound), found \(bad) in \(v)")
        }
        return v
    }

    /// A list or tuple of numbers (integers converted; NaN refused). A missing or `None` key takes `fallback`.
    /// - Throws: `ConfigError` when the key is missing without a fallback, it is not a list or tuple, or an
    ///   element is not a number or is NaN.
    public func doubles(_ key: String, default fallback: [Double]? = nil) throws -> [Double] {
        guard let v = value(key) else {
            if let fallback { return fallback }
            throw error(key, "is required (a list of numbers)")
        }
        guard let seq = v.sequence else { throw error(key, "expected a list or tuple of numbers, found \(v.typeName) \(v)") }
        return try seq.map {
            switch $0 {
            case .int(let i): return Double(i)
            case .float(let d) where d.isNaN: throw error(key, "expected numbers, found nan")
            case .float(let d): return d
            default: throw error(key, "expected numbers, found \($0.typeName) \($0)")
            }
        }
    }

    /// A (width, height)-style pair.
    public func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        if value(key) == nil, let fallback { return fallback }
        let v = try ints(key)
        guard v.count == 2 else { throw error(key, "expected two integers, found \(v)") }
        return (v[0], v[1])
    }

    /// A (width, height)-style pair, both within `range`.
    public func pair(_ key: String, default fallback: (Int, Int)? = nil, in range: ClosedRange<Int>) throws -> (Int, Int) {
        let (a, b) = try pair(key, default: fallback)
        guard range.contains(a), range.contains(b) else {
            throw error(key, "expected two integers in \(range.lowerBound)...\(range.upperBound), found (\(a), \(b))")
        }
        return (a, b)
    }

    /// A nested dict reader.
    public func dictionary(_ key: String) throws -> ConfigReader? {
        switch value(key) {
        case .dict(let d)?: return ConfigReader(d, path: keyPath(key), file: file)
        case nil: return nil
        case let v?: throw error(key, "expected a dict, found \(v.typeName) \(v)")
        }
    }

    /// Readers for a list of dicts.
    public func dictionaries(_ key: String) throws -> [ConfigReader]? {
        guard let v = value(key) else { return nil }
        if case .dict(let d) = v { return [ConfigReader(d, path: keyPath(key), file: file)] }
        guard let seq = v.sequence else { throw error(key, "expected a list of dicts, found \(v.typeName)") }
        return try seq.enumerated().map { i, item in
            guard case .dict(let d) = item else { throw error("\(key).\(i)", "expected a dict, found \(item.typeName)") }
            return ConfigReader(d, path: keyPath("\(key).\(i)"), file: file)
        }
    }

    /// The `type` key, checked against the accepted names.
    public func type(among accepted: [String]) throws -> String {
        let t = try string("type")
        guard accepted.contains(t) else {
            throw error("type", "unknown type '\(t)'; supported: \(accepted.joined(separator: ", "))")
        }
        return t
    }

    /// Fails on any key that was neither read nor ignored.
    public func finish() throws {
        let unknown = dict.keys.filter { !known.contains($0) }
        if let first = unknown.first {
            throw error(first, "unknown key; accepted keys here: \(known.sorted().joined(separator: ", "))")
        }
    }
}
