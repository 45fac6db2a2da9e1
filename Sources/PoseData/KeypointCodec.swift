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
public indirect enum KeypointCodec: Sendable, Equatable {
    case msraHeatmap(MSRAHeatmap)
    case udpHeatmap(UDPHeatmap)
    case regressionLabel(RegressionLabel)
    case integralRegressionLabel(IntegralRegressionLabel)
    /// `GenerateTarget(encoder=[...], multilevel=False)`: every encoder's targets together; no
    /// two may make the same kind (heatmaps or labels), and the keypoint weights multiply.
    case combined([KeypointCodec])

    /// (width, height) of the network input.
    public var inputSize: (Int, Int) {
        switch self {
        case .msraHeatmap(let c): return c.inputSize
        case .udpHeatmap(let c): return c.inputSize
        case .regressionLabel(let c): return c.inputSize
        case .integralRegressionLabel(let c): return c.regression.inputSize
        case .combined(let list): return list[0].inputSize
        }
    }

    /// (width, height) of the heatmap targets, if the codec makes any.
    public var heatmapSize: (Int, Int)? {
        switch self {
        case .msraHeatmap(let c): return c.heatmapSize
        case .udpHeatmap(let c): return c.heatmapSize
        case .regressionLabel: return nil
        case .integralRegressionLabel(let c): return c.heatmap.heatmapSize
        case .combined(let list): return list.compactMap(\.heatmapSize).first
        }
    }

    /// Whether the codec makes normalised coordinate labels.
    public var makesLabels: Bool {
        switch self {
        case .msraHeatmap, .udpHeatmap: return false
        case .regressionLabel, .integralRegressionLabel: return true
        case .combined(let list): return list.contains(where: \.makesLabels)
        }
    }

    /// Decodes `K × h × w` heatmaps of a heatmap codec; nil for coordinate codecs.
    public func decodeHeatmaps(_ maps: UnsafePointer<Float>, keypoints k: Int) -> (keypoints: [Double], scores: [Double])? {
        switch self {
        case .msraHeatmap(let c): return c.decode(maps, keypoints: k)
        case .udpHeatmap(let c): return c.decode(maps, keypoints: k)
        case .combined(let list): return list.lazy.compactMap { $0.decodeHeatmaps(maps, keypoints: k) }.first
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
        case .combined(let list):
            var maps: [Float] = [], labels: [Float] = []
            var weights = [Float](repeating: 1, count: visible.count)
            for codec in list {
                let (m, l, w) = codec.encode(keypoints: keypoints, visible: visible)
                if !m.isEmpty { maps = m }
                if !l.isEmpty { labels = l }
                for j in weights.indices { weights[j] *= w[j] }
            }
            return (maps, labels, weights)
        }
    }

    /// Checks a combination of encoders as MMPose does (no overlapping targets).
    public static func combine(_ list: [KeypointCodec]) throws -> KeypointCodec {
        guard list.count > 1 else { return list[0] }
        if list.filter({ $0.heatmapSize != nil }).count > 1 || list.filter(\.makesLabels).count > 1 {
            throw DatasetError("GenerateTarget: encoders \(list.count) overlap (two make heatmaps or two make labels), which MMPose rejects when multilevel=False")
        }
        guard Set(list.map { "\($0.inputSize.0)x\($0.inputSize.1)" }).count == 1 else {
            throw DatasetError("GenerateTarget: encoders disagree on input_size")
        }
        return .combined(list)
    }
}
