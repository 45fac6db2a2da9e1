import Foundation
import PoseTensor

/// MMPose's `WingLoss(omega, epsilon, use_target_weight, loss_weight)` (Feng et al., CVPR 2018)
/// on `N × K × D` coordinates: with δ = |target·w − pred·w|, `ω·ln(1 + δ/ε)` below ω and
/// `δ − C` above (C = ω − ω·ln(1 + ω/ε) joins them), summed over K and D, averaged over N.
public struct WingLoss: PoseLoss, LossSpec {
    /// MMPose's `omega` (10: the log piece's range and scale) and `epsilon` (2: its curvature).
    public var omega, epsilon: Float
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults: ω 10, ε 2, unweighted, `loss_weight` 1.
    /// - Parameters:
    ///   - omega, epsilon: the curve's `omega` and `epsilon`.
    ///   - useTargetWeight: multiplies coordinates by the keypoint weight (`use_target_weight`).
    ///   - lossWeight: scales loss and gradient (`loss_weight`).
    public init(omega: Float = 10, epsilon: Float = 2, useTargetWeight: Bool = false, lossWeight: Float = 1) {
        (self.omega, self.epsilon, self.useTargetWeight, self.lossWeight) = (omega, epsilon, useTargetWeight, lossWeight)
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let c = omega * (1 - log(1 + omega / epsilon))
        return WingCriterion.evaluate(prediction, target, useTargetWeight ? weights : nil, gradient, lossWeight) { delta in
            delta < omega ? (omega * log(1 + delta / epsilon), omega / (epsilon + delta)) : (delta - c, 1)
        }
    }
}

/// MMPose's `SoftWingLoss(omega1, omega2, epsilon, use_target_weight, loss_weight)` (Lin et al.,
/// TIP 2021) on `N × K × D` coordinates: δ below ω1, `ω2·ln(1 + δ/ε) + B` above
/// (B = ω1 − ω2·ln(1 + ω1/ε)), summed over K and D, averaged over N.
public struct SoftWingLoss: PoseLoss, LossSpec {
    /// MMPose's `omega1` (2: where the log piece starts), `omega2` (20: its scale) and
    /// `epsilon` (0.5: its curvature).
    public var omega1, omega2, epsilon: Float
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults: ω1 2, ω2 20, ε 0.5, unweighted, `loss_weight` 1.
    /// - Parameters:
    ///   - omega1, omega2, epsilon: the curve's `omega1`, `omega2` and `epsilon`.
    ///   - useTargetWeight: multiplies coordinates by the keypoint weight (`use_target_weight`).
    ///   - lossWeight: scales loss and gradient (`loss_weight`).
    public init(omega1: Float = 2, omega2: Float = 20, epsilon: Float = 0.5, useTargetWeight: Bool = false, lossWeight: Float = 1) {
        (self.omega1, self.omega2, self.epsilon) = (omega1, omega2, epsilon)
        (self.useTargetWeight, self.lossWeight) = (useTargetWeight, lossWeight)
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let b = omega1 - omega2 * log(1 + omega1 / epsilon)
        return WingCriterion.evaluate(prediction, target, useTargetWeight ? weights : nil, gradient, lossWeight) { delta in
            delta < omega1 ? (delta, 1) : (omega2 * log(1 + delta / epsilon) + b, omega2 / (epsilon + delta))
        }
    }
}

/// The arithmetic both wing losses share: the criterion of δ = |t·w − p·w| per element, summed
/// over keypoints and dimensions and averaged over the batch.
enum WingCriterion {
    /// - Parameters:
    ///   - prediction, target, gradient: `N × K × D`; weights `N × K` or nil.
    ///   - criterion: δ ↦ (loss, dloss/dδ).
    static func evaluate(_ prediction: Tensor, _ target: Tensor, _ weights: Tensor?, _ gradient: Tensor, _ lossWeight: Float,
                         criterion: (Float) -> (Float, Float)) -> Float {
        precondition(prediction.shape == target.shape && gradient.shape == prediction.shape,
                     "wing loss: prediction \(prediction.shape), target \(target.shape), gradient \(gradient.shape)")
        let n = prediction.shape[0], k = prediction.shape[1], d = prediction.count / max(1, n * k)
        let scale = lossWeight / Float(max(n, 1))
        var total = 0.0
        for i in 0..<prediction.count {
            let w: Float = weights?[i / d] ?? 1
            let diff = (prediction[i] - target[i]) * w
            let (loss, slope) = criterion(abs(diff))
            total += Double(loss)
            gradient[i] = scale * slope * (diff > 0 ? 1 : diff < 0 ? -1 : 0) * w
        }
        return Float(total) * scale
    }
}
