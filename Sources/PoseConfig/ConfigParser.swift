/// A source position for error messages.
struct SourcePosition { let line: Int; let column: Int }

/// The expression tree of a config statement.
indirect enum Expr {
    case literal(ConfigValue, SourcePosition)
    case formatString(String, SourcePosition)
    case name(String, SourcePosition)
    case list([Expr], SourcePosition)
    case tuple([Expr], SourcePosition)
    case dict([(Expr, Expr)], SourcePosition)
    case call(Expr, [Expr], [(String, Expr)], SourcePosition)
    case index(Expr, Expr, SourcePosition)
    case slice(Expr?, Expr?, SourcePosition)
    case attribute(Expr, String, SourcePosition)
    case binary(String, Expr, Expr, SourcePosition)
    case unary(String, Expr, SourcePosition)
    case comprehension(element: Expr, variable: Target, iterable: Expr, condition: Expr?, SourcePosition)
    /// `*items` inside a list or tuple display, spliced into it.
    case starred(Expr, SourcePosition)

    var position: SourcePosition {
        switch self {
        case .literal(_, let p), .formatString(_, let p), .name(_, let p), .list(_, let p), .tuple(_, let p),
             .dict(_, let p), .call(_, _, _, let p), .index(_, _, let p), .slice(_, _, let p),
             .attribute(_, _, let p), .binary(_, _, _, let p), .unary(_, _, let p),
             .comprehension(_, _, _, _, let p), .starred(_, let p):
            return p
        }
    }
}

/// A loop variable: a name, or names unpacked from each item (`for _, target in pairs`,
/// `for (a, (b, c)) in items`).
indirect enum Target {
    case name(String)
    case tuple([Target])
}

/// A module-level assignment `name = value`.
struct Assignment {
    let name: String
    let value: Expr
    let position: SourcePosition
}

/// A statement of a config file: assignments, and the few statement forms MMPose's own configs
/// use to build lists — `for` and `if` blocks, and `append`/`extend`/`insert`/`update` calls on a
/// named list or dict.
indirect enum Statement {
    case assign(Assignment)
    case loop(Target, Expr, [Statement], SourcePosition)
    /// `if`/`elif` branches in order, then the `else` body (empty when absent).
    case conditional([(Expr, [Statement])], [Statement], SourcePosition)
    case mutation(name: String, method: String, arguments: [Expr], keywords: [(String, Expr)], SourcePosition)
    /// `from module import names` (MMEngine's pure-Python configs): `level` leading dots,
    /// `names` as (name, alias) pairs, nil for `*`.
    case importNames(module: [String], level: Int, names: [(String, String?)]?, SourcePosition)
    /// `with read_base():` and the imports of base configs inside it.
    case readBase([Statement], SourcePosition)
}

/// Recursive-descent parser for config statements and Python expressions.
struct ConfigParser {
    let file: String
    let tokens: [Token]
    var index = 0

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    /// The module's statements in order.
    mutating func parseModule() throws -> [Statement] {
        try parseStatements(inBlock: false)
    }

