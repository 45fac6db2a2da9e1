import Foundation
import PoseData

/// The ground truth a metric evaluates predictions against: the evaluation dataset's instances
/// (by id), its COCO annotation file when it has one, and its metainfo.
public struct EvaluationGroundTruth: Sendable {
    /// The evaluation dataset's instances, which `samples(for:)` pairs predictions with by `id`.
    public var instances: [PoseInstance]
    /// The dataset's COCO annotation file (MMPose's `ann_file`), nil for datasets without one;
    /// `CocoMetric` falls back to it when it has no `ann_file` of its own.
    public var annotations: CocoAnnotationFile?
    /// The dataset's metainfo: keypoint count, `dataset_name`, OKS sigmas.
    public var metainfo: DatasetMetainfo
    /// Whether `instances` are a detector's boxes (`bbox_file`) without ground-truth keypoints.
    public var instancesAreDetections: Bool

    /// Creates the ground truth of an evaluation dataset.
    /// - Parameters:
    ///   - instances: The dataset's instances (annotated boxes, or a detector's boxes).
    ///   - annotations: Its COCO annotation file, nil when it has none.
    ///   - metainfo: Its metainfo.
    ///   - instancesAreDetections: Whether `instances` come from a `bbox_file`; false by default.
    public init(instances: [PoseInstance], annotations: CocoAnnotationFile?, metainfo: DatasetMetainfo, instancesAreDetections: Bool = false) {
        self.instances = instances; self.annotations = annotations; self.metainfo = metainfo
        self.instancesAreDetections = instancesAreDetections
    }

    /// Why a metric that pairs predictions with instances cannot evaluate detections.
    public static let detectionsCannotPair = "the evaluation instances are a detector's boxes (bbox_file), which have no ground-truth keypoints to pair predictions with; evaluate on the annotated boxes (drop bbox_file) or use CocoMetric, which matches detections to annotations by OKS"

    /// Each prediction paired with its instance's ground truth (predictions of unknown
    /// instances and duplicates from the sampler's padding dropped).
    /// - Throws: `MetricError` when the instances are detections, which have no keypoints to pair with.
    public func samples(for predictions: [KeypointPrediction]) throws -> [KeypointEvalSample] {
        guard !instancesAreDetections else { throw MetricError(EvaluationGroundTruth.detectionsCannotPair) }
        let byId = Dictionary(instances.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<Int>()
        return predictions.filter { seen.insert($0.id).inserted }.compactMap { p in
            guard let gt = byId[p.id] else { return nil }
            return KeypointEvalSample(predicted: p.keypoints, groundTruth: gt.keypoints, visible: gt.visible.map { $0 > 0 },
                                      bbox: gt.bbox, headSize: gt.headSize)
        }
    }
}

/// An evaluation metric (MMPose's `METRICS`, `val_evaluator=dict(type=...)`).
///
/// Contract: `evaluate` runs on rank 0 with every rank's predictions gathered (keypoints in
/// original-image pixels, duplicates possible) and returns `(name, value)` pairs in the order
/// of `names`, with MMPose's names (`coco/AP`, `PCK`, `NME`, …) so `save_best` and logs find
/// them. Input it cannot evaluate is a `MetricError` naming what is missing.
public protocol Metric: Sendable {
    /// The names `evaluate` reports, in order.
    var names: [String] { get }
    /// Evaluates the gathered predictions against the ground truth (MMPose's
    /// `BaseMetric.compute_metrics`).
    /// - Parameters:
    ///   - predictions: Every rank's predictions, keypoints in original-image pixels; may hold
    ///     duplicates from the sampler's padding.
    ///   - groundTruth: The evaluation dataset's instances, annotation file and metainfo.
    /// - Returns: `(name, value)` pairs in the order of `names`.
    /// - Throws: `MetricError` when the input cannot be evaluated (missing head sizes, detections
    ///   where instances must pair, a wrong keypoint count, …); file errors for an unreadable `ann_file`.
    func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)]
    /// Files `evaluate` will read (checked when a run starts).
    var requiredFiles: [RequiredFile] { get }
    /// Names MMPose's metric reported in earlier versions, each with the name that replaced it,
    /// for the hint where a config still uses one (`save_best`).
    var formerNames: [String: String] { get }
    /// `evaluate`'s values and lines for the log beside them (the per-part statistics MMPose's
    /// COCO-WholeBody metric prints); the default has no lines.
    func evaluateWithReport(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws
        -> (values: [(String, Double)], report: [String])
    /// Reads and checks the ground truth `evaluate` will read of its own (an `ann_file`), for
    /// datasets of `metainfo`'s keypoints: called when a run starts, so a damaged file is an
    /// error before training rather than at the first validation. The default checks nothing.
    func checkGroundTruth(metainfo: DatasetMetainfo) throws
    /// Whether `evaluate` pairs each prediction with its instance's ground-truth keypoints
    /// (`EvaluationGroundTruth.samples(for:)`): PCK, AUC, EPE, NME. Such a metric is refused at
    /// start-up on detections (`bbox_file`). False by default.
    var pairsPredictionsWithInstances: Bool { get }
}

