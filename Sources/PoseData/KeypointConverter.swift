import PoseTensor

/// MMPose's `KeypointConverter(num_keypoints, mapping)`: rewrites an instance's keypoints into
/// another dataset's keypoint order. `mapping` pairs a source index (or two, whose midpoint is
/// taken and whose visibilities multiply) with a target index; target keypoints nobody maps get
/// (0, 0) and visibility 0.
///
/// As MMPose it also records `keypoints_visible_weights` (1 for mapped targets, 0 for the
/// rest), which a visibility head weighs its loss with.
public struct KeypointConverter: Transform {
    /// MMPose's `num_keypoints`: the number of keypoints in the target order.
    public var keypointCount: Int
    /// (source, second source or nil, target) per mapped keypoint.
    public var mapping: [(Int, Int?, Int)]

    /// MMPose's `KeypointConverter(num_keypoints, mapping)`.
    /// - Parameters:
    ///   - keypointCount: keypoints in the target order.
    ///   - mapping: (source, second source or nil, target) index triples.
    public init(keypointCount: Int, mapping: [(Int, Int?, Int)]) {
        self.keypointCount = keypointCount
        self.mapping = mapping
    }

    /// The target keypoints that some source keypoint maps to.
    public var mappedTargets: Set<Int> { Set(mapping.map(\.2)) }

    /// The converted keypoints and visibilities; nil when a source index is outside `keypoints`.
    public func convert(keypoints: [Double], visible: [Double]) -> (keypoints: [Double], visible: [Double])? {
        let k = visible.count
        var points = [Double](repeating: 0, count: 2 * keypointCount), vis = [Double](repeating: 0, count: keypointCount)
        for (a, b, t) in mapping {
            let b = b ?? a
            guard a < k, b < k, t < keypointCount else { return nil }
            points[2 * t] = 0.5 * (keypoints[2 * a] + keypoints[2 * b])
            points[2 * t + 1] = 0.5 * (keypoints[2 * a + 1] + keypoints[2 * b + 1])
            vis[t] = a == b ? visible[a] : visible[a] * visible[b]
        }
        return (points, vis)
    }

    /// The instance in the target order (its ground truth too, as MMPose's `results` carry it).
    public func convert(_ instance: PoseInstance) throws -> PoseInstance {
        guard let (points, vis) = convert(keypoints: instance.keypoints, visible: instance.visible) else {
            throw DatasetError("KeypointConverter: mapping \(mapping.map { [$0.0, $0.1 ?? $0.0, $0.2] }) is outside instance \(instance.id)'s \(instance.visible.count) keypoints or the \(keypointCount) targets")
        }
        var out = instance
        out.keypoints = points
        out.visible = vis
        let mapped = mappedTargets
        out.visibilityWeights = (0..<keypointCount).map { mapped.contains($0) ? 1 : 0 }
        return out
    }

    public func apply(_ sample: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let converted = try convert(sample.instance)
        guard let (points, vis) = convert(keypoints: sample.keypoints, visible: sample.visible) else {
            throw DatasetError("KeypointConverter: mapping is outside the sample's \(sample.visible.count) keypoints")
        }
        sample.instance = converted
        sample.keypoints = points
        sample.visible = vis
        sample.visibilityWeights = converted.visibilityWeights
    }
}
