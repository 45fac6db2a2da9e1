import Foundation

/// A value produced by the minimal unpickler: Python's plain data plus PyTorch tensors; any
/// other object is kept opaque (its constructor and arguments) instead of failing.
final class PickleList {
    var items: [PickleValue] = []
    deinit { PickleValue.release(&items) }
}
final class PickleDict {
    var keys: [PickleValue] = []
    var values: [PickleValue] = []
    deinit {
        PickleValue.release(&keys)
        PickleValue.release(&values)
    }
}

indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// A tensor view of a zip storage: dtype (from the storage class), storage key, offset (elements), shape, stride.
    case tensor(dtype: String, storage: String, offset: Int, shape: [Int], stride: [Int])
    case persistent(PickleValue)
    case object(callable: PickleValue, arguments: PickleValue)
    case mark

    /// Frees `items` and everything only they hold with a work list instead of recursion.
    ///
    /// Lists and dicts are objects a pickle can fill after the memo has handed them out (BINPUT,
    /// BINGET, APPEND), so no depth count at build time bounds how deep they end up nesting; a
    /// recursive release of a 60,000-deep chain would overflow the stack.
    static func release(_ items: inout [PickleValue]) {
        var work = items
        items = []
        while var v = work.popLast() {
            switch v {
            case .list(var l):
                v = .none
                // only a container nothing else holds is emptied; a shared one lives on, and its
                // own release comes here later
                if isKnownUniquelyReferenced(&l) { work += l.items; l.items = [] }
            case .dict(var d):
                v = .none
                if isKnownUniquelyReferenced(&d) { work += d.keys; work += d.values; d.keys = []; d.values = [] }
            case .tuple(let t): v = .none; work += t
            case .persistent(let inner): v = .none; work.append(inner)
            case .object(let callable, let arguments): v = .none; work += [callable, arguments]
            default: break
            }
        }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var int: Int? { if case .int(let i) = self { return i } else { return nil } }
    var items: [PickleValue]? {
        switch self {
        case .tuple(let t): return t
        case .list(let l): return l.items
        default: return nil
        }
    }
}

/// Unpickles the subset of protocol 2–5 that `torch.save` of a state dict uses.
struct PickleReader {
    let bytes: [UInt8]
    let source: String
    var position = 0
    var stack: [PickleValue] = []
    /// How deeply each stack value nests, so a hostile file cannot build a value whose
    /// (recursive) destruction overflows the stack.
    var depths: [Int] = []
    var memo: [Int: (PickleValue, Int)] = [:]
    /// Every list and dict the pickle made: a memo can make them hold each other in a cycle,
    /// which reference counting never frees, so `releaseContainers` empties them all once the
    /// caller has read what it needs.
    private var lists: [PickleList] = [], dicts: [PickleDict] = []
    /// Deeper than any state dict; a million-deep tuple is an error, not a crash.
    static let maximumDepth = 1_000

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    private func fail(_ message: String) -> CheckpointError { CheckpointError("\(source): pickle: \(message)") }

