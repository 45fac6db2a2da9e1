import Foundation

/// Reads PyTorch `.pth` files written by `torch.save` (a zip archive with `data.pkl` and one
/// stored entry per storage): the state dict at the top level or under `state_dict`, tensors
/// mapped to byte ranges of the file. Objects the reader does not know are kept opaque.
enum TorchCheckpoint {
    static let elementSizes = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    static func load(path: String) throws -> Checkpoint.Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): not found or unreadable")
        }
        return try load(data: data, path: path)
    }

    /// Parses a `torch.save` archive's contents; `path` names it in errors.
    static func load(data: Data, path: String) throws -> Checkpoint.Loaded {
        let archive = try ZipArchive(data: data, source: path)
        let pickles = archive.entries.values.filter { $0.name.hasSuffix("/data.pkl") || $0.name == "data.pkl" }.sorted { $0.name < $1.name }
        guard let pickle = pickles.first else {
            throw CheckpointError("\(path): no data.pkl in the archive; not a torch.save file")
        }
        guard pickles.count == 1 else {
            throw CheckpointError("\(path): the archive holds \(pickles.count) pickles (\(pickles.prefix(3).map(\.name).joined(separator: ", "))); a torch.save file has one data.pkl")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        // torch.save records the writer's byte order; files without the entry are little-endian
        var bigEndian = false
        if let order = archive.entries[prefix + "byteorder"] {
            switch String(decoding: data[order.range], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) {
            case "little": break
            case "big": bigEndian = true
            case let other: throw CheckpointError("\(path): byteorder '\(other.prefix(20))' in the archive; expected 'little' or 'big'")
            }
        }
        var reader = PickleReader(bytes: [UInt8](data[pickle.range]), source: path)
        // after the state dict is read (or the read fails), whatever the pickle built is freed
        defer { reader.releaseContainers() }
        let root = try reader.load()
        guard case .dict(var dict) = root else { throw CheckpointError("\(path): the pickled object is not a dict") }
        for (k, v) in zip(dict.keys, dict.values) {
            if k.string == "state_dict", case .dict(let inner) = v { dict = inner; break }
        }
        var tensors: [String: SafeTensors.Info] = [:]
        var data = data
        var swapped: [String: Int] = [:]
        for (k, v) in zip(dict.keys, dict.values) {
            guard let name = k.string, case .tensor(let dtype, let storage, let offset, let shape, let stride) = v else { continue }
            guard let size = elementSizes[dtype] else {
                throw CheckpointError("\(path): '\(name)' has storage type \(dtype), which SwiftPose cannot read")
            }
            guard let entry = archive.entries[prefix + "data/" + storage] else {
                throw CheckpointError("\(path): storage '\(storage)' of '\(name)' is missing from the archive")
            }
            // shape, stride and offset come from the file: checked, and with overflow-checked
            // arithmetic, against the storage before any byte is read
            let capacity = entry.range.count / size
            guard offset >= 0, offset <= capacity, shape.count == stride.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError("\(path): '\(name)' has offset \(offset), shape \(shape) and stride \(stride), which do not fit its storage of \(capacity) elements")
            }
            var expected = 1
            var contiguous = true
            for (d, st) in zip(shape, stride).reversed() {
                if d > 1 && st != expected { contiguous = false }
                let product = expected.multipliedReportingOverflow(by: d)
                guard !product.overflow, product.partialValue <= capacity else {
                    throw CheckpointError("\(path): '\(name)' has shape \(shape), more elements than its storage of \(capacity) holds")
                }
                expected = product.partialValue
            }
            guard contiguous else { throw CheckpointError("\(path): '\(name)' is not stored contiguously (stride \(stride))") }
            if bigEndian {
                // each storage once (views share one), to the little-endian order the readers expect
                if let done = swapped[storage] {
                    guard done == size else { throw CheckpointError("\(path): storage '\(storage)' is read as two element sizes") }
                } else {
                    swapped[storage] = size
                    TorchCheckpoint.swapBytes(&data, range: entry.range, elementSize: size)
                }
            }
            let start = entry.range.lowerBound + offset * size
            let end = start + expected * size
            guard end <= entry.range.upperBound else { throw CheckpointError("\(path): '\(name)' extends past its storage") }
            tensors[name] = SafeTensors.Info(dtype: dtype, shape: shape, range: start..<end)
        }
        guard !tensors.isEmpty else { throw CheckpointError("\(path): no tensors found at the top level or under 'state_dict'") }
        return Checkpoint.Loaded(path: path, meta: nil, tensors: tensors, data: data)
    }

    /// Reverses the bytes of each `elementSize`-byte element in `range`.
    static func swapBytes(_ data: inout Data, range: Range<Int>, elementSize: Int) {
        guard elementSize > 1 else { return }
        data.withUnsafeMutableBytes { raw in
            var i = range.lowerBound
            while i + elementSize <= range.upperBound {
                var a = i, b = i + elementSize - 1
                while a < b { raw.swapAt(a, b); a += 1; b -= 1 }
                i += elementSize
            }
        }
    }
}
