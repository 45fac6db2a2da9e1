import PoseTensor

/// A collated batch: normalised images and (for training) the targets' fields.
public final class Batch: @unchecked Sendable {
    /// `N × 3 × H × W`, `(pixel − mean) / std`, RGB.
    public let images: Tensor
    /// The samples' target fields stacked by their keys' collate rules (training pipelines):
    /// `.keypointWeights` `N × K` and whatever the codec made.
    public let fields: Fields<Tensor>
    /// The pipeline state of each sample, without its pixel buffers and targets.
    public internal(set) var samples: [TopdownSample]
    /// The dataset's flip indices (for flip tests): keypoint j's mirror image is keypoint `flipIndices[j]`.
    public let flipIndices: [Int]
    /// The dataset's skeleton links (MMPose's `skeleton_links` meta key, which DEKR's rescoring
    /// net reads); empty unless the loader set them.
    public var skeletonLinks: [(Int, Int)] = []

    /// A batch from collated fields, as the loader builds it.
    /// - Parameters:
    ///   - images: `N × 3 × H × W` normalised RGB inputs.
    ///   - fields: the samples' target fields stacked to `N × …` tensors (empty for test pipelines).
    ///   - samples: each sample's pipeline state, without its pixel buffers and targets.
    ///   - flipIndices: the dataset's flip indices, `K` entries.
    public init(images: Tensor, fields: Fields<Tensor>, samples: [TopdownSample], flipIndices: [Int]) {
        self.images = images; self.fields = fields; self.samples = samples; self.flipIndices = flipIndices
    }

    /// A batch from the stock fields.
    public convenience init(images: Tensor, targets: Tensor?, labels: Tensor?, weights: Tensor?, samples: [TopdownSample],
                            flipIndices: [Int], simccX: Tensor? = nil, simccY: Tensor? = nil, visibilityWeights: Tensor? = nil) {
        var fields = Fields<Tensor>()
        fields[.heatmaps] = targets; fields[.keypointLabels] = labels; fields[.keypointWeights] = weights
        fields[.simccX] = simccX; fields[.simccY] = simccY; fields[.visibilityWeights] = visibilityWeights
        self.init(images: images, fields: fields, samples: samples, flipIndices: flipIndices)
    }

    /// The number of samples `N` (the images' first dimension).
    public var count: Int { images.shape[0] }

    /// `N × C × h × w` target heatmaps (training pipelines with a heatmap codec).
    public var targets: Tensor? { fields[.heatmaps] }
    /// `N × K × 2` normalised keypoint labels (regression codecs only).
    public var labels: Tensor? { fields[.keypointLabels] }
    /// `N × K` keypoint weights (training pipelines only).
    public var weights: Tensor? { fields[.keypointWeights] }
    /// `N × K × Wx` SimCC x targets (SimCC codecs only).
    public var simccX: Tensor? { fields[.simccX] }
    /// `N × K × Hy` SimCC y targets (SimCC codecs only).
    public var simccY: Tensor? { fields[.simccY] }
    /// `N × K` weights of a visibility loss (MMPose's `keypoints_visible_weights`), when a
    /// `KeypointConverter` set them for some sample (1 for the others).
    public var visibilityWeights: Tensor? { fields[.visibilityWeights] }
}
