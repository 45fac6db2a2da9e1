/// One instance's training targets, as a codec encodes them.
public struct EncodedKeypoints: Sendable {
    /// Every field the codec made for the instance, keypoint weights (`.keypointWeights`, `K`)
    /// included, in per-sample shapes: `.heatmaps` `C × h × w`, `.keypointLabels` `K × 2`,
    /// `.simccX`/`.simccY` `K × Wx`/`K × Hy`, or a package's own keys.
    public var fields: Fields<SampleField>

    /// The `K` keypoint weights and nothing else yet.
    public init(weights: [Float]) {
        fields = [.keypointWeights: SampleField(weights, shape: [weights.count])]
    }

    /// `fields` as they are; they must hold `.keypointWeights`.
    public init(fields: Fields<SampleField>) {
        precondition(fields.contains(.keypointWeights), "a codec's output needs .keypointWeights")
        self.fields = fields
    }

    /// The field under `key`.
    public subscript(key: FieldKey) -> SampleField? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// `K` keypoint weights: 0 for keypoints that must not contribute to the loss.
    public var weights: [Float] {
        get { fields[.keypointWeights]?.values ?? [] }
        set { fields[.keypointWeights] = SampleField(newValue, shape: [newValue.count]) }
    }
    /// The heatmaps' values (`C × h × w`; empty when the codec makes none).
    public var heatmaps: [Float] { fields[.heatmaps]?.values ?? [] }
    /// The `K × 2` labels' values (empty when the codec makes none).
    public var labels: [Float] { fields[.keypointLabels]?.values ?? [] }
    /// The `K × Wx` SimCC x targets' values (empty when the codec makes none).
    public var simccX: [Float] { fields[.simccX]?.values ?? [] }
    /// The `K × Hy` SimCC y targets' values (empty when the codec makes none).
    public var simccY: [Float] { fields[.simccY]?.values ?? [] }
}

/// A keypoint codec, MMPose's `codecs`: `GenerateTarget` encodes each instance's keypoints into
/// training targets with it, and a head's `decoder` turns predictions back into keypoints.
///
/// Contract for an implementation:
/// - `encode` gets `K` (x, y) keypoints in input-crop pixels (after `TopdownAffine`) and `K`
///   visibilities, and returns its targets as `EncodedKeypoints` fields: `K` keypoint weights
///   always, and any other fields under their `FieldKey`s (stock: `.heatmaps` `C × h × w`,
///   `.keypointLabels` `K × 2`, `.simccX`/`.simccY`; or a package's own keys). The loader stacks
///   each field by its key's collate rule (`N × …` tensors in `HeadTargets`).
/// - `targetShapes(keypoints:)` says which fields `encode` makes and their per-sample shapes; the
///   default encodes one blank instance to find out, a codec states them when that is cheaper.
/// - `decode` gets the head's batch output and a sample index and returns `K` (x, y) keypoints
///   in input-crop pixels with `K` scores; the estimator maps them back to the image. It throws
///   when the output lacks what the codec decodes (a heatmap codec on a regression head).
/// - Codecs are values (`Sendable`): decoded once from the config and shared by every loader
///   thread.
public protocol KeypointCodec: Sendable {
    /// (width, height) of the network input.
    var inputSize: (Int, Int) { get }
    /// The fields `encode` makes for `keypoints` keypoints, with their per-sample shapes.
    func targetShapes(keypoints: Int) -> [FieldKey: [Int]]
    /// Encodes one instance: keypoints `K × 2` in input pixels and `K` visibilities.
    func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints
    /// Decodes sample `index` of a batch output into `K` input-pixel keypoints and their scores.
    func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double])
    /// Per-keypoint visibility the codec decodes from `output` (sample `index`), such as
    /// SimCCLabel's `decode_visibility`; nil (the default) when it decodes none.
    func decodeVisibility(_ output: HeadOutput, at index: Int) throws -> [Double]?
}

extension KeypointCodec {
    public func decodeVisibility(_ output: HeadOutput, at index: Int) throws -> [Double]? { nil }

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        let blank = encode(keypoints: [Double](repeating: 0, count: 2 * keypoints), visible: [Double](repeating: 1, count: keypoints))
        return Dictionary(uniqueKeysWithValues: blank.fields.map { ($0.key, $0.value.shape) })
    }

    /// Whether `encode` makes the field under `key` (what a head asks of its codec).
    public func makes(_ key: FieldKey) -> Bool { targetShapes(keypoints: 1)[key] != nil }

    /// (width, height) of the heatmap targets, or nil when the codec makes none.
    public var heatmapTargetSize: (Int, Int)? {
        targetShapes(keypoints: 1)[.heatmaps].flatMap { $0.count == 3 ? ($0[2], $0[1]) : nil }
    }
    /// Whether the codec makes `K × 2` normalised coordinate labels.
    public var makesLabels: Bool { makes(.keypointLabels) }
    /// (Wx, Hy) bins of SimCC's 1-D x and y targets, or nil when the codec makes none.
    public var simccBins: (Int, Int)? {
        let shapes = targetShapes(keypoints: 1)
        guard let x = shapes[.simccX]?.last, let y = shapes[.simccY]?.last else { return nil }
        return (x, y)
    }
}

extension KeypointCodec {
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
