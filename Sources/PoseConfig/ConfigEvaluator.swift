import Foundation

/// Evaluates config expressions over the module namespace: a restricted evaluator, not Python.
struct ConfigEvaluator {
    let file: String
    var names: [String: ConfigValue] = [:]

    init(file: String) { self.file = file }

    private func fail(_ p: SourcePosition, _ message: String) -> ConfigError {
        ConfigError.at(file, p.line, p.column, message)
    }

    func evaluate(_ expr: Expr) throws -> ConfigValue {
        switch expr {
        case .literal(let v, _): return v
        case .formatString(let text, let p): return .string(try format(text, p))
        case .name(let n, let p):
            guard let v = names[n] else { throw fail(p, "name '\(n)' is not defined") }
            return v
        case .list(let items, _):
            var values: [ConfigValue] = []
            for item in items {
                if case .starred(let inner, let p) = item {
                    let v = try evaluate(inner)
                    guard let seq = v.sequence else { throw fail(p, "cannot unpack '\(v.typeName)' with * (a list or tuple is needed)") }
                    values += seq
                } else {
                    values.append(try evaluate(item))
                }
            }
            return .list(values)
        case .starred(_, let p): throw fail(p, "*unpacking is only allowed inside a list display")
        case .tuple(let items, _): return .tuple(try items.map(evaluate))
        case .dict(let pairs, _):
            var d = ConfigDict()
            for (k, v) in pairs { d[try key(evaluate(k), k.position)] = try evaluate(v) }
            return .dict(d)
        case .call(let callee, let args, let kwargs, let p):
            return try call(callee, try args.map(evaluate), try kwargs.map { ($0.0, try evaluate($0.1)) }, p)
        case .index(let base, let index, let p):
            return try subscriptValue(try evaluate(base), index, p)
        case .slice(_, _, let p):
            throw fail(p, "a slice is only allowed inside brackets")
        case .attribute(let base, let attr, let p):
            let b = try evaluate(base)
            guard case .dict(let d) = b else { throw fail(p, "'\(b.typeName)' value has no attribute '\(attr)'") }
            guard let v = d[attr] else { throw fail(p, "key '\(attr)' not found") }
            return v
        case .binary(let op, let lhs, let rhs, let p):
            return try binary(op, try evaluate(lhs), try evaluate(rhs), p)
        case .unary(let op, let operand, let p):
            let v = try evaluate(operand)
            switch (op, v) {
            case ("not", _): return .bool(!v.isTruthy)
            case ("-", .int(let i)):
                guard i != .min else { throw fail(p, "integer overflow in -(\(i)) (config integers are 64-bit)") }
                return .int(-i)
            case ("-", .float(let d)): return .float(-d)
            case ("+", .int), ("+", .float): return v
            default: throw fail(p, "bad operand type for unary \(op): '\(v.typeName)'")
            }
        case .comprehension(let element, let variable, let iterable, let condition, let p):
            let source = try evaluate(iterable)
            let items: [ConfigValue]
            if let seq = source.sequence { items = seq } else if case .dict(let d) = source {
                items = d.keys.map { .string($0) }
            } else { throw fail(p, "'\(source.typeName)' value is not iterable") }
            var inner = self
            var out: [ConfigValue] = []
            for item in items {
                try inner.bind(variable, item, p)
                if let condition, !(try inner.evaluate(condition)).isTruthy { continue }
                out.append(try inner.evaluate(element))
            }
            return .list(out)
        }
    }

    /// The names a loop item binds to `target`, unpacked as Python does.
    func bindings(_ target: Target, _ value: ConfigValue, _ p: SourcePosition) throws -> [(String, ConfigValue)] {
        var scratch = ConfigEvaluator(file: file)
        try scratch.bind(target, value, p)
        return scratch.names.map { ($0.key, $0.value) }
    }

    /// Assigns a loop item to its target, unpacking sequences as Python does.
    private mutating func bind(_ target: Target, _ value: ConfigValue, _ p: SourcePosition) throws {
        switch target {
        case .name(let name): names[name] = value
        case .tuple(let targets):
            guard let items = value.sequence else { throw fail(p, "cannot unpack non-sequence '\(value.typeName)' into \(targets.count) names") }
            guard items.count == targets.count else {
                throw fail(p, items.count > targets.count ? "too many values to unpack (expected \(targets.count))"
                                                          : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (t, v) in zip(targets, items) { try bind(t, v, p) }
        }
    }

    private func key(_ v: ConfigValue, _ p: SourcePosition) throws -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: throw fail(p, "dict keys must be strings or integers, got '\(v.typeName)'")
        }
    }

