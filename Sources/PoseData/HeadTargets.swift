import PoseTensor

/// The training targets of a batch, as the pipeline's codec encoded them.
public struct HeadTargets {
    /// `N × C × h × w` target heatmaps (heatmap and integral heads; normalised for DSNT).
    public var heatmaps: Tensor?
    /// `N × K × 2` keypoints normalised by the input size (regression heads).
    public var labels: Tensor?
    /// `N × K` keypoint weights.
    public var weights: Tensor
    /// The current 0-based epoch (DSNT's `lambda_t`).
    public var epoch: Int
    /// `N × K × Wx` and `N × K × Hy` SimCC targets.
    public var simccX: Tensor?, simccY: Tensor?
    /// MMPose's `train_cfg.compute_acc`: whether the head also reports `acc_pose`.
    public var computeAccuracy: Bool
    /// `N × K` weights of a visibility loss (`keypoints_visible_weights`); nil means all 1.
    public var visibilityWeights: Tensor?

    public init(heatmaps: Tensor? = nil, labels: Tensor? = nil, weights: Tensor, epoch: Int = 0, simccX: Tensor? = nil, simccY: Tensor? = nil,
                computeAccuracy: Bool = true, visibilityWeights: Tensor? = nil) {
        self.visibilityWeights = visibilityWeights
        self.heatmaps = heatmaps; self.labels = labels; self.weights = weights; self.epoch = epoch
        self.simccX = simccX; self.simccY = simccY; self.computeAccuracy = computeAccuracy
    }
}
