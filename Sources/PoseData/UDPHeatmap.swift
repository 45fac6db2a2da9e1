import Foundation

/// MMPose's `UDPHeatmap(input_size, heatmap_size, heatmap_type, sigma=2, radius_factor=0.0546875,
/// blur_kernel_size=11)`: unbiased data processing, with `scale = (input − 1)/(heatmap − 1)`.
/// 'gaussian': sub-pixel Gaussian centres and DARK-UDP decoding. 'combined': per keypoint a
/// classification disc and x/y offset maps (3K channels), decoded by blurring the discs, taking
/// the argmax and adding the offset there.
public struct UDPHeatmap: KeypointCodec, Equatable {
    public var inputSize: (Int, Int)
    /// (width, height) of the heatmaps.
    public var heatmapSize: (Int, Int)
    /// σ of the Gaussians in heatmap pixels ('gaussian'; default 2).
    public var sigma: Double
    /// MMPose's `blur_kernel_size` (default 11): DARK-UDP's Gaussian blur size ('gaussian'); 'combined'
    /// blurs the discs with `2·blurKernelSize + 1`.
    public var blurKernelSize: Int
    /// "gaussian" or "combined".
    public var heatmapType: String
    /// MMPose's `radius_factor` ('combined'): the disc radius as a fraction of the heatmap's longer
    /// side (default 0.0546875).
    public var radiusFactor: Double