    private func subscriptValue(_ base: ConfigValue, _ index: Expr, _ p: SourcePosition) throws -> ConfigValue {
        if case .slice(let lo, let hi, _) = index {
            func bound(_ e: Expr?, _ count: Int, _ fallback: Int) throws -> Int {
                guard let e else { return fallback }
                guard case .int(let i) = try evaluate(e) else { throw fail(p, "slice indices must be integers") }
                return max(0, min(count, i < 0 ? count + i : i))
            }
            switch base {
            case .list(let a), .tuple(let a):
                let l = try bound(lo, a.count, 0), h = try bound(hi, a.count, a.count)
                let part = l < h ? Array(a[l..<h]) : []
                if case .list = base { return .list(part) }
                return .tuple(part)
            case .string(let s):
                let chars = Array(s)
                let l = try bound(lo, chars.count, 0), h = try bound(hi, chars.count, chars.count)
                return .string(l < h ? String(chars[l..<h]) : "")
            default: throw fail(p, "'\(base.typeName)' value cannot be sliced")
            }
        }
        let i = try evaluate(index)
        switch (base, i) {
        case (.list(let a), .int(let n)), (.tuple(let a), .int(let n)):
            let k = n < 0 ? a.count + n : n
            guard a.indices.contains(k) else { throw fail(p, "index \(n) out of range for \(base.typeName) of length \(a.count)") }
            return a[k]
        case (.dict(let d), _):
            let k = try key(i, p)
            guard let v = d[k] else { throw fail(p, "key '\(k)' not found; known keys: \(d.keys.joined(separator: ", "))") }
            return v
        case (.string(let s), .int(let n)):
            let chars = Array(s)
            let k = n < 0 ? chars.count + n : n
            guard chars.indices.contains(k) else { throw fail(p, "string index \(n) out of range") }
            return .string(String(chars[k]))
        default:
            throw fail(p, "'\(base.typeName)' value cannot be indexed by '\(i.typeName)'")
        }
    }

    /// The most items a list, tuple or string built by `*` or `range` may have: configs hold
    /// settings, and a typo such as `[0] * 10**14` must not exhaust memory.
    static let maximumLength = 10_000_000

    /// The count of `n` copies of a sequence of `length` items, checked against `maximumLength`.
    private func repetitions(_ length: Int, _ n: Int, _ p: SourcePosition) throws -> Int {
        guard n > 0 else { return 0 }
        let total = length.multipliedReportingOverflow(by: n)
        guard !total.overflow, total.partialValue <= ConfigEvaluator.maximumLength else {
            throw fail(p, "a sequence of \(length) items repeated \(n) times exceeds \(ConfigEvaluator.maximumLength) items")
        }
        return n
    }

