/// MMPose's `IntegralRegressionLabel`: an MSRAHeatmap target (normalised to sum 1 per channel
/// when `normalize`) and a RegressionLabel target, whose weights are used. Decodes the head's
/// integrated coordinates.
public struct IntegralRegressionLabel: KeypointCodec, Equatable {
    /// The `MSRAHeatmap` that makes the `K × h × w` heatmap targets at `heatmap_size` (its weights
    /// are not used).
    public var heatmap: MSRAHeatmap
    /// The `RegressionLabel` that makes the `K × 2` labels and the keypoint weights, and decodes.
    public var regression: RegressionLabel
    /// MMPose's `normalize`: scale each heatmap target to sum 1 (default true).
    public var normalize: Bool

    /// MMPose's `IntegralRegressionLabel(input_size, heatmap_size, sigma, normalize=True)`.
    /// - Parameters:
    ///   - inputSize: (width, height) of the network input.
    ///   - heatmapSize: (width, height) of the heatmaps.
    ///   - sigma: σ of the Gaussians in heatmap pixels.
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double, normalize: Bool = true) {
        heatmap = MSRAHeatmap(inputSize: inputSize, heatmapSize: heatmapSize, sigma: sigma)
        regression = RegressionLabel(inputSize: inputSize)
        self.normalize = normalize
    }

    public var inputSize: (Int, Int) { regression.inputSize }
    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        regression.targetShapes(keypoints: keypoints).merging(heatmap.targetShapes(keypoints: keypoints)) { labels, _ in labels }
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var maps = heatmap.encode(keypoints: keypoints, visible: visible).heatmaps
        if normalize {
            let plane = heatmap.heatmapSize.0 * heatmap.heatmapSize.1
            for j in 0..<visible.count {
                var sum: Float = 0
                for i in 0..<plane { sum += maps[j * plane + i] }
                for i in 0..<plane { maps[j * plane + i] /= sum + 1e-24 }
            }
        }
        var out = regression.encode(keypoints: keypoints, visible: visible)
        out[.heatmaps] = SampleField(maps, shape: [visible.count, heatmap.heatmapSize.1, heatmap.heatmapSize.0])
        return out
    }

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        try regression.decode(output, at: index)
    }
}
