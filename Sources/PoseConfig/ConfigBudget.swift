/// The evaluation steps one config load may spend, shared by the evaluators of the file, its
/// bases and its f-string fields, so that loops and repetition that stay under every
/// per-value limit still end (`ConfigLimits.evaluationSteps`).
final class ConfigBudget {
    let limit: Int
    private(set) var spent = 0

    init(limit: Int = ConfigLimits.evaluationSteps) { self.limit = limit }

    /// Spends `steps` (an expression, a loop iteration, the items an operation builds or
    /// copies); throws once the load has spent more than its limit.
    func spend(_ steps: Int, file: String, at p: SourcePosition) throws {
        let (total, overflow) = spent.addingReportingOverflow(max(0, steps))
        spent = overflow ? Int.max : total
        guard spent <= limit else {
            throw ConfigError.at(file, p.line, p.column, "evaluating the config takes more than \(limit) steps (loops, comprehensions or repetition too large for a config)")
        }
    }
}

/// A value with upper bounds on how deep it nests, how large it is and how large its largest
/// item is (`ConfigLimits.valueDepth`, `ConfigLimits.valueSize`), carried beside every value the
/// evaluator builds so that no check walks a value.
struct Measured {
    var value: ConfigValue
    /// 0 for numbers, strings and None; 1 + the deepest item for containers.
    var depth: Int
    /// One per scalar or container, one per 8 bytes of a string, items counted in full.
    var size: Int
    /// The size of the largest item (0 for scalars), so that the items of a flat list of
    /// numbers count one each, not as much as the list.
    var largestItem: Int

    /// A value with these bounds; without `largestItem`, an item may be as large as the rest.
    init(_ value: ConfigValue, depth: Int, size: Int, largestItem: Int? = nil) {
        self.value = value; self.depth = depth; self.size = size
        self.largestItem = largestItem ?? max(0, size - 1)
    }

    /// A number, bool, None or string.
    init(scalar value: ConfigValue) {
        self.value = value
        depth = 0
        largestItem = 0
        if case .string(let s) = value { size = Measured.size(of: s) } else { size = 1 }
    }

    static func size(of string: String) -> Int { 1 + string.utf8.count / 8 }

    /// The bounds of a value built elsewhere (a base file's, a loaded name's), found by walking it:
    /// such values come from loads that were held to the same limits.
    init(walking value: ConfigValue) {
        self.value = value
        (depth, size, largestItem) = Measured.walk(value)
    }

    private static func walk(_ v: ConfigValue) -> (depth: Int, size: Int, largestItem: Int) {
        switch v {
        case .list(let items), .tuple(let items):
            var depth = 0, size = 1, largest = 0
            for item in items {
                let w = walk(item)
                depth = max(depth, w.depth); size = size &+ w.size; largest = max(largest, w.size)
            }
            return (depth + 1, size, largest)
        case .dict(let d):
            var depth = 0, size = 1, largest = 0
            for (k, item) in d.items {
                let w = walk(item)
                depth = max(depth, w.depth); size = size &+ w.size &+ Measured.size(of: k); largest = max(largest, w.size)
            }
            return (depth + 1, size, largest)
        case .string(let s): return (0, Measured.size(of: s), 0)
        default: return (0, 1, 0)
        }
    }

    /// The bounds of this container with `items` added to it, refused past the limits.
    func joined(with items: [Measured], file: String, at p: SourcePosition) throws -> Measured {
        var depth = self.depth, size = self.size, largest = largestItem
        for item in items { depth = max(depth, item.depth + 1); size = size &+ item.size; largest = max(largest, item.size) }
        guard depth <= ConfigLimits.valueDepth, size <= ConfigLimits.valueSize else {
            throw ConfigError.at(file, p.line, p.column, "this value would nest deeper than \(ConfigLimits.valueDepth) levels or hold more than \(ConfigLimits.valueSize) items")
        }
        return Measured(value, depth: depth, size: size, largestItem: largest)
    }

    /// `value` with these bounds (a changed copy of this value, or a part of it, is no larger).
    func holding(_ value: ConfigValue) -> Measured {
        Measured(value, depth: depth, size: size, largestItem: largestItem)
    }

    /// The bounds of an item taken out of this container.
    func item(_ value: ConfigValue) -> Measured {
        Measured(value, depth: max(0, depth - 1), size: max(1, largestItem), largestItem: max(0, largestItem - 1))
    }
}
