import Foundation
import PoseTensor

/// MMPose's `KLDiscretLoss(beta, label_softmax, label_beta, use_target_weight)` on one SimCC
/// axis: `N × K × B` logits against `N × K × B` targets, per keypoint the mean over the B bins of
/// `KL(target ‖ softmax(β · logits))` (targets first softmax-ed with `label_beta` when
/// `label_softmax`), weighted by the keypoint weight (and by `mask_weight` for the `mask`
/// keypoints), summed and divided by K. MMPose's loss sums
/// this over the x and y axes; the head calls it once per axis.
public struct KLDiscretLoss: PoseLoss, LossSpec {
    /// The temperature on the predicted logits, `softmax(β · logits)` (MMPose's `beta`, default 1).
    public var beta: Float
    /// Softmax-es the targets with `labelBeta` before the divergence (`label_softmax`, default false).
    public var labelSoftmax: Bool
    /// The temperature of the targets' softmax with `labelSoftmax` (`label_beta`, default 10).
    public var labelBeta: Float
    public var useTargetWeight: Bool
    /// Keypoint indices whose loss is multiplied by `maskWeight` (MMPose's `mask`; nil: none).
    public var mask: [Int]?
    /// The factor on the `mask` keypoints' loss (`mask_weight`, default 1).
    public var maskWeight: Float = 1

    /// MMPose's defaults: β 1, targets used as given (`label_softmax=False`, `label_beta` 10),
    /// keypoints weighted.
    /// - Parameters:
    ///   - beta: the logits' temperature (`beta`).
    ///   - labelSoftmax: softmax the targets first (`label_softmax`).
    ///   - labelBeta: the targets' temperature (`label_beta`).
    ///   - useTargetWeight: multiplies each keypoint's divergence by its weight (`use_target_weight`).
    public init(beta: Float = 1, labelSoftmax: Bool = false, labelBeta: Float = 10, useTargetWeight: Bool = true) {
        (self.beta, self.labelSoftmax, self.labelBeta, self.useTargetWeight) = (beta, labelSoftmax, labelBeta, useTargetWeight)
    }

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        precondition(prediction.shape == target.shape && gradient.shape == prediction.shape && prediction.shape.count == 3,
                     "KLDiscretLoss: prediction \(prediction.shape), target \(target.shape), gradient \(gradient.shape)")
        let (rows, k, bins) = (prediction.shape[0] * prediction.shape[1], prediction.shape[1], prediction.shape[2])
        var total = 0.0
        var logp = [Double](repeating: 0, count: bins), t = [Double](repeating: 0, count: bins)
        var keypointFactor = [Double](repeating: 1, count: k)
        for j in mask ?? [] where (0..<k).contains(j) { keypointFactor[j] = Double(maskWeight) }
        for r in 0..<rows {
            let p = prediction.data + r * bins, q = target.data + r * bins, g = gradient.data + r * bins
            let w = Double(useTargetWeight ? weights?[r] ?? 1 : 1) * keypointFactor[r % k]
            // log-softmax of β·logits, and the (optionally softmax-ed) target distribution
            KLDiscretLoss.logSoftmax(p, beta: beta, count: bins, into: &logp)
            if labelSoftmax {
                var tm = -Double.infinity
                for i in 0..<bins { tm = max(tm, Double(labelBeta * q[i])) }
                var ts = 0.0
                for i in 0..<bins { t[i] = exp(Double(labelBeta * q[i]) - tm); ts += t[i] }
                for i in 0..<bins { t[i] /= ts }
            } else {
                for i in 0..<bins { t[i] = Double(q[i]) }
            }
            // PyTorch's KLDivLoss: t·(log t − log p), 0 where t = 0
            var kl = 0.0, mass = 0.0
            for i in 0..<bins {
                if t[i] > 0 { kl += t[i] * (log(t[i]) - logp[i]) }
                mass += t[i]
            }
            total += w * kl / Double(bins)
            // d/dlogit_j of −Σ t·log p = β·(p_j·Σt − t_j)
            let scale = w / Double(bins) / Double(k)
            for i in 0..<bins { g[i] = Float(scale * Double(beta) * (exp(logp[i]) * mass - t[i])) }
        }
        return Float(total / Double(k))
    }

    /// `log softmax(β · p)` of `count` logits, in float64, into `out`.
    static func logSoftmax(_ p: UnsafeMutablePointer<Float>, beta: Float, count: Int, into out: inout [Double]) {
        var m = -Double.infinity
        for i in 0..<count { m = max(m, Double(beta * p[i])) }
        var sum = 0.0
        for i in 0..<count { sum += exp(Double(beta * p[i]) - m) }
        let logSum = m + log(sum)
        for i in 0..<count { out[i] = Double(beta * p[i]) - logSum }
    }
}
