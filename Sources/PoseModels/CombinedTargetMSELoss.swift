import PoseTensor

/// MMPose's `CombinedTargetMSELoss` for UDP's 'combined' targets: per keypoint a response map
/// `h` and x/y offset maps, channels `3k, 3k+1, 3k+2`. Per keypoint
/// `½·mean((w·ĥ − w·h)²) + ½·mean((w·h·x̂ − w·h·x)²) + ½·mean((w·h·ŷ − w·h·y)²)` over the batch
/// and pixels (the offsets masked by the weighted target response), averaged over keypoints,
/// times `loss_weight`; `w` is the keypoint weight with `use_target_weight`, else 1.
public struct CombinedTargetMSELoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults unless given: unweighted, `loss_weight` 1.
    /// - Parameters:
    ///   - useTargetWeight: multiplies each keypoint's maps by its weight (`use_target_weight`,
    ///     default false).
    ///   - lossWeight: scales loss and gradient (`loss_weight`, default 1).
    public init(useTargetWeight: Bool = false, lossWeight: Float = 1) {
        self.useTargetWeight = useTargetWeight
        self.lossWeight = lossWeight
    }

    /// UDP 'combined' targets: response, x offset and y offset maps per keypoint.
    public var mapsPerKeypoint: Int { 3 }


    /// Returns the loss and writes dLoss/dprediction into `gradient`.
    /// - Parameters:
    ///   - prediction, target, gradient: `B × 3K × H × W`.
    ///   - weights: `B × K` keypoint weights, or nil.
    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        precondition(prediction.shape == target.shape && gradient.shape == prediction.shape && prediction.shape[1] % 3 == 0,
                     "CombinedTargetMSELoss: prediction \(prediction.shape), target \(target.shape), gradient \(gradient.shape)")
        let batch = prediction.shape[0], keypoints = prediction.shape[1] / 3
        let spatial = prediction.count / max(batch * 3 * keypoints, 1)
        if let weights { precondition(weights.count == batch * keypoints, "CombinedTargetMSELoss: weights \(weights.shape) for \(batch)×\(keypoints)") }
        // each of the 3K means is over B·H·W values, each weighted ½, summed over K and divided by K
        let scale = lossWeight * 0.5 / Float(batch * spatial) / Float(keypoints)
        let (pred, targ, grad) = (prediction.data, target.data, gradient.data)
        let lossWeights = useTargetWeight ? weights?.data : nil
        let total = ParallelLoop.orderedSum(batch * keypoints, grain: ParallelLoop.grain(perItem: 3 * spatial)) { item in
            let (b, k) = item.quotientAndRemainder(dividingBy: keypoints)
            let w: Float = lossWeights?[b * keypoints + k] ?? 1
            let base = (b * 3 * keypoints + 3 * k) * spatial
            var sum = 0.0
            for i in 0..<spatial {
                let h = targ[base + i] * w
                let dh = (pred[base + i] - targ[base + i]) * w
                let dx = h * (pred[base + spatial + i] - targ[base + spatial + i])
                let dy = h * (pred[base + 2 * spatial + i] - targ[base + 2 * spatial + i])
                sum += Double(dh * dh) + Double(dx * dx) + Double(dy * dy)
                grad[base + i] = 2 * scale * w * dh
                grad[base + spatial + i] = 2 * scale * h * dx
                grad[base + 2 * spatial + i] = 2 * scale * h * dy
            }
            return sum
        }
        return Float(total) * scale
    }
}
