/// The state one instance carries through a top-down pipeline (MMPose's `results` dict).
public struct TopdownSample: Sendable {
    public var instance: PoseInstance
    public var image: RGBImage?
    /// Box centre and size (after padding, augmentation and aspect fixing), image pixels.
    public var center: (Double, Double)
    public var scale: (Double, Double)
    /// Degrees, counter-clockwise as MMPose's `bbox_rotation`.
    public var rotation: Double = 0
    /// `K` (x, y) pairs in image pixels (flipped with the image).
    public var keypoints: [Double]
    public var visible: [Double]
    public var flipped = false
    /// (width, height) of the network input once `TopdownAffine` ran.
    public var inputSize: (Int, Int)?
    /// `3 × H × W` RGB pixels (0–255) of the warped crop.
    public var input: [Float] = []
    /// Keypoints in input-crop pixels.
    public var transformedKeypoints: [Double] = []
    /// `K × h × w` target heatmaps and `K` keypoint weights once `GenerateTarget` ran.
    public var heatmaps: [Float] = []
    /// `K × 2` keypoints normalised by the input size (regression codecs).
    public var labels: [Float] = []
    public var keypointWeights: [Float] = []
    /// MMPose's `keypoints_visible_weights`: `K` weights of the visibility loss, set by a
    /// `KeypointConverter` (1 for the keypoints it maps, 0 for the rest); nil means all 1.
    public var visibilityWeights: [Float]?
    /// `K × Wx` and `K × Hy` SimCC targets once `GenerateTarget` ran with a SimCC codec.
    public var simccX: [Float] = [], simccY: [Float] = []

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
}
