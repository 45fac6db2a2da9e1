import Foundation
import PoseTensor

/// MMPose's `BCELoss`. With `useSigmoid` the inputs are probabilities (plain BCE, logs clamped at
/// −100 as PyTorch does); otherwise logits (`binary_cross_entropy_with_logits`). Weighted as
/// `mean(loss · w)` when `useTargetWeight`.
public struct BCELoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    /// Scales the loss and its gradient (MMPose's `loss_weight`, default 1).
    public var lossWeight: Float
    /// MMPose's `use_sigmoid`: the predictions are already probabilities (the head ends in a
    /// Sigmoid); false: they are logits. Default false.
    public var useSigmoid: Bool

    /// MMPose's defaults: unweighted, `loss_weight` 1, logits (`use_sigmoid=False`).
    /// - Parameters:
    ///   - useTargetWeight: weighs each element by `weights` (`use_target_weight`).
    ///   - lossWeight: scales loss and gradient (`loss_weight`).
    ///   - useSigmoid: the inputs are probabilities (`use_sigmoid`).
    public init(useTargetWeight: Bool = false, lossWeight: Float = 1, useSigmoid: Bool = false) {
        self.useTargetWeight = useTargetWeight; self.lossWeight = lossWeight; self.useSigmoid = useSigmoid
    }

    public var takesProbabilities: Bool { useSigmoid }

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
