import Foundation

/// Evaluates config expressions over the module namespace: a restricted evaluator, not Python.
///
/// Every value it builds carries bounds on its depth and size (`Measured`), checked against
/// `ConfigLimits` as it is built, and every step is charged to the load's `ConfigBudget`: no
/// config, however it combines loops, repetition and comprehensions, builds a value that later
/// passes cannot walk, or runs without end.
struct ConfigEvaluator {
    let file: String
    let budget: ConfigBudget
    private(set) var names: [String: Measured] = [:]

    init(file: String, budget: ConfigBudget = ConfigBudget()) {
        self.file = file
        self.budget = budget
    }

    private func fail(_ p: SourcePosition, _ message: String) -> ConfigError {
        ConfigError.at(file, p.line, p.column, message)
    }

    /// The value bound to `name`, with its bounds, if any.
    func measured(of name: String) -> Measured? { names[name] }

    /// Binds a name to a value built by this evaluator.
    mutating func bind(_ name: String, _ value: Measured) { names[name] = value }

    /// Binds a name to a value built elsewhere (bases, imported names); its bounds are found by
    /// walking it, charged to the budget.
    mutating func bind(_ name: String, walking value: ConfigValue, at p: SourcePosition) throws {
        let measured = Measured(walking: value)
        try budget.spend(measured.size, file: file, at: p)
        names[name] = measured
    }

    func evaluate(_ expr: Expr) throws -> ConfigValue { try measure(expr).value }

    /// A container value with its bounds, refused past `ConfigLimits.valueDepth` or `valueSize`.
    private func container(_ value: ConfigValue, depth: Int, size: Int, largestItem: Int? = nil, _ p: SourcePosition) throws -> Measured {
        guard depth <= ConfigLimits.valueDepth else {
            throw fail(p, "this value nests deeper than \(ConfigLimits.valueDepth) levels (lists, tuples and dicts inside each other)")
        }
        guard size <= ConfigLimits.valueSize else {
            throw fail(p, "this value is too large for a config (more than \(ConfigLimits.valueSize) items, counting each copy of a repeated part)")
        }
        return Measured(value, depth: depth, size: size, largestItem: largestItem)
    }

    /// A list or tuple of measured items.
    private func sequence(_ items: [Measured], tuple: Bool, _ p: SourcePosition) throws -> Measured {
        var depth = 0, size = 1, largest = 0
        for item in items { depth = max(depth, item.depth); size = size &+ item.size; largest = max(largest, item.size) }
        let values = items.map(\.value)
        return try container(tuple ? .tuple(values) : .list(values), depth: depth + 1, size: size, largestItem: largest, p)
    }

    /// A string result, charged by its length.
    private func string(_ s: String, _ p: SourcePosition) throws -> Measured {
        let m = Measured(scalar: .string(s))
        try budget.spend(m.size, file: file, at: p)
        guard m.size <= ConfigLimits.valueSize else { throw fail(p, "this string is too large for a config (\(s.utf8.count) bytes)") }
        return m
    }

    /// The items of a list, tuple or dict (its keys), each with the bounds of an item of it,
    /// made as they are read: a loop over ten million items holds no second copy of them.
    struct Items: RandomAccessCollection {
        let values: [ConfigValue]
        /// The container the items come from.
        let source: Measured
        var startIndex: Int { 0 }
        var endIndex: Int { values.count }
        subscript(i: Int) -> Measured { source.item(values[i]) }
    }

    /// The items of an iterable value (a `for`, a comprehension, `*` in a display).
    func iterate(_ source: Measured, _ p: SourcePosition) throws -> Items {
        switch source.value {
        case .list(let items), .tuple(let items):
            return Items(values: items, source: source)
        case .dict(let d):
            let largest = d.keys.map(Measured.size(of:)).max() ?? 1
            return Items(values: d.keys.map { .string($0) }, source: Measured(source.value, depth: 1, size: source.size, largestItem: largest))
        default:
            throw fail(p, "'\(source.value.typeName)' value is not iterable")
        }
    }

