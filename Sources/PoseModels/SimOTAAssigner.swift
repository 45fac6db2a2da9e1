import Foundation

/// MMPose's `SimOTAAssigner` (YOLOX's simplified optimal-transport assignment, with OKS for
/// poses): which ground-truth person, if any, each prior of a one-stage head learns from.
///
/// A prior is a candidate when it lies inside a person's box or within `center_radius` strides
/// of the person's centre (the visible keypoints' mean with `use_keypoints_for_center`). Each
/// candidate–person pair costs `iou_weight · −log(IoU + ε) + oks_weight · −log(OKS + ε) +
/// cls_weight · BCE(scores, one-hot label) (+ vis_weight · BCE(visibilities, visible))`, plus
/// 10⁵ unless the prior is both in the box and near the centre. Person g takes its `k_g`
/// cheapest candidates, `k_g` the integer part of the sum of its `candidate_topk` best IoUs (or
/// OKSs, `dynamic_k_indicator`), at least 1; a prior taken by several keeps the cheapest person.
/// Values are float32, as MMPose computes them.
public struct SimOTAAssigner: Sendable, Equatable {
    /// `center_radius` (2.5), in strides.
    public var centerRadius: Float = 2.5
    /// `candidate_topk` (10).
    public var candidateTopK = 10
    /// `iou_weight` (3), `cls_weight` (1), `oks_weight` (3), `vis_weight` (0).
    public var iouWeight: Float = 3, clsWeight: Float = 1, oksWeight: Float = 3, visWeight: Float = 0
    /// `dynamic_k_indicator`: OKS rather than IoU sizes each person's share (false: IoU, MMPose's default).
    public var dynamicKByOKS = false
    /// `use_keypoints_for_center` (false).
    public var useKeypointsForCenter = false
    /// `oks_calculator`'s per-keypoint sigmas (PoseOKS's metainfo); empty: none (distances not scaled).
    public var sigmas: [Float] = []

    /// MMPose's defaults.
    public init() {}

    /// The predictions of P priors.
    public struct Predictions: Sendable {
        /// P priors: (x, y, stride x, stride y).
        public var priors: [(Float, Float, Float, Float)]
        /// P decoded boxes (x1, y1, x2, y2).
        public var boxes: [(Float, Float, Float, Float)]
        /// P × C class probabilities.
        public var scores: [[Float]]
        /// P × K (x, y) keypoints.
        public var keypoints: [[(Float, Float)]]
        /// P × K keypoint visibility probabilities.
        public var visibilities: [[Float]]

        /// The predictions of P priors, each argument with one entry per prior.
        public init(priors: [(Float, Float, Float, Float)], boxes: [(Float, Float, Float, Float)], scores: [[Float]],
                    keypoints: [[(Float, Float)]], visibilities: [[Float]]) {
            (self.priors, self.boxes, self.scores, self.keypoints, self.visibilities) = (priors, boxes, scores, keypoints, visibilities)
        }
    }

    /// The G ground-truth people of an image.
    public struct GroundTruth: Sendable {
        /// G boxes (x1, y1, x2, y2).
        public var boxes: [(Float, Float, Float, Float)]
        /// G class labels.
        public var labels: [Int]
        /// G × K (x, y) keypoints.
        public var keypoints: [[(Float, Float)]]
        /// G × K keypoint visibilities (weights).
        public var visible: [[Float]]
        /// G areas.
        public var areas: [Float]

        /// G people, each argument with one entry per person.
        public init(boxes: [(Float, Float, Float, Float)], labels: [Int], keypoints: [[(Float, Float)]], visible: [[Float]], areas: [Float]) {
            (self.boxes, self.labels, self.keypoints, self.visible, self.areas) = (boxes, labels, keypoints, visible, areas)
        }
    }

    /// MMPose's `assign` result, per prior.
    public struct Assignment: Sendable, Equatable {
        /// `gt_inds`: 0 for background, g + 1 for person g.
        public var gtIndices: [Int]
        /// `max_overlaps`: the matched pair's IoU (or OKS); −10⁵ for other candidates' and
        /// background's (0 for all when there is no person or no candidate).
        public var maxOverlaps: [Float]
        /// `labels`: the matched person's label, −1 elsewhere.
        public var labels: [Int]
    }

    static let infinity: Float = 100_000
    static let eps: Float = 1e-7

