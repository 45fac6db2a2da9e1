import Foundation

/// Runs a loop's iterations on the rank's cores (`ComputeThreads.count`), in contiguous
/// chunks, so passes over activations and parameters leave no core idle.
public enum ParallelLoop {
    /// Elements per thread below which a pass stays on one core (thread start-up costs more).
    public static let elementGrain = 1 << 15

    /// Items (channels, planes) per thread worth a thread when each covers `work` elements.
    public static func grain(perItem work: Int) -> Int { max(1, elementGrain / max(work, 1)) }

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
