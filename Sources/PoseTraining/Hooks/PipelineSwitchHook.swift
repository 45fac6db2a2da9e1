import PoseData

/// mmdet's `PipelineSwitchHook(switch_epoch, switch_pipeline)` (RTMPose's second training
/// stage): from the epoch whose 0-based index is `switch_epoch` on, the training samples go
/// through `switch_pipeline`. Every rank switches at the same epoch, since each decides from the
/// shared epoch count; a run resumed past that epoch switches before its first epoch, as in
/// MMEngine, where the hook sees `runner.epoch >= switch_epoch` on the first `before_train_epoch`.
public struct PipelineSwitchHookSpec: HookSpec {
    /// `switch_epoch`: the 0-based epoch from which the new pipeline runs.
    public var switchEpoch: Int
    /// `switch_pipeline`: the transforms of the second stage.
    public var switchPipeline: [any Transform]

    /// A hook switching to `switchPipeline` at epoch index `switchEpoch`.
    public init(switchEpoch: Int, switchPipeline: [any Transform]) {
        self.switchEpoch = switchEpoch
        self.switchPipeline = switchPipeline
    }

    public func makeHook() throws -> Hook { PipelineSwitchHook(self) }

    /// The new pipeline must crop to the training pipeline's input size and encode the same
    /// targets, since the model and its probe were sized for those.
    public func check(_ settings: ExperimentSettings) throws {
        guard let train = settings.train?.dataset.pipeline else { return }
        let switched = TopdownPipeline(switchPipeline, metainfo: train.metainfo)
        guard let size = switched.inputSize, let codec = switched.codec else {
            throw TrainingError("switch_pipeline needs TopdownAffine and GenerateTarget, as train_pipeline has")
        }
        if let trainSize = train.inputSize, trainSize != size {
            throw TrainingError("switch_pipeline crops to \(size.0)x\(size.1), but train_pipeline to \(trainSize.0)x\(trainSize.1); the model is sized for one input size")
        }
        let keypoints = train.metainfo.keypointCount
        if let trainCodec = train.codec, trainCodec.targetShapes(keypoints: keypoints) != codec.targetShapes(keypoints: keypoints) {
            throw TrainingError("switch_pipeline's GenerateTarget codec makes other targets than train_pipeline's; the head trains on one kind")
        }
        for case let step as GenerateTarget in switchPipeline {
            if let problem = step.problem(with: train.metainfo) { throw TrainingError("switch_pipeline: \(problem)") }
        }
    }
}

/// The hook `PipelineSwitchHookSpec` makes.
public final class PipelineSwitchHook: Hook {
    let settings: PipelineSwitchHookSpec
    private var switched = false

    init(_ settings: PipelineSwitchHookSpec) { self.settings = settings }

    public func beforeTrainEpoch(_ runner: Trainer) throws {
        guard !switched, runner.epoch >= settings.switchEpoch else { return }
        runner.switchTrainPipeline(to: settings.switchPipeline)
        switched = true
    }
}
