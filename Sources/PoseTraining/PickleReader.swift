import Foundation

/// A value produced by the minimal unpickler: Python's plain data plus PyTorch tensors; any
/// other object is kept opaque (its constructor and arguments) instead of failing.
final class PickleList { var items: [PickleValue] = [] }
final class PickleDict { var keys: [PickleValue] = []; var values: [PickleValue] = [] }

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
    var memo: [Int: PickleValue] = [:]

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    private func fail(_ message: String) -> CheckpointError { CheckpointError("\(source): pickle: \(message)") }

    private mutating func read(_ n: Int) throws -> ArraySlice<UInt8> {
        guard position + n <= bytes.count else { throw fail("unexpected end of data") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }
    private mutating func uint(_ n: Int) throws -> Int {
        var v = 0
        for (i, b) in try read(n).enumerated() { v |= Int(b) << (8 * i) }
        return v
    }
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("unterminated text line") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
    private mutating func pop() throws -> PickleValue {
        guard let v = stack.popLast() else { throw fail("stack underflow") }
        return v
    }
    private mutating func popMark() throws -> [PickleValue] {
        guard let m = stack.lastIndex(where: { if case .mark = $0 { return true }; return false }) else { throw fail("no MARK on the stack") }
        let items = Array(stack[(m + 1)...])
        stack.removeSubrange(m...)
        return items
    }

    mutating func load() throws -> PickleValue {
        while true {
            let op = try read(1).first!
            switch op {
            case 0x80: _ = try read(1)                                   // PROTO
            case 0x95: _ = try read(8)                                   // FRAME
            case 0x2E: return try pop()                                  // STOP
            case 0x28: stack.append(.mark)                               // MARK
            case 0x4E: stack.append(.none)                               // NONE
            case 0x88: stack.append(.bool(true))                         // NEWTRUE
            case 0x89: stack.append(.bool(false))                        // NEWFALSE
            case 0x4B: stack.append(.int(try uint(1)))                   // BININT1
            case 0x4D: stack.append(.int(try uint(2)))                   // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8A:                                                   // LONG1
                let n = try uint(1)
                let raw = try read(n)
                var v = 0
                for (i, b) in raw.enumerated() where i < 8 { v |= Int(b) << (8 * i) }
                if n > 0 && n < 8 && raw.last! & 0x80 != 0 { v -= 1 << (8 * n) }
                stack.append(.int(v))
            case 0x47:                                                   // BINFLOAT (big-endian)
                var bits: UInt64 = 0
                for b in try read(8) { bits = bits << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: bits)))
            case 0x58: let n = try uint(4); stack.append(.string(String(decoding: try read(n), as: UTF8.self)))   // BINUNICODE
            case 0x8C: let n = try uint(1); stack.append(.string(String(decoding: try read(n), as: UTF8.self)))   // SHORT_BINUNICODE
            case 0x8D: let n = try uint(8); stack.append(.string(String(decoding: try read(n), as: UTF8.self)))   // BINUNICODE8
            case 0x54: let n = try uint(4); stack.append(.string(String(decoding: try read(n), as: UTF8.self)))   // BINSTRING
            case 0x55: let n = try uint(1); stack.append(.string(String(decoding: try read(n), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x42: let n = try uint(4); stack.append(.bytes(Array(try read(n))))                              // BINBYTES
            case 0x43: let n = try uint(1); stack.append(.bytes(Array(try read(n))))                              // SHORT_BINBYTES
            case 0x29: stack.append(.tuple([]))                          // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))               // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                 // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))                  // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c])) // TUPLE3
            case 0x5D: stack.append(.list(PickleList()))                 // EMPTY_LIST
            case 0x6C: let l = PickleList(); l.items = try popMark(); stack.append(.list(l))          // LIST
            case 0x61:                                                   // APPEND
                let v = try pop()
                guard case .list(let l) = stack.last else { throw fail("APPEND to a non-list") }
                l.items.append(v)
            case 0x65:                                                   // APPENDS
                let items = try popMark()
                guard case .list(let l) = stack.last else { throw fail("APPENDS to a non-list") }
                l.items += items
            case 0x7D: stack.append(.dict(PickleDict()))                 // EMPTY_DICT
            case 0x64:                                                   // DICT
                let items = try popMark()
                let d = PickleDict()
                for i in stride(from: 0, to: items.count - 1, by: 2) { d.keys.append(items[i]); d.values.append(items[i + 1]) }
                stack.append(.dict(d))
            case 0x73:                                                   // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = stack.last else { throw fail("SETITEM on a non-dict") }
                d.keys.append(k); d.values.append(v)
            case 0x75:                                                   // SETITEMS
                let items = try popMark()
                guard case .dict(let d) = stack.last else { throw fail("SETITEMS on a non-dict") }
                for i in stride(from: 0, to: items.count - 1, by: 2) { d.keys.append(items[i]); d.values.append(items[i + 1]) }
            case 0x71: memo[try uint(1)] = stack.last                    // BINPUT
            case 0x72: memo[try uint(4)] = stack.last                    // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last                     // MEMOIZE
            case 0x68:                                                   // BINGET
                let k = try uint(1)
                guard let v = memo[k] else { throw fail("memo \(k) missing") }
                stack.append(v)
            case 0x6A:                                                   // LONG_BINGET
                let k = try uint(4)
                guard let v = memo[k] else { throw fail("memo \(k) missing") }
                stack.append(v)
            case 0x63:                                                   // GLOBAL
                let module = try line(), name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                                   // STACK_GLOBAL
                let name = try pop(), module = try pop()
                stack.append(.global(module: module.string ?? "", name: name.string ?? ""))
            case 0x51: stack.append(.persistent(try pop()))              // BINPERSID
            case 0x52:                                                   // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(try reduce(callable, args))
            case 0x81:                                                   // NEWOBJ
                let args = try pop(), cls = try pop()
                stack.append(.object(callable: cls, arguments: args))
            case 0x62: _ = try pop()                                     // BUILD: state of an object we keep opaque
            default:
                throw fail(String(format: "unsupported opcode 0x%02X at byte %d", op, position - 1))
            }
        }
    }

    private func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable else { return .object(callable: callable, arguments: args) }
        switch (module, name) {
        case ("collections", "OrderedDict"): return .dict(PickleDict())
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
