import PoseData
import PoseEval
import PoseModels
import PoseTensor

/// Test-time prediction: optional flip test, decoding and mapping back to the image.
public struct Predictor {
    public let model: TopdownPoseEstimator
    public let codec: KeypointCodec
    public let flipTest: Bool
    public let shiftHeatmap: Bool
    public let shiftCoords: Bool
    public let flipIndices: [Int]

    public init(model: TopdownPoseEstimator, codec: KeypointCodec, flipTest: Bool, shiftHeatmap: Bool,
                shiftCoords: Bool = true, flipIndices: [Int]) {
        self.model = model; self.codec = codec; self.flipTest = flipTest
        self.shiftHeatmap = shiftHeatmap; self.shiftCoords = shiftCoords; self.flipIndices = flipIndices
    }

    /// The head's outputs for a batch, averaged with the flipped pass when `flipTest`:
    /// heatmaps as MMPose's `flip_heatmaps(mode='heatmap')` (optional `shift_heatmap`),
    /// coordinates as `flip_coordinates` (x → 1 − x, minus 1/input_w with `shift_coords`),
    /// sigmas and visibilities reordered by the flip indices.
    public func outputs(_ images: Tensor) -> HeadOutput {
        let plain = model.predictOutput(images)
        guard flipTest else { return plain }
        let flipped = Tensor(zeros: images.shape)
        let w = images.shape[3]
        for r in 0..<(images.count / w) {
            let src = images.data + r * w, dst = flipped.data + r * w
            for x in 0..<w { dst[x] = src[w - 1 - x] }
        }
        let back = model.predictOutput(flipped)
        if let a = plain.heatmaps, let b = back.heatmaps {
            let (n, k, h, hw) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
            for i in 0..<n { for j in 0..<k {
                let src = b.data + (i * k + flipIndices[j]) * h * hw, dst = a.data + (i * k + j) * h * hw
                for y in 0..<h { for x in 0..<hw {
                    // mirror, then optionally shift right by one pixel (column 0 keeps its value)
                    let sx = shiftHeatmap && x > 0 ? hw - x : hw - 1 - x
                    dst[y * hw + x] = (dst[y * hw + x] + src[y * hw + sx]) * 0.5
                } }
            } }
        }
        let shift = shiftCoords ? 1 / Float(codec.inputSize.0) : 0
        if let a = plain.coordinates, let b = back.coordinates {
            let (n, k) = (a.shape[0], a.shape[1])
            for i in 0..<n { for j in 0..<k {
                let s = (i * k + flipIndices[j]) * 2, d = (i * k + j) * 2
                a[d] = (a[d] + (1 - b[s] - shift)) * 0.5
                a[d + 1] = (a[d + 1] + b[s + 1]) * 0.5
            } }
        }
        for (a, b, width) in [(plain.sigma, back.sigma, 2), (plain.visibility, back.visibility, 1)] {
            guard let a, let b else { continue }
            let (n, k) = (a.shape[0], a.shape[1])
            for i in 0..<n { for j in 0..<k { for c in 0..<width {
                let s = (i * k + flipIndices[j]) * width + c, d = (i * k + j) * width + c
                a[d] = (a[d] + b[s]) * 0.5
            } } }
        }
        return plain
    }

    /// Decoded predictions for a batch, in original-image pixels:
    /// `kp_img = kp_input / input_size · scale + center − scale / 2`.
    public func predict(_ batch: Batch) -> [KeypointPrediction] {
        let out = outputs(batch.images)
        return batch.samples.enumerated().map { b, s in
            let points: [Double], scores: [Double]
            let k: Int
            if !codec.makesLabels, let maps = out.heatmaps {
                k = maps.shape[1]
                (points, scores) = codec.decodeHeatmaps(maps.data + b * k * maps.shape[2] * maps.shape[3], keypoints: k)!
            } else {
                let coords = out.coordinates!
                k = coords.shape[1]
                let regression: RegressionLabel
                switch codec {
                case .regressionLabel(let r): regression = r
                case .integralRegressionLabel(let i): regression = i.regression
                case .msraHeatmap, .udpHeatmap, .combined: regression = RegressionLabel(inputSize: codec.inputSize)
                }
                (points, scores) = regression.decode(coords.data + b * k * 2, sigma: out.sigma.map { $0.data + b * k * 2 }, keypoints: k)
            }
            let (iw, ih) = s.inputSize ?? codec.inputSize
            var image = [Double](repeating: 0, count: 2 * k)
            for j in 0..<k {
                image[2 * j] = points[2 * j] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                image[2 * j + 1] = points[2 * j + 1] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
            }
            var p = KeypointPrediction(id: s.instance.id, imageId: s.instance.imageId, categoryId: s.instance.categoryId,
                                       keypoints: image, keypointScores: scores, bboxScore: s.instance.bboxScore,
                                       area: s.scale.0 * s.scale.1)
            if let v = out.visibility { p.visibility = (0..<k).map { Double(v[b * k + $0]) } }
            return p
        }
    }
}
