import Foundation
import PoseDistributed

/// Rank 0 reads a checkpoint and sends the file (path and bytes) to the other ranks, which parse
/// it themselves, so the ranks need no shared filesystem. A failure on rank 0 ends every rank.
struct CheckpointBroadcast {
    let communicator: Communicator

    /// Runs `read` on rank 0; every rank returns the same parsed file (nil when rank 0 found none).
    func share(_ read: () throws -> Checkpoint.Loaded?) throws -> Checkpoint.Loaded? {
        var loaded: Checkpoint.Loaded?
        var failure: Error?
        if communicator.rank == 0 {
            do { loaded = try read() } catch { failure = error }
        }
        guard communicator.size > 1 else {
            if let failure { throw failure }
            return loaded
        }
        var status: [Int64] = [failure != nil ? -1 : loaded == nil ? 0 : 1]
        try status.withUnsafeMutableBytes { try communicator.broadcast($0.baseAddress!, bytes: $0.count, root: 0) }
        if let failure { throw failure }
        guard status[0] == 1 else {
            if status[0] < 0 { throw TrainingError("rank 0 could not read a checkpoint (its error is reported by rank 0)") }
            return nil
        }
        let path = try communicator.broadcast(loaded.map { Array($0.path.utf8) }, root: 0) ?? []
        let bytes = try communicator.broadcast(loaded.map { [UInt8]($0.data) }, root: 0) ?? []
        if communicator.rank == 0 { return loaded }
        return try Checkpoint.load(data: Data(bytes), path: String(decoding: path, as: UTF8.self))
    }

    /// Rank 0 reads and verifies `path`; every rank gets the same parsed file.
    func load(path: String) throws -> Checkpoint.Loaded? {
        try share { try Checkpoint.load(path: path) }
    }
}
