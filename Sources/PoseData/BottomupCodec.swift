/// One person a bottom-up decoder found in an image.
public struct DecodedPerson: Sendable, Equatable {
    /// `K` (x, y) pairs in network-input pixels.
    public var keypoints: [Double]
    /// `K` keypoint scores.
    public var scores: [Double]
    /// The person's score (MMPose's `bbox_scores` of a bottom-up prediction).
    public var score: Double
    /// The person's box (x1, y1, x2, y2) in network-input pixels, from heads that predict one
    /// (RTMO's); nil for the others.
    public var box: [Double]?

    /// A person from its keypoints, keypoint scores and instance score.
    /// - Parameters:
    ///   - keypoints: `K` (x, y) pairs in network-input pixels.
    ///   - scores: `K` keypoint scores.
    ///   - score: the person's score.
    public init(keypoints: [Double], scores: [Double], score: Double) {
        self.keypoints = keypoints; self.scores = scores; self.score = score
    }
}

/// A codec whose decoder finds every person of an image (MMPose's bottom-up codecs:
/// `AssociativeEmbedding`, `SPR`, `DecoupledHeatmap`): a `BottomupPoseEstimator`'s head decodes
/// its merged outputs with it.
///
/// Contract: `decodePersons` gets the head's batch output (after the flip test, at the size the
/// head's `test_cfg` restores) and a sample index, and returns the persons it finds, keypoints in
/// network-input pixels, in the decoder's order. The single-person `decode(_:at:)` of
/// `KeypointCodec` throws for such a codec (a top-down model cannot use it).
public protocol BottomupCodec: KeypointCodec {
    /// Every person found in sample `index` of a batch output, keypoints in input pixels.
    /// - Throws: `DatasetError` when the output lacks the fields the codec decodes.
    func decodePersons(_ output: HeadOutput, at index: Int) throws -> [DecodedPerson]
    /// The training targets of an image's `persons` persons, `K` keypoints each, one after
    /// another (`K · persons` (x, y) pairs in input pixels and `K · persons` visibilities).
    func encode(keypoints: [Double], visible: [Double], persons: Int) -> EncodedKeypoints
}

extension BottomupCodec {
    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        throw DatasetError("\(Self.self) decodes every person of an image: it is the decoder of a bottom-up head (model type='BottomupPoseEstimator')")
    }
}

extension FieldKey {
    /// `L·K × h × w` associative-embedding tag maps (`AssociativeEmbeddingHead`), tag dimension
    /// outermost (channel `l·K + k`); a flip test concatenates the flipped pass's maps (`2L`).
    public static let tags = FieldKey("tags")
}

extension FieldKey {
    /// `2K × h × w` displacements from a person's root to each keypoint, x then y per keypoint
    /// (DEKR's SPR; MMPose's `displacements`, named apart from packages' own displacement keys).
    public static let rootDisplacements = FieldKey("root_displacements")
    /// `2K × h × w` weights of the root displacements (SPR's `displacement_weights`).
    public static let rootDisplacementWeights = FieldKey("root_displacement_weights")
    /// Per-pixel weights of heatmap targets, the heatmaps' shape (SPR).
    public static let heatmapWeights = FieldKey("heatmap_weights")
}
