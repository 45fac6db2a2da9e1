import Foundation

/// Refuses, up front and with the numbers, sizes that cannot fit in this machine's memory: a
/// batch or image size from a config or flag must end in an error naming it, not in an
/// allocation that traps (or an out-of-memory kill) deep inside a kernel.
public enum MemoryBudget {
    /// Physical memory in bytes.
    public static var physicalBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : Int.max
    }

    /// The bytes of `count` floats, or nil on overflow.
    public static func floatBytes(_ dimensions: [Int]) -> Int? {
        var bytes = MemoryLayout<Float>.stride
        for d in dimensions {
            guard d >= 0 else { return nil }
            let product = bytes.multipliedReportingOverflow(by: d)
            guard !product.overflow else { return nil }
            bytes = product.partialValue
        }
        return bytes
    }

    /// Throws when tensors of `dimensions` (a lower bound of what `what` needs) exceed physical memory.
    public static func check(_ dimensions: [Int], copies: Int = 1, for what: String) throws {
        let limit = physicalBytes
        guard let one = floatBytes(dimensions), one.multipliedReportingOverflow(by: copies).overflow == false,
              one * copies <= limit else {
            let gib = floatBytes(dimensions).map { String(format: "%.1f GiB", Double($0) * Double(copies) / 1_073_741_824) } ?? "more than 2^63 bytes"
            throw MemoryBudgetError("\(what) needs at least \(gib) (\(copies) × \(dimensions.map(String.init).joined(separator: "×")) floats); this machine has \(String(format: "%.1f", Double(limit) / 1_073_741_824)) GiB")
        }
    }
}

/// A size that cannot fit in memory; the message names it and the numbers.
public struct MemoryBudgetError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
