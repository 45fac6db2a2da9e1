import Foundation
import PoseTensor

/// MMPose's coordinate losses on `N × K × D` predictions with `N × K` keypoint weights applied
/// as `criterion(pred · w, target · w)` (mean over every element).
public enum CoordinateLoss: Sendable {
    /// `SmoothL1Loss(use_target_weight, loss_weight)`: PyTorch's smooth L1 with β = 1.
    case smoothL1(useTargetWeight: Bool, lossWeight: Float)
    /// `L1Loss(use_target_weight, loss_weight)` (mean reduction).
    case l1(useTargetWeight: Bool, lossWeight: Float)

    /// Returns the loss and writes dLoss/dprediction into `gradient` (`N × K × D`).
    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let n = prediction.shape[0], k = prediction.shape[1], d = prediction.count / max(1, n * k)
        let count = Float(prediction.count)
        var total = 0.0
        switch self {
        case .smoothL1(let useWeight, let lossWeight), .l1(let useWeight, let lossWeight):
            let smooth: Bool = { if case .smoothL1 = self { return true } else { return false } }()
            for i in 0..<prediction.count {
                let w: Float = useWeight ? (weights?[i / d] ?? 1) : 1
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
}

/// MMPose's `BCELoss`. With `useSigmoid` the inputs are probabilities (plain BCE, logs clamped at
/// −100 as PyTorch does); otherwise logits (`binary_cross_entropy_with_logits`). Weighted as
/// `mean(loss · w)` when `useTargetWeight`.
public struct BCELoss: Sendable {
    public var useTargetWeight: Bool
    public var lossWeight: Float
    public var useSigmoid: Bool

    public init(useTargetWeight: Bool = false, lossWeight: Float = 1, useSigmoid: Bool = false) {
        self.useTargetWeight = useTargetWeight; self.lossWeight = lossWeight; self.useSigmoid = useSigmoid
    }

    /// `prediction`, `target`, `gradient`: `N × K`; `weights`: `N × K` or nil.
    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let count = Float(prediction.count)
        var total = 0.0
        for i in 0..<prediction.count {
            let w: Float = useTargetWeight ? (weights?[i] ?? 1) : 1
            let t = target[i], x = prediction[i]
            if useSigmoid {
                let logP = max(logf(x), -100), log1mP = max(logf(1 - x), -100)
                total += Double(-(t * logP + (1 - t) * log1mP) * w)
                // PyTorch's binary_cross_entropy backward: (p − t) / max(p(1 − p), 1e-12)
                gradient[i] = lossWeight * w * (x - t) / max((1 - x) * x, 1e-12) / count
            } else {
                let l = max(x, 0) - x * t + logf(1 + expf(-abs(x)))
                total += Double(l * w)
                gradient[i] = lossWeight * w * (1 / (1 + expf(-x)) - t) / count
            }
        }
        return Float(total) / count * lossWeight
    }
}
