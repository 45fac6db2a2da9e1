import Foundation
import PoseTensor

/// MMPose's `JSDiscretLoss(use_target_weight=True, size_average=True)` on `N × K × h × w`
/// probability maps: `Σ JS(p·w, g·w) / N`, with `KL(a‖m) = a·(log a − log(m + 1e-24))`.
public struct JSDiscretLoss: PoseLoss, LossSpec {
    public var useTargetWeight: Bool

    /// The loss with `size_average=True`.
    /// - Parameter useTargetWeight: multiplies both maps by the keypoint weight before the
    ///   divergence (`use_target_weight`, default true as DSNTHead configures it).
    public init(useTargetWeight: Bool = true) { self.useTargetWeight = useTargetWeight }

    public func callAsFunction(prediction p: Tensor, target g: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let n = p.shape[0], k = p.shape[1], hw = p.count / max(1, n * k)
        var total = 0.0
        for plane in 0..<(n * k) {
            let w: Float = useTargetWeight ? (weights?[plane] ?? 1) : 1
            for i in 0..<hw {
                let a = p[plane * hw + i] * w, b = g[plane * hw + i] * w
                let m = 0.5 * (a + b)
                let logm = logf(m + 1e-24)
                let ka = a > 0 ? a * (logf(a) - logm) : 0
                let kb = b > 0 ? b * (logf(b) - logm) : 0
                total += Double(0.5 * (ka + kb)) / Double(n)
                // d/da [½a(log a − log m) + ½b(log b − log m)] with m = (a + b)/2 is ½(log a − log m)
                let da = a > 0 ? 0.5 * (logf(a) - logm) : 0
                gradient[plane * hw + i] = da * w / Float(n)
            }
        }
        return Float(total)
    }
}
