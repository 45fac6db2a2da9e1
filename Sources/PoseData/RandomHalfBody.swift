import PoseTensor

/// MMPose's `RandomHalfBody(min_total_keypoints=9, min_upper_keypoints=2,
/// min_lower_keypoints=3, padding=1.5, prob=0.3, upper_prioritized_prob=0.7)`: with `prob`, the
/// box shrinks to the visible upper or lower body keypoints (by the metainfo's body parts).
public struct RandomHalfBody: Transform {
    /// MMPose's `min_total_keypoints`: samples whose visibilities sum to less are left as they are
    /// (default 9).
    public var minTotalKeypoints = 9
    /// MMPose's `min_upper_keypoints`: the visible upper-body keypoints an upper-body box needs (default 2).
    public var minUpperKeypoints = 2
    /// MMPose's `min_lower_keypoints`: the visible lower-body keypoints a lower-body box needs (default 3).
    public var minLowerKeypoints = 3
    /// MMPose's `padding`: the factor on the selected keypoints' extent (default 1.5).
    public var padding = 1.5
    /// MMPose's `prob`: the chance of a half-body box for a sample with enough keypoints (default 0.3).
    public var prob = 0.3
    /// MMPose's `upper_prioritized_prob`: the chance of the upper body when both halves qualify
    /// (default 0.7).
    public var upperPrioritizedProb = 0.7

    /// MMPose's defaults, as the type lists them.
    public init() {}

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        if s.visible.reduce(0, +) < Double(minTotalKeypoints) { return }
        if rng.uniform() > prob { return }
        let upper = metainfo.upperBodyIndices.filter { s.visible[$0] > 0 }
        let lower = metainfo.lowerBodyIndices.filter { s.visible[$0] > 0 }
        let preferUpper = rng.uniform() < upperPrioritizedProb
        let selected: [Int]
        if upper.count < minUpperKeypoints && lower.count < minLowerKeypoints { return }
        else if lower.count < minLowerKeypoints { selected = upper }
        else if upper.count < minUpperKeypoints { selected = lower }
        else { selected = preferUpper ? upper : lower }
        let xs = selected.map { s.keypoints[2 * $0] }, ys = selected.map { s.keypoints[2 * $0 + 1] }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return }
        s.center = (xs.reduce(0, +) / Double(xs.count), ys.reduce(0, +) / Double(ys.count))
        s.scale = ((x1 - x0) * padding, (y1 - y0) * padding)
    }
}