    func measure(_ expr: Expr) throws -> Measured {
        try budget.spend(1, file: file, at: expr.position)
        switch expr {
        case .literal(let v, _): return Measured(scalar: v)
        case .formatString(let text, let p): return try string(try format(text, p), p)
        case .name(let n, let p):
            guard let v = names[n] else { throw fail(p, "name '\(n)' is not defined") }
            return v
        case .list(let items, let p):
            var values: [Measured] = []
            for item in items {
                if case .starred(let inner, let ip) = item {
                    let v = try measure(inner)
                    guard v.value.sequence != nil else { throw fail(ip, "cannot unpack '\(v.value.typeName)' with * (a list or tuple is needed)") }
                    let spliced = try iterate(v, ip)
                    try budget.spend(spliced.count, file: file, at: ip)
                    values += spliced
                } else {
                    values.append(try measure(item))
                }
            }
            return try sequence(values, tuple: false, p)
        case .starred(_, let p): throw fail(p, "*unpacking is only allowed inside a list display")
        case .tuple(let items, let p): return try sequence(try items.map(measure), tuple: true, p)
        case .dict(let pairs, let p):
            var d = ConfigDict()
            var depth = 0, size = 1, largest = 0
            // Python keeps 1 and '1' apart; SwiftPose keeps keys as text
            var integerKeys = Set<String>(), stringKeys = Set<String>()
            for (k, v) in pairs {
                let keyValue = try evaluate(k)
                let text = try key(keyValue, k.position)
                if case .int = keyValue { integerKeys.insert(text) } else { stringKeys.insert(text) }
                guard !(integerKeys.contains(text) && stringKeys.contains(text)) else {
                    throw fail(k.position, "this dict has both \(text) and '\(text)' as keys, which SwiftPose cannot tell apart (dict keys are kept as text); use one of them")
                }
                let value = try measure(v)
                d[text] = value.value
                depth = max(depth, value.depth); size = size &+ value.size &+ Measured.size(of: text); largest = max(largest, value.size)
            }
            return try container(.dict(d), depth: depth + 1, size: size, largestItem: largest, p)
        case .call(let callee, let args, let kwargs, let p):
            return try call(callee, try args.map(measure), try kwargs.map { ($0.0, try measure($0.1)) }, p)
        case .index(let base, let index, let p):
            return try subscriptValue(try measure(base), index, p)
        case .slice(_, _, let p):
            throw fail(p, "a slice is only allowed inside brackets")
        case .attribute(let base, let attr, let p):
            let b = try measure(base)
            guard case .dict(let d) = b.value else { throw fail(p, "'\(b.value.typeName)' value has no attribute '\(attr)'") }
            guard let v = d[attr] else { throw fail(p, "key '\(attr)' not found") }
            return b.item(v)
        case .binary(let op, let lhs, let rhs, let p):
            return try binary(op, try measure(lhs), try measure(rhs), p)
        case .unary(let op, let operand, let p):
            let v = try measure(operand).value
            switch (op, v) {
            case ("not", _): return Measured(scalar: .bool(!v.isTruthy))
            case ("-", .int(let i)):
                guard i != .min else { throw fail(p, "integer overflow in -(\(i)) (config integers are 64-bit)") }
                return Measured(scalar: .int(-i))
            case ("-", .float(let d)): return Measured(scalar: .float(-d))
            case ("+", .int), ("+", .float): return Measured(scalar: v)
            default: throw fail(p, "bad operand type for unary \(op): '\(v.typeName)'")
            }
        case .comprehension(let element, let variable, let iterable, let condition, let p):
            let items = try iterate(try measure(iterable), p)
            var inner = self
            var out: [Measured] = []
            for item in items {
                try budget.spend(1, file: file, at: p)
                try inner.bind(variable, item, p)
                if let condition, !(try inner.measure(condition)).value.isTruthy { continue }
                out.append(try inner.measure(element))
            }
            return try sequence(out, tuple: false, p)
        }
    }

    /// The names a loop item binds to `target`, unpacked as Python does.
    func bindings(_ target: Target, _ value: Measured, _ p: SourcePosition) throws -> [(String, Measured)] {
        var scratch = ConfigEvaluator(file: file, budget: budget)
        try scratch.bind(target, value, p)
        return scratch.names.map { ($0.key, $0.value) }
    }

    /// Assigns a loop item to its target, unpacking sequences as Python does.
    private mutating func bind(_ target: Target, _ value: Measured, _ p: SourcePosition) throws {
        switch target {
        case .name(let name): names[name] = value
        case .tuple(let targets):
            guard let items = value.value.sequence else { throw fail(p, "cannot unpack non-sequence '\(value.value.typeName)' into \(targets.count) names") }
            guard items.count == targets.count else {
                throw fail(p, items.count > targets.count ? "too many values to unpack (expected \(targets.count))"
                                                          : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (t, v) in zip(targets, try iterate(value, p)) { try bind(t, v, p) }
        }
    }

    private func key(_ v: ConfigValue, _ p: SourcePosition) throws -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: throw fail(p, "dict keys must be strings or integers, got '\(v.typeName)'")
        }
    }

