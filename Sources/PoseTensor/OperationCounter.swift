/// Counts multiply-adds of convolutions, transposed convolutions and linear layers while
/// enabled (for `pose-bench`): convolutions on output positions, transposed convolutions on
/// input positions (fvcore/MMEngine's convention), linear layers per sample.
public enum OperationCounter {
    nonisolated(unsafe) public static var enabled = false
    nonisolated(unsafe) public static var multiplyAdds = 0

    @inline(__always) static func add(_ count: Int) {
        if enabled { multiplyAdds += count }
    }
}
