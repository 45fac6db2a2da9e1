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

    /// `Σ term(i)` over `0..<count`, the terms computed concurrently and added in index order,
    /// so the result is the sequential loop's for any thread count. `term` may also write what
    /// item `i` owns (a gradient plane). `grain`: items per thread worth a thread.
    public static func orderedSum(_ count: Int, grain: Int = 1, _ term: (Int) -> Double) -> Double {
        guard count > 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { terms in
            let t = terms.baseAddress!
            run(count, grain: grain) { range in for i in range { t[i] = term(i) } }
            var total = 0.0
            for i in 0..<count { total += t[i] }
            return total
        }
    }

    /// Reduces `0..<count` in fixed blocks of `block` (each block's value from `partial`,
    /// computed concurrently) and combines the blocks in order, so the result does not depend
    /// on the thread count.
    public static func blockReduce(_ count: Int, block: Int = elementGrain, initial: Double,
                                   _ combine: (Double, Double) -> Double, _ partial: (Range<Int>) -> Double) -> Double {
        let blocks = (count + block - 1) / block
        guard blocks > 0 else { return initial }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: blocks) { values in
            let v = values.baseAddress!
            run(blocks) { range in for b in range { v[b] = partial(b * block ..< Swift.min(count, (b + 1) * block)) } }
            var result = initial
            for b in 0..<blocks { result = combine(result, v[b]) }
            return result
        }
    }
}
