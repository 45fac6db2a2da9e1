import Foundation

/// MMPose's `UDPHeatmap(input_size, heatmap_size, heatmap_type='gaussian', sigma=2)`: unbiased
/// data processing, with `scale = (input − 1)/(heatmap − 1)`, sub-pixel Gaussian centres and
/// DARK-UDP decoding. (The 'combined' offset type is not supported.)
public struct UDPHeatmap: Sendable, Equatable {
    public var inputSize: (Int, Int)
    public var heatmapSize: (Int, Int)
    public var sigma: Double
    public var blurKernelSize: Int

    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double = 2, blurKernelSize: Int = 11) {
        self.inputSize = inputSize; self.heatmapSize = heatmapSize; self.sigma = sigma; self.blurKernelSize = blurKernelSize
    }

    public static func == (a: UDPHeatmap, b: UDPHeatmap) -> Bool {
        a.inputSize == b.inputSize && a.heatmapSize == b.heatmapSize && a.sigma == b.sigma && a.blurKernelSize == b.blurKernelSize
    }

    var scaleFactor: (Double, Double) {
        (Double(inputSize.0 - 1) / Double(heatmapSize.0 - 1), Double(inputSize.1 - 1) / Double(heatmapSize.1 - 1))
    }

    /// `K × H × W` heatmaps into `heatmaps`; returns the keypoint weights.
    public func encode(keypoints: [Double], visible: [Double], heatmaps: UnsafeMutablePointer<Float>) -> [Float] {
        let (w, h) = heatmapSize
        let k = visible.count
        heatmaps.update(repeating: 0, count: k * w * h)
        var weights = visible.map { Float($0) }
        let radius = Int(sigma * 3), size = 2 * Int(sigma * 3) + 1
        let (sx, sy) = scaleFactor
        for j in 0..<k {
            if visible[j] < 0.5 { continue }
            let kx = keypoints[2 * j] / sx, ky = keypoints[2 * j + 1] / sy
            let mx = Int((kx + 0.5).rounded(.towardZero)), my = Int((ky + 0.5).rounded(.towardZero))
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
        var (points, scores) = HeatmapRefinement.maxima(heatmaps, keypoints: k, height: h, width: w)
        HeatmapRefinement.darkUDP(&points, maps: heatmaps, keypoints: k, height: h, width: w, kernel: blurKernelSize)
        for j in 0..<k {
            points[2 * j] = points[2 * j] / Double(w - 1) * Double(inputSize.0)
            points[2 * j + 1] = points[2 * j + 1] / Double(h - 1) * Double(inputSize.1)
        }
        return (points, scores)
    }
}
