import PoseTensor

/// MMEngine's `DefaultSampler`: a permutation per (seed, epoch), padded by repeating from its
/// start to a multiple of the world size (`roundUp`), rank r taking positions r, r+W, r+2W, ….
public struct DistributedSampler: Sendable {
    /// The dataset size: indices run over `0..<count`.
    public var count: Int
    /// MMEngine's `shuffle`: a new permutation each epoch; false keeps dataset order.
    public var shuffle: Bool
    /// Seed of the permutations (drawn per (seed, epoch)); unused without `shuffle`.
    public var seed: UInt64
    /// This process's rank, `0..<worldSize`.
    public var rank: Int
    /// The number of ranks `W` sharing the dataset.
    public var worldSize: Int
    /// MMEngine's `round_up`: repeat indices from the start so every rank gets `samplesPerRank`;
    /// false lets the last ranks have one fewer and drops nothing.
    public var roundUp: Bool

    /// A sampler over `count` indices; by default rank 0 of 1, with MMEngine's `round_up=True`.
    public init(count: Int, shuffle: Bool, seed: UInt64, rank: Int = 0, worldSize: Int = 1, roundUp: Bool = true) {
        self.count = count; self.shuffle = shuffle; self.seed = seed
        self.rank = rank; self.worldSize = worldSize; self.roundUp = roundUp
    }

    /// Samples per rank and epoch.
    public var samplesPerRank: Int {
        roundUp ? (count + worldSize - 1) / worldSize : max(0, (count - rank + worldSize - 1) / worldSize)
    }

    /// The dataset indices of this rank for `epoch`.
    public func indices(epoch: Int) -> [Int] {
        var order = Array(0..<count)
        if shuffle {
            var rng = RandomGenerator(seed: seed, stream: [0x5A3D_1E5, UInt64(epoch)])
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        let total = roundUp ? samplesPerRank * worldSize : count
        if roundUp && total > count && count > 0 {
            var padded = order
            while padded.count < total { padded += order }
            order = Array(padded.prefix(total))
        }
        return Swift.stride(from: rank, to: total, by: worldSize).map { order[$0] }
    }
}
