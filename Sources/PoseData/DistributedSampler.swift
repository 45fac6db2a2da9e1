import PoseTensor

/// MMEngine's `DefaultSampler`: a permutation per (seed, epoch), padded by repeating from its
/// start to a multiple of the world size (`roundUp`), rank r taking positions r, r+W, r+2W, ….
public struct DistributedSampler: Sendable {
    public var count: Int
    public var shuffle: Bool
    public var seed: UInt64
    public var rank: Int
    public var worldSize: Int
    public var roundUp: Bool

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
