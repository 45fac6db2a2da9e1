import PoseTensor

/// A collated batch: normalised images and (for training) targets.
public final class Batch: @unchecked Sendable {
    /// `N × 3 × H × W`, `(pixel − mean) / std`, RGB.
    public let images: Tensor
    /// `N × C × h × w` target heatmaps (training pipelines with a heatmap codec).
    public let targets: Tensor?
    /// `N × K × 2` normalised keypoint labels (regression codecs only).
    public let labels: Tensor?
    /// `N × K` keypoint weights (training pipelines only).
    public let weights: Tensor?
    /// `N × K × Wx` and `N × K × Hy` SimCC targets (SimCC codecs only).
    public let simccX: Tensor?, simccY: Tensor?
    /// `N × K` weights of a visibility loss (MMPose's `keypoints_visible_weights`), when a
    /// `KeypointConverter` set them for some sample (1 for the others).
    public let visibilityWeights: Tensor?
    /// The pipeline state of each sample, without its pixel buffers.
    public internal(set) var samples: [TopdownSample]
    /// The dataset's flip indices (for flip tests): keypoint j's mirror image is keypoint `flipIndices[j]`.
    public let flipIndices: [Int]

    public init(images: Tensor, targets: Tensor?, labels: Tensor?, weights: Tensor?, samples: [TopdownSample],
                flipIndices: [Int], simccX: Tensor? = nil, simccY: Tensor? = nil, visibilityWeights: Tensor? = nil) {
        self.flipIndices = flipIndices
        self.visibilityWeights = visibilityWeights
        self.simccX = simccX; self.simccY = simccY
        self.images = images
        self.targets = targets
        self.labels = labels
        self.weights = weights
        self.samples = samples
    }

    public var count: Int { images.shape[0] }
}
