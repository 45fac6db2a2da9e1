import PoseData
import PoseNN
import PoseTensor

/// A pose head (MMPose's `heads`): feature maps → predictions, with its loss and a
/// hand-written backward.
///
/// Contract for an implementation:
/// - `trainStep` gets the neck's (or backbone's) feature maps, each `N × C_i × H_i × W_i`, and the
///   batch's targets; it runs a training-mode forward, computes its loss(es) against the targets,
///   back-propagates through its own layers, adding dL/dθ into its parameters' gradients, and
///   returns dL/dfeature for each feature map (nil for maps it did not use). The returned named
///   values are logged; those whose name contains "loss" are summed into the optimised loss
///   (MMPose's `parse_losses`), others (accuracies) are only logged. Targets that do not fit the
///   head's outputs (a codec's `heatmap_size` that differs from the head's map size, another
///   keypoint count) are thrown as a `ModelError` saying what to change, never trapped.
/// - `predict` runs an inference-mode forward and returns copies (`HeadOutput`): heatmaps
///   `N × K × h × w`, coordinates `N × K × 2` normalised by the input size, and optionally
///   sigmas and `N × K` visibility probabilities. The head's `decoder` codec decodes them.
/// - `collectState` adds every parameter and buffer, named under `prefix` with MMPose's
///   state_dict names, so checkpoints and the optimizer see them.
/// - Layers take outputs and gradients from `TensorPool` and keep only what their backward
///   reads; a head may keep small buffers of its own across steps.
public protocol PoseHead: AnyObject {
    /// One training forward, the loss against `targets` and backward; returns the named losses
    /// (those containing "loss" are summed and optimised) and dLoss/dfeature per feature map.
    func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?])
    /// Inference-mode predictions.
    func predict(_ feats: [Tensor]) -> HeadOutput
    /// Adds parameters and buffers under `prefix`.
    func collectState(prefix: String, into state: inout StateDict)
    /// Whether the head is sized for one feature map size (MMPose's `in_featuremap_size`), so
    /// the estimator checks it with `checkFeatures` on a probe when the model is built.
    var hasFixedFeatureSize: Bool { get }
    /// Throws a `ModelError` saying what to set when feature maps of these shapes
    /// (`N × C_i × H_i × W_i`) do not fit the head.
    func checkFeatures(_ feats: [Tensor]) throws
    /// `trainStep` with a loss on the head's raw training outputs besides its own (DWPose's
    /// logit distillation). `outputLoss` runs after the head's own loss, before its backward:
    /// it gets the outputs and the gradient of the head's loss with respect to them (same
    /// fields, same shapes), may change that gradient in place, and returns its named losses,
    /// which are appended to the head's. The default runs `trainStep` when `outputLoss` is nil
    /// and throws a `ModelError` otherwise (the head does not expose its outputs).
    func trainStep(_ feats: [Tensor], targets: HeadTargets,
                   outputLoss: HeadOutputLoss?) throws -> (losses: [(String, Float)], featureGradients: [Tensor?])
}

/// A loss on a head's raw training outputs (`N × …` per field), given with the gradient of the
/// head's own loss with respect to them, which it may change in place (add its own gradient, or
/// zero it to train on this loss alone); returns its named losses.
public typealias HeadOutputLoss = (_ outputs: HeadOutput, _ gradients: HeadOutput) throws -> [(String, Float)]

extension PoseHead {
    public var hasFixedFeatureSize: Bool { false }
    public func checkFeatures(_ feats: [Tensor]) throws {}

    public func trainStep(_ feats: [Tensor], targets: HeadTargets,
                          outputLoss: HeadOutputLoss?) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        guard outputLoss == nil else {
            throw ModelError("\(type(of: self)) does not give its training outputs to distillation losses (PoseHead.trainStep(_:targets:outputLoss:))")
        }
        return try trainStep(feats, targets: targets)
    }
}

/// A neck between backbone and head (MMPose's `necks`): feature maps in, feature maps out.
///
/// Contract: `forward` gets the backbone's maps (`N × C_i × H_i × W_i`) and returns the maps the
/// head sees, keeping what `backward` needs; `backward` gets one gradient per returned map (nil
/// where the head used none), adds dL/dθ into its parameters' gradients and returns one
/// gradient per input map. A neck with parameters names them in `collectState` (they are saved
/// under `neck.`).
public protocol Neck: AnyObject {
    /// The maps the head sees for the backbone's maps (`N × C_i × H_i × W_i` each), keeping
    /// what `backward` needs in `.training` mode.
    func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor]
    /// Back-propagates one gradient per returned map (nil where the head used none), adds
    /// dL/dθ into the neck's parameters' gradients, and returns one gradient per input map
    /// (nil where none reaches it).
    func backward(_ dys: [Tensor?]) -> [Tensor?]
    /// Adds parameters and buffers under `prefix`.
    func collectState(prefix: String, into state: inout StateDict)
}

extension Neck {
    public func collectState(prefix: String, into state: inout StateDict) {}
}
