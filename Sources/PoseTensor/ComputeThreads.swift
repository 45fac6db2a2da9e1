/// The number of cores this process may use for its own parallel loops (set at start-up
/// to the BLAS thread count, so kernels and BLAS never oversubscribe the rank's cores).
public enum ComputeThreads {
    /// The threads `ParallelLoop.run` splits work over; 1 until `BLASSetup.configure()` sets it. Not
    /// synchronised: set it before any parallel work starts.
    nonisolated(unsafe) public static var count = 1
}
