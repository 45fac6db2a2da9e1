import PoseTensor

/// MMPose's `KeypointMSELoss`: `loss_weight · mean over B·K·H·W of mask · (pred − gt)²`, where
/// the mask is the keypoint weight `w[b, k]` (applied whenever weights are given, as MMPose
/// does) times, with `skipEmptyChannel`, whether the target channel has any non-zero pixel.
public struct KeypointMSELoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// Leaves out target channels with no non-zero pixel (MMPose's `skip_empty_channel`,
    /// default false); they still count in the mean's divisor.
    public var skipEmptyChannel: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults: unweighted, no empty-channel skipping, `loss_weight` 1 (HeatmapHead's
    /// default loss sets `useTargetWeight`).
    /// - Parameters:
    ///   - useTargetWeight: MMPose's `use_target_weight` (the given weights apply either way).
    ///   - skipEmptyChannel: masks channels whose target is all zero (`skip_empty_channel`).
    ///   - lossWeight: scales loss and gradient (`loss_weight`).
    public init(useTargetWeight: Bool = false, skipEmptyChannel: Bool = false, lossWeight: Float = 1) {
        self.useTargetWeight = useTargetWeight
        self.skipEmptyChannel = skipEmptyChannel
        self.lossWeight = lossWeight
    }

    /// Returns the loss and writes dLoss/dpred into `gradient`.
    /// - Parameters:
    ///   - prediction, target, gradient: `B × K × H × W`.
    ///   - weights: `B × K` keypoint weights, or nil.
    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        precondition(prediction.shape == target.shape && gradient.shape == prediction.shape,
                     "KeypointMSELoss: prediction \(prediction.shape), target \(target.shape), gradient \(gradient.shape)")
        let planes = prediction.shape[0] * prediction.shape[1]
        let spatial = prediction.count / max(planes, 1)
        if let weights { precondition(weights.count == planes, "KeypointMSELoss: weights \(weights.shape) for \(planes) channels") }
        let scale = lossWeight / Float(prediction.count)
        let (pred, targ, grad, lossWeights, skipEmpty) = (prediction.data, target.data, gradient.data, weights?.data, skipEmptyChannel)
        let total = ParallelLoop.orderedSum(planes, grain: ParallelLoop.grain(perItem: spatial)) { p in
            let pp = pred + p * spatial, tp = targ + p * spatial, gp = grad + p * spatial
            var mask: Float = lossWeights?[p] ?? 1
            if skipEmpty {
                var any = false
                for i in 0..<spatial where tp[i] != 0 { any = true; break }
                if !any { mask = 0 }
            }
            var s: Float = 0
            for i in 0..<spatial {
                let d = pp[i] - tp[i]
                s += d * d
                gp[i] = 2 * mask * d * scale
            }
            return Double(s * mask)
        }
        return Float(total) * scale
    }
}
