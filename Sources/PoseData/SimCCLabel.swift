import Foundation

/// MMPose's `SimCCLabel(input_size, smoothing_type, sigma, simcc_split_ratio, label_smooth_weight,
/// normalize)`: 1-D x and y classification targets at `ratio` bins per pixel. Centres are
/// `np.around(kp · ratio)` (half to even); decoding takes each axis' argmax, scored by the smaller
/// of the two maxima, divided by the ratio.
public struct SimCCLabel: KeypointCodec, Equatable {
    public var inputSize: (Int, Int)
    /// "gaussian" or "standard".
    public var smoothingType: String
    /// σ along x and y, in bins.
    public var sigma: (Double, Double)
    /// MMPose's `simcc_split_ratio`: bins per input pixel (default 2).
    public var splitRatio: Double
    /// MMPose's `label_smooth_weight` ('standard' only): the label mass spread evenly over the other
    /// bins, the true bin keeping `1 − labelSmoothWeight` (default 0).
    public var labelSmoothWeight: Double
    /// MMPose's `normalize` ('gaussian' only): divide each Gaussian by σ·√(2π) (default true).
    public var normalize: Bool
    /// MMPose's `use_dark`: refine each arg-max with DARK on the log of the blurred vector.
    public var useDark = false
    /// MMPose's `decode_visibility=True` with this `decode_beta` (150 by default): each
    /// keypoint's visibility is the smaller of the two axes' largest probability after a
    /// softmax of the logits times β·σ; nil (`decode_visibility=False`, the default): none.
    public var visibilityBeta: Double?

    /// MMPose's `SimCCLabel(input_size, smoothing_type='gaussian', sigma=6.0, simcc_split_ratio=2.0,
    /// label_smooth_weight=0.0, normalize=True)`; `use_dark` is `useDark`, false until set.
    /// - Parameters:
    ///   - inputSize: (width, height) of the network input.
    ///   - sigma: σ along x and y, in bins.
    public init(inputSize: (Int, Int), smoothingType: String = "gaussian", sigma: (Double, Double) = (6, 6),
                splitRatio: Double = 2, labelSmoothWeight: Double = 0, normalize: Bool = true) {
        self.inputSize = inputSize; self.smoothingType = smoothingType; self.sigma = sigma
        self.splitRatio = splitRatio; self.labelSmoothWeight = labelSmoothWeight; self.normalize = normalize
    }

    /// Whether two codecs have the same settings (`useDark` aside).
    public static func == (a: SimCCLabel, b: SimCCLabel) -> Bool {
        a.inputSize == b.inputSize && a.smoothingType == b.smoothingType && a.sigma == b.sigma && a.splitRatio == b.splitRatio
            && a.labelSmoothWeight == b.labelSmoothWeight && a.normalize == b.normalize
    }

    /// Bins along x and y: `np.around(size · ratio)`.
    public var bins: (Int, Int) {
        (Int((Double(inputSize.0) * splitRatio).rounded(.toNearestOrEven)), Int((Double(inputSize.1) * splitRatio).rounded(.toNearestOrEven)))
    }

    /// `K × Wx` and `K × Wy` labels and `K` weights.
    public func encode(keypoints: [Double], visible: [Double]) -> (x: [Float], y: [Float], weights: [Float]) {
        let (bw, bh) = bins
        let k = visible.count
        var tx = [Float](repeating: 0, count: k * bw), ty = [Float](repeating: 0, count: k * bh)
        var weights = visible.map { Float($0) }
        for j in 0..<k {
            if visible[j] < 0.5 { continue }
            let mx = Int(saturating: (keypoints[2 * j] * splitRatio).rounded(.toNearestOrEven))
            let my = Int(saturating: (keypoints[2 * j + 1] * splitRatio).rounded(.toNearestOrEven))
            if smoothingType == "standard" {
                if mx >= bw || my >= bh || mx < 0 || my < 0 { weights[j] = 0; continue }
                if labelSmoothWeight > 0 {
                    for i in 0..<bw { tx[j * bw + i] = Float(labelSmoothWeight / Double(bw - 1)) }
                    for i in 0..<bh { ty[j * bh + i] = Float(labelSmoothWeight / Double(bh - 1)) }
                }
                tx[j * bw + mx] = Float(1 - labelSmoothWeight)
                ty[j * bh + my] = Float(1 - labelSmoothWeight)
            } else {
                let rx = sigma.0 * 3, ry = sigma.1 * 3
                if Double(mx) - rx >= Double(bw) || Double(my) - ry >= Double(bh) || Double(mx) + rx + 1 < 0 || Double(my) + ry + 1 < 0 {
                    weights[j] = 0; continue
                }
                let nx = normalize ? sigma.0 * (2 * Double.pi).squareRoot() : 1
                let ny = normalize ? sigma.1 * (2 * Double.pi).squareRoot() : 1
                for i in 0..<bw { let d = Double(i - mx); tx[j * bw + i] = Float(exp(-d * d / (2 * sigma.0 * sigma.0)) / nx) }
                for i in 0..<bh { let d = Double(i - my); ty[j * bh + i] = Float(exp(-d * d / (2 * sigma.1 * sigma.1)) / ny) }
            }
        }
        return (tx, ty, weights)
    }

