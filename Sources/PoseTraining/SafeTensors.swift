import Foundation
import PoseData

/// The safetensors file format: an 8-byte little-endian header length, a JSON header of
/// `name: {dtype, shape, data_offsets}` plus string `__metadata__`, then the raw tensor bytes.
public enum SafeTensors {
    /// One tensor to write: raw little-endian bytes of `dtype` ("F32", "I64", …).
    public struct Entry {
        /// The tensor's key in the header (a state_dict key such as `backbone.conv1.weight`).
        public var name: String
        /// The safetensors dtype name (`F32`, `I64`, …), which `bytes` must match.
        public var dtype: String
        /// The dimensions, outermost first; `[]` for a scalar.
        public var shape: [Int]
        /// The tensor's raw little-endian bytes (element count × dtype size), borrowed: the
        /// memory must stay valid until `write` returns.
        public var bytes: UnsafeRawBufferPointer
        /// An entry to write; `bytes` is borrowed, not copied.
        public init(name: String, dtype: String, shape: [Int], bytes: UnsafeRawBufferPointer) {
            self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }
    }

    /// A tensor read back: its dtype, shape and byte range in the file.
    public struct Info: Sendable {
        /// The dtype name as the header gives it (`F32`, `F16`, `BF16`, `I64`, …; names
        /// SwiftPose does not know are kept, and refused only where a tensor is read).
        public var dtype: String
        /// The dimensions, outermost first; `[]` for a scalar.
        public var shape: [Int]
        /// The tensor's bytes as offsets into the whole file's data (header included), checked
        /// to lie within it.
        public var range: Range<Int>
    }

