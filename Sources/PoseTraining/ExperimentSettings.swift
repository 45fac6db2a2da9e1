import PoseData
import PoseEval
import PoseModels

/// A dataloader as configured (`train_dataloader`, `val_dataloader`, `test_dataloader`).
public struct DataloaderSettings: Sendable {
    public var batchSize: Int
    public var numWorkers: Int
    /// `DefaultSampler(shuffle, round_up)`.
    public var shuffle: Bool
    public var roundUp: Bool
    public var dropLast: Bool
    public var dataset: any DatasetSpec
}

/// `val_evaluator` / `test_evaluator`: one or more metrics.
public struct Evaluator: Sendable {
    public var metrics: [any Metric]

    public init(metrics: [any Metric]) { self.metrics = metrics }

    /// The names the metrics report, in order.
    public var metricNames: [String] { metrics.flatMap(\.names) }

    /// Names the metrics reported in earlier MMPose versions, with their current names.
    public var formerMetricNames: [String: String] {
        metrics.reduce(into: [:]) { all, metric in all.merge(metric.formerNames) { a, _ in a } }
    }
}

/// `optim_wrapper`: the optimizer and the constructor that groups the parameters.
public struct OptimWrapperSettings: Sendable {
    /// The optimizer's registered type name (saved in checkpoints).
    public var optimizerType: String
    public var optimizer: any OptimizerSpec
    public var constructorType: String
    public var constructor: any OptimizerConstructorSpec
    /// `clip_grad`, when set.
    public var clipGrad: GradientClipping?
    /// `accumulative_counts`: iterations whose gradients make one optimizer step.
    public var accumulativeCounts = 1

    public init(optimizerType: String, optimizer: any OptimizerSpec, constructorType: String = "DefaultOptimWrapperConstructor",
                constructor: any OptimizerConstructorSpec = DefaultOptimWrapperConstructor()) {
        self.optimizerType = optimizerType; self.optimizer = optimizer
        self.constructorType = constructorType; self.constructor = constructor
    }
}

/// One configured hook: where it came from, its priority and its spec.
public struct HookEntry: Sendable {
    /// The `default_hooks` key, or `custom_hooks[i]`.
    public var key: String
    /// The registered type name.
    public var type: String
    public var priority: HookPriority
    public var spec: any HookSpec
}

/// Everything a run needs, decoded from an MMPose-style config through a `Components` set.
public struct ExperimentSettings: Sendable {
    public var model: any PoseEstimatorSpec
    /// `model.type`.
    public var modelType: String
    public var train: DataloaderSettings?
    public var val: DataloaderSettings?
    public var test: DataloaderSettings?
    public var optimWrapper: OptimWrapperSettings
    public var schedulers: [any ParameterScheduler]
    public var maxEpochs: Int
    /// `train_cfg.val_interval` and `val_begin` (epochs).
    public var valInterval: Int
    public var valBegin: Int
    /// `default_hooks` (over MMEngine's defaults) then `custom_hooks`, in registration order.
    public var hooks: [HookEntry]
    public var valEvaluator: Evaluator?
    public var testEvaluator: Evaluator?
    public var seed: UInt64
    /// `env_cfg.dist_cfg.timeout`: seconds a collective may take before the job is ended
    /// (MMEngine's default, 1800).
    public var distTimeout: Double
    public var workDir: String?
    public var loadFrom: String?
    public var resume: Bool
    /// MMEngine's `auto_scale_lr=dict(enable, base_batch_size)`: with `enable`, every group's
    /// rate × (ranks × batch per rank) / base_batch_size before the schedulers are built.
    public var autoScaleLR: (enable: Bool, baseBatchSize: Int)? = nil
    /// MMEngine's top-level `sync_bn`: every BatchNorm of the model, the head's too, computes
    /// its batch statistics over all ranks (otherwise only those a `norm_cfg` marks SyncBN).
    public var syncBN = false
    /// Config keys accepted without effect (GPU-only or presentation settings).
    public var ignoredKeys: [String]
    /// Things the config says that SwiftPose reads differently from its letter, each a sentence
    /// for the log (a metric's former name in `save_best`).
    public var notes: [String] = []
    /// The resolved config as a Python config file (`key = value` lines): logged at the start,
    /// saved as `vis_data/config.py` and in checkpoints.
    public var configText: String

    /// The spec of the first hook of `type`, if the config has one.
    public func hook<Spec: HookSpec>(_ type: Spec.Type) -> Spec? {
        hooks.lazy.compactMap { $0.spec as? Spec }.first
    }
}