    /// MMPose's `UDPHeatmap(input_size, heatmap_size, heatmap_type='gaussian', sigma=2,
    /// radius_factor=0.0546875, blur_kernel_size=11)`; sizes are (width, height).
    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), heatmapType: String = "gaussian", sigma: Double = 2,
                radiusFactor: Double = 0.0546875, blurKernelSize: Int = 11) {
        self.inputSize = inputSize; self.heatmapSize = heatmapSize; self.sigma = sigma; self.blurKernelSize = blurKernelSize
        self.heatmapType = heatmapType; self.radiusFactor = radiusFactor
    }

    /// Whether two codecs have the same settings.
    public static func == (a: UDPHeatmap, b: UDPHeatmap) -> Bool {
        a.inputSize == b.inputSize && a.heatmapSize == b.heatmapSize && a.sigma == b.sigma && a.blurKernelSize == b.blurKernelSize
            && a.heatmapType == b.heatmapType && a.radiusFactor == b.radiusFactor
    }

    /// Heatmap channels per keypoint: 1, or 3 for 'combined'.
    public var channelsPerKeypoint: Int { heatmapType == "combined" ? 3 : 1 }

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        [.heatmaps: [channelsPerKeypoint * keypoints, heatmapSize.1, heatmapSize.0], .keypointWeights: [keypoints]]
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var maps = [Float](repeating: 0, count: channelsPerKeypoint * visible.count * heatmapSize.0 * heatmapSize.1)
        let weights = maps.withUnsafeMutableBufferPointer { encode(keypoints: keypoints, visible: visible, heatmaps: $0.baseAddress!) }
        var out = EncodedKeypoints(weights: weights)
        out[.heatmaps] = SampleField(maps, shape: [channelsPerKeypoint * visible.count, heatmapSize.1, heatmapSize.0])
        return out
    }

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        let (maps, k) = try heatmaps(of: output, at: index, channelsPerKeypoint: channelsPerKeypoint)
        return decode(maps, keypoints: k)
    }

    var scaleFactor: (Double, Double) {
        (Double(inputSize.0 - 1) / Double(heatmapSize.0 - 1), Double(inputSize.1 - 1) / Double(heatmapSize.1 - 1))
    }

    /// `K × H × W` heatmaps (`3K` for 'combined') into `heatmaps`; returns the keypoint weights.
    public func encode(keypoints: [Double], visible: [Double], heatmaps: UnsafeMutablePointer<Float>) -> [Float] {
        let (w, h) = heatmapSize
        let k = visible.count
        if heatmapType == "combined" {
            // generate_offset_heatmap: disc of radius radius_factor·max(W, H), offsets in units of it
            heatmaps.update(repeating: 0, count: 3 * k * w * h)
            let radius = radiusFactor * Double(max(w, h))
            let (sx, sy) = scaleFactor
            for j in 0..<k where visible[j] >= 0.5 {
                let mx = keypoints[2 * j] / sx, my = keypoints[2 * j + 1] / sy
                let cls = heatmaps + 3 * j * w * h, ox = cls + w * h, oy = ox + w * h
                for y in 0..<h { for x in 0..<w {
                    let dx = (mx - Double(x)) / radius, dy = (my - Double(y)) / radius
                    cls[y * w + x] = dx * dx + dy * dy <= 1 ? 1 : 0
                    ox[y * w + x] = Float(dx); oy[y * w + x] = Float(dy)
                } }
            }
            return visible.map { Float($0) }
        }
        heatmaps.update(repeating: 0, count: k * w * h)
        var weights = visible.map { Float($0) }
        let radius = Int(sigma * 3), size = 2 * Int(sigma * 3) + 1
        let (sx, sy) = scaleFactor
        for j in 0..<k {
            if visible[j] < 0.5 { continue }
            let kx = keypoints[2 * j] / sx, ky = keypoints[2 * j + 1] / sy
            let mx = Int(saturating: (kx + 0.5).rounded(.towardZero)), my = Int(saturating: (ky + 0.5).rounded(.towardZero))
            let left = mx - radius, top = my - radius, right = mx + radius + 1, bottom = my + radius + 1
            if left >= w || top >= h || right < 0 || bottom < 0 { weights[j] = 0; continue }
            let x0 = Double(size / 2) + kx - Double(mx), y0 = Double(size / 2) + ky - Double(my)
            let map = heatmaps + j * w * h
            for y in max(0, top)..<min(h, bottom) {
                for x in max(0, left)..<min(w, right) {
                    let gx = Double(x - left) - x0, gy = Double(y - top) - y0
                    map[y * w + x] = Float(exp(-(gx * gx + gy * gy) / (2 * sigma * sigma)))
                }
            }
        }
        return weights
    }

    /// Keypoints in input pixels (`kp / (heatmap − 1) · input`) and scores.
    public func decode(_ heatmaps: UnsafePointer<Float>, keypoints k: Int) -> (keypoints: [Double], scores: [Double]) {
        let (w, h) = heatmapSize
        var points: [Double], scores: [Double]
        if heatmapType == "combined" {
            // blur the discs (OpenCV, kernel 2·blur_kernel_size + 1, reflect-101 border), argmax, add offsets
            var cls = [Float](repeating: 0, count: k * w * h)
            for j in 0..<k { for i in 0..<(w * h) { cls[j * w * h + i] = heatmaps[3 * j * w * h + i] } }
            HeatmapRefinement.blurReflect(&cls, keypoints: k, height: h, width: w, kernel: 2 * blurKernelSize + 1)
            (points, scores) = cls.withUnsafeBufferPointer { HeatmapRefinement.maxima($0.baseAddress!, keypoints: k, height: h, width: w) }
            let radius = radiusFactor * Double(max(w, h))
            for j in 0..<k {
                // MMPose indexes the offset maps flattened into one array, so a keypoint without a
                // positive value, at (−1, −1), takes the previous keypoint's offsets at (W−1, H−2)
                // (numpy wraps keypoint 0's to the last keypoint's)
                var flat = Int(saturating: points[2 * j]) + Int(saturating: points[2 * j + 1]) * w + w * h * j
                if flat < 0 { flat += k * w * h }
                let m = flat / (w * h), r = flat % (w * h)
                let base = 3 * m * w * h
                points[2 * j] += Double(heatmaps[base + w * h + r] * Float(radius))
                points[2 * j + 1] += Double(heatmaps[base + 2 * w * h + r] * Float(radius))
            }
        } else {
            (points, scores) = HeatmapRefinement.maxima(heatmaps, keypoints: k, height: h, width: w)
            HeatmapRefinement.darkUDP(&points, maps: heatmaps, keypoints: k, height: h, width: w, kernel: blurKernelSize)
        }
        for j in 0..<k {
            points[2 * j] = points[2 * j] / Double(w - 1) * Double(inputSize.0)
            points[2 * j + 1] = points[2 * j + 1] / Double(h - 1) * Double(inputSize.1)
        }
        return (points, scores)
    }
}
