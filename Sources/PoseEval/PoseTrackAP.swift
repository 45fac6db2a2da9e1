/// poseval's `evaluateAP` (multi-person per-frame pose AP, as MMPose's `PoseTrack18Metric` calls
/// it), ported step by step from `poseval/eval_helpers.py` and `poseval/evaluateAP.py`:
///
/// 1. `cleanupData`: frames without ground-truth people are dropped together with their
///    predictions.
/// 2. `removeIgnoredPoints`: in frames whose ground truth has ignore regions, every ground-truth
///    and predicted joint strictly inside a region is removed, and people left without joints go.
/// 3. `assignGTmulti`, per frame: a predicted joint matches a ground-truth joint within half the
///    ground truth's head size (0.6 × its head box's diagonal); each prediction keeps only the
///    ground-truth person it matches most joints of (as a fraction of that person's labelled
///    joints, first on ties), and each ground-truth person takes the prediction with the highest
///    such fraction (first on ties; none at zero). Joints of an assigned prediction are true
///    positives where they match its person, all others false positives; every labelled
///    ground-truth joint counts towards recall.
/// 4. `computeMetrics`: per joint, predictions sorted by score (descending), precision and recall
///    at each, and VOC's AP (area under the monotone precision envelope) × 100; the total is the
///    mean over the joints whose AP is not NaN. A joint without ground truth but with predictions
///    has AP NaN, one without predictions AP 0.
///
/// Ties of scores: poseval sorts with numpy's `argsort()[::-1]`, and numpy's default sort is not
/// stable: the order it gives equal scores depends on the array and on the CPU (introsort, or
/// x86-simd-sort's on AVX-512), so poseval's own AP for tied scores with mixed labels varies
/// between machines. Here equal scores come in the reverse of their concatenation order (frames in
/// file order, predictions in order), as numpy's stable sort gives them. Untied scores, as a
/// heatmap model's keypoint scores practically always are, give poseval's AP to the bit.
enum PoseTrackAP {
    /// poseval's 15 joints (`Joint()`), by id; their PoseTrack18 keypoint names.
    static let jointNames = [
        "right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle", "right_wrist", "right_elbow",
        "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "head_bottom", "nose", "head_top",
    ]
    /// A match: distance / head size at most this.
    static let threshold = 0.5
    /// poseval's `MIN_SCORE`, the score of a predicted joint without one.
    static let missingScore = -9999.0
    /// `getCum`'s groups of joint ids (Head, Shou, Elb, Wri, Hip, Knee, Ankl), in MMPose's order.
    static let groups = [[14, 12, 13], [8, 9], [7, 10], [6, 11], [2, 3], [1, 4], [0, 5]]

    /// The 15 per-joint APs and the total (`apAll`), for ground-truth and prediction frames paired
    /// by index.
    static func perJointAP(groundTruth: [PoseTrackFrame], predictions: [PoseTrackFrame]) throws -> [Double] {
        precondition(groundTruth.count == predictions.count)
        var gt: [PoseTrackFrame] = [], pr: [PoseTrackFrame] = []
        for (g, p) in zip(groundTruth, predictions) where !g.people.isEmpty {
            gt.append(g)
            pr.append(p)
        }
        for i in gt.indices {
            guard let vertices = gt[i].ignoreRegions else { continue }
            let regions = try vertices.map { polygon in
                do { return try IgnoreRegion(vertices: polygon) } catch { throw MetricError("\(gt[i].source): \(error)") }
            }
            pr[i].people = removeIgnored(pr[i].people, regions)
            gt[i].people = removeIgnored(gt[i].people, regions)
        }
        var scores = [[Double]](repeating: [], count: jointNames.count)
        var labels = [[Bool]](repeating: [], count: jointNames.count)
        var positives = [Double](repeating: 0, count: jointNames.count)
        for i in gt.indices {
            try assign(gt[i], pr[i], scores: &scores, labels: &labels, positives: &positives)
        }
        var ap = [Double](repeating: 0, count: jointNames.count)
        for j in ap.indices where !scores[j].isEmpty {
            ap[j] = averagePrecision(scores: scores[j], labels: labels[j], positives: positives[j]) * 100
        }
        let valid = ap.filter { !$0.isNaN }
        return ap + [numpySum(valid) / Double(valid.count)]
    }

    /// `getCum`: the means of `groups` of the per-joint APs, then the total.
    static func summary(_ perJoint: [Double]) -> [Double] {
        groups.map { g in numpySum(g.map { perJoint[$0] }) / Double(g.count) } + [perJoint[jointNames.count]]
    }

    /// `removeIgnoredPointsRects`: joints inside a region removed, people without joints dropped.
    static func removeIgnored(_ people: [PoseTrackFrame.Person], _ regions: [IgnoreRegion]) -> [PoseTrackFrame.Person] {
        people.compactMap { person in
            var p = person
            p.points = person.points.filter { pt in !regions.contains { $0.contains(x: pt.x, y: pt.y) } }
            return p.points.isEmpty ? nil : p
        }
    }

