import PoseNN
import PoseTensor

/// The training targets of a batch, as MMPose's codecs encode them.
public struct HeadTargets {
    /// `N × K × h × w` target heatmaps (heatmap and integral heads; normalised for DSNT).
    public var heatmaps: Tensor?
    /// `N × K × 2` keypoints normalised by the input size (regression heads).
    public var labels: Tensor?
    /// `N × K` keypoint weights.
    public var weights: Tensor
    /// The current 0-based epoch (DSNT's `lambda_t`).
    public var epoch: Int

    public init(heatmaps: Tensor? = nil, labels: Tensor? = nil, weights: Tensor, epoch: Int = 0) {
        self.heatmaps = heatmaps; self.labels = labels; self.weights = weights; self.epoch = epoch
    }
}

/// What a head predicts for a batch (copies, safe to keep across forward passes).
public struct HeadOutput {
    /// `N × K × h × w` heatmaps (heatmap heads).
    public var heatmaps: Tensor?
    /// `N × K × 2` coordinates normalised by the input size (regression heads).
    public var coordinates: Tensor?
    /// `N × K × 2` sigmoid-ed sigmas of RLE heads.
    public var sigma: Tensor?
    /// `N × K` visibility probabilities (VisPredictHead).
    public var visibility: Tensor?

    public init(heatmaps: Tensor? = nil, coordinates: Tensor? = nil, sigma: Tensor? = nil, visibility: Tensor? = nil) {
        self.heatmaps = heatmaps; self.coordinates = coordinates; self.sigma = sigma; self.visibility = visibility
    }
}

/// A pose head: features → predictions, with its loss and a hand-written backward.
public protocol PoseHead: AnyObject {
    /// One training forward, the loss against `targets` and backward; returns the named losses
    /// (those containing "loss" are summed and optimised) and dLoss/dfeature per feature map.
    func trainStep(_ feats: [Tensor], targets: HeadTargets) -> (losses: [(String, Float)], featureGradients: [Tensor?])
    /// Inference-mode predictions.
    func predict(_ feats: [Tensor]) -> HeadOutput
    /// Adds parameters and buffers under `prefix`.
    func collectState(prefix: String, into state: inout StateDict)
}

/// A neck between backbone and head.
public protocol Neck: AnyObject {
    func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor]
    func backward(_ dys: [Tensor?]) -> [Tensor?]
}

/// MMPose's `GlobalAveragePooling` neck: each `N × C × H × W` feature map → `N × C × 1 × 1`
/// (MMPose flattens to `N × C`; the following `Linear` flattens here).
public final class GlobalAveragePoolingNeck: Neck {
    private var pools: [GlobalAveragePool] = []
    public init() {}

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        while pools.count < feats.count { pools.append(GlobalAveragePool()) }
        return zip(pools, feats).map { $0.forward($1, mode: mode) }
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        zip(pools, dys).map { pool, dy in dy.map { pool.backward($0) } }
    }
}
