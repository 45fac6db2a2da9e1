import PoseData
import PoseEval
import PoseModels

/// Everything a run needs, decoded from an MMPose-style config.
public struct ExperimentSettings: @unchecked Sendable {
    public enum Backbone {
        case resnet(ResNetSettings)
        case hrnet(HRNetSettings)

        public var name: String {
            switch self {
            case .resnet(let r): return "ResNet-\(r.depth)"
            case .hrnet(let h): return "HRNet-W\(h.stages.count > 1 ? h.stages[1].numChannels[0] : 0)"
            }
        }
    }

    public indirect enum Head {
        case heatmap(HeatmapHeadSettings, HeatmapLoss)
        case regression(inChannels: Int, keypoints: Int, loss: CoordinateLoss)
        case rle(inChannels: Int, keypoints: Int, useTargetWeight: Bool)
        case integral(HeatmapHeadSettings, inFeaturemapSize: (Int, Int), dsnt: Bool, loss: CoordinateLoss,
                      jsUseTargetWeight: Bool, lambdaT: Int)
        case visibility(pose: Head, inChannels: Int, keypoints: Int, loss: BCELoss)

        public var name: String {
            switch self {
            case .heatmap: return "HeatmapHead"
            case .regression: return "RegressionHead"
            case .rle: return "RLEHead"
            case .integral(_, _, let dsnt, _, _, _): return dsnt ? "DSNTHead" : "IntegralRegressionHead"
            case .visibility(let pose, _, _, _): return "VisPredictHead(\(pose.name))"
            }
        }
    }

    public enum Neck {
        case globalAveragePooling
        case featureMapProcessor(selectIndex: [Int]?, concat: Bool, scaleFactor: Double, applyReLU: Bool, alignCorners: Bool)

        public var name: String {
            switch self {
            case .globalAveragePooling: return "GlobalAveragePooling"
            case .featureMapProcessor: return "FeatureMapProcessor"
            }
        }
    }

    public struct Model {
        public var backbone: Backbone
        public var neck: Neck?
        public var head: Head
        /// The head's decoder (and the train pipeline's encoder).
        public var codec: KeypointCodec
        /// Data preprocessor normalisation, RGB.
        public var mean: [Float]
        public var std: [Float]
        public var flipTest: Bool
        public var shiftHeatmap: Bool
        public var shiftCoords: Bool
        /// `init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)` of the backbone, if any.
        public var backbonePretrained: String?
        public var backbonePretrainedPrefix: String?
        /// `init_cfg=dict(type='Pretrained', checkpoint=...)` of the whole model, if any.
        public var modelPretrained: String?
    }

    public struct Data {
        public var batchSize: Int
        public var numWorkers: Int
        public var shuffle: Bool
        public var roundUp: Bool
        public var dropLast: Bool
        public var annotationFile: String
        public var dataRoot: String
        public var imagePrefix: String
        public var bboxFile: String?
        public var testMode: Bool
        public var metainfoFile: String
        public var pipeline: [TopdownTransform]
        /// "CocoDataset", "CrowdPoseDataset" or "MpiiDataset".
        public var datasetType: String
        /// MPII's head boxes (`.mat`), test mode only.
        public var headboxFile: String?
    }

    public enum OptimizerKind: Sendable {
        case adam(betas: (Float, Float), eps: Float)
        case sgd(momentum: Float, dampening: Float, nesterov: Bool)
    }

    public struct Optimizer {
        public var kind: OptimizerKind
        public var lr: Double
        public var weightDecay: Double
    }

    /// An evaluator: one or more of MMPose's metrics.
    public struct Evaluator {
        public enum Metric {
            case coco(annotationFile: String?, scoreMode: CocoMetric.ScoreMode, nmsMode: CocoMetric.NMSMode,
                      nmsThreshold: Double, keypointScoreThreshold: Double)
            case pck(threshold: Double, normItems: [String])
            case mpiiPCK(threshold: Double)
            case auc(normFactor: Double, thresholds: Int)
            case epe
            /// `NME(norm_mode='keypoint_distance', keypoint_indices)`; nil indices use the bbox size.
            case nme(keypointIndices: [Int]?)
        }
        public var metrics: [Metric]

        /// The names the metrics report, in order.
        public var metricNames: [String] {
            metrics.flatMap { m -> [String] in
                switch m {
                case .coco: return CocoMetric.keys
                case .pck(_, let items): return items.map { ["bbox": "PCK", "head": "PCKh", "torso": "tPCK"][$0] ?? $0 }
                case .mpiiPCK: return ["Head PCK", "Shoulder PCK", "Elbow PCK", "Wrist PCK", "Hip PCK", "Knee PCK", "Ankle PCK", "PCK", "PCK@0.1"]
                case .auc: return ["AUC"]
                case .epe: return ["EPE"]
                case .nme: return ["NME"]
                }
            }
        }
    }

    public var model: Model
    public var train: Data?
    public var val: Data?
    public var test: Data?
    public var optimizer: Optimizer
    public var schedulers: [LRScheduler]
    public var maxEpochs: Int
    public var valInterval: Int
    public var logInterval: Int
    public var checkpointInterval: Int
    public var maxKeepCheckpoints: Int
    public var saveBest: String?
    public var valEvaluator: Evaluator?
    public var testEvaluator: Evaluator?
    public var seed: UInt64
    public var workDir: String?
    public var loadFrom: String?
    public var resume: Bool
    /// Config keys accepted without effect (GPU-only or presentation settings).
    public var ignoredKeys: [String]
    /// The resolved config, for checkpoints.
    public var configText: String
}
