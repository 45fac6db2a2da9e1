/// MMPose's `RegressionLabel(input_size)`: keypoints normalised by the input size; weight 1 only
/// for visible keypoints inside `[0, w−1] × [0, h−1]`.
public struct RegressionLabel: Sendable, Equatable {
    public var inputSize: (Int, Int)
    public init(inputSize: (Int, Int)) { self.inputSize = inputSize }
    public static func == (a: RegressionLabel, b: RegressionLabel) -> Bool { a.inputSize == b.inputSize }

    /// `K × 2` labels and `K` weights.
    public func encode(keypoints: [Double], visible: [Double]) -> (labels: [Float], weights: [Float]) {
        let (w, h) = (Double(inputSize.0), Double(inputSize.1))
        var labels = [Float](repeating: 0, count: keypoints.count), weights = [Float](repeating: 0, count: visible.count)
        for j in 0..<visible.count {
            let x = keypoints[2 * j], y = keypoints[2 * j + 1]
            labels[2 * j] = Float(x / w); labels[2 * j + 1] = Float(y / h)
            weights[j] = (x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1 && visible[j] > 0.5) ? 1 : 0
        }
        return (labels, weights)
    }

    /// Input-pixel keypoints from `K × 2` normalised coordinates; with `sigma` (RLE, sigmoid-ed)
    /// the scores are `mean(1 − σ)`, otherwise 1.
    public func decode(_ coordinates: UnsafePointer<Float>, sigma: UnsafePointer<Float>?, keypoints k: Int)
        -> (keypoints: [Double], scores: [Double]) {
        var points = [Double](repeating: 0, count: 2 * k), scores = [Double](repeating: 1, count: k)
        for j in 0..<k {
            points[2 * j] = Double(coordinates[2 * j]) * Double(inputSize.0)
            points[2 * j + 1] = Double(coordinates[2 * j + 1]) * Double(inputSize.1)
            if let sigma { scores[j] = Double((1 - sigma[2 * j]) + (1 - sigma[2 * j + 1])) / 2 }
        }
        return (points, scores)
    }
}

/// MMPose's `IntegralRegressionLabel`: an MSRAHeatmap target (normalised to sum 1 per channel
/// when `normalize`) and a RegressionLabel target, whose weights are used.
public struct IntegralRegressionLabel: Sendable, Equatable {
    public var heatmap: MSRAHeatmap
    public var regression: RegressionLabel
    public var normalize: Bool

    public init(inputSize: (Int, Int), heatmapSize: (Int, Int), sigma: Double, normalize: Bool = true) {
        heatmap = MSRAHeatmap(inputSize: inputSize, heatmapSize: heatmapSize, sigma: sigma)
        regression = RegressionLabel(inputSize: inputSize)
        self.normalize = normalize
    }
}

/// The codec of a `GenerateTarget` step (and of a head's decoder).
public enum KeypointCodec: Sendable, Equatable {
    case msraHeatmap(MSRAHeatmap)
    case udpHeatmap(UDPHeatmap)
    case regressionLabel(RegressionLabel)
    case integralRegressionLabel(IntegralRegressionLabel)

    /// (width, height) of the network input.
    public var inputSize: (Int, Int) {
        switch self {
        case .msraHeatmap(let c): return c.inputSize
        case .udpHeatmap(let c): return c.inputSize
        case .regressionLabel(let c): return c.inputSize
        case .integralRegressionLabel(let c): return c.regression.inputSize
        }
    }

    /// (width, height) of the heatmap targets, if the codec makes any.
    public var heatmapSize: (Int, Int)? {
        switch self {
        case .msraHeatmap(let c): return c.heatmapSize
        case .udpHeatmap(let c): return c.heatmapSize
        case .regressionLabel: return nil
        case .integralRegressionLabel(let c): return c.heatmap.heatmapSize
        }
    }

    /// Whether the codec makes normalised coordinate labels.
    public var makesLabels: Bool {
        switch self {
        case .msraHeatmap, .udpHeatmap: return false
        case .regressionLabel, .integralRegressionLabel: return true
        }
    }

    /// Decodes `K × h × w` heatmaps of a heatmap codec; nil for coordinate codecs.
    public func decodeHeatmaps(_ maps: UnsafePointer<Float>, keypoints k: Int) -> (keypoints: [Double], scores: [Double])? {
        switch self {
        case .msraHeatmap(let c): return c.decode(maps, keypoints: k)
        case .udpHeatmap(let c): return c.decode(maps, keypoints: k)
        default: return nil
        }
    }

    /// Encodes one instance: heatmaps (`K × h × w`, empty without), labels (`K × 2`, empty
    /// without) and keypoint weights.
    public func encode(keypoints: [Double], visible: [Double]) -> (heatmaps: [Float], labels: [Float], weights: [Float]) {
        switch self {
        case .msraHeatmap(let c):
            var maps = [Float](repeating: 0, count: visible.count * c.heatmapSize.0 * c.heatmapSize.1)
            let w = maps.withUnsafeMutableBufferPointer { c.encode(keypoints: keypoints, visible: visible, heatmaps: $0.baseAddress!) }
            return (maps, [], w)
        case .udpHeatmap(let c):
            var maps = [Float](repeating: 0, count: c.channelsPerKeypoint * visible.count * c.heatmapSize.0 * c.heatmapSize.1)
            let w = maps.withUnsafeMutableBufferPointer { c.encode(keypoints: keypoints, visible: visible, heatmaps: $0.baseAddress!) }
            return (maps, [], w)
        case .regressionLabel(let c):
            let (labels, w) = c.encode(keypoints: keypoints, visible: visible)
            return ([], labels, w)
        case .integralRegressionLabel(let c):
            let plane = c.heatmap.heatmapSize.0 * c.heatmap.heatmapSize.1
            var maps = [Float](repeating: 0, count: visible.count * plane)
            _ = maps.withUnsafeMutableBufferPointer { c.heatmap.encode(keypoints: keypoints, visible: visible, heatmaps: $0.baseAddress!) }
            if c.normalize {
                for j in 0..<visible.count {
                    var sum: Float = 0
                    for i in 0..<plane { sum += maps[j * plane + i] }
                    for i in 0..<plane { maps[j * plane + i] /= sum + 1e-24 }
                }
            }
            let (labels, w) = c.regression.encode(keypoints: keypoints, visible: visible)
            return (maps, labels, w)
        }
    }
}
