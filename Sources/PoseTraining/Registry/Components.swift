import PoseData
import PoseEval
import PoseModels

/// Every registry SwiftPose builds a run from, one per extension point, keyed by MMPose's
/// `type` names.
///
/// `Components.stock` holds SwiftPose's own components, registered through the same `register`
/// calls an extension uses. To add components, copy it, register, and pass the copy to a main:
///
/// ```swift
/// var components = Components.stock
/// try components.backbones.register("MyNet") { cfg, _ in MyNetSpec(width: try cfg.int("width", default: 32)) }
/// PoseTrainCommand.main(components: components)   // mpirun -np 4 .build/release/my-pose-train my_cfg.py
/// ```
public struct Components: Sendable {
    /// `model=dict(type=...)`: paradigms such as `TopdownPoseEstimator`.
    public var estimators = Registry<any PoseEstimatorSpec>(family: "pose estimator")
    /// `backbone=dict(type=...)` of an estimator: `ResNet`, `HRNet`, `ResNeXt`, ….
    public var backbones = Registry<any BackboneSpec>(family: "backbone")
    /// `neck=dict(type=...)`: `GlobalAveragePooling`, `FeatureMapProcessor`.
    public var necks = Registry<any NeckSpec>(family: "neck")
    /// `head=dict(type=...)`: `HeatmapHead`, `SimCCHead`, `RLEHead`, ….
    public var heads = Registry<any HeadSpec>(family: "head")
    /// `loss=dict(type=...)` of a head: `KeypointMSELoss`, `KLDiscretLoss`, `RLELoss`, ….
    public var losses = Registry<any LossSpec>(family: "loss")
    /// Codecs, for `decoder=` and `GenerateTarget(encoder=...)`.
    public var codecs = Registry<any KeypointCodec>(family: "codec")
    /// Data pipeline steps.
    public var transforms = Registry<any Transform>(family: "transform")
    /// A dataloader's `dataset=dict(type=...)`: the COCO-style datasets, `MpiiDataset`,
    /// `CombinedDataset`, ….
    public var datasets = Registry<any DatasetSpec>(family: "dataset")
    /// `val_evaluator` and `test_evaluator` entries: `CocoMetric`, `PCKAccuracy`, `NME`, ….
    public var metrics = Registry<any Metric>(family: "metric")
    /// `optim_wrapper.optimizer`: `SGD`, `Adam`, `AdamW`.
    public var optimizers = Registry<any OptimizerSpec>(family: "optimizer")
    /// `optim_wrapper.constructor` (with its `paramwise_cfg` as the dict).
    public var optimizerConstructors = Registry<any OptimizerConstructorSpec>(family: "optimizer constructor")
    /// `param_scheduler` entries.
    public var schedulers = Registry<any ParameterScheduler>(family: "parameter scheduler")
    /// `default_hooks` and `custom_hooks` entries.
    public var hooks = Registry<any HookSpec>(family: "hook")

    /// An empty set, for tests and for building a set from scratch.
    public init() {}

    /// SwiftPose's own components.
    public static let stock: Components = {
        var components = Components()
        do {
            try components.registerStockModels()
            try components.registerStockRTMPose()
            try components.registerStockDistillation()
            try components.registerStockBottomup()
            try components.registerStockRTMO()
            try components.registerStockData()
            try components.registerStockAugmentations()
            try components.registerStockMetrics()
            try components.registerStockOptimization()
            try components.registerStockHooks()
        } catch {
            fatalError("SwiftPose's stock components do not register: \(error)")
        }
        return components
    }()
}
