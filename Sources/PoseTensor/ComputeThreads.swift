/// The number of cores this process may use for its own parallel loops (set at start-up
/// to the BLAS thread count, so kernels and BLAS never oversubscribe the rank's cores).
public enum ComputeThreads {
    nonisolated(unsafe) public static var count = 1
}
