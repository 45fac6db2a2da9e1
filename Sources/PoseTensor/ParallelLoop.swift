import Foundation

/// Runs a loop's iterations on the rank's cores (`ComputeThreads.count`), in contiguous
/// chunks, so passes over activations and parameters leave no core idle.
public enum ParallelLoop {
    /// Calls `body` with disjoint ranges that together cover `0..<count`, concurrently when
    /// there are at least `grain` iterations per thread; `body` must only write what its
    /// range owns.
    public static func run(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(ComputeThreads.count, count / max(grain, 1))
        guard threads > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let start = count * t / threads, end = count * (t + 1) / threads
                if start < end { body(start..<end) }
            }
        }
    }
}