    /// `assignGTmulti` for one frame: appends each predicted joint's score and label, and counts
    /// the labelled ground-truth joints.
    static func assign(_ gtFrame: PoseTrackFrame, _ prFrame: PoseTrackFrame, scores: inout [[Double]], labels: inout [[Bool]],
                       positives: inout [Double]) throws {
        let k = jointNames.count
        let gt = gtFrame.people, pr = prFrame.people
        let hasGT = gt.map { person in (0..<k).map { person.point($0) != nil } }
        let prPoints = pr.map { person in (0..<k).map { person.point($0) } }
        func append(_ p: Int, _ label: (Int) -> Bool) {
            for j in 0..<k {
                guard let point = prPoints[p][j] else { continue }
                scores[j].append(point.score ?? missingScore)
                labels[j].append(label(j))
            }
        }
        if !pr.isEmpty && !gt.isEmpty {
            // match[p][g][j]: predicted joint j of p within threshold of g's
            var match = [[[Bool]]](repeating: [[Bool]](repeating: [Bool](repeating: false, count: k), count: gt.count), count: pr.count)
            for (g, person) in gt.enumerated() {
                guard let head = person.head else {
                    throw MetricError("\(gtFrame.source): a ground-truth person (track_id \(person.trackId)) has no bbox_head; poseval normalises by the head box")
                }
                let headSize = 0.6 * norm(head.x2 - head.x1, head.y2 - head.y1)
                for p in pr.indices {
                    for j in 0..<k {
                        guard let q = prPoints[p][j], hasGT[g][j], let t = person.point(j) else { continue }
                        match[p][g][j] = norm(t.x - q.x, t.y - q.y) / headSize <= threshold
                    }
                }
            }
            let labelled = hasGT.map { row in row.filter { $0 }.count }
            var pck = match.map { row in row.enumerated().map { g, m -> Double in
                let hits = Double(m.filter { $0 }.count)
                return labelled[g] > 0 ? hits / Double(labelled[g]) : hits
            } }
            // each prediction keeps its best ground truth only
            for p in pck.indices {
                let best = firstArgmax(pck[p])
                for g in pck[p].indices where g != best { pck[p][g] = 0 }
            }
            // each ground truth takes its best prediction, none at zero
            var predictionOf = [Int](repeating: -1, count: gt.count)
            for g in gt.indices {
                let column = pck.map { $0[g] }
                let best = firstArgmax(column)
                if column[best] != 0 { predictionOf[g] = best }
            }
            for p in pr.indices {
                if let g = predictionOf.firstIndex(of: p) {
                    append(p) { match[p][g][$0] }
                } else {
                    append(p) { _ in false }
                }
            }
        } else if gt.isEmpty {
            for p in pr.indices { append(p) { _ in false } }
        }
        for row in hasGT {
            for j in 0..<k where row[j] { positives[j] += 1 }
        }
    }

    /// `computeRPC` and `VOCap` for one joint's scores and labels; NaN without positives.
    static func averagePrecision(scores: [Double], labels: [Bool], positives: Double) -> Double {
        let n = scores.count
        // descending, NaN first (numpy sorts it last); equal scores in reversed order (numpy's
        // stable argsort, reversed)
        let order = scores.indices.sorted { a, b in
            let x = scores[a], y = scores[b]
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? a > b : x.isNaN }
            return x != y ? x > y : a > b
        }
        var precision = [Double](repeating: 0, count: n + 2), recall = [Double](repeating: 0, count: n + 2)
        var hits = 0
        for (rank, i) in order.enumerated() {
            if labels[i] { hits += 1 }
            recall[rank + 1] = Double(hits) / positives
            precision[rank + 1] = Double(hits) / Double(rank + 1)
        }
        recall[n + 1] = 1
        for i in stride(from: n, through: 0, by: -1) where precision[i + 1] > precision[i] { precision[i] = precision[i + 1] }
        var terms: [Double] = []
        for i in 1...(n + 1) where !(recall[i] == recall[i - 1]) {
            terms.append((recall[i] - recall[i - 1]) * precision[i])
        }
        return numpySum(terms)
    }

    /// numpy's `linalg.norm` of a 2-vector.
    static func norm(_ dx: Double, _ dy: Double) -> Double { (dx * dx + dy * dy).squareRoot() }

    /// numpy's `argmax`: the first index of the largest value.
    static func firstArgmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    /// numpy's sum of a float64 array (`add.reduce`): pairwise summation with eight accumulators
    /// in blocks of up to 128, to the bit.
    static func numpySum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0, 0, $0.count) }
    }

    private static func pairwiseSum(_ a: UnsafeBufferPointer<Double>, _ start: Int, _ n: Int) -> Double {
        if n < 8 {
            var sum = -0.0
            for i in 0..<n { sum += a[start + i] }
            return sum
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { sum += a[start + i]; i += 1 }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half)
    }
}
