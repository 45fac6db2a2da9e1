import Foundation
import PoseData

/// One evaluated instance for the PCK family: `K` (x, y) predictions and ground truth, the GT
/// visibility mask and the normalisers MMPose's metrics read.
public struct KeypointEvalSample: Sendable {
    /// The predicted keypoints, `K` (x, y) pairs (`2K` values) in original-image pixels.
    public var predicted: [Double]
    /// The ground-truth keypoints, `K` (x, y) pairs (`2K` values) in original-image pixels.
    public var groundTruth: [Double]
    /// Per keypoint, whether the ground truth is labelled (COCO `v > 0`); masked keypoints are left
    /// out of every distance.
    public var visible: [Bool]
    /// GT box (x1, y1, x2, y2).
    public var bbox: (Double, Double, Double, Double)
    /// MPII head size (0.6 · headbox diagonal).
    public var headSize: Double?

    /// Creates a sample; `bbox` defaults to an empty box and `headSize` to none, for metrics that
    /// do not normalise by them.
    public init(predicted: [Double], groundTruth: [Double], visible: [Bool], bbox: (Double, Double, Double, Double) = (0, 0, 0, 0),
                headSize: Double? = nil) {
        self.predicted = predicted; self.groundTruth = groundTruth; self.visible = visible; self.bbox = bbox; self.headSize = headSize
    }
}

/// MMPose's keypoint_eval functions: distances, PCK, AUC, EPE, NME.
public enum KeypointEval {
    /// `_calc_distances`: `K × N` normalised distances, −1 where masked or the norm is zero.
    public static func distances(_ samples: [KeypointEvalSample], norms: [(Double, Double)]) -> [[Double]] {
        let k = samples.first?.visible.count ?? 0
        var d = [[Double]](repeating: [Double](repeating: -1, count: samples.count), count: k)
        for (n, s) in samples.enumerated() {
            let (nx, ny) = norms[n]
            guard nx != 0 && ny != 0 else { continue }
            let ux = nx <= 0 ? 1e6 : nx, uy = ny <= 0 ? 1e6 : ny
            for j in 0..<k where s.visible[j] {
                let dx = (s.predicted[2 * j] - s.groundTruth[2 * j]) / ux, dy = (s.predicted[2 * j + 1] - s.groundTruth[2 * j + 1]) / uy
                d[j][n] = (dx * dx + dy * dy).squareRoot()
            }
        }
        return d
    }

    /// `_distance_acc`: the fraction of valid distances below `threshold`, −1 if none is valid.
    public static func accuracy(_ distances: [Double], threshold: Double) -> Double {
        let valid = distances.filter { $0 != -1 }
        return valid.isEmpty ? -1 : Double(valid.filter { $0 < threshold }.count) / Double(valid.count)
    }

    /// `keypoint_pck_accuracy`: per-keypoint accuracy, their mean over keypoints with a valid
    /// accuracy, and that count.
    public static func pck(_ samples: [KeypointEvalSample], threshold: Double, norms: [(Double, Double)]) -> (perKeypoint: [Double], average: Double, count: Int) {
        let acc = distances(samples, norms: norms).map { accuracy($0, threshold: threshold) }
        let valid = acc.filter { $0 >= 0 }
        return (acc, valid.isEmpty ? 0 : valid.reduce(0, +) / Double(valid.count), valid.count)
    }

    /// `keypoint_auc(norm_factor=30, num_thrs=20)`.
    public static func auc(_ samples: [KeypointEvalSample], normFactor: Double = 30, thresholds: Int = 20) -> Double {
        let norms = Array(repeating: (normFactor, normFactor), count: samples.count)
        var total = 0.0
        for i in 0..<thresholds { total += pck(samples, threshold: Double(i) / Double(thresholds), norms: norms).average / Double(thresholds) }
        return total
    }

    /// `keypoint_epe`: mean Euclidean error over visible keypoints.
    public static func epe(_ samples: [KeypointEvalSample]) -> Double {
        let d = distances(samples, norms: Array(repeating: (1, 1), count: samples.count)).flatMap { $0 }.filter { $0 != -1 }
        return d.isEmpty ? 0 : d.reduce(0, +) / Double(d.count)
    }

    /// `keypoint_nme` with one normaliser per sample.
    public static func nme(_ samples: [KeypointEvalSample], norms: [Double]) -> Double {
        let d = distances(samples, norms: norms.map { ($0, $0) }).flatMap { $0 }.filter { $0 != -1 }
        return d.isEmpty ? 0 : d.reduce(0, +) / Double(d.count)
    }
}

/// MMPose's `PCKAccuracy(thr=0.05, norm_item)`: `PCK` (bbox: max side of the GT box), `PCKh`
/// (head size) and `tPCK` (torso: ‖kpt4 − kpt5‖ of the GT, of the prediction if < 1).
public struct PCKAccuracy: Metric {
    /// What PCK normalises distances by, and the name it reports.
    public enum NormItem: String, Sendable, CaseIterable {
        /// The ground-truth box's longer side (`norm_item='bbox'`), reported as `PCK`.
        case bbox
        /// The MPII head size (`norm_item='head'`), reported as `PCKh`.
        case head
        /// The torso, ‖kpt4 − kpt5‖ (`norm_item='torso'`), reported as `tPCK`.
        case torso

        /// The name MMPose reports the accuracy under: `PCK`, `PCKh` or `tPCK`.
        public var metricName: String {
            switch self {
            case .bbox: return "PCK"
            case .head: return "PCKh"
            case .torso: return "tPCK"
            }
        }
    }

    /// The normalised distance below which a keypoint counts as correct (`thr`); 0.05 by default.
    public var threshold: Double
    /// The normalisers to report an accuracy for, in order (`norm_item`); `[.bbox]` by default.
    public var normItems: [NormItem]

