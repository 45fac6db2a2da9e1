import Foundation
import PoseTensor

/// MMPose's `SmoothL1Loss(use_target_weight, loss_weight)` on `N × K × D` predictions: PyTorch's
/// smooth L1 with β = 1 of `pred · w` against `target · w`, mean over every element.
public struct SmoothL1Loss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults unless given: unweighted, `loss_weight` 1.
    /// - Parameters:
    ///   - useTargetWeight: multiplies coordinates by the keypoint weight (`use_target_weight`,
    ///     default false; the regression heads' default loss sets it).
    ///   - lossWeight: scales loss and gradient (`loss_weight`, default 1).
    public init(useTargetWeight: Bool = false, lossWeight: Float = 1) {
        self.useTargetWeight = useTargetWeight; self.lossWeight = lossWeight
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        CoordinateLoss.evaluate(prediction: prediction, target: target, weights: useTargetWeight ? weights : nil,
                                gradient: gradient, lossWeight: lossWeight, smooth: true)
    }
}

/// MMPose's `L1Loss(use_target_weight, loss_weight)` (mean reduction) on `N × K × D` predictions.
public struct L1Loss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float

    /// MMPose's defaults unless given: unweighted, `loss_weight` 1.
    /// - Parameters:
    ///   - useTargetWeight: multiplies coordinates by the keypoint weight (`use_target_weight`,
    ///     default false).
    ///   - lossWeight: scales loss and gradient (`loss_weight`, default 1).
    public init(useTargetWeight: Bool = false, lossWeight: Float = 1) {
        self.useTargetWeight = useTargetWeight; self.lossWeight = lossWeight
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        CoordinateLoss.evaluate(prediction: prediction, target: target, weights: useTargetWeight ? weights : nil,
                                gradient: gradient, lossWeight: lossWeight, smooth: false)
    }
}

/// The shared arithmetic of the two coordinate losses.
enum CoordinateLoss {
    /// `criterion(pred · w, target · w)` averaged over every element; writes dL/dpred.
    static func evaluate(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor, lossWeight: Float,
                         smooth: Bool) -> Float {
        let n = prediction.shape[0], k = prediction.shape[1], d = prediction.count / max(1, n * k)
        let count = Float(prediction.count)
        var total = 0.0
        for i in 0..<prediction.count {
            let w: Float = weights?[i / d] ?? 1
            let diff = (prediction[i] - target[i]) * w
            let a = abs(diff)
            if smooth && a < 1 {
                total += Double(0.5 * diff * diff)
                gradient[i] = lossWeight * diff * w / count
            } else {
                total += Double(smooth ? a - 0.5 : a)
                gradient[i] = lossWeight * (diff > 0 ? 1 : diff < 0 ? -1 : 0) * w / count
            }
        }
        return Float(total) / count * lossWeight
    }
}
