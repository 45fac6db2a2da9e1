import Foundation
import PoseTensor

/// MMPose's `MlvlPointGenerator`: the grid point of cell (x, y) on a level of stride s is
/// `((x + offset) · s, (y + offset) · s)`, shifted by `(s − 1) / 2` with `centralize_points`
/// (which sets the offset to 0).
public struct PriorGenerator: Sendable, Equatable {
    /// `strides`, one per level.
    public var strides: [Int]
    /// `offset` (0.5).
    public var offset: Float = 0.5
    /// `centralize_points` (false).
    public var centralizePoints = false

    /// A generator with MMPose's defaults for the given strides.
    public init(strides: [Int]) { self.strides = strides }

    /// The grid point of cell (x, y) on `level`, in input pixels.
    func point(x: Int, y: Int, level: Int) -> (Float, Float) {
        let s = Float(strides[level])
        let o: Float = centralizePoints ? 0 : offset
        let shift: Float = centralizePoints ? (s - 1) / 2 : 0
        return ((Float(x) + o) * s + shift, (Float(y) + o) * s + shift)
    }
}

/// A grid point that scored above the threshold: its score, decoded box (x1, y1, x2, y2 in
/// input pixels), grid point, level and index in the level's row-major flattening.
struct DetectionCandidate {
    var score: Float
    var box: (Float, Float, Float, Float)
    var grid: (Float, Float)
    var level: Int
    var index: Int
}

/// The steps of MMPose's `YOLOXPoseHead.predict` that `RTMOHead` shares.
enum OneStageDecoding {
    /// `decode_bbox`: centre `xy · stride + prior`, size `e^wh · stride`, as corners.
    static func box(_ p: (Float, Float, Float, Float), stride: Float, prior: (Float, Float)) -> (Float, Float, Float, Float) {
        let (cx, cy) = (p.0 * stride + prior.0, p.1 * stride + prior.1)
        let (w, h) = (expf(p.2) * stride, expf(p.3) * stride)
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    }

    /// The grid points of image `b` scoring above `threshold`, over every level in MMPose's
    /// flattening order (levels in turn, each row-major), with their decoded boxes.
    /// - Parameters:
    ///   - boxes: each level's box regressions, `N × 4 × H × W`.
    ///   - score: the score of the point at a level's flat index (class, or class × objectness).
    static func candidates(image b: Int, boxes: [Tensor], priors: PriorGenerator, threshold: Float,
                           score: (_ level: Int, _ index: Int) -> Float) -> [DetectionCandidate] {
        var found: [DetectionCandidate] = []
        for (level, box) in boxes.enumerated() {
            let (h, w) = (box.shape[2], box.shape[3])
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * w + x, s = score(level, p)
                    guard s > threshold else { continue }
                    let grid = priors.point(x: x, y: y, level: level)
                    let value = { (i: Int) in box.data[(b * 4 + i) * h * w + p] }
                    let decoded = Self.box((value(0), value(1), value(2), value(3)), stride: Float(priors.strides[level]), prior: grid)
                    found.append(DetectionCandidate(score: s, box: decoded, grid: grid, level: level, index: p))
                }
            }
        }
        return found
    }

    /// The sigmoid of a logit.
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// `filter_scores_and_topk` then `nms_torch`: candidates ranked by score (ties in grid
    /// order), at most `nmsPre`, then box NMS at `nmsThreshold` (none at 1 or above).
    static func select(_ candidates: [DetectionCandidate], nmsPre: Int, nmsThreshold: Float) -> [DetectionCandidate] {
        let ranked = candidates.indices.sorted {
            candidates[$0].score > candidates[$1].score || (candidates[$0].score == candidates[$1].score && $0 < $1)
        }.prefix(nmsPre).map { candidates[$0] }
        guard nmsThreshold < 1 else { return ranked }
        return nms(ranked.map(\.box), threshold: nmsThreshold).map { ranked[$0] }
    }

    /// MMPose's `nms_torch` on boxes already ranked by score: the indices kept, best first. A
    /// box is dropped when its IoU (union floored at 1e-6, as `bbox_overlaps`) with a kept one
    /// exceeds `threshold`.
    static func nms(_ boxes: [(Float, Float, Float, Float)], threshold: Float) -> [Int] {
        var remaining = Array(boxes.indices), kept: [Int] = []
        while let first = remaining.first {
            kept.append(first)
            remaining = remaining.dropFirst().filter { !(iou(boxes[first], boxes[$0]) > threshold) }
        }
        return kept
    }

    /// mmpose's `bbox_overlaps` IoU of two boxes (x1, y1, x2, y2; union floored at 1e-6), in
    /// float32 as MMPose computes it.
    static func iou(_ a: (Float, Float, Float, Float), _ b: (Float, Float, Float, Float)) -> Float {
        let w = max(min(a.2, b.2) - max(a.0, b.0), 0), h = max(min(a.3, b.3) - max(a.1, b.1), 0)
        let overlap = w * h
        let union = (a.2 - a.0) * (a.3 - a.1) + (b.2 - b.0) * (b.3 - b.1) - overlap
        return overlap / max(union, 1e-6)
    }

    /// The box clipped to the network input, as MMPose's heads clamp their results.
    static func clipped(_ box: (Float, Float, Float, Float), inputSize: (Int, Int)) -> [Double] {
        let (w, h) = (Float(inputSize.0), Float(inputSize.1))
        return [min(max(box.0, 0), w), min(max(box.1, 0), h), min(max(box.2, 0), w), min(max(box.3, 0), h)].map(Double.init)
    }
}
