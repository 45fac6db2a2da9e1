import PoseCLI

/// Hand-made `torch.save` files for the damaged-checkpoint corpus: a pickle built opcode by
/// opcode (protocol 2, as `torch.save` writes) inside a stored zip with one float storage.
enum TorchArchive {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func text(_ s: String) -> [UInt8] { [0x8C, UInt8(s.utf8.count)] + Array(s.utf8) }

    /// BININT: a signed 32-bit integer.
    static func binint(_ v: Int32) -> [UInt8] { [0x4A] + u32(Int(UInt32(bitPattern: v))) }
    /// LONG1 of 8 bytes: a signed 64-bit integer.
    static func long(_ v: Int64) -> [UInt8] { [0x8A, 8] + u64(UInt64(bitPattern: v)) }

    /// `{'weight': _rebuild_tensor_v2(storage key, offset, shape, stride, False)}` in a pickle.
    static func rebuildTensor(key: String, offset: [UInt8], shape: [[UInt8]], stride: [[UInt8]]) -> [UInt8] {
        var p: [UInt8] = [0x80, 0x02, 0x7D] + text("weight")
        p += [0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8)
        p += [0x28]                                                             // MARK: the arguments
        p += [0x28] + text("storage") + [0x63] + Array("torch\nFloatStorage\n".utf8) + text(key) + text("cpu") + [0x4B, 4, 0x74]
        p += [0x51]                                                             // BINPERSID
        p += offset
        p += [0x28] + shape.joined() + [0x74]
        p += [0x28] + stride.joined() + [0x74]
        p += [0x89, 0x74, 0x52, 0x73, 0x2E]                                     // False, TUPLE, REDUCE, SETITEM, STOP
        return p
    }

    /// BINUNICODE8 claiming `length` bytes that are not there.
    static func unicode8(length: UInt64) -> [UInt8] { [0x80, 0x02, 0x8D] + u64(length) + Array("abc".utf8) + [0x2E] }

    /// A tuple nested `depth` deep.
    static func nested(depth: Int) -> [UInt8] { [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: depth) + [0x2E] }

    /// A stored zip of `archive/data.pkl` and a 16-byte `archive/data/0`.
    static func zip(pickle: [UInt8]) -> [UInt8] {
        zip(entries: [("archive/data.pkl", pickle), ("archive/data/0", [UInt8](repeating: 0, count: 16))])
    }

    /// A stored zip of the given entries, as `torch.save` lays them out.
    static func zip(entries: [(String, [UInt8])]) -> [UInt8] { InputFuzzer.storedZip(entries) }

    /// Sets a 16-bit field of the first central-directory entry.
    static func patchCentral(_ bytes: inout [UInt8], field: Int, value: Int) {
        let signature = u32(0x0201_4B50)
        guard let start = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == signature }) else { return }
        bytes.replaceSubrange((start + field)..<(start + field + 2), with: u16(value))
    }

    /// Marks the archive as zip64 and points its locator at an offset no file has.
    static func breakZip64(_ bytes: inout [UInt8]) {
        let eocd = bytes.count - 22
        bytes.replaceSubrange((eocd + 10)..<(eocd + 12), with: u16(0xFFFF))
        bytes.replaceSubrange((eocd + 16)..<(eocd + 20), with: u32(0xFFFF_FFFF))
        let locator = u32(0x0706_4B50) + u32(0) + u64(0xFFFF_FFFF_FFFF_FFF0) + u32(1)
        bytes.insert(contentsOf: locator, at: eocd)
    }
}
