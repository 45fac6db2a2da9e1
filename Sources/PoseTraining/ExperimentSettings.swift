import PoseData
import PoseEval
import PoseModels
import PoseTensor

/// A dataloader as configured (`train_dataloader`, `val_dataloader`, `test_dataloader`).
public struct DataloaderSettings: Sendable {
    /// `batch_size`: samples per rank in one iteration (the global batch is this × ranks).
    public var batchSize: Int
    /// `num_workers` as configured (default 2); only recorded: the loader threads per rank come
    /// from the command line (`Trainer.loaderThreads`).
    public var numWorkers: Int
    /// `DefaultSampler(shuffle, round_up)`.
    public var shuffle: Bool
    /// `sampler.round_up`: pads the index list so every rank gets as many samples
    /// (default true, as MMEngine's `DefaultSampler`).
    public var roundUp: Bool
    /// `drop_last`: leaves out each epoch's last, incomplete batch (default false).
    public var dropLast: Bool
    /// The `dataset` component: annotations, metainfo and the pipeline with its codec.
    public var dataset: any DatasetSpec
}

/// `val_evaluator` / `test_evaluator`: one or more metrics.
public struct Evaluator: Sendable {
    /// The metrics, in config order (a single dict is a list of one); they report in this order.
    public var metrics: [any Metric]

    /// An evaluator of `metrics`, computed in this order.
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
    /// The `optimizer` dict, which makes the optimizer once the parameter groups are known.
    public var optimizer: any OptimizerSpec
    /// The constructor's registered type name (`optim_wrapper.constructor`, by default
    /// `DefaultOptimWrapperConstructor`).
    public var constructorType: String
    /// The constructor, built from `paramwise_cfg`: it splits the model's parameters into
    /// groups with their own learning rate and weight decay multipliers.
    public var constructor: any OptimizerConstructorSpec
    /// `clip_grad`, when set.
    public var clipGrad: GradientClipping?
    /// `accumulative_counts`: iterations whose gradients make one optimizer step.
    public var accumulativeCounts = 1
    /// The wrapper's type: `OptimWrapper`, or `AmpOptimWrapper` for mixed precision.
    public var type = "OptimWrapper"
    /// The precision training steps multiply in: `.bfloat16` for `AmpOptimWrapper` (its
    /// `dtype='bfloat16'` or default), fp32 otherwise.
    public var precision = ComputePrecision.float32
    /// Lines for the training log about how the wrapper's settings are read (bfloat16 in use,
    /// `loss_scale` ignored).
    public var notes: [String] = []

    /// An optimizer wrapper without `clip_grad` that steps every iteration.
    /// - Parameters:
    ///   - optimizerType: The optimizer's registered type name (`optimizer.type`).
    ///   - optimizer: The optimizer's spec.
    ///   - constructorType: The constructor's registered type name.
    ///   - constructor: The constructor that groups the parameters; the default puts them all
    ///     in one group with the optimizer's own settings.
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
    /// When the hook is called relative to the others: the dict's `priority` (an integer or
    /// one of MMEngine's names), else the hook's default; ties keep registration order.
    public var priority: HookPriority
    /// The decoded hook dict, which makes the hook when the run starts.
    public var spec: any HookSpec
}

/// Everything a run needs, decoded from an MMPose-style config through a `Components` set.
public struct ExperimentSettings: Sendable {
    /// The `model` dict (data preprocessor, backbone, neck, head and test settings), which
    /// builds the estimator (`makeModel`).
    public var model: any PoseEstimatorSpec
    /// `model.type`.
    public var modelType: String
    /// `train_dataloader`; nil when the config has none, which a training run refuses.
    public var train: DataloaderSettings?
    /// `val_dataloader`; with `val_evaluator`, the run validates as `valInterval` and `valBegin` say.
    public var val: DataloaderSettings?
    /// `test_dataloader`, which `pose-test` evaluates (falling back to `val`); training does not read it.
    public var test: DataloaderSettings?
    /// `optim_wrapper`: the optimizer, its parameter groups, `clip_grad` and
    /// `accumulative_counts` (Adam with lr 1e-3 when the config has none).
    public var optimWrapper: OptimWrapperSettings
    /// `param_scheduler`, in config order (a single dict is a list of one; empty when absent).
    public var schedulers: [any ParameterScheduler]
    /// `train_cfg.max_epochs`: the epochs to train (default 1, at least 1).
    public var maxEpochs: Int
    /// `train_cfg.val_interval`: validation runs after every this many epochs, and after the
    /// last (default 1, at least 1).
    public var valInterval: Int
    /// `train_cfg.val_begin`: the first epoch (counted from 1) after which validation may run
    /// (default 1).
    public var valBegin: Int
    /// `default_hooks` (over MMEngine's defaults) then `custom_hooks`, in registration order.
    public var hooks: [HookEntry]
    /// `val_evaluator`: the metrics validation computes; nil when the run does not validate.
    public var valEvaluator: Evaluator?
    /// `test_evaluator`: the metrics `pose-test` reports (falling back to `valEvaluator`).
    public var testEvaluator: Evaluator?
    /// `randomness.seed` (default 0): seeds the model's initialisation, the sampler's shuffle
    /// and the pipeline's random transforms.
    public var seed: UInt64
    /// `env_cfg.dist_cfg.timeout`: seconds a collective may take before the job is ended
    /// (MMEngine's default, 1800).
    public var distTimeout: Double
    /// `work_dir`, when the config sets one; `pose-train --work-dir` takes precedence, and
    /// without either the run uses `work_dirs/<config name>`.
    public var workDir: String?
    /// `load_from`: a checkpoint whose weights the model starts from (after `init_cfg`
    /// weights); with `resume`, the checkpoint to resume from.
    public var loadFrom: String?
    /// `resume`: whether to continue a run, from `load_from` when set, else from the newest
    /// checkpoint in the work dir (default false).
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
