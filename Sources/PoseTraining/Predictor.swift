import PoseData
import PoseEval
import PoseModels
import PoseTensor

/// Test-time prediction: optional flip test, heatmap decoding and mapping back to the image.
public struct Predictor {
    public let model: TopdownPoseEstimator
    public let codec: MSRAHeatmap
    public let flipTest: Bool
    public let shiftHeatmap: Bool
    public let flipIndices: [Int]

    public init(model: TopdownPoseEstimator, codec: MSRAHeatmap, flipTest: Bool, shiftHeatmap: Bool, flipIndices: [Int]) {
        self.model = model; self.codec = codec; self.flipTest = flipTest
        self.shiftHeatmap = shiftHeatmap; self.flipIndices = flipIndices
    }

    /// Heatmaps `N × K × h × w` for a batch, averaged with the flipped pass when `flipTest`
    /// (MMPose's `flip_heatmaps(mode='heatmap')` with optional `shift_heatmap`).
    public func heatmaps(_ images: Tensor) -> Tensor {
        let plain = model.predict(images).clone()
        guard flipTest else { return plain }
        let flipped = Tensor(zeros: images.shape)
        let w = images.shape[3]
        let rows = images.count / w
        for r in 0..<rows {
            let src = images.data + r * w, dst = flipped.data + r * w
            for x in 0..<w { dst[x] = src[w - 1 - x] }
        }
        let back = model.predict(flipped)
        let (n, k, h, hw) = (plain.shape[0], plain.shape[1], plain.shape[2], plain.shape[3])
        for b in 0..<n {
            for j in 0..<k {
                let src = back.data + (b * k + flipIndices[j]) * h * hw
                let dst = plain.data + (b * k + j) * h * hw
                for y in 0..<h {
                    for x in 0..<hw {
                        // mirror, then optionally shift right by one pixel (column 0 keeps its value)
                        var sx = hw - 1 - x
                        if shiftHeatmap && x > 0 { sx = hw - x }
                        dst[y * hw + x] = (dst[y * hw + x] + src[y * hw + sx]) * 0.5
                    }
                }
            }
        }
        return plain
    }

    /// Decoded predictions for a batch, in original-image pixels:
    /// `kp_img = kp_input / input_size · scale + center − scale / 2`.
    public func predict(_ batch: Batch) -> [KeypointPrediction] {
        let maps = heatmaps(batch.images)
        let k = maps.shape[1], plane = maps.shape[2] * maps.shape[3]
        return batch.samples.enumerated().map { b, s in
            let (points, scores) = codec.decode(maps.data + b * k * plane, keypoints: k)
            let (iw, ih) = s.inputSize ?? codec.inputSize
            var image = [Double](repeating: 0, count: 2 * k)
            for j in 0..<k {
                image[2 * j] = points[2 * j] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                image[2 * j + 1] = points[2 * j + 1] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
            }
            return KeypointPrediction(id: s.instance.id, imageId: s.instance.imageId, categoryId: s.instance.categoryId,
                                      keypoints: image, keypointScores: scores, bboxScore: s.instance.bboxScore,
                                      area: s.scale.0 * s.scale.1)
        }
    }
}
