/// One person instance of a top-down dataset: a box (ground truth or detected) with its keypoints.
public struct PoseInstance: Sendable {
    /// Annotation (or detection) id.
    public var id: Int
    public var imageId: Int
    /// Path of the image file.
    public var imagePath: String
    /// Image size in pixels.
    public var imageWidth: Int
    public var imageHeight: Int
    /// Box corners (x1, y1, x2, y2) in image pixels, float32 values (MMPose keeps boxes in
    /// float32 arrays, and the crop is computed from those).
    public var bbox: (Double, Double, Double, Double)
    public var bboxScore: Double
    /// Keypoint positions, `K` (x, y) pairs in image pixels.
    public var keypoints: [Double]
    /// Keypoint visibility, `min(1, v)` of COCO's v, per keypoint.
    public var visible: [Double]
    public var numKeypoints: Int
    public var area: Double
    public var isCrowd: Bool
    public var categoryId: Int
    /// MPII head size (0.6 · head-box diagonal), when known.
    public var headSize: Double?
    /// MMPose's `bbox_center` where a dataset gives it instead of deriving it from the box
    /// (MPII); float32 values, image pixels.
    public var bboxCenter: (Double, Double)?
    /// MMPose's `bbox_scale` (width, height) given with `bboxCenter`, before padding.
    public var bboxScale: (Double, Double)?
    /// Visibility-loss weights a `KeypointConverter` set (MMPose's `keypoints_visible_weights`).
    public var visibilityWeights: [Float]?

    public init(id: Int, imageId: Int, imagePath: String, imageWidth: Int, imageHeight: Int,
                bbox: (Double, Double, Double, Double), bboxScore: Double, keypoints: [Double], visible: [Double],
                numKeypoints: Int, area: Double, isCrowd: Bool, categoryId: Int) {
        self.id = id; self.imageId = imageId; self.imagePath = imagePath
        self.imageWidth = imageWidth; self.imageHeight = imageHeight
        func f32(_ v: Double) -> Double { Double(Float(v)) }
        self.bbox = (f32(bbox.0), f32(bbox.1), f32(bbox.2), f32(bbox.3)); self.bboxScore = bboxScore; self.keypoints = keypoints; self.visible = visible
        self.numKeypoints = numKeypoints; self.area = area; self.isCrowd = isCrowd; self.categoryId = categoryId
    }
}