    /// Writes `entries` to `path` through a temporary file that is fsynced and then renamed, so a
    /// crash never leaves a half-written file under `path`.
    /// - Parameters:
    ///   - entries: The tensors, written in this order.
    ///   - metadata: The header's `__metadata__` strings (left out when empty).
    ///   - path: The file to write or replace.
    /// - Throws: `CheckpointError` when the file cannot be written (the previous one is then intact).
    public static func write(_ entries: [Entry], metadata: [String: String], to path: String) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for e in entries {
            header[e.name] = ["dtype": e.dtype, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]]
            offset += e.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var length = UInt64(json.count).littleEndian
        try writeAtomically(to: path) { handle in
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: json)
            for e in entries where e.bytes.count > 0 {
                // write in 64 MB pieces to bound the copy Data makes
                var start = 0
                while start < e.bytes.count {
                    let end = min(e.bytes.count, start + (64 << 20))
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: e.bytes.baseAddress! + start),
                                                      count: end - start, deallocator: .none))
                    start = end
                }
            }
        }
    }

    /// Writes `path` so that it is either complete or absent (`OutputPath.writeAtomically`):
    /// `contents` writes a temporary file beside it, which is fsynced and renamed over `path`; on
    /// any failure it is removed and the previous `path` stays as it was.
    /// - Throws: `CheckpointError` wrapping the failure, `contents`' own error included.
    public static func writeAtomically(to path: String, _ contents: (FileHandle) throws -> Void) throws {
        do {
            try OutputPath.writeAtomically(to: path, label: "checkpoint", contents)
        } catch {
            throw CheckpointError("\(error); any earlier file of that name is intact")
        }
    }

    /// The largest JSON header `read` parses: parsing takes about 60 times the header's size in
    /// memory, and a checkpoint's header (its tensor table, the run's config and hook states)
    /// stays far below this.
    public static let maximumHeaderBytes = 16 << 20

    /// Reads a file: its tensor table, metadata and the whole contents.
    /// - Throws: `CheckpointError` when the file is missing or unreadable, or as `read(data:path:)`.
    public static func read(path: String) throws -> (tensors: [String: Info], metadata: [String: String], data: Data) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): not found or unreadable")
        }
        return try read(data: data, path: path)
    }

    /// Parses a file's contents; `path` names it in errors.
    /// - Returns: The tensors by name, the `__metadata__` strings (empty when absent or not all
    ///   strings) and `data` itself.
    /// - Throws: `CheckpointError` when the file is too short, its header is longer than the
    ///   file or `maximumHeaderBytes`, is not JSON, or describes a tensor that does not fit the data.
    public static func read(data: Data, path: String) throws -> (tensors: [String: Info], metadata: [String: String], data: Data) {
        guard data.count >= 8 else { throw CheckpointError("\(path): too short to be a safetensors file (\(data.count) bytes)") }
        let length = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard length < UInt64(data.count - 8) || (length == UInt64(data.count - 8)) else {
            throw CheckpointError("\(path): header length \(length) exceeds the file (\(data.count) bytes); the file is truncated or not safetensors")
        }
        guard length <= UInt64(SafeTensors.maximumHeaderBytes) else {
            throw CheckpointError("\(path): a safetensors header of \(length) bytes is larger than SwiftPose reads (\(SafeTensors.maximumHeaderBytes)); the file is damaged or not a checkpoint")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(length)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw CheckpointError("\(path): the safetensors header is not valid JSON")
        }
        let base = 8 + Int(length)
        var tensors: [String: Info] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            // every length and offset is checked against the file before use: a damaged header
            // must be an error naming the tensor, never an out-of-bounds read or a trap
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String else {
                throw CheckpointError("\(path): header entry '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let shape = SafeTensors.sizes(info["shape"]), let offsets = SafeTensors.sizes(info["data_offsets"]), offsets.count == 2 else {
                throw CheckpointError("\(path): header entry '\(name)' needs a shape and two data_offsets of non-negative integers, found shape \(info["shape"] ?? "none") and data_offsets \(info["data_offsets"] ?? "none")")
            }
            guard offsets[0] <= offsets[1], offsets[1] <= data.count - base else {
                throw CheckpointError("\(path): tensor '\(name)' has data_offsets \(offsets), outside the \(data.count - base) data bytes; the file is truncated or damaged")
            }
            var elements = 1
            for d in shape {
                let product = elements.multipliedReportingOverflow(by: d)
                guard !product.overflow, product.partialValue <= data.count else {
                    throw CheckpointError("\(path): tensor '\(name)' has shape \(shape), more elements than the file has bytes")
                }
                elements = product.partialValue
            }
            if let size = SafeTensors.elementSize[dtype], elements * size != offsets[1] - offsets[0] {
                throw CheckpointError("\(path): tensor '\(name)' has shape \(shape) of \(dtype) (\(elements * size) bytes) but data_offsets \(offsets) span \(offsets[1] - offsets[0]) bytes")
            }
            let range = (base + offsets[0])..<(base + offsets[1])
            tensors[name] = Info(dtype: dtype, shape: shape, range: range)
        }
        return (tensors, metadata, data)
    }

    /// Bytes per element of the safetensors dtypes.
    static let elementSize: [String: Int] = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                                             "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1]

    /// A JSON list of non-negative integers below 2^53, or nil.
    private static func sizes(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [NSNumber] else { return nil }
        var out: [Int] = []
        for n in numbers {
            let d = n.doubleValue
            guard d.isFinite, d == d.rounded(), d >= 0, d <= 9_007_199_254_740_992 else { return nil }
            out.append(Int(n.int64Value))
        }
        return out
    }

    /// A 64-bit checksum of a byte range (words multiplied and folded; not cryptographic).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var h = seed
        let words = bytes.count / 8
        bytes.baseAddress.map { base in
            for i in 0..<words {
                h = (h ^ base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01B3
                h ^= h >> 29
            }
            for i in (words * 8)..<bytes.count { h = (h ^ UInt64(base.load(fromByteOffset: i, as: UInt8.self))) &* 0x100_0000_01B3 }
        }
        return h
    }
}

/// A checkpoint that cannot be written or read; the message names the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The message: the file, what is wrong with it and, where there is one, what to do.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
