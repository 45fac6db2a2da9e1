import PoseTensor

/// Collective operations among the ranks of one training job.
public protocol Communicator: AnyObject {
    /// This process's index in `0..<size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `buffer[0..<count]` on every rank with the element-wise sum over ranks.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// Replaces `values` on every rank with the element-wise sum over ranks (doubles).
    func allReduceSum(_ values: inout [Double]) throws
    /// Copies `buffer` from `root` to every rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws
    /// Gathers every rank's bytes at `root` (returned there in rank order; empty elsewhere).
    func gather(_ bytes: [UInt8], root: Int) throws -> [[UInt8]]
    /// Waits until every rank arrives.
    func barrier() throws
    /// Ends the whole job at once with `status` after an unrecoverable error on this rank.
    func abort(status: Int32) -> Never
}

extension Communicator {
    /// Averages `buffer` over ranks in chunks of `chunkElements` (a loop of few-MB allreduces
    /// is about twice as fast as one large call on shared memory).
    public func allReduceMean(_ buffer: UnsafeMutablePointer<Float>, count: Int, chunkElements: Int = 1 << 20) throws {
        guard size > 1 else { return }
        var offset = 0
        while offset < count {
            let n = min(chunkElements, count - offset)
            try allReduceSum(buffer + offset, count: n)
            offset += n
        }
        ElementwiseKernels.scale(buffer, by: 1 / Float(size), count: count)
    }
}

extension Communicator {
    /// Sends `bytes` from `root` to every rank and returns them there; other ranks pass nil.
    /// When `root` has nothing to send (nil), every rank gets nil.
    public func broadcast(_ bytes: [UInt8]?, root: Int) throws -> [UInt8]? {
        var header: [Int64] = [bytes.map { Int64($0.count) } ?? -1]
        try header.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, root: root) }
        guard header[0] >= 0 else { return nil }
        var data = rank == root ? bytes ?? [] : [UInt8](repeating: 0, count: Int(header[0]))
        if !data.isEmpty {
            try data.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, root: root) }
        }
        return data
    }
}

/// A failed collective; the message names the operation and MPI's error text.
public struct CommunicatorError: Error, CustomStringConvertible {
    /// The message: the rank, the collective and its size, and MPI's error string (`MPI_Error_string`).
    public let description: String
    /// Creates the error with its message.
    public init(_ description: String) { self.description = description }
}