extension Metric {
    public var requiredFiles: [RequiredFile] { [] }
    public func checkGroundTruth(metainfo: DatasetMetainfo) throws {}
    public var pairsPredictionsWithInstances: Bool { false }
    public var formerNames: [String: String] { [:] }
    public func evaluateWithReport(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws
        -> (values: [(String, Double)], report: [String]) {
        (try evaluate(predictions, groundTruth: groundTruth), [])
    }
}

/// A metric whose evaluation reads a results file it can write (MMPose's `results2json`):
/// what `pose-test --dump` saves.
public protocol ResultsFileWriting: Metric {
    /// The predictions after the metric's rescoring and NMS, as the JSON file its evaluation
    /// reads; `metainfo` gives the sigmas when the metric has none of its own.
    func resultsJSON(_ predictions: [KeypointPrediction], metainfo: DatasetMetainfo) throws -> Data
}

/// MMPose's `AUC(norm_factor=30, num_thrs=20)`.
public struct AUCMetric: Metric {
    /// The fixed normaliser in pixels every distance is divided by (`norm_factor`); 30 by default.
    public var normFactor = 30.0
    /// How many PCK thresholds, `i / thresholds` for `i` in `0..<thresholds`, the area averages
    /// over (`num_thrs`); 20 by default.
    public var thresholds = 20

    /// Creates the metric with MMPose's `norm_factor` and `num_thrs`.
    public init(normFactor: Double = 30, thresholds: Int = 20) { self.normFactor = normFactor; self.thresholds = thresholds }

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] { ["AUC"] }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        [("AUC", KeypointEval.auc(try groundTruth.samples(for: predictions), normFactor: normFactor, thresholds: thresholds))]
    }
}

/// MMPose's `EPE`: the mean end-point error in pixels.
public struct EPEMetric: Metric {
    /// Creates the metric; `EPE` has no options.
    public init() {}

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] { ["EPE"] }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        [("EPE", KeypointEval.epe(try groundTruth.samples(for: predictions)))]
    }
}

/// MMPose's `NME`: `norm_mode='keypoint_distance'` normalises by the distance between two
/// ground-truth keypoints (given, or the dataset's outer eye corners from MMPose's table);
/// `'use_norm_item'` with `norm_item='bbox_size'` by the ground-truth box's longer side.
public struct NMEMetric: Metric {
    /// What NME divides each sample's distances by (MMPose's `norm_mode`).
    public enum Normalization: Sendable {
        /// The two keypoints whose ground-truth distance normalises; nil takes
        /// `defaultKeypointIndices` of the dataset's name.
        case keypointDistance((Int, Int)?)
        /// The longer side of the ground-truth box.
        case bboxSize
    }

    /// The normaliser this metric divides distances by.
    public var normalization: Normalization

    /// Creates the metric normalising by `normalization`.
    public init(_ normalization: Normalization) { self.normalization = normalization }

    /// `init(.keypointDistance(indices))`, or `.bboxSize` for nil.
    public init(keypointIndices: (Int, Int)?) { normalization = keypointIndices.map { .keypointDistance($0) } ?? .bboxSize }

    /// MMPose's `NME.DEFAULT_KEYPOINT_INDICES`, by metainfo `dataset_name`.
    public static let defaultKeypointIndices: [String: (Int, Int)] = [
        "horse10": (0, 1), "300w": (36, 45), "coco_wholebody_face": (36, 45), "cofw": (8, 9), "wflw": (60, 72), "lapa": (66, 79),
    ]

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] { ["NME"] }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        let samples = try groundTruth.samples(for: predictions)
        let indices: (Int, Int)
        switch normalization {
        case .bboxSize:
            return [("NME", KeypointEval.nme(samples, norms: samples.map { s in max(s.bbox.2 - s.bbox.0, s.bbox.3 - s.bbox.1) }))]
        case .keypointDistance(let given?):
            indices = given
        case .keypointDistance(nil):
            let name = groundTruth.metainfo.datasetName
            guard let known = NMEMetric.defaultKeypointIndices[name] else {
                throw MetricError("NME(norm_mode='keypoint_distance') has no default keypoint_indices for dataset '\(name)' (MMPose has them for \(NMEMetric.defaultKeypointIndices.keys.sorted().joined(separator: ", "))); set keypoint_indices")
            }
            indices = known
        }
        let (a, b) = indices
        guard max(a, b) < groundTruth.metainfo.keypointCount else {
            throw MetricError("NME: keypoint_indices (\(a), \(b)) outside the \(groundTruth.metainfo.keypointCount) keypoints of '\(groundTruth.metainfo.datasetName)'")
        }
        let norms = samples.map { s -> Double in
            let dx = s.groundTruth[2 * a] - s.groundTruth[2 * b], dy = s.groundTruth[2 * a + 1] - s.groundTruth[2 * b + 1]
            return (dx * dx + dy * dy).squareRoot()
        }
        return [("NME", KeypointEval.nme(samples, norms: norms))]
    }
}
