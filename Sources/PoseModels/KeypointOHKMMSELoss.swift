import PoseTensor

/// MMPose's `KeypointOHKMMSELoss` (online hard keypoint mining): per keypoint
/// `mean_HW((p·w − g·w)²)`, the mean of each sample's `topk` largest, averaged over the batch.
public struct KeypointOHKMMSELoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// How many of each sample's largest keypoint losses count (MMPose's `topk`, default 8); at
    /// most the keypoint count, a trap otherwise.
    public var topk: Int
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults unless given: unweighted, 8 hard keypoints, `loss_weight` 1.
    /// - Parameters:
    ///   - useTargetWeight: multiplies maps by the keypoint weight (`use_target_weight`, default false).
    ///   - topk: the hard keypoints per sample (`topk`, default 8).
    ///   - lossWeight: scales loss and gradient (`loss_weight`, default 1).
    public init(useTargetWeight: Bool = false, topk: Int = 8, lossWeight: Float = 1) {
        self.useTargetWeight = useTargetWeight; self.topk = topk; self.lossWeight = lossWeight
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let n = prediction.shape[0], k = prediction.shape[1]
        let hw = prediction.count / max(1, n * k)
        precondition(topk <= k, "KeypointOHKMMSELoss: topk \(topk) exceeds the \(k) keypoints")
        gradient.zero()
        let (pred, targ, grad, lossWeights, weighted, topk, lossWeight) =
            (prediction.data, target.data, gradient.data, weights?.data, useTargetWeight, topk, lossWeight)
        let total = ParallelLoop.orderedSum(n, grain: ParallelLoop.grain(perItem: k * hw)) { b in
            var perKeypoint = [(Double, Int)]()
            perKeypoint.reserveCapacity(k)
            for j in 0..<k {
                let w: Float = weighted ? (lossWeights?[b * k + j] ?? 1) : 1
                let p = pred + (b * k + j) * hw, g = targ + (b * k + j) * hw
                var s: Float = 0
                for i in 0..<hw { let d = (p[i] - g[i]) * w; s += d * d }
                perKeypoint.append((Double(s) / Double(hw), j))
            }
            let hardest = perKeypoint.sorted { ($0.0, -$0.1) > ($1.0, -$1.1) }.prefix(topk)
            for (_, j) in hardest {
                let w: Float = weighted ? (lossWeights?[b * k + j] ?? 1) : 1
                let scale = lossWeight * 2 * w * w / Float(hw * topk * n)
                let p = pred + (b * k + j) * hw, g = targ + (b * k + j) * hw, d = grad + (b * k + j) * hw
                for i in 0..<hw { d[i] = scale * (p[i] - g[i]) }
            }
            return hardest.reduce(0) { $0 + $1.0 } / Double(topk)
        }
        return Float(total / Double(n)) * lossWeight
    }
}
