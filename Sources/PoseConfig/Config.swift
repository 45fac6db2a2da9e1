import Foundation

/// A parsed, merged config: MMEngine's `Config.fromfile` semantics for MMPose's Python configs.
///
/// `_base_` files are loaded relative to the including file and merged with MMEngine's rule
/// (dicts merge recursively, lists and scalars replace, `_delete_=True` discards the base dict);
/// the child sees the merged bases only as `_base_`. Module-level names starting with `__` and
/// `_base_` itself are not part of the result.
public struct Config: Equatable, Sendable {
    /// The merged top-level names.
    public var root: ConfigDict
    /// The path the config was read from.
    public let filename: String

    /// Creates a config from already merged names, without reading a file.
    /// - Parameters:
    ///   - root: The top-level names.
    ///   - filename: The path the config stands for, named in decoding errors.
    public init(root: ConfigDict, filename: String) {
        self.root = root
        self.filename = filename
    }

    /// Reads and merges a config file and its bases.
    ///
    /// MMEngine's text substitutions apply first (`ConfigTemplates`: `{{ fileDirname }}` and
    /// the other predefined variables, `{{$ENV:default}}`, `{{_base_.key}}`), reading
    /// environment variables from `environment`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        var load = Load(budget: ConfigBudget(), environment: environment)
        return Config(root: try loadDict(path: path, load: &load), filename: path)
    }

    /// Parses config text (its `_base_` paths resolve against `file`'s directory).
    public static func parse(_ source: String, file: String = "<string>",
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        try parse(source, file: file, environment: environment, stepLimit: ConfigLimits.evaluationSteps)
    }

    /// `parse` with another evaluation-step budget (tests of the budget).
    static func parse(_ source: String, file: String = "<string>", environment: [String: String], stepLimit: Int) throws -> Config {
        var load = Load(budget: ConfigBudget(limit: stepLimit), environment: environment)
        load.visiting = [file]
        return Config(root: try evaluate(bytes: Array(source.utf8), file: file, load: &load), filename: file)
    }

    /// What one load shares across a file and its bases.
    struct Load {
        var visiting: [String] = []
        let budget: ConfigBudget
        let environment: [String: String]
    }

    private static func loadDict(path: String, load: inout Load) throws -> ConfigDict {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
        guard !load.visiting.contains(resolved) else {
            throw ConfigError("\(path): _base_ inheritance cycle (\((load.visiting + [resolved]).joined(separator: " -> ")))")
        }
        guard resolved.hasSuffix(".py") else {
            throw ConfigError("\(path): only Python-syntax config files (.py) are supported")
        }
        var status = stat()
        guard stat(resolved, &status) == 0 else {
            throw ConfigError("\(path): config file not found or unreadable (\(String(cString: strerror(errno))))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw ConfigError("\(path): not a regular file; a config is a .py file") }
        guard status.st_size <= ConfigLimits.fileBytes else {
            throw ConfigError("\(path): \(status.st_size) bytes is too large for a config file (at most \(ConfigLimits.fileBytes))")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw ConfigError("\(path): config file not found or unreadable")
        }
        guard data.count <= ConfigLimits.fileBytes else {
            throw ConfigError("\(path): \(data.count) bytes is too large for a config file (at most \(ConfigLimits.fileBytes))")
        }
        load.visiting.append(resolved)
        defer { load.visiting.removeLast() }
        return try evaluate(bytes: [UInt8](data), file: resolved, load: &load)
    }

    private static func evaluate(bytes: [UInt8], file: String, load: inout Load) throws -> ConfigDict {
        let (text, baseVariables) = try ConfigTemplates.substitute(ConfigTemplates.normalizedSource(bytes), file: file,
                                                                   environment: load.environment)
        var lexer = ConfigLexer(source: String(decoding: text, as: UTF8.self), file: file)
        var parser = ConfigParser(tokens: try lexer.tokenize(), file: file)
        let statements = try parser.parseModule()
        var evaluator = ConfigEvaluator(file: file, budget: load.budget)

        var base = ConfigDict()
        let baseAssignment = statements.lazy.compactMap { statement -> Assignment? in
            if case .assign(let a) = statement, a.name == "_base_" { return a }
            return nil
        }.first
        if let baseStatement = baseAssignment {
            let value = try evaluator.evaluate(baseStatement.value)
            let paths: [String]
            switch value {
            case .string(let s): paths = [s]
            case .list(let items), .tuple(let items):
                paths = try items.map {
                    guard case .string(let s) = $0 else {
                        throw ConfigError.at(file, baseStatement.position.line, baseStatement.position.column,
                                             "_base_ must be a path or a list of paths, found \($0.typeName)")
                    }
                    return s
                }
            default:
                throw ConfigError.at(file, baseStatement.position.line, baseStatement.position.column,
                                     "_base_ must be a path or a list of paths, found \(value.typeName)")
            }
            let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
            for relative in paths {
                var basePath = relative.hasPrefix("/") ? relative : directory.appendingPathComponent(relative).path
                if let scope = relative.range(of: "::") {
                    let inner = String(relative[scope.upperBound...])
                    if relative[..<scope.lowerBound] == "swiftpose" {
                        // SwiftPose's own configs are the bundled ones, whatever folders surround the file
                        guard let bundled = BundledConfigs.path(inner) else {
                            throw ConfigError("\(file): '\(relative)': SwiftPose bundles no \(inner) (it bundles _base_/default_runtime.py and _base_/datasets/*.py)")
                        }
                        basePath = bundled
                    } else {
                        basePath = try configsFolderPath(inner, from: file, reference: relative)
                    }
                }
                let loaded = try loadDict(path: basePath, load: &load)
                for key in loaded.keys where base[key] != nil {
                    throw ConfigError("\(file): key '\(key)' is defined in more than one _base_ file (duplicate keys are not allowed among bases)")
                }
                for (k, v) in loaded.items { base[k] = v }
            }
        }
        try evaluator.bind("_base_", walking: .dict(base), at: SourcePosition(line: 1, column: 1))
        var child = ConfigDict()
        try execute(statements, evaluator: &evaluator, into: &child, file: file, load: &load)
        if !baseVariables.isEmpty, case .dict(let substituted) = try ConfigTemplates.substituteBaseVariables(.dict(child), baseVariables, base: base, file: file) {
            child = substituted
        }
        let merged = try merge(child, into: base, path: "")
        // a merge can join values from two files: the result is held to the same bounds
        let size = Measured(walking: .dict(merged))
        guard size.depth <= ConfigLimits.valueDepth, size.size <= ConfigLimits.valueSize else {
            throw ConfigError("\(file): the config merged with its bases nests deeper than \(ConfigLimits.valueDepth) levels or holds more than \(ConfigLimits.valueSize) items")
        }
        try load.budget.spend(size.size, file: file, at: SourcePosition(line: 1, column: 1))
        return merged
    }

    /// The file of a base config imported in `with read_base():`. A relative module
    /// (`from .._base_.default_runtime import *`) counts its dots from `file`'s folder as Python
    /// does; an absolute one (`mmpose.configs._base_.default_runtime`) is read below its
    /// `configs` part, in the nearest `configs` folder above `file`.
    static func modulePath(_ module: [String], level: Int, from file: String, at p: SourcePosition) throws -> String {
        let relative = module.joined(separator: "/") + ".py"
        if level > 0 {
            var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
            for _ in 1..<level { directory = directory.deletingLastPathComponent() }
            return directory.appendingPathComponent(relative).path
        }
        guard let configs = module.firstIndex(of: "configs"), configs + 1 < module.count else {
            throw ConfigError.at(file, p.line, p.column, "cannot locate base config module '\(module.joined(separator: "."))': expected a relative module or one under a package's 'configs'")
        }
        let inner = module[(configs + 1)...].joined(separator: "/") + ".py"
        return try configsFolderPath(inner, from: file, reference: module.joined(separator: "."))
    }

    /// `inner` in the nearest folder named `configs` above `file` that holds it (MMEngine's
    /// `package::path` names a file in an installed package's configs; a copy of that tree has
    /// it above the config itself), else in SwiftPose's bundled configs (`BundledConfigs`), which
    /// hold `_base_/default_runtime.py` and MMPose's `_base_/datasets` files.
    static func configsFolderPath(_ inner: String, from file: String, reference: String) throws -> String {
        var directory = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent()
        while directory.path != "/" {
            if directory.lastPathComponent == "configs" {
                let candidate = directory.appendingPathComponent(inner).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        if let bundled = BundledConfigs.path(inner) { return bundled }
        throw ConfigError("\(file): '\(reference)' names \(inner) in a package's configs, but no 'configs' folder above this file holds it, nor do SwiftPose's bundled configs (_base_/default_runtime.py, _base_/datasets/*.py)")
    }

    /// Runs statements in order; every module-level name (loop variables too, as in Python)
    /// except `_base_` and dunder names becomes a config key.
    private static func execute(_ statements: [Statement], evaluator: inout ConfigEvaluator, into child: inout ConfigDict,
                                file: String, load: inout Load) throws {
        func bind(_ name: String, _ value: Measured) {
            evaluator.bind(name, value)
            if name != "_base_" && !name.hasPrefix("__") { child[name] = value.value }
        }
        func fail(_ p: SourcePosition, _ message: String) -> ConfigError { ConfigError.at(file, p.line, p.column, message) }
        for statement in statements {
            switch statement {
            case .assign(let a):
                if a.name == "_base_" { continue }
                bind(a.name, try evaluator.measure(a.value))
            case .loop(let target, let iterable, let body, let p):
                let items = try evaluator.iterate(try evaluator.measure(iterable), p)
                for item in items {
                    try load.budget.spend(1, file: file, at: p)
                    for (name, value) in try evaluator.bindings(target, item, p) { bind(name, value) }
                    try execute(body, evaluator: &evaluator, into: &child, file: file, load: &load)
                }
            case .conditional(let branches, let otherwise, _):
                var taken = false
                for (condition, body) in branches where try evaluator.evaluate(condition).isTruthy {
                    try execute(body, evaluator: &evaluator, into: &child, file: file, load: &load)
                    taken = true
                    break
                }
                if !taken { try execute(otherwise, evaluator: &evaluator, into: &child, file: file, load: &load) }
            case .readBase(let imports, _):
                // MMEngine's pure-Python configs: a base's names become this file's own
                for case .importNames(let module, let level, let names, let p) in imports {
                    let path = try modulePath(module, level: level, from: file, at: p)
                    let loaded = try loadDict(path: path, load: &load)
                    guard let names else {
                        for (k, v) in loaded.items {
                            try evaluator.bind(k, walking: v, at: p)
                            if !k.hasPrefix("__") { child[k] = v }
                        }
                        continue
                    }
                    for (name, alias) in names {
                        guard let value = loaded[name] else { throw fail(p, "'\(name)' is not defined in \(path)") }
                        try evaluator.bind(alias ?? name, walking: value, at: p)
                        if !(alias ?? name).hasPrefix("__") { child[alias ?? name] = value }
                    }
                }
            case .importNames(_, _, let names, let p):
                // a class imported to be named in `type=`: the config holds its name, as in the
                // string form of the same config
                guard let names else { throw fail(p, "'from ... import *' is supported inside 'with read_base():' only") }
                for (name, alias) in names { evaluator.bind(alias ?? name, Measured(scalar: .string(name))) }
            case .mutation(let name, let method, let arguments, let keywords, let p):
                guard let measured = evaluator.measured(of: name) else { throw fail(p, "name '\(name)' is not defined") }
                let current = measured.value
                let measuredArgs = try arguments.map { try evaluator.measure($0) }
                let measuredKeywords = try keywords.map { ($0.0, try evaluator.measure($0.1)) }
                let args = measuredArgs.map(\.value)
                // the result's bounds: the current value's and the arguments' together; the
                // steps: the copy of the current value the change makes
                let bounds = try measured.joined(with: measuredArgs + measuredKeywords.map(\.1), file: file, at: p)
                try load.budget.spend((current.sequence?.count ?? 0) + ({ if case .dict(let d) = current { return d.count }; return 0 }()), file: file, at: p)
                switch (current, method) {
                case (.list(let items), "append") where args.count == 1 && keywords.isEmpty:
                    bind(name, bounds.holding(.list(items + args)))
                case (.list(let items), "extend") where args.count == 1 && keywords.isEmpty:
                    guard let more = args[0].sequence else { throw fail(p, "extend needs a list or tuple, found \(args[0].typeName)") }
                    bind(name, bounds.holding(.list(items + more)))
                case (.list(var items), "insert") where args.count == 2 && keywords.isEmpty:
                    guard case .int(let i) = args[0] else { throw fail(p, "insert needs an integer position") }
                    let at = i < 0 ? max(0, items.count &+ i) : min(i, items.count)
                    items.insert(args[1], at: at)
                    bind(name, bounds.holding(.list(items)))
                case (.dict(var d), "update") where args.count <= 1:
                    if let first = args.first {
                        guard case .dict(let other) = first else { throw fail(p, "update needs a dict, found \(first.typeName)") }
                        for (k, v) in other.items { d[k] = v }
                    }
                    for (k, v) in measuredKeywords { d[k] = v.value }
                    bind(name, bounds.holding(.dict(d)))
                default:
                    throw fail(p, "'\(current.typeName)' value '\(name)' has no \(method) taking these arguments (lists: append, extend, insert; dicts: update)")
                }
            }
        }
    }

    /// MMEngine's `_merge_a_into_b`: dicts merge, everything else replaces; `_delete_=True`
    /// replaces a base dict. With `allowListKeys`, digit keys index into base lists.
    static func merge(_ a: ConfigDict, into b: ConfigDict, path: String, allowListKeys: Bool = false) throws -> ConfigDict {
        var result = b
        for (k, v) in a.items {
            let keyPath = path.isEmpty ? k : path + "." + k
            if case .dict(var vd) = v {
                let delete = vd["_delete_"]?.isTruthy ?? false
                vd["_delete_"] = nil
                if let existing = result[k], !delete {
                    switch existing {
                    case .dict(let bd):
                        result[k] = .dict(try merge(vd, into: bd, path: keyPath, allowListKeys: allowListKeys))
                    case .list(let items) where allowListKeys:
                        result[k] = .list(try mergeList(vd, into: items, path: keyPath))
                    default:
                        throw ConfigError("\(keyPath): cannot merge a dict into a \(existing.typeName); set _delete_=True to replace it")
                    }
                } else {
                    result[k] = .dict(stripDelete(vd))
                }
            } else {
                result[k] = v
            }
        }
        return result
    }

    private static func mergeList(_ a: ConfigDict, into items: [ConfigValue], path: String) throws -> [ConfigValue] {
        var out = items
        for (k, v) in a.items {
            guard let i = Int(k), out.indices.contains(i) else {
                throw ConfigError("\(path): list index '\(k)' out of range (list has \(out.count) elements)")
            }
            if case .dict(let vd) = v, case .dict(let bd) = out[i] {
                out[i] = .dict(try merge(vd, into: bd, path: "\(path).\(k)", allowListKeys: true))
            } else {
                out[i] = v
            }
        }
        return out
    }

    private static func stripDelete(_ d: ConfigDict) -> ConfigDict {
        var out = ConfigDict()
        for (k, v) in d.items where k != "_delete_" {
            if case .dict(let inner) = v { out[k] = .dict(stripDelete(inner)) } else { out[k] = v }
        }
        return out
    }

    /// Applies `--cfg-options key.path=value ...` with MMEngine's value parsing and list-index keys.
    public mutating func apply(options: [String]) throws {
        for option in options {
            guard let eq = option.firstIndex(of: "=") else {
                throw ConfigError("--cfg-options: '\(option)' is not of the form key=value")
            }
            let keyPath = String(option[..<eq]), text = String(option[option.index(after: eq)...])
            let components = keyPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard components.count <= ConfigLimits.valueDepth else {
                throw ConfigError("--cfg-options: the key path of '\(option.prefix(60))...' has \(components.count) components; config values nest at most \(ConfigLimits.valueDepth) levels")
            }
            guard !components.contains(where: \.isEmpty) else {
                throw ConfigError("--cfg-options: '\(option)' has an empty key or key component (expected a.b.c=value)")
            }
            let value: ConfigValue
            do { value = try Config.parseOptionValue(text) } catch let e as ConfigError {
                throw ConfigError("--cfg-options: '\(option)': \(e.description)")
            }
            var nested = ConfigValue.dict(ConfigDict([(components[components.count - 1], value)]))
            for component in components.dropLast().reversed() {
                nested = .dict(ConfigDict([(component, nested)]))
            }
            guard case .dict(let d) = nested else { continue }
            root = try Config.merge(d, into: root, path: "", allowListKeys: true)
        }
    }

    /// MMEngine `DictAction` value parsing: quotes stripped, spaces removed, `(..)` tuples, `[..]`
    /// lists, commas at bracket depth 0 separate elements; scalars int, float, true/false, None,
    /// else string. Values MMEngine cannot split (unbalanced brackets, or a comma only inside the
    /// brackets of something that is not a list or tuple, such as `dict(a=1,b=2)`) are errors.
    public static func parseOptionValue(_ raw: String) throws -> ConfigValue {
        func scalar(_ s: String) -> ConfigValue {
            if let i = Int(s) { return .int(i) }
            if let d = Double(s) { return .float(d) }
            if s.lowercased() == "true" { return .bool(true) }
            if s.lowercased() == "false" { return .bool(false) }
            if s == "None" { return .none }
            return .string(s)
        }
        /// Splits at commas where the brackets before them balance (MMEngine's `find_next_comma`).
        func splitTopLevel(_ s: String) -> [String] {
            var parts: [String] = [], current = "", depth = 0
            for c in s {
                if c == "(" || c == "[" { depth += 1 }
                if c == ")" || c == "]" { depth -= 1 }
                if c == "," && depth == 0 { parts.append(current); current = "" } else { current.append(c) }
            }
            parts.append(current)
            return parts
        }
        func parse(_ s: String, depth: Int) throws -> ConfigValue {
            let stripped = s.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).replacingOccurrences(of: " ", with: "")
            guard stripped.filter({ $0 == "(" }).count == stripped.filter({ $0 == ")" }).count,
                  stripped.filter({ $0 == "[" }).count == stripped.filter({ $0 == "]" }).count else {
                throw ConfigError("imbalanced brackets in '\(stripped)'")
            }
            guard depth < 64 else { throw ConfigError("lists nested more than 64 deep") }
            var isTuple = false, body = stripped
            if stripped.hasPrefix("(") && stripped.hasSuffix(")") {
                isTuple = true; body = String(stripped.dropFirst().dropLast())
            } else if stripped.hasPrefix("[") && stripped.hasSuffix("]") {
                body = String(stripped.dropFirst().dropLast())
            } else if !stripped.contains(",") {
                return scalar(stripped)
            } else if splitTopLevel(stripped).count == 1 {
                // the only commas are inside brackets: MMEngine would recurse on it forever
                throw ConfigError("'\(stripped)' is not a number, string, list or tuple (DictAction values cannot hold calls such as dict(...); set its keys one by one, as a.b.c=value)")
            }
            let items = body.isEmpty ? [] : try splitTopLevel(body).filter { !$0.isEmpty }.map { try parse($0, depth: depth + 1) }
            return isTuple ? .tuple(items) : .list(items)
        }
        return try parse(raw, depth: 0)
    }

    /// The value at a dotted key path such as `model.backbone.depth`, or nil.
    public func value(at keyPath: String) -> ConfigValue? {
        var current = ConfigValue.dict(root)
        for component in keyPath.split(separator: ".") {
            switch current {
            case .dict(let d):
                guard let next = d[String(component)] else { return nil }
                current = next
            case .list(let items), .tuple(let items):
                guard let i = Int(component), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }
}
