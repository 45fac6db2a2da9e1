import SwiftPose

/// A heatmap loss: the mean squared error of `N × K × h × w` heatmaps, with pixels where the
/// target exceeds `threshold` weighted by `foregroundWeight` (heatmap targets are mostly zero,
/// so plain MSE spends most of its weight on the background). With `useTargetWeight`, each
/// keypoint's pixels are also weighted by its `N × K` keypoint weight.
///
/// `L = lossWeight · mean(m · (p − g)²)` with `m = w_k · (g > threshold ? foregroundWeight : 1)`;
/// `dL/dp = lossWeight · 2m(p − g) / count`.
public struct ForegroundMSELoss: PoseLoss, LossSpec {
    public var foregroundWeight: Float = 10
    public var threshold: Float = 0.1
    public var useTargetWeight = true
    public var lossWeight: Float = 1

    public init() {}

    public func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let planes = prediction.shape[0] * prediction.shape[1]
        let spatial = prediction.count / max(1, planes)
        let scale = lossWeight / Float(prediction.count)
        var total = 0.0
        for plane in 0..<planes {
            let w: Float = useTargetWeight ? (weights?[plane] ?? 1) : 1
            let p = prediction.data + plane * spatial, g = target.data + plane * spatial, d = gradient.data + plane * spatial
            for i in 0..<spatial {
                let m = w * (g[i] > threshold ? foregroundWeight : 1)
                let e = p[i] - g[i]
                total += Double(m * e * e)
                d[i] = 2 * m * e * scale
            }
        }
        return Float(total) * scale
    }
}
