import Foundation
import PoseTensor

/// MMPose's `DecoupledHeatmap` codec (CID): the coupled heatmaps of every keypoint and person
/// root, with each person's own Gaussian sigma (from its box, CornerNet's radius for
/// `heatmap_min_overlap`), and, decoded, one set of `K` heatmaps per person instance: each
/// keypoint at its map's maximum, moved a quarter pixel towards the higher neighbour (MMPose's
/// `get_heatmap_maximum` and `refine_keypoints`), scaled to the input, its score times the
/// instance's.
///
/// `encode(keypoints:visible:persons:)` makes the coupled heatmaps (`K + 1` channels) and their
/// weights; the per-instance heatmaps and root coordinates of CID's training (a ragged number of
/// instances, roots jittered at random) are not made yet, so CID cannot train.
public struct DecoupledHeatmap: BottomupCodec {
    /// (width, height) of the network input.
    public var inputSize: (Int, Int)
    /// (width, height) of the heatmaps.
    public var heatmapSize: (Int, Int)
    /// `heatmap_min_overlap`.
    public var heatmapMinOverlap = 0.7
    /// `encode_max_instances`.
    public var encodeMaxInstances = 30

    /// A codec with MMPose's defaults (`root_type='kpt_center'`, `heatmap_min_overlap=0.7`).
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int)) {
        self.inputSize = inputSize; self.heatmapSize = heatmapSize
    }

    /// Input pixels per heatmap pixel, in float32.
    public var scaleFactor: (Float, Float) { (Float(inputSize.0) / Float(heatmapSize.0), Float(inputSize.1) / Float(heatmapSize.1)) }

    public func targetShapes(keypoints k: Int) -> [FieldKey: [Int]] {
        [.heatmaps: [k + 1, heatmapSize.1, heatmapSize.0], .keypointWeights: [k + 1]]
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        encode(keypoints: keypoints, visible: visible, persons: 1)
    }

    /// The coupled heatmaps `(K + 1) × H × W` (keypoints, then roots; each person's sigma from
    /// its keypoints' box) and `K + 1` weights.
    public func encode(keypoints: [Double], visible: [Double], persons n: Int) -> EncodedKeypoints {
        let k = visible.count / max(n, 1), (w, h) = heatmapSize
        let (sx, sy) = scaleFactor
        var maps = [Float](repeating: 0, count: (k + 1) * w * h), weights = [Float](repeating: 0, count: k + 1)
        for p in 0..<n {
            let points = (0..<k).map { (Float(keypoints[2 * (p * k + $0)]) / sx, Float(keypoints[2 * (p * k + $0) + 1]) / sy) }
            let shown = (0..<k).filter { visible[p * k + $0] > 0 }.map { points[$0] }
            var root: (Float, Float) = (0, 0), rootVisible = 0.0
            var sigma: Float = 0
            if !shown.isEmpty {
                root = (shown.reduce(Float(0)) { $0 + $1.0 } / Float(shown.count), shown.reduce(Float(0)) { $0 + $1.1 } / Float(shown.count))
                rootVisible = 1
                let (bw, bh) = (Double(shown.map(\.0).max()! - shown.map(\.0).min()!), Double(shown.map(\.1).max()! - shown.map(\.1).min()!))
                sigma = Float(DecoupledHeatmap.sigma(width: bw, height: bh, overlap: heatmapMinOverlap))
            }
            let xy = points.flatMap { [Double($0.0), Double($0.1)] } + [Double(root.0), Double(root.1)]
            let one = MSRAHeatmap(inputSize: heatmapSize, heatmapSize: heatmapSize, sigma: Double(sigma))
                .encode(keypoints: xy, visible: (0..<k).map { visible[p * k + $0] } + [rootVisible])
            for i in maps.indices { maps[i] = max(maps[i], one.heatmaps[i]) }
            for j in 0...k { weights[j] = max(weights[j], one.weights[j]) }
        }
        var out = EncodedKeypoints(weights: weights)
        out[.heatmaps] = SampleField(maps, shape: [k + 1, h, w])
        return out
    }

    /// MMPose's `_get_instance_wise_sigmas` for a box of `width × height` heatmap pixels: the
    /// smallest of CornerNet's three radii for `overlap`, divided by 3.
    static func sigma(width w: Double, height h: Double, overlap: Double) -> Double {
        let (b1, c1) = (h + w, w * h * (1 - overlap) / (1 + overlap))
        let r1 = (b1 + (b1 * b1 - 4 * c1).squareRoot()) / 2
        let (b2, c2) = (2 * (h + w), (1 - overlap) * w * h)
        let r2 = (b2 + (b2 * b2 - 16 * c2).squareRoot()) / 2
        let (a3, b3, c3) = (4 * overlap, -2 * overlap * (h + w), (overlap - 1) * w * h)
        let r3 = (b3 + (b3 * b3 - 4 * a3 * c3).squareRoot()) / 2
        return min(r1, r2, r3) / 3
    }

    /// The people of sample `index`: `.instanceHeatmaps` `N_i × K × h × w` (every instance of the
    /// batch, in order) with `.instanceScores` `N_i` and `.instanceImages` `N_i` (the sample each
    /// belongs to). Keypoints in input pixels as MMPose's decoder and `CIDHead` leave them: the
    /// map maximum, refined, times `scaleFactor`, plus half an input-to-map step.
    public func decodePersons(_ output: HeadOutput, at index: Int) throws -> [DecodedPerson] {
        guard let maps = output[.instanceHeatmaps], maps.shape.count == 4, let scores = output[.instanceScores],
              let images = output[.instanceImages], scores.count == maps.shape[0], images.count == maps.shape[0] else {
            throw DatasetError("DecoupledHeatmap decodes instance heatmaps with their scores; the head predicted \(output.fields.keys.map(\.name)): use a CIDHead")
        }
        let (k, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        let (sx, sy) = scaleFactor
        return (0..<maps.shape[0]).filter { Int(images[$0]) == index }.map { i in
            let base = maps.data + i * k * h * w
            var points = [Double](repeating: 0, count: 2 * k), values = [Double](repeating: 0, count: k)
            for j in 0..<k {
                let map = base + j * h * w
                var best = 0
                for p in 1..<(w * h) where map[p] > map[best] { best = p }
                var (x, y) = (Float(best % w), Float(best / w))
                if map[best] <= 0 { (x, y) = (-1, -1) }
                let (ix, iy) = (Int(x), Int(y))
                if 1 < ix && ix < w - 1 && 0 < iy && iy < h {
                    let d = map[iy * w + ix + 1] - map[iy * w + ix - 1]
                    x += d > 0 ? 0.25 : d < 0 ? -0.25 : 0
                }
                if 1 < iy && iy < h - 1 && 0 < ix && ix < w {
                    let d = map[(iy + 1) * w + ix] - map[(iy - 1) * w + ix]
                    y += d > 0 ? 0.25 : d < 0 ? -0.25 : 0
                }
                points[2 * j] = Double(x * sx); points[2 * j + 1] = Double(y * sy)
                values[j] = Double(map[best] * scores[i])
            }
            return DecodedPerson(keypoints: points, scores: values, score: 1)
        }
    }
}

extension FieldKey {
    /// CID's per-instance keypoint heatmaps, `N_i × K × h × w` over a batch's instances.
    public static let instanceHeatmaps = FieldKey("instance_heatmaps")
    /// The instances' root scores, `N_i`.
    public static let instanceScores = FieldKey("instance_scores")
    /// The batch sample each instance belongs to, `N_i`.
    public static let instanceImages = FieldKey("instance_imgids")
}