    private mutating func parseStatements(inBlock: Bool) throws -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .newline: index += 1; continue
            case .end:
                if inBlock { throw error(current, "unexpected end of file inside a block") }
                return statements
            case .dedent:
                guard inBlock else { throw error(current, "unindent does not match any outer indentation level") }
                index += 1
                return statements
            case .indent: throw error(current, "unexpected indentation")
            default: statements.append(try parseStatement())
            }
        }
    }

    private mutating func parseStatement() throws -> Statement {
        let start = current
        let p = SourcePosition(line: start.line, column: start.column)
        guard case .name(let name) = start.kind else {
            throw error(start, "expected an assignment 'name = value'")
        }
        switch name {
        case "for":
            index += 1
            var targets = [try parseTarget()]
            while current.kind == .op(",") { index += 1; targets.append(try parseTarget()) }
            guard current.kind == .name("in") else { throw error(current, "expected 'in' in the for statement") }
            index += 1
            let iterable = try parseExpression()
            return .loop(targets.count == 1 ? targets[0] : .tuple(targets), iterable, try parseBlock(), p)
        case "if":
            index += 1
            var branches = [(try parseExpression(), try parseBlock())]
            var otherwise: [Statement] = []
            while current.kind == .name("elif") {
                index += 1
                branches.append((try parseExpression(), try parseBlock()))
            }
            if current.kind == .name("else") {
                index += 1
                otherwise = try parseBlock()
            }
            return .conditional(branches, otherwise, p)
        case "from":
            index += 1
            return try parseImport(p)
        case "with":
            index += 1
            guard current.kind == .name("read_base") else {
                throw error(current, "'with' is supported only as MMEngine's 'with read_base():'")
            }
            index += 1
            try expect("(")
            try expect(")")
            let body = try parseBlock()
            for statement in body {
                guard case .importNames = statement else {
                    throw error(start, "'with read_base():' may hold only 'from ... import ...' lines of base configs")
                }
            }
            return .readBase(body, p)
        case "import", "def", "class", "while", "try", "elif", "else", "return", "del", "lambda":
            throw error(start, "'\(name)' statements are not supported in config files (assignments, for and if blocks only)")
        default:
            break
        }
        if index + 1 < tokens.count && tokens[index + 1].kind == .op("=") {
            index += 2
            let value = try parseExpression()
            try endOfStatement("the value of '\(name)'")
            return .assign(Assignment(name: name, value: value, position: p))
        }
        let expression = try parseExpression()
        guard case .call(.attribute(.name(let target, _), let method, _), let arguments, let keywords, _) = expression,
              ["append", "extend", "insert", "update"].contains(method) else {
            throw error(start, "expected an assignment 'name = value' (statements may also be for/if blocks or append/extend/insert/update calls on a name)")
        }
        try endOfStatement("the call")
        return .mutation(name: target, method: method, arguments: arguments, keywords: keywords, p)
    }

    /// After `from`: `.mod.sub import a, b as c` or `import (a, b)` or `import *`.
    private mutating func parseImport(_ p: SourcePosition) throws -> Statement {
        var level = 0
        while current.kind == .op(".") {
            level += 1
            index += 1
        }
        var module: [String] = []
        while case .name(let part) = current.kind, part != "import" {
            module.append(part)
            index += 1
            guard current.kind == .op(".") else { break }
            index += 1
        }
        guard level > 0 || !module.isEmpty else { throw error(current, "expected a module name after 'from'") }
        guard current.kind == .name("import") else { throw error(current, "expected 'import' in the from statement") }
        index += 1
        if current.kind == .op("*") {
            index += 1
            try endOfStatement("'import *'")
            return .importNames(module: module, level: level, names: nil, p)
        }
        let parenthesized = current.kind == .op("(")
        if parenthesized { index += 1 }
        var names: [(String, String?)] = []
        while case .name(let name) = current.kind {
            index += 1
            var alias: String?
            if current.kind == .name("as") {
                index += 1
                guard case .name(let a) = current.kind else { throw error(current, "expected a name after 'as'") }
                alias = a
                index += 1
            }
            names.append((name, alias))
            guard current.kind == .op(",") else { break }
            index += 1
        }
        if parenthesized { try expect(")") }
        guard !names.isEmpty else { throw error(current, "expected the names to import") }
        try endOfStatement("the import")
        return .importNames(module: module, level: level, names: names, p)
    }

    private mutating func endOfStatement(_ what: String) throws {
        guard current.kind == .newline || current.kind == .end || current.kind == .dedent else {
            throw error(current, "unexpected \(describe(current)) after \(what)")
        }
    }

    /// How many for/if blocks enclose the one being parsed.
    private var blockDepth = 0

    /// `: NEWLINE INDENT statements DEDENT`.
    private mutating func parseBlock() throws -> [Statement] {
        guard blockDepth < ConfigLimits.blockDepth else {
            throw error(current, "for/if blocks nested deeper than \(ConfigLimits.blockDepth) levels")
        }
        blockDepth += 1
        defer { blockDepth -= 1 }
        try expect(":")
        guard current.kind == .newline else { throw error(current, "a block's statements go on the following, indented lines") }
        index += 1
        guard current.kind == .indent else { throw error(current, "expected an indented block") }
        index += 1
        return try parseStatements(inBlock: true)
    }

    /// Parses one expression (used for f-string fields too).
    mutating func parseExpression() throws -> Expr {
        let first = try parseComparison()
        // a bare tuple `a, b` at statement level
        if current.kind == .op(","), isTopLevelTupleContext {
            var items = [first]
            while current.kind == .op(",") {
                index += 1
                if current.kind == .newline || current.kind == .end { break }
                items.append(try parseComparison())
            }
            return .tuple(items, first.position)
        }
        return first
    }

    private var isTopLevelTupleContext: Bool { nesting == 0 }
    private var nesting = 0

    /// How deep an expression may nest, counting brackets, unary operators and each operand of
    /// an operator chain: evaluating (and freeing) the tree recurses that deep. CPython stops
    /// at 200 nested brackets and at a few thousand chained operators.
    static let maximumDepth = 500
    private var depth = 0

    /// Counts `extra` more levels below the current one, failing at `maximumDepth`.
    private func checkDepth(_ extra: Int = 0) throws {
        guard depth + extra <= ConfigParser.maximumDepth else {
            throw error(current, "expression nested or chained deeper than \(ConfigParser.maximumDepth) levels")
        }
    }

    private var current: Token { tokens[index] }

    private func error(_ token: Token, _ message: String) -> ConfigError {
        ConfigError.at(file, token.line, token.column, message)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .name(let n): return "name '\(n)'"
        case .int(let i): return "number \(i)"
        case .float(let d): return "number \(d)"
        case .string: return "string"
        case .op(let o): return "'\(o)'"
        case .newline: return "end of line"
        case .indent: return "indentation"
        case .dedent: return "unindent"
        case .end: return "end of file"
        }
    }

    private mutating func expect(_ op: String) throws {
        guard current.kind == .op(op) else { throw error(current, "expected '\(op)', found \(describe(current))") }
        index += 1
    }

    private mutating func parseComparison() throws -> Expr {
        var lhs = try parseAdditive()
        var terms = 0
        while case .op(let o) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
            let p = SourcePosition(line: current.line, column: current.column)
            index += 1
            terms += 1
            try checkDepth(terms)
            lhs = .binary(o, lhs, try parseAdditive(), p)
        }
        return lhs
    }

    private mutating func parseAdditive() throws -> Expr {
        var lhs = try parseMultiplicative()
        var terms = 0
        while case .op(let o) = current.kind, o == "+" || o == "-" {
            let p = SourcePosition(line: current.line, column: current.column)
            index += 1
            terms += 1
            try checkDepth(terms)
            lhs = .binary(o, lhs, try parseMultiplicative(), p)
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws -> Expr {
        var lhs = try parseUnary()
        var terms = 0
        while case .op(let o) = current.kind, ["*", "/", "//", "%"].contains(o) {
            let p = SourcePosition(line: current.line, column: current.column)
            index += 1
            terms += 1
            try checkDepth(terms)
            lhs = .binary(o, lhs, try parseUnary(), p)
        }
        return lhs
    }

    private mutating func parseUnary() throws -> Expr {
        depth += 1
        defer { depth -= 1 }
        try checkDepth()
        if case .op(let o) = current.kind, o == "-" || o == "+" {
            let p = SourcePosition(line: current.line, column: current.column)
            index += 1
            return .unary(o, try parseUnary(), p)
        }
        if case .name("not") = current.kind {
            let p = SourcePosition(line: current.line, column: current.column)
            index += 1
            return .unary("not", try parseUnary(), p)
        }
        return try parsePower()
    }

    /// `base ** exponent`: binds tighter than a unary minus on its left (-2 ** 2 is -4) and
    /// groups to the right, as in Python.
    private mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        guard current.kind == .op("**") else { return base }
        let p = SourcePosition(line: current.line, column: current.column)
        index += 1
        return .binary("**", base, try parseUnary(), p)
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parseAtom()
        var terms = 0
        while true {
            let p = SourcePosition(line: current.line, column: current.column)
            terms += 1
            try checkDepth(terms)
            if current.kind == .op("(") {
                index += 1; nesting += 1
                var args: [Expr] = [], kwargs: [(String, Expr)] = []
                while current.kind != .op(")") {
                    if case .name(let n) = current.kind, tokens[index + 1].kind == .op("=") {
                        index += 2
                        kwargs.append((n, try parseComparison()))
                    } else {
                        guard kwargs.isEmpty else { throw error(current, "positional argument after keyword argument") }
                        args.append(try parseComparison())
                    }
                    if current.kind == .op(",") { index += 1 } else { break }
                }
                try expect(")"); nesting -= 1
                expr = .call(expr, args, kwargs, p)
            } else if current.kind == .op("[") {
                index += 1; nesting += 1
                var lower: Expr?, upper: Expr?
                if current.kind != .op(":") { lower = try parseComparison() }
                if current.kind == .op(":") {
                    index += 1
                    if current.kind != .op("]") { upper = try parseComparison() }
                    try expect("]"); nesting -= 1
                    expr = .index(expr, .slice(lower, upper, p), p)
                } else {
                    try expect("]"); nesting -= 1
                    expr = .index(expr, lower!, p)
                }
            } else if current.kind == .op(".") {
                index += 1
                guard case .name(let attr) = current.kind else { throw error(current, "expected an attribute name after '.'") }
                index += 1
                expr = .attribute(expr, attr, p)
            } else {
                return expr
            }
        }
    }

    private mutating func parseAtom() throws -> Expr {
        let t = current
        let p = SourcePosition(line: t.line, column: t.column)
        switch t.kind {
        case .int(let i): index += 1; return .literal(.int(i), p)
        case .float(let d): index += 1; return .literal(.float(d), p)
        case .string:
            // adjacent literals concatenate; any f-string part makes the whole an f-string
            var text = "", format = false
            var parts: [(String, Bool)] = []
            while case .string(let s, let f) = current.kind {
                parts.append((s, f)); format = format || f
                index += 1
            }
            for (s, f) in parts {
                text += (format && !f) ? s.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}") : s
            }
            return format ? .formatString(text, p) : .literal(.string(text), p)
        case .name(let n):
            index += 1
            switch n {
            case "True": return .literal(.bool(true), p)
            case "False": return .literal(.bool(false), p)
            case "None": return .literal(.none, p)
            case "lambda", "yield", "await": throw error(t, "'\(n)' is not supported in config files")
            default: return .name(n, p)
            }
        case .op("("):
            index += 1; nesting += 1
            if current.kind == .op(")") { index += 1; nesting -= 1; return .tuple([], p) }
            let first = try parseComparison()
            if case .name("for") = current.kind {
                let comp = try parseComprehensionTail(element: first, p)
                try expect(")"); nesting -= 1
                return .call(.name("tuple", p), [comp], [], p)
            }
            if current.kind == .op(")") { index += 1; nesting -= 1; return first }
            var items = [first]
            while current.kind == .op(",") {
                index += 1
                if current.kind == .op(")") { break }
                items.append(try parseComparison())
            }
            try expect(")"); nesting -= 1
            return .tuple(items, p)
        case .op("["):
            index += 1; nesting += 1
            var items: [Expr] = []
            if current.kind != .op("]") {
                let first = try parseDisplayItem()
                if case .name("for") = current.kind {
                    let comp = try parseComprehensionTail(element: first, p)
                    try expect("]"); nesting -= 1
                    return comp
                }
                items.append(first)
                while current.kind == .op(",") {
                    index += 1
                    if current.kind == .op("]") { break }
                    items.append(try parseDisplayItem())
                }
            }
            try expect("]"); nesting -= 1
            return .list(items, p)
        case .op("{"):
            index += 1; nesting += 1
            var pairs: [(Expr, Expr)] = []
            while current.kind != .op("}") {
                let key = try parseComparison()
                try expect(":")
                pairs.append((key, try parseComparison()))
                if current.kind == .op(",") { index += 1 } else { break }
            }
            try expect("}"); nesting -= 1
            return .dict(pairs, p)
        default:
            throw error(t, "unexpected \(describe(t))")
        }
    }

    /// A list display item: an expression, or `*expression` to splice a sequence in.
    private mutating func parseDisplayItem() throws -> Expr {
        guard current.kind == .op("*") else { return try parseComparison() }
        let p = SourcePosition(line: current.line, column: current.column)
        index += 1
        return .starred(try parseComparison(), p)
    }

    private mutating func parseComprehensionTail(element: Expr, _ p: SourcePosition) throws -> Expr {
        index += 1  // for
        var targets = [try parseTarget()]
        while current.kind == .op(",") {
            index += 1
            targets.append(try parseTarget())
        }
        guard case .name("in") = current.kind else { throw error(current, "expected 'in' in comprehension") }
        index += 1
        let iterable = try parseComparison()
        var condition: Expr?
        if case .name("if") = current.kind {
            index += 1
            condition = try parseComparison()
        }
        return .comprehension(element: element, variable: targets.count == 1 ? targets[0] : .tuple(targets), iterable: iterable,
                              condition: condition, p)
    }

    /// A loop variable: a name or a parenthesised, comma-separated group of targets.
    private mutating func parseTarget() throws -> Target {
        if case .name(let name) = current.kind, name != "in" {
            index += 1
            return .name(name)
        }
        guard current.kind == .op("(") || current.kind == .op("[") else { throw error(current, "expected a loop variable after 'for'") }
        let close = current.kind == .op("(") ? ")" : "]"
        index += 1
        try checkDepth(1)
        depth += 1
        defer { depth -= 1 }
        var targets: [Target] = []
        while current.kind != .op(close) {
            targets.append(try parseTarget())
            if current.kind == .op(",") { index += 1 } else { break }
        }
        try expect(close)
        return .tuple(targets)
    }
}
