import Foundation

/// MMPose's `CocoDataset` in top-down mode: one sample per person instance, from ground-truth
/// annotations (filtered as MMPose does for training) or from a person-detection `bbox_file`.
public final class CocoDataset: @unchecked Sendable {
    public let metainfo: DatasetMetainfo
    public let instances: [PoseInstance]
    /// The annotation file, kept for evaluation.
    public let annotations: CocoAnnotationFile
    public let annotationPath: String

    /// - Parameters:
    ///   - annotationFile: COCO json path (relative paths resolve against `dataRoot`).
    ///   - dataRoot: MMEngine's `data_root`.
    ///   - imagePrefix: `data_prefix.img`, joined with `dataRoot`.
    ///   - bboxFile: detection results (COCO results format); only with `testMode`.
    ///   - testMode: evaluation dataset.
    public init(annotationFile: String, dataRoot: String = "", imagePrefix: String = "", bboxFile: String? = nil,
                testMode: Bool = false, metainfo: DatasetMetainfo) throws {
        let join = RequiredFile.join
        if bboxFile != nil && !testMode {
            throw DatasetError("CocoDataset: bbox_file is only allowed with test_mode=True")
        }
        let annPath = join(dataRoot, annotationFile)
        let file = try CocoAnnotationFile.load(path: annPath)
        let prefix = join(dataRoot, imagePrefix)
        let k = metainfo.keypointCount
        var instances: [PoseInstance] = []
        if let bboxFile {
            instances = try CocoDataset.loadDetections(path: bboxFile, file: file, prefix: prefix, keypoints: k)
        } else {
            for image in file.images {
                for index in file.annotationsByImage[image.id] ?? [] {
                    let ann = file.annotations[index]
                    guard let box = ann.bbox, box.count >= 4, let kp = ann.keypoints else { continue }
                    guard kp.count == 3 * k else {
                        throw DatasetError("\(annPath): annotation \(ann.id) has \(kp.count / 3) keypoints, metainfo '\(metainfo.datasetName)' has \(k)")
                    }
                    let w = Double(image.width - 1), h = Double(image.height - 1)
                    let x1 = min(max(box[0], 0), w), y1 = min(max(box[1], 0), h)
                    let x2 = min(max(box[0] + box[2], 0), w), y2 = min(max(box[1] + box[3], 0), h)
                    var points: [Double] = [], visible: [Double] = []
                    for j in 0..<k {
                        points.append(kp[3 * j]); points.append(kp[3 * j + 1])
                        visible.append(min(1, kp[3 * j + 2]))
                    }
                    let inst = PoseInstance(
                        id: ann.id, imageId: image.id, imagePath: join(prefix, image.fileName),
                        imageWidth: image.width, imageHeight: image.height, bbox: (x1, y1, x2, y2), bboxScore: 1,
                        keypoints: points, visible: visible,
                        numKeypoints: ann.numKeypoints ?? visible.filter { $0 > 0 }.count,
                        area: ann.area ?? max((x2 - x1) * (y2 - y1) * 0.53, 1), isCrowd: ann.isCrowd,
                        categoryId: ann.categoryId)
                    if CocoDataset.isValid(inst) { instances.append(inst) }
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