    /// Assigns the P priors to the people.
    public func assign(_ predictions: Predictions, to truth: GroundTruth) -> Assignment {
        let p = predictions.boxes.count, g = truth.boxes.count
        var result = Assignment(gtIndices: [Int](repeating: 0, count: p), maxOverlaps: [Float](repeating: 0, count: p),
                                labels: [Int](repeating: -1, count: p))
        guard p > 0, g > 0 else { return result }
        let (valid, inBoxAndCenter) = candidates(predictions.priors, truth)
        guard !valid.isEmpty else { return result }
        let n = valid.count
        // pairwise IoU and OKS, candidates × people
        var ious = [[Float]](repeating: [Float](repeating: 0, count: g), count: n)
        var oks = ious
        for (row, i) in valid.enumerated() {
            for j in 0..<g {
                ious[row][j] = OneStageDecoding.iou(predictions.boxes[i], truth.boxes[j])
                if oksWeight > 0 || dynamicKByOKS {
                    oks[row][j] = objectKeypointSimilarity(predictions.keypoints[i], truth.keypoints[j], weights: truth.visible[j], area: truth.areas[j])
                }
            }
        }
        var cost = [[Float]](repeating: [Float](repeating: 0, count: g), count: n)
        for row in 0..<n {
            let i = valid[row]
            for j in 0..<g {
                var c: Float = inBoxAndCenter[row][j] ? 0 : Self.infinity
                if iouWeight > 0 { c += -logf(ious[row][j] + Self.eps) * iouWeight }
                if oksWeight > 0 || dynamicKByOKS { c += -logf(oks[row][j] + Self.eps) * oksWeight }
                if clsWeight > 0 {
                    var bce: Float = 0
                    for (label, score) in predictions.scores[i].enumerated() { bce += Self.binaryCrossEntropy(score, label == truth.labels[j] ? 1 : 0) }
                    c += bce * clsWeight
                }
                if visWeight > 0 {
                    var bce: Float = 0
                    for (v, target) in zip(predictions.visibilities[i], truth.visible[j]) { bce += Self.binaryCrossEntropy(v, target) }
                    c += bce * visWeight
                }
                cost[row][j] = c
            }
        }
        let indicator = dynamicKByOKS ? oks : ious
        let matches = dynamicKMatching(cost: cost, overlaps: indicator, people: g)
        for i in 0..<p { result.maxOverlaps[i] = -Self.infinity }
        for (row, i) in valid.enumerated() {
            guard let j = matches[row] else { continue }
            result.gtIndices[i] = j + 1
            result.labels[i] = truth.labels[j]
            result.maxOverlaps[i] = indicator[row][j]
        }
        return result
    }

    /// `get_in_gt_and_in_center_info`: the priors inside some person's box or centre region, and
    /// for each of them whether it is inside both, per person.
    func candidates(_ priors: [(Float, Float, Float, Float)], _ truth: GroundTruth) -> (valid: [Int], inBoth: [[Bool]]) {
        let g = truth.boxes.count
        var centers = truth.boxes.map { (($0.0 + $0.2) / 2, ($0.1 + $0.3) / 2) }
        if useKeypointsForCenter {
            for j in 0..<g {
                let total = truth.visible[j].reduce(0, +)
                guard total > 0 else { continue }
                var (sx, sy): (Float, Float) = (0, 0)
                for (point, v) in zip(truth.keypoints[j], truth.visible[j]) { sx += point.0 * v; sy += point.1 * v }
                centers[j] = (sx / total, sy / total)
            }
        }
        var valid: [Int] = [], inBoth: [[Bool]] = []
        for (i, prior) in priors.enumerated() {
            let (x, y, sx, sy) = prior
            var inBox = [Bool](repeating: false, count: g), inCenter = inBox
            for j in 0..<g {
                let b = truth.boxes[j]
                inBox[j] = min(x - b.0, y - b.1, b.2 - x, b.3 - y) > 0
                let (cx, cy) = centers[j]
                let (l, t, r, bt) = (cx - centerRadius * sx, cy - centerRadius * sy, cx + centerRadius * sx, cy + centerRadius * sy)
                inCenter[j] = min(x - l, y - t, r - x, bt - y) > 0
            }
            guard inBox.contains(true) || inCenter.contains(true) else { continue }
            valid.append(i)
            inBoth.append(zip(inBox, inCenter).map { $0 && $1 })
        }
        return (valid, inBoth)
    }

    /// `dynamic_k_matching`: each candidate's person, or nil.
    func dynamicKMatching(cost: [[Float]], overlaps: [[Float]], people g: Int) -> [Int?] {
        let n = cost.count
        var matching = [[Bool]](repeating: [Bool](repeating: false, count: g), count: n)
        let topK = min(candidateTopK, n)
        for j in 0..<g {
            let best = (0..<n).map { overlaps[$0][j] }.sorted(by: >).prefix(topK)
            // float32 sum, then truncation toward zero (`.int()`), at least 1
            let k = max(Int(best.reduce(Float(0), +)), 1)
            let cheapest = (0..<n).sorted { cost[$0][j] < cost[$1][j] || (cost[$0][j] == cost[$1][j] && $0 < $1) }.prefix(k)
            for row in cheapest { matching[row][j] = true }
        }
        var result = [Int?](repeating: nil, count: n)
        for row in 0..<n {
            let taken = (0..<g).filter { matching[row][$0] }
            if taken.count > 1 {
                // the cheapest person over all people (torch.min: the first of equal costs)
                var best = 0
                for j in 1..<g where cost[row][j] < cost[row][best] { best = j }
                result[row] = best
            } else {
                result[row] = taken.first
            }
        }
        return result
    }

    /// PoseOKS: `Σ_k w_k e^(−d_k²/2) / Σ_k w_k`, `d_k = ‖pred − gt‖ / √area / (2σ_k)` (√area and
    /// Σ w floored at 1e-8).
    func objectKeypointSimilarity(_ predicted: [(Float, Float)], _ target: [(Float, Float)], weights: [Float], area: Float) -> Float {
        let root = max(area.squareRoot(), 1e-8), total = max(weights.reduce(0, +), 1e-8)
        var sum: Float = 0
        for k in predicted.indices {
            let dx = predicted[k].0 - target[k].0, dy = predicted[k].1 - target[k].1
            var d = (dx * dx + dy * dy).squareRoot() / root
            if !sigmas.isEmpty { d = d / (sigmas[k] * 2) }
            sum += expf(-d * d / 2) * (weights[k] / total)
        }
        return sum
    }

    /// PyTorch's `binary_cross_entropy` of one probability: logs floored at −100.
    static func binaryCrossEntropy(_ p: Float, _ target: Float) -> Float {
        -(target * max(logf(p), -100) + (1 - target) * max(logf(1 - p), -100))
    }
}
