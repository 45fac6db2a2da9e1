/// MMPose's `RegressionLabel(input_size)`: keypoints normalised by the input size; weight 1 only
/// for visible keypoints inside `[0, w−1] × [0, h−1]`.
public struct RegressionLabel: KeypointCodec, Equatable {
    public var inputSize: (Int, Int)
    /// MMPose's `RegressionLabel(input_size)`; `inputSize` is (width, height) in pixels.
    public init(inputSize: (Int, Int)) { self.inputSize = inputSize }
    /// Whether two codecs have the same input size.
    public static func == (a: RegressionLabel, b: RegressionLabel) -> Bool { a.inputSize == b.inputSize }

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        [.keypointLabels: [keypoints, 2], .keypointWeights: [keypoints]]
    }

    /// `K × 2` labels and `K` weights.
    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        let (w, h) = (Double(inputSize.0), Double(inputSize.1))
        var labels = [Float](repeating: 0, count: keypoints.count), weights = [Float](repeating: 0, count: visible.count)
        for j in 0..<visible.count {
            let x = keypoints[2 * j], y = keypoints[2 * j + 1]
            labels[2 * j] = Float(x / w); labels[2 * j + 1] = Float(y / h)
            weights[j] = (x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1 && visible[j] > 0.5) ? 1 : 0
        }
        var out = EncodedKeypoints(weights: weights)
        out[.keypointLabels] = SampleField(labels, shape: [visible.count, 2])
        return out
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

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        let (coords, sigma, k) = try coordinates(of: output, at: index)
        return decode(coords, sigma: sigma, keypoints: k)
    }
}
