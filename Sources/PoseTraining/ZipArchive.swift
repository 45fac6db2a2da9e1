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
        let count = data.count
        // every read is checked against the file: a damaged length or offset is an error, and
        // 64-bit values past the file's size are refused before any arithmetic with them
        func damaged(_ what: String) -> CheckpointError { CheckpointError("\(source): damaged zip archive (\(what))") }
        func u16(_ o: Int) throws -> Int {
            guard o >= 0, o <= count - 2 else { throw damaged("a field at byte \(o) lies outside the \(count)-byte file") }
            return Int(data[data.startIndex + o]) | Int(data[data.startIndex + o + 1]) << 8
        }
        func u32(_ o: Int) throws -> Int { try u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) throws -> Int {
            let high = try u32(o + 4)
            guard high == 0 else { throw damaged("a 64-bit size or offset at byte \(o) exceeds the \(count)-byte file") }
            return try u32(o)
        }
        guard count >= 22 else { throw CheckpointError("\(source): too short to be a zip archive") }
        // end of central directory: scan back over a possible comment
        var eocd = -1
        var o = count - 22
        while o >= max(0, count - 22 - 65_535) {
            if try u32(o) == 0x0605_4B50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw CheckpointError("\(source): not a zip archive (no end-of-central-directory record); is it a legacy (pre-1.6) torch.save file?") }
        var entryCount = try u16(eocd + 10), directory = try u32(eocd + 16)
        if (directory == 0xFFFF_FFFF || entryCount == 0xFFFF) && eocd >= 20, try u32(eocd - 20) == 0x0706_4B50 {
            let record = try u64(eocd - 20 + 8)
            guard record + 56 <= count, try u32(record) == 0x0606_4B50 else { throw CheckpointError("\(source): damaged zip64 record") }
            entryCount = try u64(record + 32); directory = try u64(record + 48)
        }
        // each central-directory entry takes at least 46 bytes
        guard entryCount <= count / 46 else { throw damaged("\(entryCount) entries cannot fit in \(count) bytes") }
        var entries: [String: Entry] = [:]
        var p = directory
        for _ in 0..<entryCount {
            guard p + 46 <= count, try u32(p) == 0x0201_4B50 else { throw CheckpointError("\(source): damaged zip central directory") }
            let method = try u16(p + 10)
            var compressed = try u32(p + 20), size = try u32(p + 24)
            let nameLength = try u16(p + 28), extraLength = try u16(p + 30), commentLength = try u16(p + 32)
            var local = try u32(p + 42)
            guard p + 46 + nameLength + extraLength <= count else { throw damaged("entry name or extra field past the end of the file") }
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            // zip64 sizes and offsets live in extra field 0x0001, in this order, when saturated
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try u16(e), len = try u16(e + 2)
                if id == 1 {
                    var q = e + 4
                    if size == 0xFFFF_FFFF { size = try u64(q); q += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(q); q += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(q) }
                }
                e += 4 + len
            }
            guard method == 0 else {
                throw CheckpointError("\(source): zip entry '\(name)' is compressed (method \(method)); torch.save writes stored entries")
            }
            guard local + 30 <= count, try u32(local) == 0x0403_4B50 else { throw CheckpointError("\(source): damaged local header of '\(name)'") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard size <= count, start + size <= count else { throw CheckpointError("\(source): entry '\(name)' extends past the end of the file (truncated?)") }
            guard entries[name] == nil else { throw CheckpointError("\(source): the zip holds two entries named '\(name)'; which one is meant is unclear") }
            entries[name] = Entry(name: name, range: start..<(start + size))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}
