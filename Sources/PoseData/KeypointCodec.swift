/// One instance's training targets, as a codec encodes them.
public struct EncodedKeypoints: Sendable {
    /// `C × h × w` heatmaps (empty when the codec makes none).
    public var heatmaps: [Float]
    /// `K × 2` labels normalised by the input size (empty when the codec makes none).
    public var labels: [Float]
    /// `K` keypoint weights: 0 for keypoints that must not contribute to the loss.
    public var weights: [Float]
    /// `K × Wx` and `K × Hy` 1-D classification targets (SimCC; empty otherwise).
    public var simccX: [Float], simccY: [Float]

    public init(heatmaps: [Float] = [], labels: [Float] = [], weights: [Float], simccX: [Float] = [], simccY: [Float] = []) {
        self.heatmaps = heatmaps; self.labels = labels; self.weights = weights; self.simccX = simccX; self.simccY = simccY
    }
}

/// A keypoint codec, MMPose's `codecs`: `GenerateTarget` encodes each instance's keypoints into
/// training targets with it, and a head's `decoder` turns predictions back into keypoints.
///
/// Contract for an implementation:
/// - `encode` gets `K` (x, y) keypoints in input-crop pixels (after `TopdownAffine`) and `K`
///   visibilities, and returns heatmaps (`C × h × w`, with `h, w` from `heatmapTargetSize`), labels
///   (`K × 2`) or both, plus `K` keypoint weights. The loader stacks them into `N × C × h × w`
///   and `N × K × 2` tensors (`HeadTargets`).
/// - `decode` gets the head's batch output and a sample index and returns `K` (x, y) keypoints
///   in input-crop pixels with `K` scores; the estimator maps them back to the image. It throws
///   when the output lacks what the codec decodes (a heatmap codec on a regression head).
/// - Codecs are values (`Sendable`): decoded once from the config and shared by every loader
///   thread.
public protocol KeypointCodec: Sendable {
    /// (width, height) of the network input.
    var inputSize: (Int, Int) { get }
    /// (width, height) of the heatmap targets, or nil when the codec makes none.
    var heatmapTargetSize: (Int, Int)? { get }
    /// Whether the codec makes `K × 2` normalised coordinate labels.
    var makesLabels: Bool { get }
    /// (Wx, Hy) bins of SimCC's 1-D x and y targets, or nil when the codec makes none.
    var simccBins: (Int, Int)? { get }
    /// Encodes one instance: keypoints `K × 2` in input pixels and `K` visibilities.
    func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints
    /// Decodes sample `index` of a batch output into `K` input-pixel keypoints and their scores.
    func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double])
}

extension KeypointCodec {
    public var simccBins: (Int, Int)? { nil }

    /// The heatmap planes of sample `index`, or an error naming the codec when the head made none.
    func heatmaps(of output: HeadOutput, at index: Int, channelsPerKeypoint: Int = 1)
        throws -> (maps: UnsafePointer<Float>, keypoints: Int) {
        guard let maps = output.heatmaps, maps.shape.count == 4 else {
            throw DatasetError("\(Self.self) decodes heatmaps, but the head predicted none; use a heatmap head or another decoder")
        }
        let (c, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
        // the decoder reads maps of its own heatmap_size: another size would be read out of bounds
        if let (tw, th) = heatmapTargetSize, (tw, th) != (w, h) {
            throw DatasetError("\(Self.self) decodes \(tw)x\(th) heatmaps, but the head predicted \(w)x\(h); set the codec's heatmap_size to the head's output size")
        }
        return (UnsafePointer(maps.data + index * c * h * w), c / channelsPerKeypoint)
    }

    /// The `K × 2` coordinates (and sigmas, if any) of sample `index`, or an error naming the codec.
    func coordinates(of output: HeadOutput, at index: Int)
        throws -> (coordinates: UnsafePointer<Float>, sigma: UnsafePointer<Float>?, keypoints: Int) {
        guard let coords = output.coordinates, coords.shape.count == 3 else {
            throw DatasetError("\(Self.self) decodes coordinates, but the head predicted none; use a regression head or another decoder")
        }
        let k = coords.shape[1]
        return (UnsafePointer(coords.data + index * k * 2), output.sigma.map { UnsafePointer($0.data + index * k * 2) }, k)
    }
}