    /// Creates the metric with MMPose's `thr` and `norm_item`s.
    public init(threshold: Double = 0.05, normItems: [NormItem] = [.bbox]) {
        self.threshold = threshold; self.normItems = normItems
    }

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] { normItems.map(\.metricName) }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        try evaluate(try groundTruth.samples(for: predictions))
    }

    /// The accuracies of already-paired samples, one per `normItems` entry: the mean over
    /// keypoints with a valid accuracy, as fractions.
    /// - Throws: `MetricError` when `.head` is asked for and a sample has no head size, or `.torso`
    ///   and the samples have fewer than 6 keypoints.
    public func evaluate(_ samples: [KeypointEvalSample]) throws -> [(String, Double)] {
        try normItems.map { item in
            (item.metricName, KeypointEval.pck(samples, threshold: threshold, norms: try PCKAccuracy.norms(item, samples)).average)
        }
    }

    /// Each sample's normaliser for `item`, as MMPose's `PCKAccuracy.process` computes it.
    static func norms(_ item: NormItem, _ samples: [KeypointEvalSample]) throws -> [(Double, Double)] {
        switch item {
        case .bbox:
            return samples.map { s in let m = max(s.bbox.2 - s.bbox.0, s.bbox.3 - s.bbox.1); return (m, m) }
        case .head:
            return try samples.map { s in
                guard let h = s.headSize else { throw MetricError("PCKAccuracy(norm_item='head') needs head sizes; this dataset has none") }
                return (h, h)
            }
        case .torso:
            return try samples.map { s in
                guard s.groundTruth.count >= 12 else { throw MetricError("PCKAccuracy(norm_item='torso') needs keypoints 4 and 5; instances have \(s.groundTruth.count / 2)") }
                func dist(_ p: [Double]) -> Double { ((p[8] - p[10]) * (p[8] - p[10]) + (p[9] - p[11]) * (p[9] - p[11])).squareRoot() }
                // ‖kpt4 − kpt5‖ of the ground truth, of the prediction when the ground truth's is below 1
                var t = dist(s.groundTruth)
                if t < 1 { t = dist(s.predicted) }
                return (t, t)
            }
        }
    }
}

/// MMPose's `MpiiPCKAccuracy(thr=0.5)`: PCKh per body part and overall, in percent, with
/// predictions shifted by +1 to MATLAB's 1-based ground truth and pelvis/thorax left out.
public struct MpiiPCKAccuracy: Metric {
    /// The head-size-normalised distance at or below which a keypoint counts as correct (`thr`);
    /// 0.5 by default. `PCK@0.1` always uses 0.1.
    public var threshold: Double
    /// Creates the metric with MMPose's `thr`.
    public init(threshold: Double = 0.5) { self.threshold = threshold }

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] {
        ["Head PCK", "Shoulder PCK", "Elbow PCK", "Wrist PCK", "Hip PCK", "Knee PCK", "Ankle PCK", "PCK", "PCK@0.1"]
    }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        try evaluate(try groundTruth.samples(for: predictions))
    }

    /// PCKh of already-paired samples: per part (left and right averaged), `PCK` and `PCK@0.1`
    /// over all parts but pelvis and thorax, each weighted by its visible count, in percent.
    /// - Throws: `MetricError` when a sample has no positive head size or not MPII's 16 keypoints.
    public func evaluate(_ samples: [KeypointEvalSample]) throws -> [(String, Double)] {
        let k = 16
        var errors = [[Double]](), visible = [[Bool]]()
        for s in samples {
            guard let head = s.headSize, head > 0 else { throw MetricError("MpiiPCKAccuracy needs a positive head size for every instance") }
            guard s.visible.count == k else { throw MetricError("MpiiPCKAccuracy expects 16 MPII keypoints, got \(s.visible.count)") }
            errors.append((0..<k).map { j in
                let dx = s.predicted[2 * j] + 1 - s.groundTruth[2 * j], dy = s.predicted[2 * j + 1] + 1 - s.groundTruth[2 * j + 1]
                return (dx * dx + dy * dy).squareRoot() / head
            })
            visible.append(s.visible)
        }
        let count = (0..<k).map { j in Double(visible.filter { $0[j] }.count) }
        func pck(_ thr: Double) -> [Double] {
            (0..<k).map { j in
                let hits = zip(errors, visible).filter { $0.1[j] && $0.0[j] <= thr }.count
                return count[j] > 0 ? 100 * Double(hits) / count[j] : 0
            }
        }
        let pckh = pck(threshold), pck01 = pck(0.1)
        let kept = (0..<k).filter { $0 != 6 && $0 != 7 }
        let total = kept.reduce(0) { $0 + count[$1] }
        let ratio = (0..<k).map { kept.contains($0) && total > 0 ? count[$0] / total : 0 }
        func mean(_ a: Int, _ b: Int) -> Double { 0.5 * (pckh[a] + pckh[b]) }
        return [("Head PCK", pckh[9]), ("Shoulder PCK", mean(13, 12)), ("Elbow PCK", mean(14, 11)), ("Wrist PCK", mean(15, 10)),
                ("Hip PCK", mean(3, 2)), ("Knee PCK", mean(4, 1)), ("Ankle PCK", mean(5, 0)),
                ("PCK", (0..<k).reduce(0) { $0 + pckh[$1] * ratio[$1] }), ("PCK@0.1", (0..<k).reduce(0) { $0 + pck01[$1] * ratio[$1] })]
    }
}

/// A metric that cannot be computed on the given data.
public struct MetricError: Error, CustomStringConvertible {
    /// What the metric could not compute and why, naming the missing input.
    public let description: String
    /// Creates the error with its message.
    public init(_ description: String) { self.description = description }
}
