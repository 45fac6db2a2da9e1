import Foundation
import PoseData

/// xtcocotools' COCOeval for `iouType='keypoints'` and CrowdPose's `'keypoints_crowd'`: OKS with
/// per-keypoint sigmas and the GT area, thresholds .50:.05:.95, 101 recall points, maxDets 20,
/// area ranges all / medium (32²–96²) / large, crowd and ignore handling as COCOeval does; for
/// `keypoints_crowd`, AP and AR over all images and AP on CrowdPose's easy, medium and hard images.
public struct COCOKeypointEval {
    /// xtcocotools' `iouType`.
    public enum IoUType: String, Sendable {
        /// COCO's statistics: AP, AP .5, AP .75, AP (M), AP (L) and the same five of AR.
        case keypoints
        /// CrowdPose's: AP, AP .5, AP .75, AR, AR .5, AR .75, then AP(E), AP(M), AP(H), the mean
        /// precision (area 'all', rounded to 4 places, −1 for an empty split) of the images whose
        /// `crowdIndex` is below 0.2, below 0.8, and the rest. A ground truth is ignored when its
        /// `num_keypoints` (visible joints only, in CrowdPose's files) is 0.
        case keypointsCrowd = "keypoints_crowd"

        /// The statistics' names in MMPose's order.
        public var metricNames: [String] {
            switch self {
            case .keypoints: COCOKeypointEval.metricNames
            case .keypointsCrowd: ["AP", "AP .5", "AP .75", "AR", "AR .5", "AR .75", "AP(E)", "AP(M)", "AP(H)"]
            }
        }
    }

    /// `np.linspace(.5, .95, 10)` and `np.linspace(0, 1, 101)` to the bit, as numpy computes them
    /// (`i · step + start`, the end point exact): `Double(i) / 100` differs in the last bit for
    /// ten recall thresholds, and a recall of exactly 7/10 then reads the wrong precision.
    public static let iouThresholds: [Double] = linspace(0.5, 0.95, count: 10)
    /// COCOeval's 101 recall points `0, 0.01, …, 1` (`p.recThrs`), at which precision is sampled
    /// for AP.
    public static let recallThresholds: [Double] = linspace(0, 1, count: 101)

