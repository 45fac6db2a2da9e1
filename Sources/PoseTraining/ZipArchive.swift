import Foundation

/// Read-only access to the stored (uncompressed) entries of a zip file held in memory, as
/// written by `torch.save`. Entries are byte ranges of the file, so tensors are never copied
/// twice.
struct ZipArchive {
    struct Entry {
        let name: String
        /// The entry's bytes within the archive data.
        let range: Range<Int>
    }

    let entries: [String: Entry]

    init(data: Data, source: String) throws {
        func u16(_ o: Int) -> Int { Int(data[data.startIndex + o]) | Int(data[data.startIndex + o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
        let count = data.count
        guard count >= 22 else { throw CheckpointError("\(source): too short to be a zip archive") }
        // end of central directory: scan back over a possible comment
        var eocd = -1
        var o = count - 22
        while o >= max(0, count - 22 - 65_535) {
            if u32(o) == 0x0605_4B50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw CheckpointError("\(source): not a zip archive (no end-of-central-directory record); is it a legacy (pre-1.6) torch.save file?") }
        var entryCount = u16(eocd + 10), directory = u32(eocd + 16)
        if (directory == 0xFFFF_FFFF || entryCount == 0xFFFF) && eocd >= 20 && u32(eocd - 20) == 0x0706_4B50 {
            let record = u64(eocd - 20 + 8)
            guard record + 56 <= count, u32(record) == 0x0606_4B50 else { throw CheckpointError("\(source): damaged zip64 record") }
            entryCount = u64(record + 32); directory = u64(record + 48)
        }
        var entries: [String: Entry] = [:]
        var p = directory
        for _ in 0..<entryCount {
            guard p + 46 <= count, u32(p) == 0x0201_4B50 else { throw CheckpointError("\(source): damaged zip central directory") }
            let method = u16(p + 10)
            var compressed = u32(p + 20), size = u32(p + 24)
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            var local = u32(p + 42)
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            // zip64 sizes and offsets live in extra field 0x0001, in this order, when saturated
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(e), len = u16(e + 2)
                if id == 1 {
                    var q = e + 4
                    if size == 0xFFFF_FFFF { size = u64(q); q += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = u64(q); q += 8 }
                    if local == 0xFFFF_FFFF { local = u64(q) }
                }
                e += 4 + len
            }
            guard method == 0 else {
                throw CheckpointError("\(source): zip entry '\(name)' is compressed (method \(method)); torch.save writes stored entries")
            }
            guard local + 30 <= count, u32(local) == 0x0403_4B50 else { throw CheckpointError("\(source): damaged local header of '\(name)'") }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + size <= count else { throw CheckpointError("\(source): entry '\(name)' extends past the end of the file (truncated?)") }
            entries[name] = Entry(name: name, range: start..<(start + size))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}
