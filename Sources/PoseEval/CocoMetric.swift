import Foundation
import PoseData

/// MMPose's `CocoMetric`: instance rescoring, per-image OKS-NMS, then COCO keypoint AP/AR.
public struct CocoMetric: Metric, ResultsFileWriting {
    /// How an instance's score is computed before NMS (MMPose's `score_mode`).
    public enum ScoreMode: String, Sendable {
        /// `'bbox'`: the detection's box score.
        case bbox
        /// `'keypoint'`: the mean of all keypoint scores.
        case keypoint
        /// `'bbox_keypoint'`: the box score times the mean of the keypoint scores above
        /// `keypointScoreThreshold` (0 when none is).
        case bboxKeypoint = "bbox_keypoint"
        /// `'bbox_rle'`: box score + mean keypoint score + highest keypoint score (RLE heads).
        case bboxRLE = "bbox_rle"
    }
    /// The per-image non-maximum suppression after rescoring (MMPose's `nms_mode`).
    public enum NMSMode: String, Sendable {
        /// `'oks_nms'`: greedy OKS-NMS, dropping instances whose OKS with a kept one exceeds `nmsThreshold`.
        case oksNMS = "oks_nms"
        /// `'soft_oks_nms'`: Gaussian-decayed scores order the selection; at most 20 kept per image.
        case softOKSNMS = "soft_oks_nms"
        /// `'none'`: every rescored instance is kept.
        case none
    }

    /// `score_mode`; `.bboxKeypoint` by default, as MMPose's.
    public var scoreMode: ScoreMode = .bboxKeypoint
    /// `keypoint_score_thr`: keypoint scores at or below it are left out of `.bboxKeypoint`'s
    /// mean; 0.2 by default.
    public var keypointScoreThreshold = 0.2
    /// `nms_mode`; `.oksNMS` by default.
    public var nmsMode: NMSMode = .oksNMS
    /// `nms_thr`: the OKS above which OKS-NMS drops an instance, and soft OKS-NMS's Gaussian
    /// width; 0.9 by default.
    public var nmsThreshold = 0.9
    /// OKS sigmas; empty takes the evaluation dataset's metainfo's.
    public var sigmas: [Double]
    /// `ann_file`: the ground truth to evaluate against, instead of the dataset's annotations.
    public var annotationFile: String?
    /// `use_area`: false scores OKS (and area ranges) on 0.53 of each ground-truth box, as
    /// xtcocotools does for datasets whose annotations have no `area`.
    public var useArea = true
    /// `iou_type`: COCO's `keypoints` or CrowdPose's `keypoints_crowd` (its own statistics).
    public var iouType = COCOKeypointEval.IoUType.keypoints

    /// Creates the metric with MMPose's defaults.
    /// - Parameters:
    ///   - sigmas: OKS sigmas, one per keypoint; empty (the default) takes the dataset's metainfo's.
    ///   - annotationFile: `ann_file`; nil (the default) evaluates against the dataset's annotations.
    public init(sigmas: [Double] = [], annotationFile: String? = nil) {
        self.sigmas = sigmas
        self.annotationFile = annotationFile
    }

    /// MMEngine's metric `prefix` of the reported names (`coco/AP`; CrowdPose's configs use
    /// `prefix='crowdpose'`).
    public var prefix = "coco"

    public var names: [String] { iouType.metricNames.map { prefix + "/" + $0 } }

    public var requiredFiles: [RequiredFile] { annotationFile.map { [RequiredFile(key: "ann_file", path: $0)] } ?? [] }