    private func subscriptValue(_ base: Measured, _ index: Expr, _ p: SourcePosition) throws -> Measured {
        if case .slice(let lo, let hi, _) = index {
            func bound(_ e: Expr?, _ count: Int, _ fallback: Int) throws -> Int {
                guard let e else { return fallback }
                guard case .int(let i) = try evaluate(e) else { throw fail(p, "slice indices must be integers") }
                return max(0, min(count, i < 0 ? (i == .min ? 0 : count + i) : i))
            }
            switch base.value {
            case .list(let a), .tuple(let a):
                let l = try bound(lo, a.count, 0), h = try bound(hi, a.count, a.count)
                let part = l < h ? Array(a[l..<h]) : []
                try budget.spend(part.count, file: file, at: p)
                if case .list = base.value { return base.holding(.list(part)) }
                return base.holding(.tuple(part))
            case .string(let s):
                let chars = Array(s)
                let l = try bound(lo, chars.count, 0), h = try bound(hi, chars.count, chars.count)
                return try string(l < h ? String(chars[l..<h]) : "", p)
            default: throw fail(p, "'\(base.value.typeName)' value cannot be sliced")
            }
        }
        let i = try evaluate(index)
        switch (base.value, i) {
        case (.list(let a), .int(let n)), (.tuple(let a), .int(let n)):
            let k = n < 0 ? a.count &+ n : n
            guard a.indices.contains(k) else { throw fail(p, "index \(n) out of range for \(base.value.typeName) of length \(a.count)") }
            return base.item(a[k])
        case (.dict(let d), _):
            let k = try key(i, p)
            guard let v = d[k] else { throw fail(p, "key '\(k)' not found; known keys: \(d.keys.prefix(50).joined(separator: ", "))") }
            return base.item(v)
        case (.string(let s), .int(let n)):
            let chars = Array(s)
            let k = n < 0 ? chars.count &+ n : n
            guard chars.indices.contains(k) else { throw fail(p, "string index \(n) out of range") }
            return Measured(scalar: .string(String(chars[k])))
        default:
            throw fail(p, "'\(base.value.typeName)' value cannot be indexed by '\(i.typeName)'")
        }
    }

    /// The most items a list, tuple or string built by `*` or `range` may have: configs hold
    /// settings, and a typo such as `[0] * 10**14` must not exhaust memory.
    static let maximumLength = ConfigLimits.sequenceLength

    /// The count of `n` copies of a sequence of `length` items, checked against `maximumLength`.
    private func repetitions(_ length: Int, _ n: Int, _ p: SourcePosition) throws -> Int {
        guard n > 0 else { return 0 }
        let total = length.multipliedReportingOverflow(by: n)
        guard !total.overflow, total.partialValue <= ConfigEvaluator.maximumLength else {
            throw fail(p, "a sequence of \(length) items repeated \(n) times exceeds \(ConfigEvaluator.maximumLength) items")
        }
        try budget.spend(total.partialValue, file: file, at: p)
        return n
    }

    /// `n` copies of a sequence's items: the bounds of the result.
    private func repeated(_ x: [ConfigValue], _ m: Measured, _ n: Int, tuple: Bool, _ p: SourcePosition) throws -> Measured {
        let count = try repetitions(x.count, n, p)
        let (product, overflow) = (m.size - 1).multipliedReportingOverflow(by: count)
        let size = overflow ? Int.max : 1 &+ product
        // the bounds are checked before the copies are made
        _ = try container(.none, depth: m.depth, size: size, p)
        let values = count == 0 ? [] : Array(repeating: x, count: count).flatMap { $0 }
        return Measured(tuple ? .tuple(values) : .list(values), depth: m.depth, size: size, largestItem: m.largestItem)
    }

