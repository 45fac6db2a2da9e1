import Foundation
import PoseTensor

/// MMPose's `SPR` codec (DEKR's structured pose representation): a root (person centre) heatmap,
/// optionally `K` keypoint heatmaps before it, and per-pixel displacements from a root to each
/// keypoint. Decoding takes the root heatmap's NMS peaks above `decodeThreshold` (at most
/// `maxInstances`), reads each person's keypoints from the displacements at its root, and the
/// keypoint scores from the keypoint heatmaps by `grid_sample` (bilinear, border padding), as
/// MMPose computes them in float32.
///
/// `encode(keypoints:visible:persons:)` makes the training targets of several persons:
/// heatmaps `(K + 1) × H × W` (keypoints, then roots) and their weights, displacements `2K × H × W`
/// and their weights (MMPose's `get_instance_root`, `get_diagonal_lengths`,
/// `generate_displacement_heatmap`).
public struct SPR: BottomupCodec {
    /// (width, height) of the network input.
    public var inputSize: (Int, Int)
    /// (width, height) of the heatmaps.
    public var heatmapSize: (Int, Int)
    /// Sigma of the root heatmaps and (with keypoint heatmaps) of the keypoint heatmaps.
    public var sigma: (root: Double, keypoint: Double)
    /// `generate_keypoint_heatmaps`: keypoint heatmaps precede the root heatmap.
    public var generateKeypointHeatmaps: Bool
    /// `minimal_diagonal_length`: persons whose visible keypoints span less get no root.
    public var minimalDiagonalLength: Double = 5
    /// `background_weight` of the heatmap and displacement targets.
    public var backgroundWeight: Float = 0.1
    /// `decode_nms_kernel`.
    public var nmsKernel = 5
    /// `decode_max_instances`.
    public var maxInstances = 30
    /// `decode_thr`: roots at or below it are dropped.
    public var decodeThreshold: Float = 0.01