    /// numpy's `linspace(start, stop, count)`.
    static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        let step: Double = (stop - start) / Double(count - 1)
        return (0..<count - 1).map { (i: Int) -> Double in Double(i) * step + start } + [stop]
    }
    /// COCOeval's `maxDets` for keypoints: the top 20 detections per image by score are matched.
    public static let maxDetections = 20
    /// COCOeval's `areaRng` in square pixels, (lower, upper): all, medium (32²–96²) and large (from 96²).
    public static let areaRanges: [(Double, Double)] = [(0, 1e10), (32 * 32, 96 * 96), (96 * 96, 1e10)]
    /// The ten statistics of `iouType='keypoints'`, in the order `run` returns them and MMPose reports them.
    public static let metricNames = ["AP", "AP .5", "AP .75", "AP (M)", "AP (L)", "AR", "AR .5", "AR .75", "AR (M)", "AR (L)"]

    struct GroundTruth {
        var id: Int
        var keypoints: [Double]  // K × (x, y, v)
        var bbox: [Double]
        var area: Double
        var isCrowd: Bool
        var ignore: Bool
    }

    struct Detection {
        var id: Int
        var keypoints: [Double]  // K × (x, y, s)
        var score: Double
        var area: Double
    }

    /// A detection in COCO's results format: `keypoints` are K × (x, y, score); `bbox` the
    /// instance's box (x, y, w, h) as MMPose's results carry it.
    public struct Result: Sendable {
        /// The `image_id` of the image the detection is in.
        public var imageId: Int
        /// The `category_id`; only category 1 (person) is evaluated. 1 by default.
        public var categoryId: Int
        /// `K` (x, y, score) triples, `3K` values, in image pixels.
        public var keypoints: [Double]
        /// The instance score COCOeval sorts detections by (after `CocoMetric`'s rescoring).
        public var score: Double
        /// The box (x, y, w, h); when the first result has one, every result's area is its w·h,
        /// as `loadRes` does.
        public var bbox: [Double]?
        /// Creates a result as one entry of a COCO results file.
        public init(imageId: Int, categoryId: Int = 1, keypoints: [Double], score: Double, bbox: [Double]? = nil) {
            self.imageId = imageId; self.categoryId = categoryId; self.keypoints = keypoints; self.score = score
            self.bbox = bbox
        }
    }

    /// The per-keypoint OKS sigmas (`K` values); OKS divides by `(2σ)²`.
    public let sigmas: [Double]
    /// Which statistics `run` computes (set by the initialiser that reads an annotation file).
    public var iouType = IoUType.keypoints
    let gts: [Int: [GroundTruth]]
    let dts: [Int: [Detection]]
    let imageIds: [Int]
    /// CrowdPose's `crowdIndex` of every image (`keypoints_crowd`).
    var crowdIndex: [Int: Double] = [:]

    /// Prepares an evaluation of `results` against an annotation file, as xtcocotools' `COCO`,
    /// `loadRes` and `COCOeval(cocoGt, cocoDt, iouType, sigmas, use_area)` do.
    ///
    /// - Parameters:
    ///   - groundTruth: the annotation file (category 1 annotations are evaluated).
    ///   - results: detections; as `loadRes` does, each one's area is its box's w·h when the first
    ///     result has a box (MMPose's results do), else its keypoint extent.
    ///   - sigmas: per-keypoint OKS sigmas.
    ///   - useArea: take each ground truth's `area`; false (xtcocotools' `use_area=False`, for
    ///     files without areas such as CrowdPose's and AIC's) takes 0.53 of its box, for the OKS
    ///     scale and the area ranges alike.
    ///   - iouType: `keypoints_crowd` needs every image's `crowdIndex`.
    /// - Throws: `MetricError`, naming the file and the annotation, when a category-1 ground truth
    ///   lacks its `3·K` keypoint numbers or has a `bbox` of other than 4 numbers, when a result has
    ///   other than `3·K` keypoint numbers (xtcocotools fails on these too, in its OKS loop), or
    ///   when `iouType` is `keypoints_crowd` and an image has no `crowdIndex`.
    public init(groundTruth: CocoAnnotationFile, results: [Result], sigmas: [Double], useArea: Bool = true,
                iouType: IoUType = .keypoints) throws {
        let k = sigmas.count
        for (i, a) in groundTruth.annotations.enumerated() where a.categoryId == 1 {
            let what = "\(groundTruth.source): annotations[\(i)] (id \(a.id))"
            guard let kp = a.keypoints else {
                throw MetricError("\(what) has no keypoints; COCO keypoint evaluation needs \(3 * k) numbers (\(k) keypoints × x, y, v)")
            }
            guard kp.count == 3 * k else {
                throw MetricError("\(what) has \(kp.count) keypoint numbers; expected \(3 * k) (\(k) keypoints × x, y, v)")
            }
            if let box = a.bbox, box.count != 4 {
                throw MetricError("\(what) has a bbox of \(box.count) numbers; expected 4 (x, y, w, h)")
            }
        }
        if let (i, r) = results.enumerated().first(where: { $0.element.categoryId == 1 && $0.element.keypoints.count != 3 * k }) {
            throw MetricError("result \(i) (image \(r.imageId)) has \(r.keypoints.count) keypoint numbers; expected \(3 * k) (\(k) keypoints × x, y, score)")
        }
        if iouType == .keypointsCrowd, let (i, image) = groundTruth.images.enumerated().first(where: { $0.element.crowdIndex == nil }) {
            throw MetricError("\(groundTruth.source): images[\(i)] (id \(image.id)) has no crowdIndex; iou_type='keypoints_crowd' splits CrowdPose's images by it")
        }
        var gts: [Int: [GroundTruth]] = [:]
        for a in groundTruth.annotations where a.categoryId == 1 {
            let kp = a.keypoints ?? []
            // a ground truth without labelled keypoints is ignored; CrowdPose's evaluation counts
            // them by `num_keypoints`, COCO's by v > 0
            let labelled = stride(from: 2, to: kp.count, by: 3).filter { kp[$0] > 0 }.count
            let numKeypoints = iouType == .keypointsCrowd ? a.numKeypoints ?? labelled : labelled
            gts[a.imageId, default: []].append(GroundTruth(
                id: a.id, keypoints: kp, bbox: a.bbox ?? [0, 0, 0, 0],
                area: useArea ? a.area ?? 0 : (a.bbox.map { $0.count >= 4 ? $0[2] * $0[3] * 0.53 : 0 } ?? 0), isCrowd: a.isCrowd,
                ignore: a.isCrowd || numKeypoints == 0))
        }
        // loadRes takes its branch from the first result: with a box, every area is the box's
        let boxAreas = results.first?.bbox.map { !$0.isEmpty } ?? false
        var dts: [Int: [Detection]] = [:]
        for (i, r) in results.enumerated() where r.categoryId == 1 {
            let area = boxAreas ? r.bbox.map { $0.count >= 4 ? $0[2] * $0[3] : 0 } ?? COCOKeypointEval.extentArea(r.keypoints)
                                : COCOKeypointEval.extentArea(r.keypoints)
            dts[r.imageId, default: []].append(Detection(id: i + 1, keypoints: r.keypoints, score: r.score, area: area))
        }
        self.init(imageIds: groundTruth.images.map(\.id), groundTruths: gts, detections: dts, sigmas: sigmas)
        self.iouType = iouType
        for image in groundTruth.images { crowdIndex[image.id] = image.crowdIndex }
    }

    /// An evaluation of ground truths and detections already prepared per image (as
    /// COCO-WholeBody's per-part evaluations prepare them).
    init(imageIds: [Int], groundTruths: [Int: [GroundTruth]], detections: [Int: [Detection]], sigmas: [Double]) {
        self.sigmas = sigmas
        gts = groundTruths
        dts = detections
        self.imageIds = Set(imageIds).sorted()  // COCOeval: np.unique(imgIds)
    }

    /// `loadRes`' area of a detection: the extent of its keypoints (x, y, score triples).
    static func extentArea(_ keypoints: [Double]) -> Double {
        let xs = stride(from: 0, to: keypoints.count, by: 3).map { keypoints[$0] }
        let ys = stride(from: 1, to: keypoints.count, by: 3).map { keypoints[$0] }
        return ((xs.max() ?? 0) - (xs.min() ?? 0)) * ((ys.max() ?? 0) - (ys.min() ?? 0))
    }

    /// COCOeval's `computeOks`: rows are the image's detections sorted by score (top 20),
    /// columns its ground truths.
    func computeOKS(gts: [GroundTruth], dts: [Detection]) -> [[Double]] {
        guard !gts.isEmpty, !dts.isEmpty else { return [] }
        let vars = sigmas.map { ($0 * 2) * ($0 * 2) }
        let k = sigmas.count
        let eps = Double.ulpOfOne
        return dts.map { d in
            gts.map { g in
                let visible = (0..<k).filter { g.keypoints[3 * $0 + 2] > 0 }
                let bb = g.bbox
                let x0 = bb[0] - bb[2], x1 = bb[0] + bb[2] * 2, y0 = bb[1] - bb[3], y1 = bb[1] + bb[3] * 2
                var sum = 0.0
                let used = visible.isEmpty ? Array(0..<k) : visible
                for j in used {
                    let xd = d.keypoints[3 * j], yd = d.keypoints[3 * j + 1]
                    let dx: Double, dy: Double
                    if visible.isEmpty {
                        dx = max(0, x0 - xd) + max(0, xd - x1)
                        dy = max(0, y0 - yd) + max(0, yd - y1)
                    } else {
                        dx = xd - g.keypoints[3 * j]; dy = yd - g.keypoints[3 * j + 1]
                    }
                    let e = (dx * dx + dy * dy) / vars[j] / (g.area + eps) / 2
                    sum += exp(-e)
                }
                return sum / Double(used.count)
            }
        }
    }

    struct ImageEval {
        var scores: [Double]
        var matched: [[Bool]]     // [threshold][detection]
        var detIgnore: [[Bool]]   // [threshold][detection]
        var gtIgnore: [Bool]
    }

    func evaluateImage(_ imageId: Int, area: (Double, Double), oks: [[Double]], sortedDts: [Detection]) -> ImageEval? {
        let gtAll = gts[imageId] ?? []
        if gtAll.isEmpty && sortedDts.isEmpty { return nil }
        let gtIgnoreAll = gtAll.map { $0.ignore || $0.area < area.0 || $0.area > area.1 }
        // stable: non-ignored ground truths first
        let order = gtAll.indices.sorted { (gtIgnoreAll[$0] ? 1 : 0, $0) < (gtIgnoreAll[$1] ? 1 : 0, $1) }
        let gt = order.map { gtAll[$0] }
        let gtIgnore = order.map { gtIgnoreAll[$0] }
        let dt = Array(sortedDts.prefix(COCOKeypointEval.maxDetections))
        let t = COCOKeypointEval.iouThresholds.count
        var gtMatched = [[Bool]](repeating: [Bool](repeating: false, count: gt.count), count: t)
        var dtMatched = [[Bool]](repeating: [Bool](repeating: false, count: dt.count), count: t)
        var dtIgnore = [[Bool]](repeating: [Bool](repeating: false, count: dt.count), count: t)
        if !oks.isEmpty {
            for (ti, threshold) in COCOKeypointEval.iouThresholds.enumerated() {
                for di in dt.indices {
                    var best = min(threshold, 1 - 1e-10)
                    var m = -1
                    for gi in gt.indices {
                        if gtMatched[ti][gi] && !gt[gi].isCrowd { continue }
                        if m > -1 && !gtIgnore[m] && gtIgnore[gi] { break }
                        let value = oks[di][order[gi]]
                        if value < best { continue }
                        best = value
                        m = gi
                    }
                    if m == -1 { continue }
                    dtIgnore[ti][di] = gtIgnore[m]
                    dtMatched[ti][di] = true
                    gtMatched[ti][m] = true
                }
            }
        }
        for ti in 0..<t {
            for di in dt.indices where !dtMatched[ti][di] && (dt[di].area < area.0 || dt[di].area > area.1) {
                dtIgnore[ti][di] = true
            }
        }
        return ImageEval(scores: dt.map(\.score), matched: dtMatched, detIgnore: dtIgnore, gtIgnore: gtIgnore)
    }

    /// Per image: its detections sorted by score (stable) and truncated, and their OKS.
    func prepare() -> [Int: ([Detection], [[Double]])] {
        var prepared: [Int: ([Detection], [[Double]])] = [:]
        for id in imageIds {
            let d = (dts[id] ?? []).enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }
                .map(\.element)
            let top = Array(d.prefix(COCOKeypointEval.maxDetections))
            prepared[id] = (top, computeOKS(gts: gts[id] ?? [], dts: top))
        }
        return prepared
    }

    /// COCOeval's `accumulate` over `imageIds` (prepared by `prepare`): precision
    /// [area][threshold][recall point] and recall [area][threshold], −1 where no ground truth counts.
    func accumulate(imageIds: [Int], prepared: [Int: ([Detection], [[Double]])]) -> (precision: [[[Double]]], recall: [[Double]]) {
        let t = COCOKeypointEval.iouThresholds.count
        let r = COCOKeypointEval.recallThresholds.count
        var precision = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: -1, count: r), count: t),
                                     count: COCOKeypointEval.areaRanges.count)
        var recall = [[Double]](repeating: [Double](repeating: -1, count: t), count: COCOKeypointEval.areaRanges.count)
        for (ai, area) in COCOKeypointEval.areaRanges.enumerated() {
            let evals = imageIds.compactMap { id in evaluateImage(id, area: area, oks: prepared[id]!.1, sortedDts: prepared[id]!.0) }
            let scores = evals.flatMap(\.scores)
            let order = scores.indices.sorted { (scores[$0], -$0) > (scores[$1], -$1) }
            let npig = evals.reduce(0) { $0 + $1.gtIgnore.filter { !$0 }.count }
            if npig == 0 { continue }
            for ti in 0..<t {
                let matched = evals.flatMap { $0.matched[ti] }
                let ignored = evals.flatMap { $0.detIgnore[ti] }
                var tp = 0.0, fp = 0.0
                var rc: [Double] = [], pr: [Double] = []
                // ignored detections count as neither, but keep their place as COCOeval's cumsum does
                for i in order {
                    if !ignored[i] { if matched[i] { tp += 1 } else { fp += 1 } }
                    rc.append(tp / Double(npig))
                    pr.append(tp / (tp + fp + Double.ulpOfOne))
                }
                recall[ai][ti] = rc.last ?? 0
                if pr.count > 1 { for i in stride(from: pr.count - 1, to: 0, by: -1) where pr[i] > pr[i - 1] { pr[i - 1] = pr[i] } }
                var q = [Double](repeating: 0, count: r)
                for (ri, threshold) in COCOKeypointEval.recallThresholds.enumerated() {
                    // searchsorted(rc, threshold, side='left')
                    var lo = 0, hi = rc.count
                    while lo < hi { let mid = (lo + hi) / 2; if rc[mid] < threshold { lo = mid + 1 } else { hi = mid } }
                    if lo >= pr.count { break }
                    q[ri] = pr[lo]
                }
                precision[ai][ti] = q
            }
        }
        return (precision, recall)
    }

    /// Runs evaluate, accumulate and summarize; returns the statistics in `iouType.metricNames`
    /// order.
    public func run() -> [Double] {
        let prepared = prepare()
        let (precision, recall) = accumulate(imageIds: imageIds, prepared: prepared)
        func ap(_ area: Int, _ threshold: Int?) -> Double {
            let values = (threshold.map { [precision[area][$0]] } ?? precision[area]).flatMap { $0 }.filter { $0 > -1 }
            return values.isEmpty ? -1 : values.reduce(0, +) / Double(values.count)
        }
        func ar(_ area: Int, _ threshold: Int?) -> Double {
            let values = (threshold.map { [recall[area][$0]] } ?? recall[area]).filter { $0 > -1 }
            return values.isEmpty ? -1 : values.reduce(0, +) / Double(values.count)
        }
        switch iouType {
        case .keypoints:
            return [ap(0, nil), ap(0, 0), ap(0, 5), ap(1, nil), ap(2, nil), ar(0, nil), ar(0, 0), ar(0, 5), ar(1, nil), ar(2, nil)]
        case .keypointsCrowd:
            return [ap(0, nil), ap(0, 0), ap(0, 5), ar(0, nil), ar(0, 0), ar(0, 5)] + crowdSplitAP(prepared)
        }
    }

    /// xtcocotools' `get_type_result(first=0.2, second=0.8)`: per split, the plain mean of area
    /// 'all''s precision, −1 entries included (an empty split is all −1), rounded to 4 places.
    func crowdSplitAP(_ prepared: [Int: ([Detection], [[Double]])]) -> [Double] {
        let easy = imageIds.filter { crowdIndex[$0]! < 0.2 }
        let medium = imageIds.filter { crowdIndex[$0]! >= 0.2 && crowdIndex[$0]! < 0.8 }
        let hard = imageIds.filter { crowdIndex[$0]! >= 0.8 }
        return [easy, medium, hard].map { ids in
            let values = accumulate(imageIds: ids, prepared: prepared).precision[0].flatMap { $0 }
            let mean = values.reduce(0, +) / Double(values.count)
            // Python's round(x, 4): correctly rounded from the binary value, as printf rounds
            return Double(String(format: "%.4f", mean))!
        }
    }
}
