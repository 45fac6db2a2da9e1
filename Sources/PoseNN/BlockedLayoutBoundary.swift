import PoseTensor

/// Where a backbone's feature maps leave for necks and heads, which read NCHW: channel-blocked
/// outputs (`ChannelBlocking`) are converted to NCHW, and their gradients back to blocked on
/// the way in. Outputs that are already NCHW pass through both ways.
public final class BlockedLayoutBoundary {
    private var planar: [Tensor?] = []
    private var blockedGradients: [Tensor?] = []
    private var wasBlocked: [Bool] = []

    public init() {}

    /// The outputs in NCHW (`N × C × H × W` each).
    public func leave(_ outputs: [Tensor]) -> [Tensor] {
        if planar.count != outputs.count {
            planar = Array(repeating: nil, count: outputs.count)
            blockedGradients = planar
        }
        wasBlocked = outputs.map { ChannelBlocking.isBlocked($0.shape) }
        return outputs.enumerated().map { i, t in
            guard wasBlocked[i] else { return t }
            let p = ChannelBlocking.converting(t, reusing: planar[i])
            planar[i] = p
            return p
        }
    }

    /// The NCHW gradients of the last `leave`'s outputs in the layout each output had.
    public func enter(_ gradients: [Tensor?]) -> [Tensor?] {
        gradients.enumerated().map { i, g in
            guard let g, i < wasBlocked.count, wasBlocked[i] else { return g }
            let b = ChannelBlocking.converting(g, reusing: blockedGradients[i])
            blockedGradients[i] = b
            return b
        }
    }
}
