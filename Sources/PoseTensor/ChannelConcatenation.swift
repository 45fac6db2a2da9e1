/// PyTorch's `torch.cat(parts, dim=1)` and its inverse on feature maps, in either layout: every
/// part `N × C_i × H × W`, or every part channel-blocked (`ChannelBlocking`, each `C_i` a
/// multiple of 16). Both layouts keep an image's channels in one contiguous run ordered by
/// channel (blocks of 16 in the blocked one), so the result is each image's runs one after the
/// other.
public enum ChannelConcatenation {
    /// The parts joined along the channels: `N × ΣC_i × H × W`, or blocked when the parts are.
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "ChannelConcatenation.concatenate needs at least one part")
        let first = parts[0].shape
        let blocked = ChannelBlocking.isBlocked(first)
        var planar = ChannelBlocking.planarShape(first)
        for part in parts.dropFirst() {
            let s = ChannelBlocking.planarShape(part.shape)
            precondition(ChannelBlocking.isBlocked(part.shape) == blocked && s[0] == planar[0] && s[2...] == planar[2...],
                         "ChannelConcatenation: parts of shapes \(parts.map(\.shape)) do not join along channels")
        }
        planar[1] = parts.reduce(0) { $0 + ChannelBlocking.planarShape($1.shape)[1] }
        let y = Tensor.pooled(shape: blocked ? ChannelBlocking.blockedShape(planar) : planar)
        let batch = planar[0]
        let runs = parts.map { $0.count / batch }
        let total = y.count / batch
        ParallelLoop.run(batch * parts.count, grain: 1) { range in for item in range {
            let (n, i) = (item / parts.count, item % parts.count)
            let offset = runs[..<i].reduce(0, +)
            (y.data + n * total + offset).update(from: parts[i].data + n * runs[i], count: runs[i])
        } }
        return y
    }

    /// The inverse: `x`'s channels split into parts of `channels[i]` channels each (in the
    /// layout of `x`; blocked parts need multiples of 16).
    public static func split(_ x: Tensor, channels: [Int]) -> [Tensor] {
        let blocked = ChannelBlocking.isBlocked(x.shape)
        let planar = ChannelBlocking.planarShape(x.shape)
        precondition(channels.reduce(0, +) == planar[1] && (!blocked || channels.allSatisfy(ChannelBlocking.canBlock)),
                     "ChannelConcatenation.split: \(channels) channels from a tensor of shape \(x.shape)")
        let batch = planar[0], spatial = planar[2] * planar[3]
        let parts = channels.map { c -> Tensor in
            let shape = [batch, c, planar[2], planar[3]]
            return Tensor.pooled(shape: blocked ? ChannelBlocking.blockedShape(shape) : shape)
        }
        let runs = channels.map { $0 * spatial }
        let total = planar[1] * spatial
        ParallelLoop.run(batch * parts.count, grain: 1) { range in for item in range {
            let (n, i) = (item / parts.count, item % parts.count)
            let offset = runs[..<i].reduce(0, +)
            (parts[i].data + n * runs[i]).update(from: x.data + n * total + offset, count: runs[i])
        } }
        return parts
    }
}
