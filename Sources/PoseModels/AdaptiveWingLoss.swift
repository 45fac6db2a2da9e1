import Foundation
import PoseTensor

/// MMPose's `AdaptiveWingLoss(alpha, omega, epsilon, theta, use_target_weight, loss_weight)`
/// (Wang et al., ICCV 2019) on `N × K × H × W` heatmaps, averaged over every element: with
/// δ = |t − p| and the exponent a = α − t (p and t times the keypoint weight when used),
/// `ω·ln(1 + (δ/ε)^a)` below θ and `A·δ − C` above, A and C making the two pieces meet smoothly.
public struct AdaptiveWingLoss: PoseLoss, LossSpec {
    /// MMPose's `alpha` (2.1: the exponent is α − t), `omega` (14: the log piece's scale),
    /// `epsilon` (1: its width) and `theta` (0.5: where the linear piece takes over).
    public var alpha, omega, epsilon, theta: Float
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults: α 2.1, ω 14, ε 1, θ 0.5, no target weights, `loss_weight` 1.
    /// - Parameters:
    ///   - alpha, omega, epsilon, theta: the curve's `alpha`, `omega`, `epsilon` and `theta`.
    ///   - useTargetWeight: multiplies prediction and target by the keypoint weight (`use_target_weight`).
    ///   - lossWeight: scales loss and gradient (`loss_weight`).
    public init(alpha: Float = 2.1, omega: Float = 14, epsilon: Float = 1, theta: Float = 0.5,
                useTargetWeight: Bool = false, lossWeight: Float = 1) {
        (self.alpha, self.omega, self.epsilon, self.theta) = (alpha, omega, epsilon, theta)
        (self.useTargetWeight, self.lossWeight) = (useTargetWeight, lossWeight)
    }

    /// Returns `loss_weight` times the mean over all `N·K·H·W` elements and writes
    /// dLoss/dprediction into `gradient`.
    /// - Parameters:
    ///   - prediction, target, gradient: `N × K × H × W`.
    ///   - weights: `N × K` keypoint weights, or nil.
    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        precondition(prediction.shape == target.shape && gradient.shape == prediction.shape,
                     "AdaptiveWingLoss: prediction \(prediction.shape), target \(target.shape), gradient \(gradient.shape)")
        let planes = prediction.shape[0] * prediction.shape[1], spatial = prediction.count / max(planes, 1)
        let scale = lossWeight / Float(max(prediction.count, 1))
        let ratio = theta / epsilon
        let (pred, targ, grad, lossWeights, weighted) = (prediction.data, target.data, gradient.data, weights?.data, useTargetWeight)
        let (omega, alpha, theta, epsilon) = (omega, alpha, theta, epsilon)
        let total = ParallelLoop.orderedSum(planes, grain: ParallelLoop.grain(perItem: spatial * 8)) { p in
            let w: Float = weighted ? lossWeights?[p] ?? 1 : 1
            var sum = 0.0
            for i in p * spatial ..< (p + 1) * spatial {
                let t = targ[i] * w, diff = pred[i] * w - t, delta = abs(diff)
                let a = alpha - t
                let loss: Float, slope: Float
                if delta < theta {
                    let power = pow(delta / epsilon, a)
                    loss = omega * log(1 + power)
                    // d/dδ of ω·ln(1 + (δ/ε)^a); (δ/ε)^(a−1) is 0 at δ = 0 since a > 1 for targets below α − 1
                    slope = delta > 0 ? omega * a * pow(delta / epsilon, a - 1) / epsilon / (1 + power) : 0
                } else {
                    let big = omega * (1 / (1 + pow(ratio, a))) * a * pow(ratio, a - 1) / epsilon
                    let c = theta * big - omega * log(1 + pow(ratio, a))
                    (loss, slope) = (big * delta - c, big)
                }
                sum += Double(loss)
                grad[i] = scale * slope * (diff > 0 ? 1 : diff < 0 ? -1 : 0) * w
            }
            return sum
        }
        return Float(total) * scale
    }
}