    /// This metric with `metainfo`'s OKS sigmas where it has none of its own.
    public func withSigmas(of metainfo: DatasetMetainfo) -> CocoMetric {
        var metric = self
        if metric.sigmas.isEmpty { metric.sigmas = metainfo.sigmas.map(Double.init) }
        return metric
    }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        let metric = withSigmas(of: groundTruth.metainfo)
        guard metric.sigmas.count == groundTruth.metainfo.keypointCount else {
            throw MetricError("CocoMetric needs one OKS sigma per keypoint (\(groundTruth.metainfo.keypointCount)); dataset '\(groundTruth.metainfo.datasetName)' defines \(metric.sigmas.count) (its metainfo has sigmas=[]); use a PCK-based metric")
        }
        let file: CocoAnnotationFile
        if let annotationFile {
            file = try CocoAnnotationFile.load(path: annotationFile)
        } else if let annotations = groundTruth.annotations {
            file = annotations
        } else {
            throw MetricError("CocoMetric needs COCO annotations: set ann_file or use a COCO-style dataset")
        }
        return try metric.evaluate(predictions, groundTruth: file)
    }

    /// Loads `ann_file` and checks every keypoint annotation as `evaluate` will read it.
    public func checkGroundTruth(metainfo: DatasetMetainfo) throws {
        guard let annotationFile else { return }
        let file = try CocoAnnotationFile.load(path: annotationFile)
        _ = try COCOKeypointEval(groundTruth: file, results: [], sigmas: withSigmas(of: metainfo).sigmas, useArea: useArea,
                                 iouType: iouType)
    }

    /// Metric keys in MMPose's order, prefixed `coco/`.
    public static let keys = COCOKeypointEval.metricNames.map { "coco/" + $0 }

    /// Rescoring and NMS as MMPose does before COCOeval; returns the kept predictions.
    public func postprocess(_ predictions: [KeypointPrediction]) -> [KeypointPrediction] {
        var byImage: [Int: [KeypointPrediction]] = [:]
        var seen = Set<Int>()
        for p in predictions.sorted(by: { $0.id < $1.id }) where seen.insert(p.id).inserted {
            byImage[p.imageId, default: []].append(p)
        }
        var kept: [KeypointPrediction] = []
        for imageId in byImage.keys.sorted() {
            var instances = byImage[imageId]!
            for i in instances.indices {
                let s = instances[i].keypointScores
                switch scoreMode {
                case .bbox: instances[i].score = instances[i].bboxScore
                case .keypoint: instances[i].score = s.reduce(0, +) / Double(max(1, s.count))
                case .bboxKeypoint:
                    let above = s.filter { $0 > keypointScoreThreshold }
                    let mean = above.isEmpty ? 0 : above.reduce(0, +) / Double(above.count)
                    instances[i].score = instances[i].bboxScore * mean
                case .bboxRLE:
                    instances[i].score = instances[i].bboxScore + s.reduce(0, +) / Double(max(1, s.count)) + (s.max() ?? 0)
                }
            }
            switch nmsMode {
            case .none: kept += instances
            case .oksNMS: kept += oksNMS(instances).map { instances[$0] }
            case .softOKSNMS: kept += softOKSNMS(instances)
            }
        }
        return kept
    }

    /// MMPose's `oks_iou` between one instance and others (areas averaged, all keypoints).
    func oks(_ a: KeypointPrediction, _ b: KeypointPrediction) -> Double {
        let k = sigmas.count
        var sum = 0.0
        for j in 0..<k {
            let v = (2 * sigmas[j]) * (2 * sigmas[j])
            let dx = a.keypoints[2 * j] - b.keypoints[2 * j], dy = a.keypoints[2 * j + 1] - b.keypoints[2 * j + 1]
            let e = (dx * dx + dy * dy) / v / ((a.area + b.area) / 2 + Double.ulpOfOne) / 2
            sum += exp(-e)
        }
        return sum / Double(k)
    }

    /// MMPose's `scores.argsort()[::-1]`: highest score first, equal scores last instance first
    /// (the order the results are written in, which COCOeval's greedy matching follows).
    static func descendingOrder(_ scores: [Double]) -> [Int] {
        scores.indices.sorted { (scores[$0], $0) > (scores[$1], $1) }
    }

    /// Greedy OKS-NMS: indices kept, highest score first.
    func oksNMS(_ instances: [KeypointPrediction]) -> [Int] {
        var order = CocoMetric.descendingOrder(instances.map(\.score))
        var keep: [Int] = []
        while let first = order.first {
            keep.append(first)
            order = order.dropFirst().filter { oks(instances[first], instances[$0]) <= nmsThreshold }
        }
        return keep
    }

    /// Soft OKS-NMS (Gaussian rescoring, at most 20 kept), as MMPose's `soft_oks_nms`: the decayed
    /// scores order the selection only; the kept instances keep their own scores, as MMPose's
    /// `CocoMetric` keeps them (its `soft_oks_nms` returns indices).
    /// Each round re-sorts the rest as MMPose does (`argsort()[::-1]`), so equal scores swap
    /// places every round, as there.
    func softOKSNMS(_ instances: [KeypointPrediction], maxDets: Int = 20) -> [KeypointPrediction] {
        var order = CocoMetric.descendingOrder(instances.map(\.score))
        var scores = order.map { instances[$0].score }
        var kept: [KeypointPrediction] = []
        while let top = order.first, kept.count < maxDets {
            kept.append(instances[top])
            order.removeFirst()
            scores.removeFirst()
            for i in order.indices {
                let o = oks(instances[top], instances[order[i]])
                scores[i] *= exp(-(o * o) / nmsThreshold)
            }
            let resorted = CocoMetric.descendingOrder(scores)
            order = resorted.map { order[$0] }
            scores = resorted.map { scores[$0] }
        }
        return kept
    }

    /// Rescoring, NMS and COCOeval; returns `coco/AP`, … in `keys` order.
    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: CocoAnnotationFile) throws -> [(String, Double)] {
        let kept = postprocess(predictions)
        let results = kept.map { p -> COCOKeypointEval.Result in
            var kp: [Double] = []
            for j in 0..<p.keypointScores.count { kp += [p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]] }
            return COCOKeypointEval.Result(imageId: p.imageId, categoryId: p.categoryId, keypoints: kp, score: p.score, bbox: p.bbox)
        }
        let stats = try COCOKeypointEval(groundTruth: groundTruth, results: results, sigmas: sigmas, useArea: useArea,
                                         iouType: iouType).run()
        return Array(zip(names, stats))
    }

    /// COCO keypoint results json (image_id, category_id, keypoints as K × [x, y, score], score,
    /// bbox) after rescoring and NMS, as `--dump` writes it and MMPose's `results2json` does.
    public func resultsJSON(_ predictions: [KeypointPrediction]) throws -> Data {
        let list: [[String: Any]] = postprocess(predictions).map { p in
            var kp: [Double] = []
            for j in 0..<p.keypointScores.count { kp += [p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]] }
            var record: [String: Any] = ["image_id": p.imageId, "category_id": p.categoryId, "keypoints": kp, "score": p.score]
            if let bbox = p.bbox { record["bbox"] = bbox }
            return record
        }
        return try PythonJSON.data(list, sortedKeys: false)
    }

    public func resultsJSON(_ predictions: [KeypointPrediction], metainfo: DatasetMetainfo) throws -> Data {
        try withSigmas(of: metainfo).resultsJSON(predictions)
    }
}
