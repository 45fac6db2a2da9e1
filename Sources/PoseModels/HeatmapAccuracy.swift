import PoseData
import PoseTensor

/// MMPose's `pose_pck_accuracy`, the `acc_pose` its heatmap heads report while training: the
/// fraction of keypoints whose predicted heatmap maximum lies within `threshold` of the target
/// heatmap's maximum, distances divided by the heatmap size.
///
/// As MMPose: maxima are `(x, y)` but divided by `(H, W)` (its `normalize=[[H, W]]`); a map
/// whose maximum is not positive has no location; keypoints with zero weight, or whose target
/// has no location, are left out; each keypoint's accuracy is averaged over the images where it
/// counts, and those averages over the keypoints that count anywhere (0 when none does).
public enum HeatmapAccuracy {
    /// MMPose's `pose_pck_accuracy` of predicted heatmaps against target heatmaps, as
    /// described on the type.
    /// - Parameters:
    ///   - output, target: heatmaps `N × K × H × W`.
    ///   - weights: `N × K` keypoint weights.
    ///   - threshold: the normalised distance below which a keypoint is a hit (MMPose's `thr`, 0.05).
    /// - Returns: the mean of the per-keypoint hit rates, in 0…1 (0 when no keypoint counts).
    public static func pck(output: Tensor, target: Tensor, weights: Tensor, threshold: Double = 0.05) -> Double {
        let (n, k, h, w) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3])
        guard n * k > 0 else { return 0 }
        var hits = [Int](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            for j in 0..<k where weights[i * k + j] > 0 {
                let offset = (i * k + j) * h * w
                let p = maximum(output.data + offset, count: h * w, width: w)
                let g = maximum(target.data + offset, count: h * w, width: w)
                // a location of (-1, -1) still counts, as in MMPose; only the mask and the norm decide
                let dx = Double(p.x - g.x) / Double(h), dy = Double(p.y - g.y) / Double(w)
                counts[j] += 1
                if (dx * dx + dy * dy).squareRoot() < threshold { hits[j] += 1 }
            }
        }
        return meanOverKeypoints(hits: hits, counts: counts)
    }

    /// MMPose's `simcc_pck_accuracy`, SimCCHead's `acc_pose`: as `pck`, on the arg-maxes of the x
    /// and y logits (no location where the smaller maximum is not positive), divided by the
    /// split ratio, distances normalised by `(H, W)` of the input as MMPose does.
    /// - Parameters:
    ///   - x, y: `N × K × Wx` and `N × K × Hy` predicted logits; `targetX`, `targetY` the targets.
    ///   - splitRatio: bins per input pixel (`simcc_split_ratio`).
    public static func simccPCK(x: Tensor, y: Tensor, targetX: Tensor, targetY: Tensor, weights: Tensor,
                                splitRatio: Double, threshold: Double = 0.05) -> Double {
        let (n, k, bx, by) = (x.shape[0], x.shape[1], x.shape[2], y.shape[2])
        guard n * k > 0 else { return 0 }
        let (w, h) = (Double(Int(Double(bx) / splitRatio)), Double(Int(Double(by) / splitRatio)))
        func location(_ px: UnsafePointer<Float>, _ py: UnsafePointer<Float>) -> (Double, Double) {
            let m = SimCCLabel.maximum(x: px, bins: bx, y: py, bins: by)
            guard m.score > 0 else { return (-1 / splitRatio, -1 / splitRatio) }
            return (Double(m.x) / splitRatio, Double(m.y) / splitRatio)
        }
        var hits = [Int](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            for j in 0..<k where weights[i * k + j] > 0 {
                let p = location(x.data + (i * k + j) * bx, y.data + (i * k + j) * by)
                let g = location(targetX.data + (i * k + j) * bx, targetY.data + (i * k + j) * by)
                let dx = (p.0 - g.0) / h, dy = (p.1 - g.1) / w
                counts[j] += 1
                if (dx * dx + dy * dy).squareRoot() < threshold { hits[j] += 1 }
            }
        }
        return meanOverKeypoints(hits: hits, counts: counts)
    }

    /// Each keypoint's hit rate over the images where it counts, averaged over the keypoints that
    /// count anywhere (0 when none does), as MMPose's `keypoint_pck_accuracy`.
    static func meanOverKeypoints(hits: [Int], counts: [Int]) -> Double {
        let accuracies = counts.indices.filter { counts[$0] > 0 }.map { Double(hits[$0]) / Double(counts[$0]) }
        return accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Double(accuracies.count)
    }

    /// MMPose's `get_heatmap_maximum` for one map: the first largest element's `(x, y)`, or
    /// `(-1, -1)` when that value is not positive.
    static func maximum(_ p: UnsafePointer<Float>, count: Int, width: Int) -> (x: Int, y: Int) {
        var best = 0
        for i in 1..<max(count, 1) where p[i] > p[best] { best = i }
        return p[best] > 0 ? (best % width, best / width) : (-1, -1)
    }
}
