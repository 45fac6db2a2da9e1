import PoseData
import PoseNN
import PoseTensor

/// A pose estimation paradigm (MMPose's `pose_estimators`, `model=dict(type=...)`): the whole
/// model the trainer drives.
///
/// Contract for an implementation:
/// - Every parameter lives in `arena` (one flat value buffer and one gradient buffer), named in
///   `state` with MMPose's state_dict keys; the trainer allreduces `arena.gradients`, the
///   optimizer updates `arena.values`, checkpoints save `state`.
/// - `trainStep` runs a training forward, the losses and backward on a batch, adding dL/dθ into
///   `arena.gradients` (the trainer zeroes them first). It returns named values: those whose
///   name contains "loss" are summed into the optimised loss, the rest are logged.
/// - `predict` runs inference on a batch and returns one prediction per sample, keypoints in
///   original-image pixels (flip test and decoding as the model's `test_cfg` says).
public protocol PoseEstimator: AnyObject {
    /// The flat buffers holding every parameter's value and gradient, in `state`'s order.
    var arena: ParameterArena { get }
    /// Every parameter, buffer and counter under MMPose's state_dict keys, in a fixed order.
    var state: StateDict { get }
    /// One line for logs, such as "ResNet + HeatmapHead".
    var summary: String { get }
    /// One training step on `batch`: forward, losses and backward, adding dL/dθ into
    /// `arena.gradients`.
    /// - Parameters:
    ///   - batch: images `N × 3 × H × W` with the pipeline's targets.
    ///   - epoch: the current 0-based epoch (losses with a schedule, such as DSNT's `lambda_t`).
    /// - Returns: the named values; those whose name contains "loss" are summed into the
    ///   optimised loss, the rest (accuracies) are only logged.
    /// - Throws: `ModelError` when the batch's targets do not fit the model.
    func trainStep(_ batch: Batch, epoch: Int) throws -> [(name: String, value: Float)]
    /// Inference on `batch`: one prediction per sample, keypoints in original-image pixels.
    /// - Throws: `ModelError` when the outputs cannot be decoded (no decoder, or a codec error).
    func predict(_ batch: Batch) throws -> [KeypointPrediction]
    /// The activation memory one image of `inputSize` (W, H) takes in a training step and in
    /// inference, in bytes, so that a batch that cannot fit is refused before it runs; nil (the
    /// default) when unknown.
    func activationBytesPerImage(inputSize: (Int, Int)) -> (training: Int, inference: Int)?
    /// The start-up probe: one blank inference forward of a `inputSize` (W, H) image, checking
    /// that the model's parts agree on every shape (each a `ModelError` naming the key and the
    /// sizes), and decoding the output with the model's decoder. Returns the head's output for
    /// the caller's own checks (the training codec's targets), or nil when the paradigm has no
    /// `HeadOutput`. The default probes nothing.
    func probe(inputSize: (Int, Int)) throws -> HeadOutput?
    /// Called before training starts (and on resuming) with the run's length in epochs
    /// (MMEngine's message-hub `max_epochs`), for losses that change over the run, such as
    /// DWPose's decaying distillation. The default does nothing.
    func willTrain(maxEpochs: Int)
}

extension PoseEstimator {
    public func activationBytesPerImage(inputSize: (Int, Int)) -> (training: Int, inference: Int)? { nil }
    public func probe(inputSize: (Int, Int)) throws -> HeadOutput? { nil }
    public func willTrain(maxEpochs: Int) {}

    /// The number of trainable scalar parameters.
    public var trainableParameterCount: Int { state.trainableCount }
}

/// Weights to load into a freshly built model: MMEngine's `init_cfg=dict(type='Pretrained',
/// checkpoint=..., prefix=...)` on the model or one of its parts.
public struct PretrainedWeights: Sendable, Equatable {
    /// The file (`.pth` or `.safetensors`) or a download URL.
    public var checkpoint: String
    /// The model part the weights are for: `"backbone."`, or `""` for the whole model.
    public var target: String
    /// Only the file's keys under this prefix are used, with the prefix removed (MMEngine's `prefix`).
    public var prefix: String?

    /// Weights from `checkpoint` for the part `target`.
    /// - Parameters:
    ///   - checkpoint: the file or URL (`checkpoint=`).
    ///   - target: the part the weights load into: `"backbone."`, or `""` for the whole model.
    ///   - prefix: MMEngine's `prefix=`, or nil to use every key.
    public init(checkpoint: String, target: String, prefix: String? = nil) {
        self.checkpoint = checkpoint; self.target = target; self.prefix = prefix
    }
}

/// A configured pose estimator, decoded from `model` by a registered builder.
public protocol PoseEstimatorSpec: Sendable {
    /// The input normalisation the loaders apply (`data_preprocessor`).
    var dataPreprocessor: DataPreprocessor { get }
    /// The codec that decodes predictions (the head's `decoder`): the training pipeline's
    /// `GenerateTarget` must produce targets for the same input size.
    var decoder: (any KeypointCodec)? { get }
    /// `init_cfg` weights to load after building, in order.
    var pretrained: [PretrainedWeights] { get }
    /// Builds the model, initialising every weight from `rng`.
    func makeEstimator(rng: inout RandomGenerator) throws -> PoseEstimator
    /// The model's parameters and buffers, worked out without building it (see
    /// `BackboneSpec.size`); nil (the default) when unknown.
    var size: ModelSize? { get }
}

extension PoseEstimatorSpec {
    public var size: ModelSize? { nil }
}
