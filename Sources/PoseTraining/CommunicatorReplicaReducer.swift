import Foundation
import PoseDistributed
import PoseNN

/// SyncBN's reductions over the run's ranks, through the trainer's communicator (and so under
/// its collective watchdog).
final class CommunicatorReplicaReducer: ReplicaReducer {
    let communicator: Communicator
    /// Kept between calls so a training step allocates nothing here.
    private var buffer: [Double] = []

    init(_ communicator: Communicator) { self.communicator = communicator }

    func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: values)
        do {
            try communicator.allReduceSum(&buffer)
        } catch {
            // a layer cannot throw, and one rank carrying on alone would leave the others waiting
            FileHandle.standardError.write(Data("rank \(communicator.rank): SyncBN statistics: \(error)\n".utf8))
            communicator.abort(status: 1)
        }
        _ = values.update(fromContentsOf: buffer)
    }
}
