/// The state one instance carries through a top-down pipeline (MMPose's `results` dict).
public struct TopdownSample: Sendable {
    /// The instance the sample is made from (converted by a `KeypointConverter`, if any).
    public var instance: PoseInstance
    /// The decoded RGB image once `LoadImage` ran (flipped with the sample); nil again after
    /// `TopdownAffine`, which keeps only the crop.
    public var image: RGBImage?
    /// Box centre and size (after padding, augmentation and aspect fixing), image pixels.
    public var center: (Double, Double)
    /// Box size (width, height) in image pixels: padded by `GetBBoxCenterScale`, augmented, then
    /// fixed to the input's aspect ratio by `TopdownAffine`.
    public var scale: (Double, Double)
    /// Degrees, counter-clockwise as MMPose's `bbox_rotation`.
    public var rotation: Double = 0
    /// `K` (x, y) pairs in image pixels (flipped with the image).
    public var keypoints: [Double]
    /// `K` keypoint visibilities, 0–1, reordered with the keypoints by flips.
    public var visible: [Double]
    /// Whether `RandomFlip` flipped the sample (in any direction).
    public var flipped = false
    /// (width, height) of the network input once `TopdownAffine` ran.
    public var inputSize: (Int, Int)?
    /// `3 × H × W` RGB pixels (0–255) of the warped crop.
    public var input: [Float] = []
    /// Keypoints in input-crop pixels.
    public var transformedKeypoints: [Double] = []
    /// (width, height) of the decoded image (MMPose's `img_shape` as `LoadImage` sets it), kept
    /// after a warp drops the pixels; nil before `LoadImage`.
    public var imageSize: (Int, Int)?
    /// The map from image to input pixels of a bottom-up warp (`BottomupRandomAffine`), which
    /// `BottomupGetHeatmapMask` applies to the valid-region mask (MMPose's `warp_mat`).
    public var warp: AffineTransform?
    /// MMPose's `flip_direction` once `RandomFlip` flipped the sample.
    public var flipDirection: RandomFlip.Direction?
    /// The training targets: every field `GenerateTarget`'s codec made (per-sample shapes), and
    /// `.visibilityWeights` where the instance or a `KeypointConverter` set them.
    public var targets = Fields<SampleField>()

    /// The sample before any step: the instance's keypoints and visibilities, and its box's centre
    /// and size (the dataset's `bboxCenter`/`bboxScale`, or from the box in float32).
    public init(instance: PoseInstance) {
        self.instance = instance
        // bbox_xyxy2cs in float32 (the padding is applied by GetBBoxCenterScale)
        let (x1, y1, x2, y2) = (Float(instance.bbox.0), Float(instance.bbox.1), Float(instance.bbox.2), Float(instance.bbox.3))
        center = instance.bboxCenter ?? (Double((x2 + x1) * 0.5), Double((y2 + y1) * 0.5))
        scale = instance.bboxScale ?? (Double(x2 - x1), Double(y2 - y1))
        keypoints = instance.keypoints
        visible = instance.visible
        visibilityWeights = instance.visibilityWeights
    }

    /// The target heatmaps' values (`C × h × w`) once `GenerateTarget` ran with a heatmap codec.
    public var heatmaps: [Float] { targets[.heatmaps]?.values ?? [] }
    /// The `K × 2` labels' values (regression codecs).
    public var labels: [Float] { targets[.keypointLabels]?.values ?? [] }
    /// `K` keypoint weights once `GenerateTarget` ran.
    public var keypointWeights: [Float] { targets[.keypointWeights]?.values ?? [] }
    /// The SimCC x targets' values (`K × Wx`) once `GenerateTarget` ran with a SimCC codec.
    public var simccX: [Float] { targets[.simccX]?.values ?? [] }
    /// The SimCC y targets' values (`K × Hy`) once `GenerateTarget` ran with a SimCC codec.
    public var simccY: [Float] { targets[.simccY]?.values ?? [] }
    /// MMPose's `keypoints_visible_weights`: `K` weights of the visibility loss, set by a
    /// `KeypointConverter` (1 for the keypoints it maps, 0 for the rest); nil means all 1.
    public var visibilityWeights: [Float]? {
        get { targets[.visibilityWeights]?.values }
        set { targets[.visibilityWeights] = newValue.map { SampleField($0, shape: [$0.count]) } }
    }
}
