import Foundation
import PoseTensor

/// MMPose's `AssociativeEmbedding` codec (Newell et al., 2017): keypoints as Gaussian heatmaps,
/// people told apart by predicted tag maps. Decoding takes each keypoint's top candidates after a
/// heatmap NMS, groups them by their tags with the Munkres assignment, keypoint by keypoint in
/// `keypointOrder`, nudges each a quarter pixel towards the higher neighbour, and fills the
/// keypoints a person lacks from the heatmap where its tag fits best, all as MMPose computes it
/// (float32 tags and costs, numpy's rounding, munkres' tie-breaking).
///
/// `encode` makes one person's heatmap (MMPose's `generate_gaussian_heatmaps`) and keypoint
/// weights; the several-person targets of bottom-up training (`keypoint_indices` for the tag
/// loss) are not built yet.
public struct AssociativeEmbedding: BottomupCodec {
    /// (width, height) of the network input.
    public var inputSize: (Int, Int)
    /// (width, height) of the heatmaps the decoder reads (the input size when the head's
    /// `test_cfg.restore_heatmap_size` resizes them back).
    public var heatmapSize: (Int, Int)
    /// The Gaussian's sigma in heatmap pixels (MMPose's default `sqrt(W·H)/64`).
    public var sigma: Double
    /// MMPose's `decode_keypoint_order`: the order keypoints join groups (empty: 0, 1, …).
    public var keypointOrder: [Int] = []
    /// `decode_nms_kernel`: the odd max-pooling window of the heatmap NMS.
    public var nmsKernel = 5
    /// `decode_keypoint_thr`: candidates at or below this response are dropped.
    public var keypointThreshold: Float = 0.1
    /// `decode_tag_thr`: a candidate farther than this from every group's mean tag starts a group.
    public var tagThreshold: Float = 1
    /// `decode_topk`: candidates per keypoint.
    public var topk = 30
    /// `decode_center_shift`: added to found keypoints' coordinates after refinement.
    public var centerShift: Double = 0
    /// `decode_max_instances`: the first groups kept (nil: all).
    public var maxInstances: Int?

