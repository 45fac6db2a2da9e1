import Foundation
import Synchronization

/// Refuses, up front and with the numbers, sizes that cannot fit in this machine's memory: a
/// batch or image size from a config or flag must end in an error naming it, not in an
/// allocation that traps (or an out-of-memory kill) deep inside a kernel.
public enum MemoryBudget {
    /// Physical memory in bytes.
    public static var physicalBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : Int.max
    }

    /// The memory this process may use: physical memory, or less when a cgroup (a container,
    /// a Slurm job) limits it, shared evenly among the ranks a launcher started on this node.
    public static let limitBytes: Int = {
        var limit = physicalBytes
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 {
                limit = min(limit, value)
            }
        }
        return limit / localRanks
    }()

    /// The ranks on this node, from mpirun's, PMIx's or Slurm's variables (1 alone).
    public static let localRanks: Int = {
        let env = ProcessInfo.processInfo.environment
        let n = ["OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"].lazy.compactMap { env[$0].flatMap(Int.init) }.first ?? 1
        return min(max(n, 1), 4096)
    }()

    /// "this machine allows 23.5 GiB", or per rank when several share the node.
    public static var allowance: String {
        localRanks == 1 ? "this machine allows \(gib(limitBytes))" : "each of the \(localRanks) ranks on this node may use \(gib(limitBytes))"
    }

    /// Bytes of tensor storage allocated and not freed (`Tensor`, `TensorPool`).
    static let tensorBytes = Atomic<Int>(0)

    /// The bytes of tensor storage this process holds now.
    public static var liveTensorBytes: Int { tensorBytes.load(ordering: .relaxed) }

    /// Formats bytes as GiB for messages.
    public static func gib(_ bytes: Int) -> String {
        bytes < 1 << 30 ? String(format: "%.0f MiB", Double(bytes) / 1_048_576) : String(format: "%.1f GiB", Double(bytes) / 1_073_741_824)
    }

    /// Counts `bytes` of new tensor storage, or ends the process with a one-line error when they
    /// would take its tensors past `limitBytes`: an allocation that cannot fit must not become
    /// an out-of-memory trap or a kill by the kernel halfway through zero-filling it. Estimates
    /// made before building (`ModelSize`) refuse most such sizes earlier, with their cause.
    static func reserveTensorStorage(_ bytes: Int, elements: Int) {
        let now = tensorBytes.add(bytes, ordering: .relaxed).newValue
        guard now > limitBytes else { return }
        outOfMemory(bytes: bytes, elements: elements, heldBefore: now &- bytes)
    }

    static func releaseTensorStorage(_ bytes: Int) {
        tensorBytes.subtract(bytes, ordering: .relaxed)
    }

    static func outOfMemory(bytes: Int, elements: Int, heldBefore: Int) -> Never {
        let name = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "swiftpose"
        let line = "\(name): error: out of memory: a tensor of \(elements) floats (\(gib(bytes))) does not fit beside the \(gib(heldBefore)) this process holds in tensors (\(allowance)); the model's channels, the input size or the batch is too large for it\n"
        FileHandle.standardError.write(Data(line.utf8))
        exit(1)
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
    /// The message: what needs the memory, how many GiB of how many floats, and what the machine has.
    public let description: String
    /// Creates the error with its message.
    public init(_ description: String) { self.description = description }
}
