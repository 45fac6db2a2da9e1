/// Counts multiply-adds of convolutions, transposed convolutions and linear layers while
/// enabled (for `pose-bench`): convolutions on output positions, transposed convolutions on
/// input positions (fvcore/MMEngine's convention), linear layers per sample.
public enum OperationCounter {
    /// Whether the kernels count; false by default, so training pays nothing. Not synchronised:
    /// count on one thread.
    nonisolated(unsafe) public static var enabled = false
    /// The multiply-adds counted while `enabled`, over the whole batch; callers reset it to 0
    /// before the pass they measure.
    nonisolated(unsafe) public static var multiplyAdds = 0

    @inline(__always) static func add(_ count: Int) {
        if enabled { multiplyAdds += count }
    }
}
