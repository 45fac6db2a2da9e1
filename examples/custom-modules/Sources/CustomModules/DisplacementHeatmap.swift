import Foundation
import SwiftPose

extension FieldKey {
    /// `2K × h × w` displacement fields: at every heatmap pixel, the x (channel `2j`) and y
    /// (channel `2j + 1`) offset to keypoint `j`, in heatmap pixels. Targets of
    /// `DisplacementHeatmap`, predictions of `DisplacementHead`. Under a flip test the maps are
    /// mirrored, keypoints swapped and x offsets negated (a mirror turns left into right).
    public static let displacements = FieldKey("displacements", flip: .keypointMaps(perKeypoint: 2, negating: [0]))

    /// `K × h × w` weights of the displacement loss: 1 within `radius` heatmap pixels of a
    /// keypoint that has weight, 0 elsewhere. Targets only (never predicted, so no flip rule).
    public static let displacementWeights = FieldKey("displacement_weights")
}

/// `dict(type='DisplacementHeatmap', input_size, heatmap_size, sigma, radius=2)`: MSRA heatmaps
/// (SwiftPose's `MSRAHeatmap`) plus dense displacement fields to each keypoint's exact position,
/// so decoding refines the arg-max pixel by the predicted offset there (as bottom-up DEKR
/// refines with its displacements). Makes `.heatmaps` (`K × h × w`), `.displacements`
/// (`2K × h × w`), `.displacementWeights` (`K × h × w`) and `.keypointWeights` (`K`).
public struct DisplacementHeatmap: KeypointCodec {
    public var heatmap: MSRAHeatmap
    /// Pixels (heatmap) around each keypoint whose displacements are trained.
    public var radius: Double

    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double, radius: Double = 2) {
        heatmap = MSRAHeatmap(inputSize: inputSize, heatmapSize: heatmapSize, sigma: sigma)
        self.radius = radius
    }

    public var inputSize: (Int, Int) { heatmap.inputSize }
    var stride: (Double, Double) {
        (Double(inputSize.0) / Double(heatmap.heatmapSize.0), Double(inputSize.1) / Double(heatmap.heatmapSize.1))
    }

    public func targetShapes(keypoints k: Int) -> [FieldKey: [Int]] {
        let (w, h) = heatmap.heatmapSize
        return [.heatmaps: [k, h, w], .displacements: [2 * k, h, w], .displacementWeights: [k, h, w], .keypointWeights: [k]]
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var out = heatmap.encode(keypoints: keypoints, visible: visible)
        let (w, h) = heatmap.heatmapSize, k = visible.count
        var displacements = [Float](repeating: 0, count: 2 * k * h * w), weights = [Float](repeating: 0, count: k * h * w)
        for j in 0..<k where out.weights[j] > 0 {
            let kx = keypoints[2 * j] / stride.0, ky = keypoints[2 * j + 1] / stride.1
            for y in 0..<h { for x in 0..<w {
                let (dx, dy) = (kx - Double(x), ky - Double(y))
                displacements[(2 * j) * h * w + y * w + x] = Float(dx)
                displacements[(2 * j + 1) * h * w + y * w + x] = Float(dy)
                if dx * dx + dy * dy <= radius * radius { weights[j * h * w + y * w + x] = 1 }
            } }
        }
        out[.displacements] = SampleField(displacements, shape: [2 * k, h, w])
        out[.displacementWeights] = SampleField(weights, shape: [k, h, w])
        return out
    }

    /// The arg-max pixel of each heatmap, moved by the displacement predicted there; scored by
    /// the heatmap's maximum.
    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        guard let maps = output.heatmaps, let fields = output[.displacements], maps.shape.count == 4 else {
            throw DatasetError("DisplacementHeatmap decodes heatmaps and displacements; use DisplacementHead")
        }
        let (k, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        guard (w, h) == heatmap.heatmapSize, fields.shape == [maps.shape[0], 2 * k, h, w] else {
            throw DatasetError("DisplacementHeatmap decodes \(heatmap.heatmapSize.0)x\(heatmap.heatmapSize.1) maps, 2 displacements per keypoint; the head gave heatmaps \(maps.shape) and displacements \(fields.shape)")
        }
        var points = [Double](repeating: 0, count: 2 * k), scores = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let plane = maps.data + (index * k + j) * h * w
            var best = 0
            for p in 1..<(h * w) where plane[p] > plane[best] { best = p }
            let dx = fields.data + (index * 2 * k + 2 * j) * h * w, dy = dx + h * w
            points[2 * j] = (Double(best % w) + Double(dx[best])) * stride.0
            points[2 * j + 1] = (Double(best / w) + Double(dy[best])) * stride.1
            scores[j] = Double(plane[best])
        }
        return (points, scores)
    }
}