    private func number(_ v: ConfigValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    private func binary(_ op: String, _ ma: Measured, _ mb: Measured, _ p: SourcePosition) throws -> Measured {
        let a = ma.value, b = mb.value
        switch op {
        case "==", "!=":
            // comparing walks both values
            try budget.spend(min(ma.size, mb.size), file: file, at: p)
            let equal = a == b || (number(a) != nil && number(a) == number(b))
            return Measured(scalar: .bool(op == "==" ? equal : !equal))
        case "<", ">", "<=", ">=":
            let result: Bool
            if let x = number(a), let y = number(b) {
                result = op == "<" ? x < y : op == ">" ? x > y : op == "<=" ? x <= y : x >= y
            } else if case .string(let x) = a, case .string(let y) = b {
                result = op == "<" ? x < y : op == ">" ? x > y : op == "<=" ? x <= y : x >= y
            } else { throw fail(p, "'\(op)' not supported between '\(a.typeName)' and '\(b.typeName)'") }
            return Measured(scalar: .bool(result))
        default: break
        }
        switch (op, a, b) {
        case ("+", .string(let x), .string(let y)): return try string(x + y, p)
        case ("+", .list(let x), .list(let y)), ("+", .tuple(let x), .tuple(let y)):
            try budget.spend(x.count + y.count, file: file, at: p)
            let joined = x + y
            let value: ConfigValue
            if case .list = a { value = .list(joined) } else { value = .tuple(joined) }
            return try container(value, depth: max(ma.depth, mb.depth), size: ma.size &+ mb.size,
                                 largestItem: max(ma.largestItem, mb.largestItem), p)
        case ("*", .list(let x), .int(let n)), ("*", .tuple(let x), .int(let n)):
            if case .list = a { return try repeated(x, ma, n, tuple: false, p) }
            return try repeated(x, ma, n, tuple: true, p)
        case ("*", .int(let n), .list(let x)), ("*", .int(let n), .tuple(let x)):
            if case .list = b { return try repeated(x, mb, n, tuple: false, p) }
            return try repeated(x, mb, n, tuple: true, p)
        case ("*", .string(let x), .int(let n)), ("*", .int(let n), .string(let x)):
            return try string(String(repeating: x, count: try repetitions(x.utf8.count, n, p)), p)
        case ("**", .int(let x), .int(let y)) where y >= 0:
            var result = 1, base = x, exponent = y
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (r, overflow) = result.multipliedReportingOverflow(by: base)
                    guard !overflow else { throw fail(p, "integer overflow in \(x) ** \(y) (config integers are 64-bit)") }
                    result = r
                }
                exponent >>= 1
                if exponent > 0 {
                    let (b, overflow) = base.multipliedReportingOverflow(by: base)
                    guard !overflow else { throw fail(p, "integer overflow in \(x) ** \(y) (config integers are 64-bit)") }
                    base = b
                }
            }
            return Measured(scalar: .int(result))
        case (_, .int(let x), .int(let y)) where op != "/" && op != "**":
            let result: (partialValue: Int, overflow: Bool)
            switch op {
            case "+": result = x.addingReportingOverflow(y)
            case "-": result = x.subtractingReportingOverflow(y)
            case "*": result = x.multipliedReportingOverflow(by: y)
            case "//", "%":
                guard y != 0 else { throw fail(p, "integer division or modulo by zero") }
                guard !(x == .min && y == -1) else { throw fail(p, "integer overflow in \(x) \(op) \(y) (config integers are 64-bit)") }
                // Python floors the quotient; the remainder takes the divisor's sign
                var q = x / y, r = x % y
                if r != 0 && ((r < 0) != (y < 0)) { q -= 1; r += y }
                return Measured(scalar: op == "//" ? .int(q) : .int(r))
            default: throw fail(p, "unsupported operator '\(op)'")
            }
            guard !result.overflow else { throw fail(p, "integer overflow in \(x) \(op) \(y) (config integers are 64-bit)") }
            return Measured(scalar: .int(result.partialValue))
        default: break
        }
        guard let x = number(a), let y = number(b) else {
            throw fail(p, "unsupported operand types for \(op): '\(a.typeName)' and '\(b.typeName)'")
        }
        switch op {
        case "+": return Measured(scalar: .float(x + y))
        case "-": return Measured(scalar: .float(x - y))
        case "*": return Measured(scalar: .float(x * y))
        case "/":
            guard y != 0 else { throw fail(p, "division by zero") }
            return Measured(scalar: .float(x / y))
        case "//":
            guard y != 0 else { throw fail(p, "division by zero") }
            return Measured(scalar: .float((x / y).rounded(.down)))
        case "%":
            guard y != 0 else { throw fail(p, "modulo by zero") }
            return Measured(scalar: .float(x - (x / y).rounded(.down) * y))
        case "**":
            guard !(x == 0 && y < 0) else { throw fail(p, "0.0 cannot be raised to a negative power") }
            guard x >= 0 || y == y.rounded() else { throw fail(p, "\(x) ** \(y) is a complex number") }
            let r = Foundation.pow(x, y)
            guard r.isFinite else { throw fail(p, "\(x) ** \(y) overflows a float") }
            return Measured(scalar: .float(r))
        default: throw fail(p, "unsupported operator '\(op)'")
        }
    }

    /// The number of items of `range(start, end, step)` (step not zero), without overflow.
    static func rangeCount(_ start: Int, _ end: Int, _ step: Int) -> UInt {
        if step > 0 {
            guard end > start else { return 0 }
            return (UInt(bitPattern: end &- start) - 1) / step.magnitude + 1
        }
        guard start > end else { return 0 }
        return (UInt(bitPattern: start &- end) - 1) / step.magnitude + 1
    }

    private func call(_ callee: Expr, _ args: [Measured], _ kwargs: [(String, Measured)], _ p: SourcePosition) throws -> Measured {
        guard case .name(let fn, _) = callee else { throw fail(p, "only the built-ins dict, list, tuple, len, enumerate, zip, range, int, float, str, min, max, abs can be called") }
        func one() throws -> Measured {
            guard args.count == 1, kwargs.isEmpty else { throw fail(p, "\(fn)() takes exactly one argument") }
            return args[0]
        }
        /// The items of an iterable argument, each with its bounds (a string's characters too).
        func items(_ v: Measured) throws -> [Measured] {
            if case .string(let s) = v.value {
                try budget.spend(s.count, file: file, at: p)
                return s.map { Measured(scalar: .string(String($0))) }
            }
            guard v.value.sequence != nil || { if case .dict = v.value { return true }; return false }() else {
                throw fail(p, "'\(v.value.typeName)' value is not iterable")
            }
            let all = try iterate(v, p)
            try budget.spend(all.count, file: file, at: p)
            return Array(all)
        }
        switch fn {
        case "dict":
            var d = ConfigDict()
            var depth = 0, size = 1, largest = 0
            if let first = args.first {
                guard args.count == 1, case .dict(let base) = first.value else { throw fail(p, "dict() takes keyword arguments or one dict") }
                d = base
                (depth, size, largest) = (first.depth - 1, first.size, first.largestItem)
            }
            for (k, v) in kwargs {
                d[k] = v.value
                depth = max(depth, v.depth); size = size &+ v.size &+ Measured.size(of: k); largest = max(largest, v.size)
            }
            return try container(.dict(d), depth: depth + 1, size: size, largestItem: largest, p)
        case "list", "tuple":
            if args.isEmpty { return Measured(fn == "list" ? .list([]) : .tuple([]), depth: 1, size: 1, largestItem: 0) }
            return try sequence(try items(try one()), tuple: fn == "tuple", p)
        case "len":
            let v = try one()
            switch v.value {
            case .list(let a), .tuple(let a): return Measured(scalar: .int(a.count))
            case .dict(let d): return Measured(scalar: .int(d.count))
            case .string(let s): return Measured(scalar: .int(s.count))
            default: throw fail(p, "object of type '\(v.value.typeName)' has no len()")
            }
        case "enumerate":
            let pairs = try items(try one()).enumerated().map { i, item in
                Measured(.tuple([.int(i), item.value]), depth: item.depth + 1, size: 2 &+ item.size)
            }
            return try sequence(pairs, tuple: false, p)
        case "zip":
            let lists = try args.map(items)
            let count = lists.map(\.count).min() ?? 0
            let tuples = try (0..<count).map { i in try sequence(lists.map { $0[i] }, tuple: true, p) }
            return try sequence(tuples, tuple: false, p)
        case "range":
            let ints = try args.map { v -> Int in
                guard case .int(let i) = v.value else { throw fail(p, "range() takes integers") }
                return i
            }
            guard (1...3).contains(ints.count), kwargs.isEmpty else { throw fail(p, "range() takes 1 to 3 integers") }
            let (start, end, step) = ints.count == 1 ? (0, ints[0], 1) : (ints[0], ints[1], ints.count == 3 ? ints[2] : 1)
            guard step != 0 else { throw fail(p, "range() step must not be zero") }
            let count = ConfigEvaluator.rangeCount(start, end, step)
            guard count <= UInt(ConfigEvaluator.maximumLength) else {
                throw fail(p, "range(\(ints.map(String.init).joined(separator: ", "))) has more than \(ConfigEvaluator.maximumLength) items")
            }
            try budget.spend(Int(count), file: file, at: p)
            // start + i·step lies between start and end for every item; wrapping arithmetic gets it exactly
            let values = (0..<Int(count)).map { ConfigValue.int(start &+ $0 &* step) }
            return try container(.list(values), depth: 1, size: 1 + Int(count), largestItem: 1, p)
        case "int":
            let v = try one().value
            if case .string(let s) = v {
                let text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
                guard let i = Int(text) else { throw fail(p, "int() of '\(s.prefix(40))': not a 64-bit decimal integer") }
                return Measured(scalar: .int(i))
            }
            guard let x = number(v) else { throw fail(p, "int() of '\(v.typeName)'") }
            guard let i = Int(exactly: x.rounded(.towardZero)) else { throw fail(p, "int() of \(x): not a 64-bit integer") }
            return Measured(scalar: .int(i))
        case "float":
            let v = try one().value
            if case .string(let s) = v {
                let text = s.trimmingCharacters(in: .whitespaces).lowercased()
                let special: [String: Double] = ["nan": .nan, "+nan": .nan, "-nan": .nan, "inf": .infinity, "+inf": .infinity,
                                                  "-inf": -.infinity, "infinity": .infinity, "+infinity": .infinity, "-infinity": -.infinity]
                if let d = special[text] ?? Double(text) { return Measured(scalar: .float(d)) }
                throw fail(p, "float() of '\(s.prefix(40))': not a number")
            }
            guard let x = number(v) else { throw fail(p, "float() of '\(v.typeName)'") }
            return Measured(scalar: .float(x))
        case "str":
            let v = try one()
            // rendering walks the whole value
            try budget.spend(v.size, file: file, at: p)
            try checkRenderable(v, p)
            return try string(ConfigEvaluator.str(v.value), p)
        case "abs":
            switch try one().value {
            case .int(let i):
                guard i != .min else { throw fail(p, "integer overflow in abs(\(i)) (config integers are 64-bit)") }
                return Measured(scalar: .int(abs(i)))
            case .float(let d): return Measured(scalar: .float(abs(d)))
            default: throw fail(p, "abs() needs a number")
            }
        case "min", "max":
            let candidates = args.count == 1 ? try items(args[0]) : args
            guard !candidates.isEmpty else { throw fail(p, "\(fn)() of an empty sequence") }
            var best = candidates[0]
            for item in candidates.dropFirst() {
                if case .bool(true) = try binary(fn == "min" ? "<" : ">", item, best, p).value { best = item }
            }
            return best
        default:
            throw fail(p, "calling '\(fn)' is not supported; config files may call dict, list, tuple, len, enumerate, zip, range, int, float, str, min, max, abs")
        }
    }

    /// Refuses, before rendering, a value whose text could pass the size limit of a string: a
    /// unit of size renders to at most about 24 characters (a 64-bit integer and its separator).
    private func checkRenderable(_ value: Measured, _ p: SourcePosition) throws {
        guard value.size <= ConfigLimits.valueSize / 3 else {
            throw fail(p, "the text of this value would be too large for a config string (it holds \(value.size) items)")
        }
    }

    /// Python's `str()` of a value.
    static func str(_ v: ConfigValue) -> String {
        switch v {
        case .string(let s): return s
        case .float(let d): return d == d.rounded() && abs(d) < 1e16 ? String(format: "%.1f", d) : "\(d)"
        default: return v.description
        }
    }

    /// Expands `{expression}` fields of an f-string (`{{` and `}}` are literal braces).
    private func format(_ text: String, _ p: SourcePosition) throws -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" && i + 1 < chars.count && chars[i + 1] == "{" { out.append("{"); i += 2; continue }
            if c == "}" && i + 1 < chars.count && chars[i + 1] == "}" { out.append("}"); i += 2; continue }
            if c == "{" {
                guard let close = chars[i...].firstIndex(of: "}") else { throw fail(p, "f-string: missing '}'") }
                let field = String(chars[(i + 1)..<close])
                guard !field.contains(":") && !field.contains("!") else {
                    throw fail(p, "f-string format specs and conversions are not supported: '{\(field)}'")
                }
                var lexer = ConfigLexer(source: field, file: file)
                var parser = ConfigParser(tokens: try lexer.tokenize(), file: file)
                let value = try measure(try parser.parseExpression())
                try budget.spend(value.size, file: file, at: p)
                try checkRenderable(value, p)
                out += ConfigEvaluator.str(value.value)
                guard out.utf8.count / 8 <= ConfigLimits.valueSize else { throw fail(p, "this f-string is too large for a config") }
                i = close + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