    /// MMPose's `get_simcc_maximum` for one keypoint: the first arg-max bin of each vector and
    /// the smaller of the two maxima, the score (a score ≤ 0 means no location).
    public static func maximum(x: UnsafePointer<Float>, bins bx: Int, y: UnsafePointer<Float>, bins by: Int) -> (x: Int, y: Int, score: Float) {
        var (ix, iy) = (0, 0)
        for i in 1..<max(bx, 1) where x[i] > x[ix] { ix = i }
        for i in 1..<max(by, 1) where y[i] > y[iy] { iy = i }
        return (ix, iy, min(x[ix], y[iy]))
    }

    /// Keypoints in input pixels and scores from `K × Wx` and `K × Wy` predictions.
    public func decode(x: [Float], y: [Float], keypoints k: Int) -> (keypoints: [Double], scores: [Double]) {
        let (bw, bh) = bins
        var xs = [Double](repeating: -1, count: k), ys = [Double](repeating: -1, count: k)
        var scores = [Double](repeating: 0, count: k)
        x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in
            for j in 0..<k {
                let m = SimCCLabel.maximum(x: px.baseAddress! + j * bw, bins: bw, y: py.baseAddress! + j * bh, bins: bh)
                scores[j] = Double(m.score)
                if m.score > 0 { (xs[j], ys[j]) = (Double(m.x), Double(m.y)) }
            }
        } }
        if useDark {
            // MMPose's blur sizes: int((20σ − 7) // 3), made odd downwards
            func kernel(_ sigma: Double) -> Int { let k = Int(((sigma * 20 - 7) / 3).rounded(.down)); return k - (k % 2 == 0 ? 1 : 0) }
            x.withUnsafeBufferPointer { HeatmapRefinement.darkSimCC(&xs, vectors: $0.baseAddress!, keypoints: k, bins: bw, kernel: kernel(sigma.0)) }
            y.withUnsafeBufferPointer { HeatmapRefinement.darkSimCC(&ys, vectors: $0.baseAddress!, keypoints: k, bins: bh, kernel: kernel(sigma.1)) }
        }
        var points = [Double](repeating: 0, count: 2 * k)
        for j in 0..<k { (points[2 * j], points[2 * j + 1]) = (xs[j] / splitRatio, ys[j] / splitRatio) }
        return (points, scores)
    }
}

extension SimCCLabel {
    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        [.simccX: [keypoints, bins.0], .simccY: [keypoints, bins.1], .keypointWeights: [keypoints]]
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        let (x, y, weights) = encode(keypoints: keypoints, visible: visible) as ([Float], [Float], [Float])
        var out = EncodedKeypoints(weights: weights)
        out[.simccX] = SampleField(x, shape: [visible.count, bins.0])
        out[.simccY] = SampleField(y, shape: [visible.count, bins.1])
        return out
    }

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        guard let x = output.simccX, let y = output.simccY, x.shape.count == 3, y.shape.count == 3 else {
            throw DatasetError("SimCCLabel decodes SimCC vectors, but the head predicted none; use SimCCHead or another decoder")
        }
        let (k, bx, by) = (x.shape[1], x.shape[2], y.shape[2])
        guard (bx, by) == bins else {
            throw DatasetError("SimCCLabel decodes \(bins.0) x and \(bins.1) y bins, but the head predicted \(bx) and \(by); set input_size and simcc_split_ratio as the head's")
        }
        return decode(x: Array(UnsafeBufferPointer(start: x.data + index * k * bx, count: k * bx)),
                      y: Array(UnsafeBufferPointer(start: y.data + index * k * by, count: k * by)), keypoints: k)
    }

    /// With `visibilityBeta`: per keypoint, min over the axes of max softmax(β·σ·logits), as
    /// MMPose's `get_simcc_maximum(apply_softmax=True)` on the scaled logits; nil otherwise.
    public func decodeVisibility(_ output: HeadOutput, at index: Int) throws -> [Double]? {
        guard let beta = visibilityBeta else { return nil }
        guard let x = output.simccX, let y = output.simccY, x.shape.count == 3, y.shape.count == 3 else {
            throw DatasetError("SimCCLabel decodes SimCC vectors, but the head predicted none; use SimCCHead or another decoder")
        }
        let (k, bx, by) = (x.shape[1], x.shape[2], y.shape[2])
        func peak(_ v: UnsafeMutablePointer<Float>, _ count: Int, _ scale: Double) -> Double {
            var m = -Double.infinity
            for i in 0..<count { m = max(m, Double(v[i]) * scale) }
            var sum = 0.0
            for i in 0..<count { sum += exp(Double(v[i]) * scale - m) }
            return 1 / sum
        }
        return (0..<k).map { j in
            min(peak(x.data + (index * k + j) * bx, bx, beta * sigma.0), peak(y.data + (index * k + j) * by, by, beta * sigma.1))
        }
    }
}