    private mutating func read(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - position else { throw fail("a length of \(n) at byte \(position) runs past the end of the data (\(bytes.count) bytes)") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }
    private mutating func uint(_ n: Int) throws -> Int {
        var v: UInt64 = 0
        for (i, b) in try read(n).enumerated() { v |= UInt64(b) << (8 * i) }
        // lengths and memo keys beyond Int's range are damage; -1 fails every later bounds check
        return v > UInt64(Int.max) ? -1 : Int(v)
    }
    private mutating func push(_ v: PickleValue, depth: Int = 0) throws {
        guard depth <= PickleReader.maximumDepth else { throw fail("values nested deeper than \(PickleReader.maximumDepth) levels") }
        stack.append(v)
        depths.append(depth)
    }
    private func top() throws -> (PickleValue, Int) {
        guard let v = stack.last, let d = depths.last else { throw fail("memoize with an empty stack") }
        return (v, d)
    }
    /// A container holding `children` values of these depths.
    private func containing(_ children: [Int]) -> Int { 1 + (children.max() ?? 0) }
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated text line") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
    private mutating func pop() throws -> PickleValue { try popWithDepth().0 }
    private mutating func popWithDepth() throws -> (PickleValue, Int) {
        guard let v = stack.popLast(), let d = depths.popLast() else { throw fail("stack underflow") }
        return (v, d)
    }
    private mutating func popMark() throws -> ([PickleValue], Int) {
        guard let m = stack.lastIndex(where: { if case .mark = $0 { return true }; return false }) else { throw fail("no MARK on the stack") }
        let items = Array(stack[(m + 1)...])
        let depth = containing(Array(depths[(m + 1)...]))
        stack.removeSubrange(m...)
        depths.removeSubrange(m...)
        return (items, depth)
    }
    /// Deepens the container on top of the stack by a value of depth `child`.
    private mutating func deepenTop(by child: Int) throws {
        guard let top = depths.indices.last else { throw fail("stack underflow") }
        depths[top] = max(depths[top], child + 1)
        guard depths[top] <= PickleReader.maximumDepth else { throw fail("values nested deeper than \(PickleReader.maximumDepth) levels") }
    }

    private mutating func newList() -> PickleList {
        let l = PickleList()
        lists.append(l)
        return l
    }

    private mutating func newDict() -> PickleDict {
        let d = PickleDict()
        dicts.append(d)
        return d
    }

    /// Empties every list and dict the pickle made, breaking any cycle among them (the values
    /// `load` returned are empty afterwards).
    mutating func releaseContainers() {
        stack = []
        memo = [:]
        for l in lists { l.items = [] }
        for d in dicts { d.keys = []; d.values = [] }
        lists = []
        dicts = []
    }

    mutating func load() throws -> PickleValue {
        while true {
            let op = try read(1).first!
            switch op {
            case 0x80: _ = try read(1)                                   // PROTO
            case 0x95: _ = try read(8)                                   // FRAME
            case 0x2E: return try pop()                                  // STOP
            case 0x28: try push(.mark)                               // MARK
            case 0x4E: try push(.none)                               // NONE
            case 0x88: try push(.bool(true))                         // NEWTRUE
            case 0x89: try push(.bool(false))                        // NEWFALSE
            case 0x4B: try push(.int(try uint(1)))                   // BININT1
            case 0x4D: try push(.int(try uint(2)))                   // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8A:                                                   // LONG1
                let n = try uint(1)
                let raw = try read(n)
                var v = 0
                for (i, b) in raw.enumerated() where i < 8 { v |= Int(b) << (8 * i) }
                if n > 0 && n < 8 && raw.last! & 0x80 != 0 { v -= 1 << (8 * n) }
                try push(.int(v))
            case 0x47:                                                   // BINFLOAT (big-endian)
                var bits: UInt64 = 0
                for b in try read(8) { bits = bits << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58: let n = try uint(4); try push(.string(String(decoding: try read(n), as: UTF8.self)))   // BINUNICODE
            case 0x8C: let n = try uint(1); try push(.string(String(decoding: try read(n), as: UTF8.self)))   // SHORT_BINUNICODE
            case 0x8D: let n = try uint(8); try push(.string(String(decoding: try read(n), as: UTF8.self)))   // BINUNICODE8
            case 0x54: let n = try uint(4); try push(.string(String(decoding: try read(n), as: UTF8.self)))   // BINSTRING
            case 0x55: let n = try uint(1); try push(.string(String(decoding: try read(n), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x42: let n = try uint(4); try push(.bytes(Array(try read(n))))                              // BINBYTES
            case 0x43: let n = try uint(1); try push(.bytes(Array(try read(n))))                              // SHORT_BINBYTES
            case 0x29: try push(.tuple([]))                          // EMPTY_TUPLE
            case 0x74: let (items, depth) = try popMark(); try push(.tuple(items), depth: depth)               // TUPLE
            case 0x85: let (a, d) = try popWithDepth(); try push(.tuple([a]), depth: d + 1)                 // TUPLE1
            case 0x86: let (b, db) = try popWithDepth(), (a, da) = try popWithDepth(); try push(.tuple([a, b]), depth: containing([da, db]))                  // TUPLE2
            case 0x87: let (c, dc) = try popWithDepth(), (b, db) = try popWithDepth(), (a, da) = try popWithDepth(); try push(.tuple([a, b, c]), depth: containing([da, db, dc])) // TUPLE3
            case 0x5D: try push(.list(newList()))                    // EMPTY_LIST
            case 0x6C: let l = newList(), (items, depth) = try popMark(); l.items = items; try push(.list(l), depth: depth)          // LIST
            case 0x61:                                                   // APPEND
                let (v, d) = try popWithDepth()
                guard case .list(let l) = stack.last else { throw fail("APPEND to a non-list") }
                try deepenTop(by: d)
                l.items.append(v)
            case 0x65:                                                   // APPENDS
                let (items, depth) = try popMark()
                guard case .list(let l) = stack.last else { throw fail("APPENDS to a non-list") }
                try deepenTop(by: depth - 1)
                l.items += items
            case 0x7D: try push(.dict(newDict()))                    // EMPTY_DICT
            case 0x64:                                                   // DICT
                let (items, depth) = try popMark()
                let d = newDict()
                for i in stride(from: 0, to: items.count - 1, by: 2) { d.keys.append(items[i]); d.values.append(items[i + 1]) }
                try push(.dict(d), depth: depth)
            case 0x73:                                                   // SETITEM
                let (v, dv) = try popWithDepth(), (k, dk) = try popWithDepth()
                guard case .dict(let d) = stack.last else { throw fail("SETITEM on a non-dict") }
                try deepenTop(by: max(dv, dk))
                d.keys.append(k); d.values.append(v)
            case 0x75:                                                   // SETITEMS
                let (items, depth) = try popMark()
                guard case .dict(let d) = stack.last else { throw fail("SETITEMS on a non-dict") }
                try deepenTop(by: depth - 1)
                for i in stride(from: 0, to: items.count - 1, by: 2) { d.keys.append(items[i]); d.values.append(items[i + 1]) }
            case 0x71: memo[try uint(1)] = try top()                    // BINPUT
            case 0x72: memo[try uint(4)] = try top()                    // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                     // MEMOIZE
            case 0x68:                                                   // BINGET
                let k = try uint(1)
                guard let (v, d) = memo[k] else { throw fail("memo \(k) missing") }
                try push(v, depth: d)
            case 0x6A:                                                   // LONG_BINGET
                let k = try uint(4)
                guard let (v, d) = memo[k] else { throw fail("memo \(k) missing") }
                try push(v, depth: d)
            case 0x63:                                                   // GLOBAL
                let module = try line(), name = try line()
                try push(.global(module: module, name: name))
            case 0x93:                                                   // STACK_GLOBAL
                let name = try pop(), module = try pop()
                try push(.global(module: module.string ?? "", name: name.string ?? ""))
            case 0x51: let (v, d) = try popWithDepth(); try push(.persistent(v), depth: d + 1)              // BINPERSID
            case 0x52:                                                   // REDUCE
                let (args, da) = try popWithDepth(), (callable, dc) = try popWithDepth()
                try push(try reduce(callable, args), depth: containing([da, dc]))
            case 0x81:                                                   // NEWOBJ
                let (args, da) = try popWithDepth(), (cls, dc) = try popWithDepth()
                try push(.object(callable: cls, arguments: args), depth: containing([da, dc]))
            case 0x62: _ = try pop()                                     // BUILD: state of an object we keep opaque
            default:
                throw fail(String(format: "unsupported opcode 0x%02X at byte %d", op, position - 1))
            }
        }
    }

    private mutating func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable else { return .object(callable: callable, arguments: args) }
        switch (module, name) {
        case ("collections", "OrderedDict"): return .dict(newDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            guard let a = args.items, a.count >= 4, case .persistent(let pid) = a[0], let p = pid.items, p.count >= 3,
                  case .global(_, let storageType) = p[1], let key = p[2].string, let offset = a[1].int,
                  let shape = a[2].items?.compactMap(\.int), let stride = a[3].items?.compactMap(\.int) else {
                throw fail("unexpected arguments to \(name)")
            }
            let dtypes = ["FloatStorage": "F32", "HalfStorage": "F16", "DoubleStorage": "F64", "LongStorage": "I64",
                          "IntStorage": "I32", "BFloat16Storage": "BF16", "ByteStorage": "U8", "BoolStorage": "BOOL",
                          "ShortStorage": "I16", "CharStorage": "I8"]
            return .tensor(dtype: dtypes[storageType] ?? storageType, storage: key, offset: offset, shape: shape, stride: stride)
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let a = args.items, let first = a.first else { throw fail("unexpected arguments to \(name)") }
            return first
        default:
            return .object(callable: callable, arguments: args)
        }
    }
}
