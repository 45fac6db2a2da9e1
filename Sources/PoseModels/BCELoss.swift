import Foundation
import PoseTensor

/// MMPose's `BCELoss`. With `useSigmoid` the inputs are probabilities (plain BCE, logs clamped at
/// −100 as PyTorch does); otherwise logits (`binary_cross_entropy_with_logits`). Weighted as
/// `mean(loss · w)` when `useTargetWeight`.
public struct BCELoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool
    public var lossWeight: Float
    public var useSigmoid: Bool

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
