import PoseTensor

/// Where a backbone's feature maps leave for necks and heads, which read NCHW: channel-blocked
/// outputs (`ChannelBlocking`) are converted to NCHW, and their gradients back to blocked on
/// the way in. Outputs that are already NCHW pass through both ways.
public final class BlockedLayoutBoundary {
    private var wasBlocked: [Bool] = []

    /// A boundary that has seen no outputs yet; each `leave` records the layouts the next
    /// `enter` restores.
    public init() {}

    /// The outputs in NCHW (`N × C × H × W` each).
    public func leave(_ outputs: [Tensor]) -> [Tensor] {
        wasBlocked = outputs.map { ChannelBlocking.isBlocked($0.shape) }
        return outputs.enumerated().map { i, t in
            wasBlocked[i] ? ChannelBlocking.convertingPooled(t) : t
        }
    }

    /// The NCHW gradients of the last `leave`'s outputs in the layout each output had.
    public func enter(_ gradients: [Tensor?]) -> [Tensor?] {
        gradients.enumerated().map { i, g in
            guard let g, i < wasBlocked.count, wasBlocked[i] else { return g }
            return ChannelBlocking.convertingPooled(g)
        }
    }
}
