import Foundation
import PoseData

/// MMPose's `CocoWholeBodyMetric`: `CocoMetric`'s rescoring and OKS-NMS over all 133 keypoints,
/// then xtcocotools' COCOeval once per part — body, foot, face, left hand, right hand, each with
/// its slice of the sigmas, and the whole body with all of them. As in MMPose, the reported
/// metrics are the whole-body statistics (`coco-wholebody/AP`, …); `evaluateParts` gives all six.
///
/// xtcocotools' part evaluations differ from COCO's: a ground truth is ignored when it is a crowd
/// or has no labelled keypoint in the part, a detection is dropped when none of its part's
/// keypoint scores is positive, and a detection's area is the extent of its body keypoints.
public struct CocoWholeBodyMetric: Metric, ResultsFileWriting {
    /// Rescoring, NMS, `ann_file`, `use_area` and the prefix (`coco-wholebody` by default).
    public var coco: CocoMetric

    /// xtcocotools' evaluation types, in MMPose's order, and their keypoint ranges in the 133.
    public static let parts: [(name: String, range: Range<Int>)] = {
        var out: [(String, Range<Int>)] = [], start = 0
        for (name, (_, count)) in zip(["body", "foot", "face", "lefthand", "righthand"], CocoInstanceLayout.wholeBodyParts) {
            out.append((name, start..<start + count))
            start += count
        }
        return out + [("wholebody", 0..<start)]
    }()

    /// Creates the metric with `CocoMetric`'s defaults and the `coco-wholebody` prefix.
    /// - Parameter annotationFile: `ann_file`, read with the whole-body fields; nil (the default)
    ///   evaluates against the dataset's annotations.
    public init(annotationFile: String? = nil) {
        coco = CocoMetric(annotationFile: annotationFile)
        coco.prefix = "coco-wholebody"
    }

    public var names: [String] { coco.names }

