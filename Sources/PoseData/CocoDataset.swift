import Foundation

/// MMPose's `CocoDataset` (and the types that only change its `parse_data_info`, see
/// `CocoInstanceLayout`) in top-down mode: one sample per person instance, from ground-truth
/// annotations (filtered as MMPose does for training) or from a person-detection `bbox_file`.
public final class CocoDataset: @unchecked Sendable {
    /// The keypoint definition the instances follow (`K` = its keypoint count).
    public let metainfo: DatasetMetainfo
    /// The top-down instances in file order: the annotations' persons that pass MMPose's
    /// `_is_valid_instance`, or with a `bbox_file` one per person detection (keypoints zero).
    public let instances: [PoseInstance]
    /// The annotation file, kept for evaluation.
    public let annotations: CocoAnnotationFile
    /// The annotation file's path as read (`annotationFile` joined with `dataRoot`).
    public let annotationPath: String

    /// Reads the annotation file into instances, or in test mode with `bboxFile` takes the
    /// detections' boxes instead.
    /// - Parameters:
    ///   - annotationFile: COCO json path (relative paths resolve against `dataRoot`).
    ///   - dataRoot: MMEngine's `data_root`.
    ///   - imagePrefix: `data_prefix.img`, joined with `dataRoot`.
    ///   - bboxFile: detection results (COCO results format); only with `testMode`.
    ///   - testMode: evaluation dataset.
    ///   - metainfo: the keypoint definition; annotations must have its keypoint count.
    ///   - layout: how the dataset type reads an annotation (MMPose's `parse_data_info`).
    /// - Throws: a `DatasetError` naming the file for a missing or damaged annotation or detection
    ///   file, an annotation that does not match `metainfo`, or a `bboxFile` outside test mode.
    public init(annotationFile: String, dataRoot: String = "", imagePrefix: String = "", bboxFile: String? = nil,
                testMode: Bool = false, metainfo: DatasetMetainfo, layout: CocoInstanceLayout = .standard) throws {
        let join = RequiredFile.join
        if bboxFile != nil && !testMode {
            throw DatasetError("CocoDataset: bbox_file is only allowed with test_mode=True")
        }
        let annPath = join(dataRoot, annotationFile)
        let file = try CocoAnnotationFile.load(path: annPath, extraFields: layout.extraFields)
        let prefix = join(dataRoot, imagePrefix)
        let k = metainfo.keypointCount
        var instances: [PoseInstance] = []
        if let bboxFile {
            instances = try CocoDataset.loadDetections(path: bboxFile, file: file, prefix: prefix, keypoints: k)
        } else {
            var nextId = 0
            for image in file.images {
                for index in file.annotationsByImage[image.id] ?? [] {
                    let parsed = try layout.instances(file.annotations[index], image: image, imagePath: join(prefix, image.fileName),
                                                      keypointCount: k, nextId: &nextId, source: annPath)
                    instances += parsed.filter(CocoDataset.isValid)
                }
            }
        }
        self.metainfo = metainfo
        self.instances = instances
        self.annotations = file
        self.annotationPath = annPath
    }

    /// MMPose's `_is_valid_instance`: no crowd, some labelled keypoint, a box with area, and a
    /// keypoint coordinate above zero.
    static func isValid(_ inst: PoseInstance) -> Bool {
        if inst.isCrowd || inst.numKeypoints == 0 { return false }
        if inst.bbox.2 - inst.bbox.0 <= 0 || inst.bbox.3 - inst.bbox.1 <= 0 { return false }
        return (inst.keypoints.max() ?? 0) > 0
    }

    private static func loadDetections(path: String, file: CocoAnnotationFile, prefix: String,
                                       keypoints k: Int) throws -> [PoseInstance] {
        var out: [PoseInstance] = []
        for (i, det) in try PersonDetections.read(path: path).enumerated() {
            guard let image = file.imagesById[det.imageId] else {
                throw DatasetError("\(path): detection [\(i)] refers to image_id \(det.imageId), which the annotation file does not list")
            }
            let (x1, y1, x2, y2) = det.box
            out.append(PoseInstance(
                id: out.count, imageId: det.imageId, imagePath: URL(fileURLWithPath: prefix).appendingPathComponent(image.fileName).path,
                imageWidth: image.width, imageHeight: image.height, bbox: (x1, y1, x2, y2), bboxScore: det.score,
                keypoints: [Double](repeating: 0, count: 2 * k), visible: [Double](repeating: 1, count: k),
                numKeypoints: 0, area: max((x2 - x1) * (y2 - y1) * 0.53, 1), isCrowd: false, categoryId: 1))
        }
        return out
    }
}
