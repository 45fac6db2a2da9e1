import PoseTensor

/// The training targets of a batch, as the pipeline's codec encoded them: every field stacked
/// to `N × …` (`fields`), with the step's context.
public struct HeadTargets {
    /// The batch's target fields: `.keypointWeights` (`N × K`) always, and whatever the codec
    /// made (`.heatmaps` `N × C × h × w`, `.keypointLabels` `N × K × 2`, `.simccX`/`.simccY`,
    /// `.visibilityWeights`, or a package's own keys).
    public var fields: Fields<Tensor>
    /// The current 0-based epoch (DSNT's `lambda_t`).
    public var epoch: Int
    /// MMPose's `train_cfg.compute_acc`: whether the head also reports `acc_pose`.
    public var computeAccuracy: Bool

    /// Targets from their fields, `N × …` tensors under their keys.
    /// - Parameters:
    ///   - epoch: the current 0-based epoch.
    ///   - computeAccuracy: MMPose's `train_cfg.compute_acc`.
    /// - Precondition: `fields` holds `.keypointWeights`.
    public init(fields: Fields<Tensor>, epoch: Int = 0, computeAccuracy: Bool = true) {
        precondition(fields.contains(.keypointWeights), "HeadTargets need .keypointWeights")
        self.fields = fields; self.epoch = epoch; self.computeAccuracy = computeAccuracy
    }

    /// Targets from the stock fields.
    public init(heatmaps: Tensor? = nil, labels: Tensor? = nil, weights: Tensor, epoch: Int = 0, simccX: Tensor? = nil, simccY: Tensor? = nil,
                computeAccuracy: Bool = true, visibilityWeights: Tensor? = nil) {
        var fields: Fields<Tensor> = [.keypointWeights: weights]
        fields[.heatmaps] = heatmaps; fields[.keypointLabels] = labels
        fields[.simccX] = simccX; fields[.simccY] = simccY; fields[.visibilityWeights] = visibilityWeights
        self.init(fields: fields, epoch: epoch, computeAccuracy: computeAccuracy)
    }

    /// The target under `key`.
    public subscript(key: FieldKey) -> Tensor? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// `N × K` keypoint weights.
    public var weights: Tensor {
        get { fields[.keypointWeights]! }
        set { fields[.keypointWeights] = newValue }
    }
    /// `N × C × h × w` target heatmaps (heatmap and integral heads; normalised for DSNT).
    public var heatmaps: Tensor? { get { fields[.heatmaps] } set { fields[.heatmaps] = newValue } }
    /// `N × K × 2` keypoints normalised by the input size (regression heads).
    public var labels: Tensor? { get { fields[.keypointLabels] } set { fields[.keypointLabels] = newValue } }
    /// `N × K × Wx` SimCC x targets.
    public var simccX: Tensor? { get { fields[.simccX] } set { fields[.simccX] = newValue } }
    /// `N × K × Hy` SimCC y targets.
    public var simccY: Tensor? { get { fields[.simccY] } set { fields[.simccY] = newValue } }
    /// `N × K` weights of a visibility loss (`keypoints_visible_weights`); nil means all 1.
    public var visibilityWeights: Tensor? { get { fields[.visibilityWeights] } set { fields[.visibilityWeights] = newValue } }
}
