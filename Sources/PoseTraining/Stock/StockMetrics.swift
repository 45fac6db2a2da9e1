import PoseConfig
import PoseEval

extension Components {
    /// SwiftPose's metrics, with MMPose's names and defaults.
    mutating func registerStockMetrics() throws {
        try metrics.register("CocoMetric") { e, _ in
            var metric = try StockMetrics.cocoSettings(e, into: CocoMetric(annotationFile: try e.optionalString("ann_file")), defaultPrefix: "coco")
            let iouType = try e.string("iou_type", default: "keypoints")
            guard let type = COCOKeypointEval.IoUType(rawValue: iouType) else {
                throw e.error("iou_type", "unknown '\(iouType)'; expected 'keypoints' or 'keypoints_crowd'")
            }
            metric.iouType = type
            return metric
        }
        try metrics.register("PCKAccuracy") { e, _ in
            PCKAccuracy(threshold: try e.double("thr", default: 0.05), normItems: try StockMetrics.normItems(e, allowed: PCKAccuracy.NormItem.allCases))
        }
        try metrics.register("MpiiPCKAccuracy") { e, _ in
            let item = try e.string("norm_item", default: "head")
            guard item == "head" else { throw e.error("norm_item", "MpiiPCKAccuracy supports 'head' only") }
            return MpiiPCKAccuracy(threshold: try e.double("thr", default: 0.5))
        }
        try metrics.register("AUC") { e, _ in
            let thresholds = try e.int("num_thrs", default: 20, in: 1...100_000)
            return AUCMetric(normFactor: try e.double("norm_factor", default: 30, in: 0.000001...), thresholds: thresholds)
        }
        try metrics.register("EPE") { _, _ in EPEMetric() }
        try metrics.register("NME") { e, _ in
            let mode = try e.string("norm_mode")
            switch mode {
            case "keypoint_distance":
                guard e.value("keypoint_indices") != nil else {  // None or absent: the dataset's default pair
                    return NMEMetric(.keypointDistance(nil))
                }
                let indices = try e.ints("keypoint_indices")
                guard indices.count == 2, indices.allSatisfy({ $0 >= 0 }) else {
                    throw e.error("keypoint_indices", "expected two keypoint indices, got \(indices)")
                }
                return NMEMetric(.keypointDistance((indices[0], indices[1])))
            case "use_norm_item":
                let item = try e.string("norm_item")
                guard item == "bbox_size" else { throw e.error("norm_item", "only 'bbox_size' is available here, found '\(item)'") }
                return NMEMetric(.bboxSize)
            default:
                throw e.error("norm_mode", "expected 'keypoint_distance' or 'use_norm_item', found '\(mode)'")
            }
        }
        try metrics.register("JhmdbPCKAccuracy") { e, _ in
            JhmdbPCKAccuracy(threshold: try e.double("thr", default: 0.05), normItems: try StockMetrics.normItems(e, allowed: [.bbox, .torso]))
        }
        try metrics.register("CocoWholeBodyMetric") { e, _ in
            var metric = CocoWholeBodyMetric(annotationFile: try e.optionalString("ann_file"))
            metric.coco = try StockMetrics.cocoSettings(e, into: metric.coco, defaultPrefix: "coco-wholebody")
            e.ignore("iou_type")  // CocoWholeBodyMetric evaluates its parts with its own types
            return metric
        }
        try metrics.register("PoseTrack18Metric") { e, _ in
            // MMPose's ann_file defaults to None, but its results2json then fails: required here
            var metric = PoseTrack18Metric(annotationFile: try e.string("ann_file"))
            metric.coco = try StockMetrics.rescoring(e, into: metric.coco)
            metric.prefix = try e.string("prefix", default: "posetrack18")
            metric.outfilePrefix = try e.optionalString("outfile_prefix")
            e.ignore("format_only")
            return metric
        }
    }
}

/// Config readers the stock metrics share.
enum StockMetrics {
    /// `CocoMetric`'s keys (also `CocoWholeBodyMetric`'s) except `ann_file`, read into `metric`.
    static func cocoSettings(_ e: ConfigReader, into metric: CocoMetric, defaultPrefix: String) throws -> CocoMetric {
        var metric = try rescoring(e, into: metric)
        metric.useArea = try e.bool("use_area", default: true)
        metric.prefix = try e.string("prefix", default: defaultPrefix)
        e.ignore("format_only", "outfile_prefix")
        return metric
    }

    /// `CocoMetric`'s rescoring and NMS keys (`score_mode`, `keypoint_score_thr`, `nms_mode`,
    /// `nms_thr`), read into `metric`; `PoseTrack18Metric` takes these and no others of CocoMetric's.
    static func rescoring(_ e: ConfigReader, into metric: CocoMetric) throws -> CocoMetric {
        let scoreMode = try e.string("score_mode", default: "bbox_keypoint")
        let nmsMode = try e.string("nms_mode", default: "oks_nms")
        guard let sm = CocoMetric.ScoreMode(rawValue: scoreMode) else {
            throw e.error("score_mode", "unknown '\(scoreMode)'; expected bbox, keypoint, bbox_keypoint or bbox_rle")
        }
        guard let nm = CocoMetric.NMSMode(rawValue: nmsMode) else {
            throw e.error("nms_mode", "unknown '\(nmsMode)'; expected oks_nms, soft_oks_nms or none")
        }
        var metric = metric
        metric.scoreMode = sm
        metric.nmsMode = nm
        metric.nmsThreshold = try e.double("nms_thr", default: 0.9)
        metric.keypointScoreThreshold = try e.double("keypoint_score_thr", default: 0.2)
        return metric
    }

    /// `norm_item`: one name or a list (default 'bbox'), each among `allowed`.
    static func normItems(_ e: ConfigReader, allowed: [PCKAccuracy.NormItem]) throws -> [PCKAccuracy.NormItem] {
        guard let value = e.value("norm_item") else { return [.bbox] }
        let names: [ConfigValue]
        if case .string = value { names = [value] } else { names = value.sequence ?? [value] }
        return try names.map {
            guard case .string(let s) = $0, let item = PCKAccuracy.NormItem(rawValue: s), allowed.contains(item) else {
                throw e.error("norm_item", "unknown \($0); expected \(allowed.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
            }
            return item
        }
    }
}