    private func number(_ v: ConfigValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    private func binary(_ op: String, _ a: ConfigValue, _ b: ConfigValue, _ p: SourcePosition) throws -> ConfigValue {
        switch op {
        case "==": return .bool(a == b || (number(a) != nil && number(a) == number(b)))
        case "!=": return .bool(!(a == b || (number(a) != nil && number(a) == number(b))))
        case "<", ">", "<=", ">=":
            let result: Bool
            if let x = number(a), let y = number(b) {
                result = op == "<" ? x < y : op == ">" ? x > y : op == "<=" ? x <= y : x >= y
            } else if case .string(let x) = a, case .string(let y) = b {
                result = op == "<" ? x < y : op == ">" ? x > y : op == "<=" ? x <= y : x >= y
            } else { throw fail(p, "'\(op)' not supported between '\(a.typeName)' and '\(b.typeName)'") }
            return .bool(result)
        default: break
        }
        switch (op, a, b) {
        case ("+", .string(let x), .string(let y)): return .string(x + y)
        case ("+", .list(let x), .list(let y)): return .list(x + y)
        case ("+", .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case ("*", .list(let x), .int(let n)), ("*", .int(let n), .list(let x)):
            return .list(Array(repeating: x, count: try repetitions(x.count, n, p)).flatMap { $0 })
        case ("*", .tuple(let x), .int(let n)), ("*", .int(let n), .tuple(let x)):
            return .tuple(Array(repeating: x, count: try repetitions(x.count, n, p)).flatMap { $0 })
        case ("*", .string(let x), .int(let n)), ("*", .int(let n), .string(let x)):
            return .string(String(repeating: x, count: try repetitions(x.utf8.count, n, p)))
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
            return .int(result)
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
                return op == "//" ? .int(q) : .int(r)
            default: throw fail(p, "unsupported operator '\(op)'")
            }
            guard !result.overflow else { throw fail(p, "integer overflow in \(x) \(op) \(y) (config integers are 64-bit)") }
            return .int(result.partialValue)
        default: break
        }
        guard let x = number(a), let y = number(b) else {
            throw fail(p, "unsupported operand types for \(op): '\(a.typeName)' and '\(b.typeName)'")
        }
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/":
            guard y != 0 else { throw fail(p, "division by zero") }
            return .float(x / y)
        case "//":
            guard y != 0 else { throw fail(p, "division by zero") }
            return .float((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw fail(p, "modulo by zero") }
            return .float(x - (x / y).rounded(.down) * y)
        case "**":
            guard !(x == 0 && y < 0) else { throw fail(p, "0.0 cannot be raised to a negative power") }
            guard x >= 0 || y == y.rounded() else { throw fail(p, "\(x) ** \(y) is a complex number") }
            let r = Foundation.pow(x, y)
            guard r.isFinite else { throw fail(p, "\(x) ** \(y) overflows a float") }
            return .float(r)
        default: throw fail(p, "unsupported operator '\(op)'")
        }
    }

    private func call(_ callee: Expr, _ args: [ConfigValue], _ kwargs: [(String, ConfigValue)], _ p: SourcePosition) throws -> ConfigValue {
        guard case .name(let fn, _) = callee else { throw fail(p, "only the built-ins dict, list, tuple, len, enumerate, zip, range, int, float, str, min, max, abs can be called") }
        func one() throws -> ConfigValue {
            guard args.count == 1, kwargs.isEmpty else { throw fail(p, "\(fn)() takes exactly one argument") }
            return args[0]
        }
        func sequence(_ v: ConfigValue) throws -> [ConfigValue] {
            if let s = v.sequence { return s }
            if case .dict(let d) = v { return d.keys.map { .string($0) } }
            if case .string(let s) = v { return s.map { .string(String($0)) } }
            throw fail(p, "'\(v.typeName)' value is not iterable")
        }
        switch fn {
        case "dict":
            var d = ConfigDict()
            if let first = args.first {
                guard args.count == 1, case .dict(let base) = first else { throw fail(p, "dict() takes keyword arguments or one dict") }
                d = base
            }
            for (k, v) in kwargs { d[k] = v }
            return .dict(d)
        case "list": return args.isEmpty ? .list([]) : .list(try sequence(try one()))
        case "tuple": return args.isEmpty ? .tuple([]) : .tuple(try sequence(try one()))
        case "len": return .int(try sequence(try one()).count)
        case "enumerate": return .list(try sequence(try one()).enumerated().map { .tuple([.int($0.offset), $0.element]) })
        case "zip":
            let lists = try args.map(sequence)
            return .list((0..<(lists.map(\.count).min() ?? 0)).map { i in .tuple(lists.map { $0[i] }) })
        case "range":
            let ints = try args.map { v -> Int in
                guard case .int(let i) = v else { throw fail(p, "range() takes integers") }
                return i
            }
            guard (1...3).contains(ints.count), kwargs.isEmpty else { throw fail(p, "range() takes 1 to 3 integers") }
            let (start, end, step) = ints.count == 1 ? (0, ints[0], 1) : (ints[0], ints[1], ints.count == 3 ? ints[2] : 1)
            guard step != 0 else { throw fail(p, "range() step must not be zero") }
            let span = end.subtractingReportingOverflow(start)
            let count = span.overflow ? Int.max : max(0, span.partialValue / step + (span.partialValue % step == 0 ? 0 : 1))
            guard count <= ConfigEvaluator.maximumLength else {
                throw fail(p, "range(\(ints.map(String.init).joined(separator: ", "))) has more than \(ConfigEvaluator.maximumLength) items")
            }
            return .list(Swift.stride(from: start, to: end, by: step).map { .int($0) })
        case "int":
            let v = try one()
            if case .string(let s) = v, let i = Int(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
            guard let x = number(v) else { throw fail(p, "int() of '\(v.typeName)'") }
            guard let i = Int(exactly: x.rounded(.towardZero)) else { throw fail(p, "int() of \(x): not a 64-bit integer") }
            return .int(i)
        case "float":
            let v = try one()
            if case .string(let s) = v, let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .float(d) }
            guard let x = number(v) else { throw fail(p, "float() of '\(v.typeName)'") }
            return .float(x)
        case "str": return .string(ConfigEvaluator.str(try one()))
        case "abs":
            switch try one() {
            case .int(let i):
                guard i != .min else { throw fail(p, "integer overflow in abs(\(i)) (config integers are 64-bit)") }
                return .int(abs(i))
            case .float(let d): return .float(abs(d))
            default: throw fail(p, "abs() needs a number")
            }
        case "min", "max":
            let items = args.count == 1 ? try sequence(args[0]) : args
            guard !items.isEmpty else { throw fail(p, "\(fn)() of an empty sequence") }
            var best = items[0]
            for item in items.dropFirst() {
                if case .bool(true) = try binary(fn == "min" ? "<" : ">", item, best, p) { best = item }
            }
            return best
        default:
            throw fail(p, "calling '\(fn)' is not supported; config files may call dict, list, tuple, len, enumerate, zip, range, int, float, str, min, max, abs")
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
                out += ConfigEvaluator.str(try evaluate(try parser.parseExpression()))
                i = close + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
