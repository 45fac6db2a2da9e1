/// Sums values over the data-parallel replicas (ranks) of a training run: the one collective a
/// layer may need, such as SyncBN's per-channel statistics.
///
/// Collective: every replica calls it the same number of times, in the same order, with the
/// same count. Implementations end the whole run if the collective fails (a layer's forward
/// and backward cannot throw, and a replica that went on alone would hang the others).
public protocol ReplicaReducer: AnyObject {
    /// Replaces every value by its sum over all replicas.
    func sumOverReplicas(_ values: UnsafeMutableBufferPointer<Double>)
}