    /// A codec with MMPose's defaults for the decoding settings.
    /// - Parameters:
    ///   - inputSize: (width, height) of the network input.
    ///   - heatmapSize: (width, height) of the heatmaps.
    ///   - sigma: root and keypoint sigmas; nil for MMPose's `sqrt(W·H)/32` (and its floor half).
    ///   - generateKeypointHeatmaps: `generate_keypoint_heatmaps`.
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: (root: Double, keypoint: Double)? = nil,
                generateKeypointHeatmaps: Bool = false) {
        self.inputSize = inputSize; self.heatmapSize = heatmapSize; self.generateKeypointHeatmaps = generateKeypointHeatmaps
        let s = (Double(heatmapSize.0) * Double(heatmapSize.1)).squareRoot() / 32
        self.sigma = sigma ?? (s, (s / 2).rounded(.down))
    }

    /// Input pixels per heatmap pixel, in float32.
    public var scaleFactor: (Float, Float) { (Float(inputSize.0) / Float(heatmapSize.0), Float(inputSize.1) / Float(heatmapSize.1)) }

    public func targetShapes(keypoints k: Int) -> [FieldKey: [Int]] {
        let (w, h) = heatmapSize, maps = generateKeypointHeatmaps ? k + 1 : 1
        return [.heatmaps: [maps, h, w], .heatmapWeights: [maps, h, w], .rootDisplacements: [2 * k, h, w],
                .rootDisplacementWeights: [2 * k, h, w], .keypointWeights: [k]]
    }

    /// One person's targets (`encode(keypoints:visible:persons:)` with one person).
    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        encode(keypoints: keypoints, visible: visible, persons: 1)
    }

    /// The targets of `persons` persons, `K` keypoints each, one after another, in input pixels.
    public func encode(keypoints: [Double], visible: [Double], persons n: Int) -> EncodedKeypoints {
        precondition(n > 0 && visible.count % n == 0 && keypoints.count == 2 * visible.count, "SPR.encode: \(keypoints.count / 2) keypoints for \(n) persons")
        let k = visible.count / n, (w, h) = heatmapSize, plane = w * h
        let (sx, sy) = scaleFactor
        // heatmap-pixel keypoints, float32 as MMPose's arrays
        let points = (0..<(k * n)).map { (Float(keypoints[2 * $0]) / sx, Float(keypoints[2 * $0 + 1]) / sy) }
        var roots = [(Float, Float)](repeating: (0, 0), count: n), rootVisible = [Float](repeating: 0, count: n)
        var diagonals = [Float](repeating: 0, count: n)
        for p in 0..<n {
            let shown = (0..<k).filter { visible[p * k + $0] > 0 }.map { points[p * k + $0] }
            guard !shown.isEmpty else { continue }
            // numpy's float32 mean over the visible keypoints
            roots[p] = (shown.reduce(Float(0)) { $0 + $1.0 } / Float(shown.count), shown.reduce(Float(0)) { $0 + $1.1 } / Float(shown.count))
            rootVisible[p] = 1
            let (x0, x1) = (shown.map(\.0).min()!, shown.map(\.0).max()!), (y0, y1) = (shown.map(\.1).min()!, shown.map(\.1).max()!)
            diagonals[p] = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
            if Double(diagonals[p]) < minimalDiagonalLength { rootVisible[p] = 0 }
        }
        func gaussians(_ centres: [(Float, Float)], _ shown: [Float], channels: Int, sigma: Double) -> [Float] {
            var maps = [Float](repeating: 0, count: channels * plane)
            let codec = MSRAHeatmap(inputSize: heatmapSize, heatmapSize: heatmapSize, sigma: sigma)
            for p in 0..<(centres.count / channels) {
                let xy = (0..<channels).flatMap { [Double(centres[p * channels + $0].0), Double(centres[p * channels + $0].1)] }
                let one = codec.encode(keypoints: xy, visible: (0..<channels).map { Double(shown[p * channels + $0]) }).heatmaps
                for i in 0..<maps.count { maps[i] = max(maps[i], one[i]) }
            }
            return maps
        }
        var heatmaps = gaussians(roots, rootVisible, channels: 1, sigma: sigma.root)
        if generateKeypointHeatmaps {
            heatmaps = gaussians(points, visible.map(Float.init), channels: k, sigma: sigma.keypoint) + heatmaps
        }
        let heatmapWeights = heatmaps.map { $0 > 0 ? 1 : backgroundWeight }
        var displacements = [Float](repeating: 0, count: 2 * k * plane), displacementWeights = displacements
        var sizes = [Float](repeating: 0, count: plane)
        let radius = Float(sigma.root)
        for p in 0..<n {
            let (rx, ry) = roots[p]
            if rootVisible[p] < 1 || rx < 0 || ry < 0 || rx >= Float(w) || ry >= Float(h) { continue }
            for j in 0..<k {
                let (kx, ky) = points[p * k + j]
                if visible[p * k + j] < 1 || kx < 0 || ky < 0 || kx >= Float(w) || ky >= Float(h) { continue }
                let (x0, y0) = (max(Int(rx - radius), 0), max(Int(ry - radius), 0))
                let (x1, y1) = (min(Int(rx + radius), w), min(Int(ry + radius), h))
                guard x0 < x1, y0 < y1 else { continue }
                for x in x0..<x1 { for y in y0..<y1 {
                    let i = y * w + x
                    if displacements[2 * j * plane + i] != 0 || displacements[(2 * j + 1) * plane + i] != 0, diagonals[p] > sizes[i] { continue }
                    displacementWeights[2 * j * plane + i] = 1 / diagonals[p]; displacementWeights[(2 * j + 1) * plane + i] = 1 / diagonals[p]
                    displacements[2 * j * plane + i] = kx - Float(x); displacements[(2 * j + 1) * plane + i] = ky - Float(y)
                    sizes[i] = diagonals[p]
                } }
            }
        }
        let maps = generateKeypointHeatmaps ? k + 1 : 1
        var out = EncodedKeypoints(weights: (0..<k).map { j in (0..<n).contains { visible[$0 * k + j] > 0 } ? 1 : 0 })
        out[.heatmaps] = SampleField(heatmaps, shape: [maps, h, w])
        out[.heatmapWeights] = SampleField(heatmapWeights, shape: [maps, h, w])
        out[.rootDisplacements] = SampleField(displacements, shape: [2 * k, h, w])
        out[.rootDisplacementWeights] = SampleField(displacementWeights, shape: [2 * k, h, w])
        return out
    }

    /// Every root of sample `index`: `.heatmaps` `N × (K+1) × h × w` (or `N × 1 × h × w` without
    /// keypoint heatmaps) and `.rootDisplacements` `N × 2K × h × w`. Each person's `scores` are its
    /// keypoint scores (1 without keypoint heatmaps), its `score` the root's response.
    public func decodePersons(_ output: HeadOutput, at index: Int) throws -> [DecodedPerson] {
        guard let maps = output.heatmaps, maps.shape.count == 4, let field = output[.rootDisplacements], field.shape.count == 4 else {
            throw DatasetError("SPR decodes heatmaps and displacements; the head predicted \(output.fields.keys.map(\.name)): use a DEKRHead")
        }
        let (c, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        guard field.shape[1] % 2 == 0, field.shape[2] == h, field.shape[3] == w else {
            throw DatasetError("SPR needs 2·K displacement maps of \(w)x\(h), the head gives \(field.shape.dropFirst())")
        }
        let k = field.shape[1] / 2, plane = h * w
        let heat = maps.data + index * c * plane, moves = field.data + index * 2 * k * plane
        let roots = peaks(heat + (c - 1) * plane, width: w, height: h)
        let (sx, sy) = scaleFactor
        return roots.map { root in
            let (px, py) = (Float(root.index % w), Float(root.index / w))
            // heatmap-pixel keypoints: the root's position plus its displacements
            let points = (0..<k).map { j in (px + moves[2 * j * plane + root.index], py + moves[(2 * j + 1) * plane + root.index]) }
            let scores: [Float] = generateKeypointHeatmaps && c == k + 1
                ? (0..<k).map { SPR.gridSample(heat + $0 * plane, width: w, height: h, x: points[$0].0, y: points[$0].1) }
                : [Float](repeating: 1, count: k)
            return DecodedPerson(keypoints: points.flatMap { [Double($0.0 * sx), Double($0.1 * sy)] }, scores: scores.map(Double.init),
                                 score: Double(root.value))
        }
    }

    /// The root map's NMS peaks above the threshold, largest first (ties by position), at most
    /// `maxInstances`.
    func peaks(_ map: UnsafePointer<Float>, width w: Int, height h: Int) -> [(index: Int, value: Float)] {
        HeatmapPeaks.top(map, width: w, height: h, kernel: nmsKernel, threshold: decodeThreshold, limit: maxInstances)
    }

    /// PyTorch's `grid_sample(padding_mode='border', align_corners=False)` of one plane at the
    /// heatmap-pixel position (x, y), normalised as MMPose's `get_keypoint_scores` does (by
    /// `size − 1`), all in float32.
    static func gridSample(_ plane: UnsafePointer<Float>, width w: Int, height h: Int, x: Float, y: Float) -> Float {
        // PyTorch's vectorised CPU kernel: fma(g + 1, size / 2, −0.5), then fused weighted sums
        func source(_ coordinate: Float, _ size: Int) -> Float {
            let normalised = coordinate / Float(size - 1) * 2 - 1
            let unnormalised = Float(-0.5).addingProduct(normalised + 1, Float(size) / 2)
            return min(Float(size - 1), max(unnormalised, 0))
        }
        let (ix, iy) = (source(x, w), source(y, h))
        let (x0, y0) = (ix.rounded(.down), iy.rounded(.down))
        let (x1, y1) = (x0 + 1, y0 + 1)
        let (nw, ne) = ((x1 - ix) * (y1 - iy), (ix - x0) * (y1 - iy))
        let (sw, se) = ((x1 - ix) * (iy - y0), (ix - x0) * (iy - y0))
        func value(_ px: Float, _ py: Float) -> Float {
            let (cx, cy) = (Int(px), Int(py))
            return cx >= 0 && cx < w && cy >= 0 && cy < h ? plane[cy * w + cx] : 0
        }
        return (value(x0, y0) * nw).addingProduct(value(x1, y0), ne).addingProduct(value(x0, y1), sw).addingProduct(value(x1, y1), se)
    }
}