    public var requiredFiles: [RequiredFile] { coco.requiredFiles }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        try evaluateWithReport(predictions, groundTruth: groundTruth).values
    }

    /// The whole-body statistics, and one log line per part with its ten (MMPose prints
    /// xtcocotools' summary of each part; it reports only the whole body's).
    public func evaluateWithReport(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws
        -> (values: [(String, Double)], report: [String]) {
        let file: CocoAnnotationFile
        if let path = coco.annotationFile {
            file = try CocoAnnotationFile.load(path: path, extraFields: CocoInstanceLayout.wholeBody.extraFields)
        } else if let annotations = groundTruth.annotations {
            file = annotations
        } else {
            throw MetricError("CocoWholeBodyMetric needs COCO-WholeBody annotations: set ann_file or use CocoWholeBodyDataset")
        }
        let metric = coco.withSigmas(of: groundTruth.metainfo)
        let whole = CocoWholeBodyMetric.parts.last!.range.count
        guard metric.sigmas.count == whole, groundTruth.metainfo.keypointCount == whole else {
            throw MetricError("CocoWholeBodyMetric needs COCO-WholeBody's \(whole) keypoints and sigmas; dataset '\(groundTruth.metainfo.datasetName)' has \(groundTruth.metainfo.keypointCount) keypoints and \(metric.sigmas.count) sigmas")
        }
        let stats = try CocoWholeBodyMetric(metric).evaluateParts(metric.postprocess(predictions), groundTruth: file)
        let statNames = names.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        let report = stats.map { part in
            "\(coco.prefix) \(part.part): " + zip(statNames, part.stats).map { String(format: "%@ %.6f", $0.0, $0.1) }.joined(separator: ", ")
        }
        return (Array(zip(names, stats.last!.stats)), report)
    }

    /// MMPose's `results2json` for COCO-WholeBody: per detection the 133 (x, y, score) split into
    /// `keypoints`, `foot_kpts`, `face_kpts`, `lefthand_kpts` and `righthand_kpts`.
    public func resultsJSON(_ predictions: [KeypointPrediction], metainfo: DatasetMetainfo) throws -> Data {
        let metric = coco.withSigmas(of: metainfo)
        let whole = CocoWholeBodyMetric.parts.last!.range.count
        guard metric.sigmas.count == whole else {
            throw MetricError("CocoWholeBodyMetric needs COCO-WholeBody's \(whole) sigmas; dataset '\(metainfo.datasetName)' has \(metric.sigmas.count)")
        }
        let fields = ["keypoints", "foot_kpts", "face_kpts", "lefthand_kpts", "righthand_kpts"]
        let list: [[String: Any]] = try metric.postprocess(predictions).map { p in
            guard p.keypointScores.count == whole else {
                throw MetricError("CocoWholeBodyMetric: prediction \(p.id) has \(p.keypointScores.count) keypoints; expected \(whole)")
            }
            var entry: [String: Any] = ["image_id": p.imageId, "category_id": p.categoryId, "score": p.score]
            for (field, part) in zip(fields, CocoWholeBodyMetric.parts) {
                entry[field] = part.range.flatMap { j in [p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]] }
            }
            return entry
        }
        return try PythonJSON.data(list, sortedKeys: false)
    }

    init(_ coco: CocoMetric) { self.coco = coco }

    /// COCOeval's ten statistics for each of `parts` on predictions already rescored and
    /// filtered (each with its final `score`); `sigmas` must be the 133 of COCO-WholeBody.
    public func evaluateParts(_ predictions: [KeypointPrediction], groundTruth: CocoAnnotationFile) throws -> [(part: String, stats: [Double])] {
        let whole = CocoWholeBodyMetric.parts.last!.range.count
        guard coco.sigmas.count == whole else { throw MetricError("CocoWholeBodyMetric needs \(whole) sigmas, has \(coco.sigmas.count)") }
        if let p = predictions.first(where: { $0.keypointScores.count != whole || $0.keypoints.count != 2 * whole }) {
            throw MetricError("CocoWholeBodyMetric: prediction \(p.id) has \(p.keypointScores.count) keypoints; expected \(whole)")
        }
        // each ground truth's 133 (x, y, v), as xtcocotools concatenates the fields
        var gtKeypoints: [Int: [Double]] = [:]
        for (i, a) in groundTruth.annotations.enumerated() where a.categoryId == 1 {
            var triples: [Double] = []
            for (field, count) in CocoInstanceLayout.wholeBodyParts {
                guard let part = field == "keypoints" ? a.keypoints : a.extra[field], part.count == 3 * count else {
                    throw MetricError("\(groundTruth.source): annotations[\(i)] (id \(a.id)) needs '\(field)' with \(count) keypoints (\(3 * count) numbers; is the file COCO-WholeBody's?)")
                }
                triples += part
            }
            if let box = a.bbox, box.count != 4 {
                throw MetricError("\(groundTruth.source): annotations[\(i)] (id \(a.id)) has a bbox of \(box.count) numbers; expected 4 (x, y, w, h)")
            }
            gtKeypoints[i] = triples
        }
        return CocoWholeBodyMetric.parts.map { part in
            var gts: [Int: [COCOKeypointEval.GroundTruth]] = [:]
            for (i, a) in groundTruth.annotations.enumerated() where a.categoryId == 1 {
                let kp = Array(gtKeypoints[i]![(3 * part.range.lowerBound)..<(3 * part.range.upperBound)])
                let labelled = stride(from: 2, to: kp.count, by: 3).contains { kp[$0] > 0 }
                let box = a.bbox ?? [0, 0, 0, 0]
                let boxArea = box.count >= 4 ? box[2] * box[3] * 0.53 : 0
                gts[a.imageId, default: []].append(COCOKeypointEval.GroundTruth(
                    id: a.id, keypoints: kp, bbox: box, area: coco.useArea ? a.area ?? boxArea : boxArea,
                    isCrowd: a.isCrowd, ignore: a.isCrowd || !labelled))
            }
            var dts: [Int: [COCOKeypointEval.Detection]] = [:]
            for (i, p) in predictions.enumerated() where p.categoryId == 1 {
                var triples: [Double] = []
                for j in 0..<p.keypointScores.count { triples += [p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]] }
                let kp = Array(triples[(3 * part.range.lowerBound)..<(3 * part.range.upperBound)])
                guard stride(from: 2, to: kp.count, by: 3).contains(where: { kp[$0] > 0 }) else { continue }
                let body = CocoWholeBodyMetric.parts[0].range
                let area = COCOKeypointEval.extentArea(Array(triples[(3 * body.lowerBound)..<(3 * body.upperBound)]))
                dts[p.imageId, default: []].append(COCOKeypointEval.Detection(id: i + 1, keypoints: kp, score: p.score, area: area))
            }
            let eval = COCOKeypointEval(imageIds: groundTruth.images.map(\.id), groundTruths: gts, detections: dts,
                                        sigmas: Array(coco.sigmas[part.range]))
            return (part.name, eval.run())
        }
    }
}
