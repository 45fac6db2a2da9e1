/// One predicted person: keypoints in image pixels with scores, as CocoMetric receives them.
public struct KeypointPrediction: Sendable {
    /// Instance id (the annotation or detection id); duplicates are dropped before evaluation.
    public var id: Int
    /// COCO's `image_id` of the image the person is in.
    public var imageId: Int
    /// COCO's `category_id` (1, person, by default).
    public var categoryId: Int
    /// `K` (x, y) pairs in image pixels.
    public var keypoints: [Double]
    /// `K` keypoint scores.
    public var keypointScores: [Double]
    /// The box's score: the detector's for `bbox_file` boxes, 1 for ground-truth boxes.
    public var bboxScore: Double
    /// w·h of the padded, aspect-fixed input box (used by OKS-NMS).
    public var area: Double
    /// The instance's box (x, y, w, h; float32 values, w and h subtracted in float32), which
    /// MMPose's results carry and xtcocotools takes each result's area from.
    public var bbox: [Double]?
    /// Instance score after rescoring (set by `CocoMetric`).
    public var score: Double = 0
    /// `K` predicted visibilities (VisPredictHead), if any.
    public var visibility: [Double]?

    /// A prediction without a box, visibilities or rescored `score` yet.
    /// - Parameters:
    ///   - keypoints: `K` (x, y) pairs in image pixels.
    ///   - keypointScores: `K` keypoint scores.
    ///   - area: w·h of the input box (used by OKS-NMS).
    public init(id: Int, imageId: Int, categoryId: Int = 1, keypoints: [Double], keypointScores: [Double],
                bboxScore: Double, area: Double) {
        self.id = id; self.imageId = imageId; self.categoryId = categoryId
        self.keypoints = keypoints; self.keypointScores = keypointScores
        self.bboxScore = bboxScore; self.area = area
    }
}
