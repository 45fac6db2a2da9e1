import Foundation

/// MMPose's `MSRAHeatmap` codec: integer-centred unnormalised Gaussians (peak 1) on a heatmap
/// `heatmapSize` of the `inputSize` crop, and argmax + quarter-offset decoding.
public struct MSRAHeatmap: KeypointCodec, Equatable {
    /// (width, height) of the network input.
    public var inputSize: (Int, Int)
    /// (width, height) of the heatmaps.
    public var heatmapSize: (Int, Int)
    /// σ of the Gaussians in heatmap pixels (MMPose's `sigma`, 2 in most configs); without
    /// `unbiased` each Gaussian is cut off 3σ from its centre.
    public var sigma: Double
    /// DARK: sub-pixel Gaussian centres and Taylor-expansion decoding.
    public var unbiased: Bool
    /// MMPose's `blur_kernel_size` (default 11): the size of DARK decoding's Gaussian blur (`unbiased` only).
    public var blurKernelSize: Int

    /// MMPose's `MSRAHeatmap(input_size, heatmap_size, sigma, unbiased=False, blur_kernel_size=11)`.
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double, unbiased: Bool = false, blurKernelSize: Int = 11) {
        self.inputSize = inputSize
        self.heatmapSize = heatmapSize
        self.sigma = sigma
        self.unbiased = unbiased
        self.blurKernelSize = blurKernelSize
    }

    /// Whether two codecs have the same settings.
    public static func == (a: MSRAHeatmap, b: MSRAHeatmap) -> Bool {
        a.inputSize == b.inputSize && a.heatmapSize == b.heatmapSize && a.sigma == b.sigma && a.unbiased == b.unbiased
            && a.blurKernelSize == b.blurKernelSize
    }

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        [.heatmaps: [keypoints, heatmapSize.1, heatmapSize.0], .keypointWeights: [keypoints]]
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var maps = [Float](repeating: 0, count: visible.count * heatmapSize.0 * heatmapSize.1)
        let weights = maps.withUnsafeMutableBufferPointer { encode(keypoints: keypoints, visible: visible, heatmaps: $0.baseAddress!) }
        var out = EncodedKeypoints(weights: weights)
        out[.heatmaps] = SampleField(maps, shape: [visible.count, heatmapSize.1, heatmapSize.0])
        return out
    }

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        let (maps, k) = try heatmaps(of: output, at: index)
        return decode(maps, keypoints: k)
    }

    /// Input pixels per heatmap pixel along x and y.
    public var scaleFactor: (Double, Double) {
        (Double(Float(inputSize.0) / Float(heatmapSize.0)), Double(Float(inputSize.1) / Float(heatmapSize.1)))
    }

    /// Writes `K × H × W` heatmaps into `heatmaps` and returns the keypoint weights.
    /// - Parameters:
    ///   - keypoints: `K` (x, y) pairs in input-image pixels.
    ///   - visible: `K` visibilities, the weights; below 0.5 gives an empty map (and weight 0
    ///     for COCO's unlabelled keypoints).
    public func encode(keypoints: [Double], visible: [Double], heatmaps: UnsafeMutablePointer<Float>) -> [Float] {
        let (w, h) = heatmapSize
        let k = visible.count
        heatmaps.update(repeating: 0, count: k * w * h)
        var weights = visible.map { Float($0) }
        let radius = Int(sigma * 3)
        let size = 2 * radius + 1
        var gaussian = [Float](repeating: 0, count: size * size)
        for y in 0..<size { for x in 0..<size {
            let dx = Double(x - size / 2), dy = Double(y - size / 2)
            gaussian[y * size + x] = Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
        } }
        let (sx, sy) = scaleFactor
        if unbiased {
            // generate_unbiased_gaussian_heatmaps: a full-map Gaussian at the sub-pixel centre
            for j in 0..<k {
                if visible[j] < 0.5 { continue }
                let mx = keypoints[2 * j] / sx, my = keypoints[2 * j + 1] / sy
                let r = Double(radius)
                if mx - r >= Double(w) || my - r >= Double(h) || mx + r + 1 < 0 || my + r + 1 < 0 { weights[j] = 0; continue }
                let map = heatmaps + j * w * h
                for y in 0..<h { for x in 0..<w {
                    let dx = Double(x) - mx, dy = Double(y) - my
                    map[y * w + x] = max(map[y * w + x], Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))))
                } }
            }
            return weights
        }
        for j in 0..<k {
            if visible[j] < 0.5 { continue }
            // numpy's astype(int64) truncates toward zero
            let mx = Int(saturating: (keypoints[2 * j] / sx + 0.5).rounded(.towardZero))
            let my = Int(saturating: (keypoints[2 * j + 1] / sy + 0.5).rounded(.towardZero))
            let left = mx - radius, top = my - radius, right = mx + radius + 1, bottom = my + radius + 1
            if left >= w || top >= h || right < 0 || bottom < 0 {
                weights[j] = 0
                continue
            }
            let map = heatmaps + j * w * h
            for y in max(0, top)..<min(h, bottom) {
                for x in max(0, left)..<min(w, right) {
                    let g = gaussian[(y - top) * size + (x - left)]
                    map[y * w + x] = max(map[y * w + x], g)
                }
            }
        }
        return weights
    }

    /// Decodes `K × H × W` heatmaps to `K` (x, y) input-image positions and their scores
    /// (argmax, ±0.25 px toward the higher neighbour, times the scale factor).
    public func decode(_ heatmaps: UnsafePointer<Float>, keypoints k: Int) -> (keypoints: [Double], scores: [Double]) {
        let (w, h) = heatmapSize
        if unbiased {
            var (points, scores) = HeatmapRefinement.maxima(heatmaps, keypoints: k, height: h, width: w)
            HeatmapRefinement.dark(&points, maps: heatmaps, keypoints: k, height: h, width: w, kernel: blurKernelSize)
            let (sx, sy) = scaleFactor
            for j in 0..<k { points[2 * j] *= sx; points[2 * j + 1] *= sy }
            return (points, scores)
        }
        var points = [Double](repeating: 0, count: 2 * k), scores = [Double](repeating: 0, count: k)
        let (sx, sy) = scaleFactor
        for j in 0..<k {
            let map = heatmaps + j * w * h
            var best = 0
            for i in 1..<(w * h) where map[i] > map[best] { best = i }
            let score = map[best]
            scores[j] = Double(score)
            if score <= 0 {
                points[2 * j] = -1 * sx; points[2 * j + 1] = -1 * sy
                continue
            }
            let x = best % w, y = best / w
            var px = Double(x), py = Double(y)
            // MMPose's refine_keypoints bounds: x needs 1 < x < W-1 and 0 < y < H; y likewise.
            if x > 1 && x < w - 1 && y > 0 && y < h {
                let d = map[y * w + x + 1] - map[y * w + x - 1]
                px += d > 0 ? 0.25 : d < 0 ? -0.25 : 0
            }
            if y > 1 && y < h - 1 && x > 0 && x < w {
                let d = map[(y + 1) * w + x] - map[(y - 1) * w + x]
                py += d > 0 ? 0.25 : d < 0 ? -0.25 : 0
            }
            points[2 * j] = px * sx
            points[2 * j + 1] = py * sy
        }
        return (points, scores)
    }
}
