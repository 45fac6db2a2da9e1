import PoseDistributed
import PoseTensor

/// The machine's attainable fp32 rate on the rank's threads, measured rather than assumed
/// from a datasheet: the best of a few 2048 × 2048 × 2048 OpenBLAS sgemm calls, which run at
/// close to the cores' FMA peak. Model throughput is reported as a fraction of it.
enum PeakProbe {
    /// GFLOP/s (2 FLOPs per multiply-add).
    static func measure(size n: Int = 2048, runs: Int = 3) -> Double {
        let a = Tensor(repeating: 0.5, shape: [n, n]), b = Tensor(repeating: 0.25, shape: [n, n]), c = Tensor(zeros: [n, n])
        var best = Double.infinity
        for _ in 0..<(runs + 1) {  // the first call warms the threads and the pages
            let t0 = monotonicSeconds()
            BLAS.sgemm(m: n, n: n, k: n, a: a.data, lda: n, b: b.data, ldb: n, c: c.data, ldc: n)
            best = min(best, monotonicSeconds() - t0)
        }
        withExtendedLifetime([a, b, c]) {}
        return 2 * Double(n * n * n) / best / 1e9
    }
}
