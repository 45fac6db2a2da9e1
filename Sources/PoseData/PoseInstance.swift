/// One person instance of a top-down dataset: a box (ground truth or detected) with its keypoints.
public struct PoseInstance: Sendable {
    /// Annotation (or detection) id.
    public var id: Int
    /// COCO's `image_id` (MPII: the image file's name as a number).
    public var imageId: Int
    /// Path of the image file.
    public var imagePath: String
    /// Image size in pixels.
    public var imageWidth: Int
    /// Image height in pixels (0 where the dataset does not give the size, as MPII).
    public var imageHeight: Int
    /// Box corners (x1, y1, x2, y2) in image pixels, float32 values (MMPose keeps boxes in
    /// float32 arrays, and the crop is computed from those).
    public var bbox: (Double, Double, Double, Double)
    /// The box's score: 1 for ground-truth boxes, the detector's `score` for `bbox_file` boxes.
    public var bboxScore: Double
    /// Keypoint positions, `K` (x, y) pairs in image pixels.
    public var keypoints: [Double]
    /// Keypoint visibility, `min(1, v)` of COCO's v, per keypoint.
    public var visible: [Double]
    /// COCO's `num_keypoints`: the labelled keypoints (0 for detections).
    public var numKeypoints: Int
    /// Instance area in square image pixels: the annotation's `area` (COCO's segmentation area), or
    /// 0.53 of the box area where there is none; OKS scales by it.
    public var area: Double
    /// COCO's `iscrowd`: a crowd region, which MMPose's validity filter drops.
    public var isCrowd: Bool
    /// COCO's `category_id` (1, person).
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
    /// The positions, innermost first, of the sub-datasets of (nested) `CombinedDataset`s the
    /// instance came from; each combined pipeline's `SubsetSteps` takes the last to run that
    /// sub-dataset's own steps. Empty outside combined datasets.
    public var subsets: [Int] = []
    /// The persons whose keypoints `keypoints` and `visible` hold, one after another: 1 for a
    /// top-down instance; every annotated person of the image for a bottom-up sample (MMPose's
    /// `data_mode='bottomup'`, whose box is the whole image), 0 for an image without any.
    public var persons = 1
    /// A bottom-up sample's invalid regions (MMPose's `invalid_segs`): the segmentation polygons
    /// of the image's annotations that fail `_is_valid_instance` (crowds, persons without
    /// keypoints), each a list of (x, y) polygons, which `BottomupGetHeatmapMask` masks out.
    public var invalidRegions: [[[Double]]] = []

    /// An instance with `headSize`, `bboxCenter`, `bboxScale` and `visibilityWeights` unset; stores
    /// the box corners as float32 values, as MMPose's arrays hold them.
    /// - Parameters:
    ///   - bbox: box corners (x1, y1, x2, y2) in image pixels.
    ///   - keypoints: `K` (x, y) pairs in image pixels.
    ///   - visible: `K` visibilities, 0–1.
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
