/// MMPose's `nearby_joints_nms` (DEKR's pose NMS): two people are the same when more than
/// `jointThreshold` of their keypoints (default `K / 2`) lie closer than `distanceThreshold`
/// times the first one's keypoint-extent diagonal; from the highest-scoring person down, each
/// group keeps its best member. Scores are each person's mean keypoint score
/// (`score_per_joint=True`); at most `maxDetections` are kept, best first when cut.
public enum NearbyJointsNMS {
    /// The indices kept, in MMPose's order.
    /// - Parameters:
    ///   - keypoints: each person's `K` (x, y) pairs.
    ///   - scores: each person's `K` keypoint scores.
    ///   - distanceThreshold: `dist_thr` (> 0).
    ///   - jointThreshold: `num_nearby_joints_thr`; nil for `K / 2`.
    ///   - maxDetections: `max_dets` (0: no limit).
    public static func keep(keypoints: [[Float]], scores: [[Float]], distanceThreshold: Float, jointThreshold: Int? = nil,
                            maxDetections: Int = 30) -> [Int] {
        let n = keypoints.count
        guard n > 0 else { return [] }
        let k = keypoints[0].count / 2
        let threshold = jointThreshold ?? k / 2
        let mean = scores.map { s in s.reduce(Float(0), +) / Float(max(1, s.count)) }
        let diagonal: [Float] = keypoints.map { p in
            let xs = stride(from: 0, to: 2 * k, by: 2).map { p[$0] }, ys = stride(from: 1, to: 2 * k, by: 2).map { p[$0] }
            let (dx, dy) = (xs.max()! - xs.min()!, ys.max()! - ys.min()!)
            return (dx * dx + dy * dy).squareRoot()
        }
        func close(_ i: Int, _ j: Int) -> Bool {
            let limit = diagonal[i] * distanceThreshold
            var count = 0
            for c in 0..<k {
                let (dx, dy) = (keypoints[i][2 * c] - keypoints[j][2 * c], keypoints[i][2 * c + 1] - keypoints[j][2 * c + 1])
                if (dx * dx + dy * dy).squareRoot() < limit { count += 1 }
            }
            return count > threshold
        }
        // numpy's argsort (stable for these small counts), reversed: ties put the later person first
        let order = (0..<n).sorted { mean[$0] != mean[$1] ? mean[$0] < mean[$1] : $0 < $1 }.reversed()
        var ignored = Set<Int>(), kept: [Int] = []
        for i in order where !ignored.contains(i) {
            var group = (0..<n).filter { close(i, $0) }
            if group.isEmpty { group = [i] }  // a person of no extent is not close to itself
            let best = group.max { mean[$0] != mean[$1] ? mean[$0] < mean[$1] : $0 > $1 }!
            // MMPose suppresses the group only when its best member is kept
            if !ignored.contains(best) {
                kept.append(best)
                ignored.formUnion(group)
            }
        }
        if maxDetections > 0 && kept.count > maxDetections {
            let ranked = kept.indices.sorted { mean[kept[$0]] != mean[kept[$1]] ? mean[kept[$0]] < mean[kept[$1]] : $0 < $1 }
            kept = ranked.reversed().prefix(maxDetections).map { kept[$0] }
        }
        return kept
    }
}
