import PoseData

/// MMPose's `JhmdbPCKAccuracy(thr=0.05, norm_item='bbox')`: PCK per JHMDB body part (left and
/// right averaged) and over all keypoints, normalised by the box's longer side (`Head PCK`, `Sho
/// PCK`, …, `PCK`) and/or the torso (`Head tPCK`, …, `tPCK`), as fractions.
public struct JhmdbPCKAccuracy: Metric {
    /// The normalised distance below which a keypoint counts as correct (`thr`); 0.05 by default.
    public var threshold: Double
    /// `.bbox` and/or `.torso`, in the order reported.
    public var normItems: [PCKAccuracy.NormItem]

    /// Creates the metric with MMPose's `thr` and `norm_item`s.
    public init(threshold: Double = 0.05, normItems: [PCKAccuracy.NormItem] = [.bbox]) {
        self.threshold = threshold; self.normItems = normItems
    }

    /// JHMDB's parts and their keypoint indices in `jhmdb.py` (neck, belly, head, shoulders,
    /// hips, elbows, knees, wrists, ankles).
    static let parts: [(String, [Int])] = [
        ("Head", [2]), ("Sho", [3, 4]), ("Elb", [7, 8]), ("Wri", [11, 12]), ("Hip", [5, 6]), ("Knee", [9, 10]), ("Ank", [13, 14]),
    ]

    static func suffix(_ item: PCKAccuracy.NormItem) -> String { item == .torso ? "tPCK" : "PCK" }

    public var pairsPredictionsWithInstances: Bool { true }
    public var names: [String] {
        normItems.flatMap { item in JhmdbPCKAccuracy.parts.map { "\($0.0) \(JhmdbPCKAccuracy.suffix(item))" } + [JhmdbPCKAccuracy.suffix(item)] }
    }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        try evaluate(try groundTruth.samples(for: predictions))
    }

    /// The per-part and overall accuracies of already-paired samples, for each of `normItems`.
    /// - Throws: `MetricError` when a sample has not JHMDB's 15 keypoints or `normItems` holds `.head`.
    public func evaluate(_ samples: [KeypointEvalSample]) throws -> [(String, Double)] {
        if let s = samples.first(where: { $0.visible.count != 15 }) {
            throw MetricError("JhmdbPCKAccuracy expects JHMDB's 15 keypoints, got \(s.visible.count)")
        }
        var out: [(String, Double)] = []
        for item in normItems {
            guard item != .head else { throw MetricError("JhmdbPCKAccuracy reports norm_item 'bbox' and 'torso' only") }
            let (perKeypoint, average, _) = KeypointEval.pck(samples, threshold: threshold, norms: try PCKAccuracy.norms(item, samples))
            let suffix = JhmdbPCKAccuracy.suffix(item)
            for (name, indices) in JhmdbPCKAccuracy.parts {
                // MMPose averages left and right with weights 0.5, a keypoint without data counting as -1
                let value = indices.count == 1 ? perKeypoint[indices[0]] : 0.5 * perKeypoint[indices[0]] + 0.5 * perKeypoint[indices[1]]
                out.append(("\(name) \(suffix)", value))
            }
            out.append((suffix, average))
        }
        return out
    }
}