    /// A codec with MMPose's decoding defaults (`decode_*`: NMS kernel 5, keypoint threshold 0.1,
    /// tag threshold 1, top 30, no centre shift, every group).
    /// - Parameters:
    ///   - inputSize: (width, height) of the network input.
    ///   - heatmapSize: (width, height) of the heatmaps.
    ///   - sigma: the Gaussian's sigma; nil for MMPose's `sqrt(W·H)/64`.
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double? = nil) {
        self.inputSize = inputSize; self.heatmapSize = heatmapSize
        self.sigma = sigma ?? (Double(heatmapSize.0) * Double(heatmapSize.1)).squareRoot() / 64
    }

    /// MMPose's `scale_factor`: input pixels per heatmap pixel, in float32.
    public var scaleFactor: (Double, Double) {
        (Double(Float(inputSize.0) / Float(heatmapSize.0)), Double(Float(inputSize.1) / Float(heatmapSize.1)))
    }

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        [.heatmaps: [keypoints, heatmapSize.1, heatmapSize.0], .keypointWeights: [keypoints]]
    }

    /// One person's `K × H × W` Gaussian heatmaps and `K` weights (keypoints in input pixels).
    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        MSRAHeatmap(inputSize: inputSize, heatmapSize: heatmapSize, sigma: sigma).encode(keypoints: keypoints, visible: visible)
    }

    /// Several persons' heatmaps (the maximum of each person's Gaussians) and keypoint weights
    /// (1 where any person's keypoint is visible and on the map). The tag loss's
    /// `keypoint_indices` are not made yet.
    public func encode(keypoints: [Double], visible: [Double], persons n: Int) -> EncodedKeypoints {
        let k = visible.count / max(n, 1), codec = MSRAHeatmap(inputSize: inputSize, heatmapSize: heatmapSize, sigma: sigma)
        var maps = [Float](repeating: 0, count: k * heatmapSize.0 * heatmapSize.1), weights = [Float](repeating: 0, count: k)
        for p in 0..<n {
            let one = codec.encode(keypoints: Array(keypoints[(2 * k * p)..<(2 * k * (p + 1))]), visible: Array(visible[(k * p)..<(k * (p + 1))]))
            for i in maps.indices { maps[i] = max(maps[i], one.heatmaps[i]) }
            for j in 0..<k { weights[j] = max(weights[j], one.weights[j]) }
        }
        var out = EncodedKeypoints(weights: weights)
        out[.heatmaps] = SampleField(maps, shape: [k, heatmapSize.1, heatmapSize.0])
        return out
    }

    /// Every person of sample `index`: `.heatmaps` `N × K × H × W` and `.tags` `N × L·K × H × W`,
    /// read at their own size (with `restore_heatmap_size` each image's input size) and scaled
    /// by `scaleFactor`, as MMPose's decoder does.
    public func decodePersons(_ output: HeadOutput, at index: Int) throws -> [DecodedPerson] {
        guard let maps = output.heatmaps, maps.shape.count == 4, let tagMaps = output[.tags], tagMaps.shape.count == 4 else {
            throw DatasetError("AssociativeEmbedding decodes heatmaps and tag maps; the head predicted \(output.fields.keys.map(\.name)): use an AssociativeEmbeddingHead")
        }
        let (k, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        guard tagMaps.shape[2] == h, tagMaps.shape[3] == w, tagMaps.shape[1] % k == 0, tagMaps.shape[1] > 0 else {
            throw DatasetError("AssociativeEmbedding needs L·\(k) tag maps of \(w)x\(h), the head gives \(tagMaps.shape.dropFirst())")
        }
        let order = keypointOrder.isEmpty ? Array(0..<k) : keypointOrder
        guard order.count == k, Set(order) == Set(0..<k) else {
            throw DatasetError("AssociativeEmbedding's decode_keypoint_order \(keypointOrder) must list each of the head's \(k) keypoints once")
        }
        let l = tagMaps.shape[1] / k
        let heat = UnsafePointer(maps.data + index * k * h * w), tags = UnsafePointer(tagMaps.data + index * l * k * h * w)
        return decode(heatmaps: heat, tags: tags, size: (w, h), keypoints: k, tagDimension: l, order: order)
    }

    struct Candidate { var x: Float; var y: Float; var value: Float; var tag: [Float] }

    func decode(heatmaps heat: UnsafePointer<Float>, tags: UnsafePointer<Float>, size: (Int, Int), keypoints k: Int, tagDimension l: Int,
                order: [Int]) -> [DecodedPerson] {
        let (w, h) = size, plane = w * h
        let candidates = (0..<k).map { topCandidates(heat + $0 * plane, tags: tags, size: size, keypoint: $0, keypoints: k, tagDimension: l) }
        let groups = group(candidates, order: order, keypoints: k, tagDimension: l)
        // per group: x, y, score per keypoint (float32, as the grouped arrays are)
        var people: [DecodedPerson] = []
        for g in groups {
            var xy = [Float](repeating: 0, count: 2 * k), scores = [Float](repeating: 0, count: k)
            for j in 0..<k { (xy[2 * j], xy[2 * j + 1], scores[j]) = (g[j].x, g[j].y, g[j].value) }
            let instanceScore = Double(scores.reduce(0, +)) / Double(k)
            refine(&xy, heat: heat, size: size, keypoints: k)
            for j in 0..<k where scores[j] > 0 {
                xy[2 * j] += Float(centerShift); xy[2 * j + 1] += Float(centerShift)
            }
            fillMissing(&xy, &scores, heat: heat, tags: tags, size: size, keypoints: k, tagDimension: l)
            let (sx, sy) = scaleFactor
            var points = [Double](repeating: 0, count: 2 * k)
            for j in 0..<k { points[2 * j] = Double(xy[2 * j]) * sx; points[2 * j + 1] = Double(xy[2 * j + 1]) * sy }
            people.append(DecodedPerson(keypoints: points, scores: scores.map(Double.init), score: instanceScore))
        }
        return people
    }

    /// The `topk` largest responses of one map after the NMS (a max-pool of `nmsKernel` keeps
    /// only local maxima), largest first, ties by position, with their tags; only those above
    /// `keypointThreshold`, as grouping drops the rest.
    func topCandidates(_ map: UnsafePointer<Float>, tags: UnsafePointer<Float>, size: (Int, Int), keypoint j: Int, keypoints k: Int,
                       tagDimension l: Int) -> [Candidate] {
        let (w, h) = size
        let top = HeatmapPeaks.top(map, width: w, height: h, kernel: nmsKernel, threshold: keypointThreshold, limit: topk)
        return top.map { p in
            Candidate(x: Float(p.index % w), y: Float(p.index / w), value: p.value,
                      tag: (0..<l).map { tags[($0 * k + j) * w * h + p.index] })
        }
    }

    /// MMPose's `_group_keypoints_by_tags`: groups in creation order (a dict keyed by the first
    /// tag value of the candidate that started each), each `K` candidates (value 0 where absent).
    func group(_ candidates: [[Candidate]], order: [Int], keypoints k: Int, tagDimension l: Int) -> [[Candidate]] {
        let empty = Candidate(x: 0, y: 0, value: 0, tag: [Float](repeating: 0, count: l))
        var keys: [Float] = [], joints: [Float: [Candidate]] = [:], tagLists: [Float: [[Float]]] = [:]
        func start(_ c: Candidate, keypoint j: Int) {
            let key = c.tag[0]
            if joints[key] == nil { keys.append(key); joints[key] = [Candidate](repeating: empty, count: k) }
            joints[key]![j] = c
            tagLists[key] = [c.tag]
        }
        for (i, j) in order.enumerated() {
            let added = candidates[j]
            if added.isEmpty { continue }
            if i == 0 || joints.isEmpty {
                for c in added { start(c, keypoint: j) }
                continue
            }
            let grouped = keys
            let means: [[Float]] = grouped.map { key in
                let list = tagLists[key]!
                return (0..<l).map { d in list.reduce(Float(0)) { $0 + $1[d] } / Float(list.count) }
            }
            var distances = [[Float]](), costs = [[Float]]()
            for c in added {
                let row = means.map { m -> Float in
                    var s: Float = 0
                    for d in 0..<l { let diff = c.tag[d] - m[d]; s += diff * diff }
                    return s.squareRoot()
                }
                distances.append(row)
                var cost = row.map { $0.rounded(.toNearestOrEven) * 100 - c.value }
                if added.count > grouped.count { cost += [Float](repeating: 1e10, count: added.count - grouped.count) }
                costs.append(cost)
            }
            for (row, column) in Munkres.assign(costs) {
                if column < grouped.count && distances[row][column] < tagThreshold {
                    let key = grouped[column]
                    joints[key]![j] = added[row]
                    tagLists[key]!.append(added[row].tag)
                } else {
                    start(added[row], keypoint: j)
                }
            }
        }
        return keys.prefix(maxInstances ?? keys.count).map { joints[$0]! }
    }

    /// MMPose's `refine_keypoints`: a quarter pixel towards the higher neighbour, on the integer
    /// part of each coordinate (missing keypoints included, as MMPose does).
    func refine(_ xy: inout [Float], heat: UnsafePointer<Float>, size: (Int, Int), keypoints k: Int) {
        let (w, h) = size
        for j in 0..<k {
            let x = Int(xy[2 * j]), y = Int(xy[2 * j + 1])
            let map = heat + j * w * h
            var dx: Float = 0, dy: Float = 0
            if 1 < x && x < w - 1 && 0 < y && y < h { dx = map[y * w + x + 1] - map[y * w + x - 1] }
            if 1 < y && y < h - 1 && 0 < x && x < w { dy = map[(y + 1) * w + x] - map[(y - 1) * w + x] }
            xy[2 * j] += sign(dx) * 0.25
            xy[2 * j + 1] += sign(dy) * 0.25
        }
    }

    private func sign(_ v: Float) -> Float { v > 0 ? 1 : v < 0 ? -1 : 0 }

    /// MMPose's `_fill_missing_keypoints`: each missing keypoint goes where the rounded distance
    /// to the person's mean tag, times 100, minus the response is smallest.
    func fillMissing(_ xy: inout [Float], _ scores: inout [Float], heat: UnsafePointer<Float>, tags: UnsafePointer<Float>,
                     size: (Int, Int), keypoints k: Int, tagDimension l: Int) {
        let (w, h) = size, plane = w * h
        var found: [[Float]] = []
        for j in 0..<k where scores[j] > 0 {
            let x = min(max(Int(xy[2 * j]), 0), w - 1), y = min(max(Int(xy[2 * j + 1]), 0), h - 1)
            found.append((0..<l).map { tags[($0 * k + j) * plane + y * w + x] })
        }
        // numpy's mean of no tags is NaN: every cost is NaN and argmin takes the first position
        let mean: [Float] = (0..<l).map { d in found.isEmpty ? .nan : found.reduce(Float(0)) { $0 + $1[d] } / Float(found.count) }
        for j in 0..<k where scores[j] <= 0 {
            let map = heat + j * plane
            var best = 0, bestCost = Float.infinity
            for p in 0..<plane {
                var s: Float = 0
                for d in 0..<l { let diff = tags[(d * k + j) * plane + p] - mean[d]; s += diff * diff }
                let cost = s.squareRoot().rounded(.toNearestOrEven) * 100 - map[p]
                if cost.isNaN { best = p; break }
                if cost < bestCost { bestCost = cost; best = p }
            }
            xy[2 * j] = Float(best % w); xy[2 * j + 1] = Float(best / w)
            scores[j] = map[best]
        }
    }
}
