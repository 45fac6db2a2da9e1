import PoseData
import PoseTensor

/// The checks a head runs on its batch's targets before its loss: each returns what the head
/// trains on, or throws a `ModelError` saying which config entry to change.
extension HeadTargets {
    /// The target heatmaps, checked against a head's `N × C × h × w` prediction: a codec whose
    /// `heatmap_size` differs from the head's output is a config error, said before any loss runs.
    public func heatmaps(matching prediction: Tensor, head: String) throws -> Tensor {
        guard let target = heatmaps else {
            throw ModelError("\(head) trains on heatmaps, but the pipeline's GenerateTarget made none; use a heatmap codec (MSRAHeatmap or UDPHeatmap)")
        }
        guard target.shape == prediction.shape else {
            let p = prediction.shape, t = target.shape
            throw ModelError("\(head) predicts heatmaps of \(p.dropFirst().map(String.init).joined(separator: "×")) (C×H×W) but the codec's targets are \(t.dropFirst().map(String.init).joined(separator: "×")); set the codec's heatmap_size to (\(p.last ?? 0), \(p.count == 4 ? p[2] : 0)) or change the head")
        }
        // UDP's 'combined' codec makes three maps per keypoint (response, x and y offsets)
        let channels = prediction.shape[1], keypoints = weights.shape.last ?? 0
        let perKeypoint = keypoints > 0 && channels == 3 * keypoints ? 3 : 1
        try checkWeights(batch: prediction.shape[0], keypoints: channels / perKeypoint, head: head)
        return target
    }

    /// The `N × K × 2` target labels, checked against the batch and keypoint count a head predicts.
    public func labels(batch: Int, keypoints: Int, head: String) throws -> Tensor {
        guard let labels else {
            throw ModelError("\(head) trains on keypoint labels, but the pipeline's GenerateTarget made none; use RegressionLabel or IntegralRegressionLabel")
        }
        guard labels.shape == [batch, keypoints, 2] else {
            throw ModelError("\(head) predicts \(keypoints) keypoints but the codec's labels are \(labels.shape) (N×K×2); check num_joints against the dataset's keypoints")
        }
        try checkWeights(batch: batch, keypoints: keypoints, head: head)
        return labels
    }

    /// Throws unless the keypoint weights are `batch × keypoints`.
    public func checkWeights(batch: Int, keypoints: Int, head: String) throws {
        guard weights.shape == [batch, keypoints] else {
            throw ModelError("\(head) predicts \(keypoints) keypoints but the batch has keypoint weights \(weights.shape) (N×K); check the head's out_channels or num_joints against the dataset's keypoints")
        }
    }
}
