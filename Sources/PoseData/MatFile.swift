import CZlib
import Foundation

/// Reads numeric arrays from MATLAB level-5 `.mat` files (as `scipy.io.savemat` and MATLAB
/// write them, compressed or not): enough for MPII's `mpii_gt_val.mat` head boxes.
public enum MatFile {
    /// The dimensions (MATLAB order) and column-major values of the numeric variable `name`.
    public static func numericArray(path: String, name: String) throws -> (dimensions: [Int], values: [Double]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError("\(path): .mat file not found or unreadable")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 128 else { throw DatasetError("\(path): too short for a MATLAB 5 file") }
        guard bytes[126] == UInt8(ascii: "I") && bytes[127] == UInt8(ascii: "M") else {
            throw DatasetError("\(path): not a little-endian MATLAB level-5 file (MATLAB 7.3/HDF5 files are not supported)")
        }
        var offset = 128
        while offset + 8 <= bytes.count {
            let (type, size, start) = try tag(bytes, offset, source: path)
            var element = Array(bytes[start..<min(bytes.count, start + size)])
            var elementType = type
            if type == 15 {  // miCOMPRESSED: a zlib stream holding one element
                element = try inflate(element, source: path)
                let (innerType, innerSize, innerStart) = try tag(element, 0, source: path)
                elementType = innerType
                element = Array(element[innerStart..<min(element.count, innerStart + innerSize)])
            }
            if elementType == 14, let array = try matrix(element, source: path), array.name == name {
                return (array.dimensions, array.values)
            }
            offset = start + (type == 15 ? size : (size + 7) / 8 * 8)
        }
        throw DatasetError("\(path): no numeric variable '\(name)'")
    }

    /// Reads a data element tag: (type, byte count, data offset), small elements included. The
    /// data offset is within `b`; the count may run past it (callers clip and check).
    static func tag(_ b: [UInt8], _ o: Int, source: String) throws -> (Int, Int, Int) {
        guard o >= 0, o + 8 <= b.count else { throw DatasetError("\(source): a data element header at byte \(o) runs past the end (\(b.count) bytes); the file is damaged") }
        func u32(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24 }
        let first = u32(o)
        if first >> 16 != 0 { return (first & 0xFFFF, min(first >> 16, 4), o + 4) }
        return (first, u32(o + 4), o + 8)
    }

    static func matrix(_ b: [UInt8], source: String) throws -> (name: String, dimensions: [Int], values: [Double])? {
        var o = 0
        var parts: [(Int, [UInt8])] = []
        while o + 8 <= b.count && parts.count < 4 {
            let (type, size, start) = try tag(b, o, source: source)
            parts.append((type, Array(b[start..<min(b.count, start + size)])))
            o = size <= 4 && start == o + 4 ? o + 8 : start + (size + 7) / 8 * 8
        }
        guard parts.count == 4, let flags = parts[0].1.first else { return nil }
        let mxClass = Int(flags)
        // 6 double, 7 single, 8–13 integer classes; others (cells, structs, chars) are skipped
        guard (6...13).contains(mxClass) else { return nil }
        func ints(_ p: (Int, [UInt8])) -> [Int] {
            stride(from: 0, to: p.1.count - 3, by: 4).map { i in Int(Int32(bitPattern: UInt32(p.1[i]) | UInt32(p.1[i + 1]) << 8 | UInt32(p.1[i + 2]) << 16 | UInt32(p.1[i + 3]) << 24)) }
        }
        let dims = ints(parts[1])
        let name = String(decoding: parts[2].1, as: UTF8.self)
        let (type, raw) = parts[3]
        var count = 1
        for d in dims {
            let product = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !product.overflow, product.partialValue <= raw.count else {
                throw DatasetError("\(source): variable '\(name)' has dimensions \(dims), more values than its \(raw.count) bytes hold")
            }
            count = product.partialValue
        }
        guard raw.count >= count * [9: 8, 7: 4, 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4][type, default: 8] else {
            throw DatasetError("\(source): variable '\(name)' is truncated")
        }
        let values: [Double] = raw.withUnsafeBytes { p in
            (0..<count).map { i -> Double in
                switch type {
                case 9: return p.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
                case 7: return Double(p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
                case 1: return Double(p.loadUnaligned(fromByteOffset: i, as: Int8.self))
                case 2: return Double(p.loadUnaligned(fromByteOffset: i, as: UInt8.self))
                case 3: return Double(p.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
                case 4: return Double(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                case 5: return Double(p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                case 6: return Double(p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                default: return .nan
                }
            }
        }
        return (name, dims, values)
    }

    /// The most bytes one compressed variable may inflate to (MPII's head boxes take kilobytes).
    static let maximumInflated = 1 << 30

    static func inflate(_ input: [UInt8], source: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError("\(source): zlib initialisation failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inp in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && output.count <= MatFile.maximumInflated
        }
        guard output.count <= MatFile.maximumInflated else {
            throw DatasetError("\(source): a compressed variable inflates to more than \(MatFile.maximumInflated) bytes")
        }
        guard status == Z_STREAM_END else { throw DatasetError("\(source): a compressed variable is damaged (zlib status \(status))") }
        return output
    }
}
