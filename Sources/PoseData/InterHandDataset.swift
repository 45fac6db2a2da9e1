import Foundation

/// MMPose's `InterHand2DDoubleDataset` (InterHand2.6M, both hands, 42 keypoints of
/// `interhand3d.py`): the COCO-format `ann_file`, `camera_param_file` (per capture and camera:
/// `campos`, `camrot`, `focal`, `princpt`) and `joint_file` (per capture and frame:
/// `world_coord`, 42 × 3) give each image's first annotation as one instance, its keypoints the
/// world joints projected through the camera, as MMPose does in float32.
///
/// A joint's visibility is its `joint_valid`, times that of its hand's wrist (20 right, 41
/// left). Every `sample_interval`-th image is read (by position in the file). `num_keypoints` is
/// the metainfo's count, and MMPose's `_is_valid_instance` filter applies.
public struct InterHand2DDoubleDatasetSpec: DatasetSpec {
    /// The `BaseCocoStyleDataset` keys (`ann_file`, `data_root`, `data_prefix`, `metainfo`,
    /// `pipeline`, `sample_interval`, `indices`).
    public var settings: CocoStyleDatasetSettings
    /// `camera_param_file` (relative paths resolve against `data_root`).
    public var cameraFile: String
    /// `joint_file` (relative paths resolve against `data_root`).
    public var jointFile: String

    /// The dataset of these files.
    public init(_ settings: CocoStyleDatasetSettings, cameraFile: String, jointFile: String) {
        self.settings = settings; self.cameraFile = cameraFile; self.jointFile = jointFile
    }

    public var metainfo: DatasetMetainfo { settings.metainfo }
    public var pipeline: TopdownPipeline { settings.pipeline }

    public func requiredFiles(testMode: Bool) -> [RequiredFile] {
        settings.requiredFiles(testMode: false)
            + [RequiredFile(key: "camera_param_file", path: RequiredFile.join(settings.dataRoot, cameraFile)),
               RequiredFile(key: "joint_file", path: RequiredFile.join(settings.dataRoot, jointFile))]
    }

    public func load(testMode: Bool) throws -> LoadedDataset {
        let instances = try InterHand2DDoubleDatasetSpec.instances(
            annotationFile: RequiredFile.join(settings.dataRoot, settings.annotationFile),
            cameraFile: RequiredFile.join(settings.dataRoot, cameraFile), jointFile: RequiredFile.join(settings.dataRoot, jointFile),
            imagePrefix: RequiredFile.join(settings.dataRoot, settings.imagePrefix), sampleInterval: settings.sampleInterval,
            keypointCount: settings.metainfo.keypointCount)
        return LoadedDataset(instances: try settings.indices?.select(from: instances, file: settings.annotationFile) ?? instances)
    }

    /// The valid instances of the three files (see the type's description).
    /// - Throws: `DatasetError` naming the file and the entry for anything missing or malformed.
    static func instances(annotationFile: String, cameraFile: String, jointFile: String, imagePrefix: String,
                          sampleInterval: Int, keypointCount k: Int) throws -> [PoseInstance] {
        func object(_ path: String) throws -> [String: Any] {
            guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError("\(path): file not found or unreadable") }
            guard let dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw DatasetError("\(path): expected a JSON object")
            }
            return dict
        }
        /// A JSON number, a list of numbers, or a list of those (InterHand's `[[v], …]` joint
        /// validity, 3 × 3 rotations, 42 × 3 joints), flattened; nil for anything else. Two
        /// levels at most: the files nest no deeper, and a deeper nesting is no deeper recursion.
        func numbers(_ value: Any?) -> [Float]? {
            func row(_ v: Any?) -> [Float]? {
                if let n = v as? NSNumber { return [n.floatValue] }
                guard let list = v as? [Any] else { return nil }
                let values = list.compactMap { ($0 as? NSNumber)?.floatValue }
                return values.count == list.count ? values : nil
            }
            if let flat = row(value) { return flat }
            guard let list = value as? [Any] else { return nil }
            var out: [Float] = []
            for item in list {
                guard let inner = row(item) else { return nil }
                out += inner
            }
            return out
        }
        let data = try object(annotationFile), cameras = try object(cameraFile), joints = try object(jointFile)
        guard let images = data["images"] as? [[String: Any]], let annotations = data["annotations"] as? [[String: Any]] else {
            throw DatasetError("\(annotationFile): expected COCO's 'images' and 'annotations' lists")
        }
        var firstAnnotation: [Int: [String: Any]] = [:]
        for ann in annotations {
            guard let imageId = (ann["image_id"] as? NSNumber)?.intValue else { throw DatasetError("\(annotationFile): an annotation has no image_id") }
            if firstAnnotation[imageId] == nil { firstAnnotation[imageId] = ann }
        }
        var out: [PoseInstance] = []
        for (position, image) in images.enumerated() where position % sampleInterval == 0 {
            guard let id = (image["id"] as? NSNumber)?.intValue, let file = image["file_name"] as? String,
                  let capture = image["capture"].map({ "\($0)" }), let camera = image["camera"].map({ "\($0)" }),
                  let frame = image["frame_idx"].map({ "\($0)" }) else {
                throw DatasetError("\(annotationFile): images[\(position)] needs id, file_name, capture, camera and frame_idx")
            }
            guard let ann = firstAnnotation[id] else { throw DatasetError("\(annotationFile): image \(id) has no annotation") }
            let annId = (ann["id"] as? NSNumber)?.intValue ?? -1
            let rig = cameras[capture] as? [String: Any]
            func cameraValue(_ key: String, _ count: Int) throws -> [Float] {
                guard let v = numbers((rig?[key] as? [String: Any])?[camera]), v.count == count else {
                    throw DatasetError("\(cameraFile): capture \(capture), camera \(camera) needs '\(key)' of \(count) numbers")
                }
                return v
            }
            let position3 = try cameraValue("campos", 3), rotation = try cameraValue("camrot", 9)
            let focal = try cameraValue("focal", 2), principal = try cameraValue("princpt", 2)
            guard let world = numbers(((joints[capture] as? [String: Any])?[frame] as? [String: Any])?["world_coord"]), world.count == 3 * k else {
                throw DatasetError("\(jointFile): capture \(capture), frame \(frame) needs 'world_coord' of \(k) × 3 numbers")
            }
            guard var valid = numbers(ann["joint_valid"]), valid.count == k, k == 42 else {
                throw DatasetError("\(annotationFile): annotation \(annId) needs 'joint_valid' for \(k) joints (InterHand2.6M's 42)")
            }
            guard let box = numbers(ann["bbox"]), box.count == 4 else { throw DatasetError("\(annotationFile): annotation \(annId) needs a bbox (x, y, w, h)") }
            // a hand whose wrist (root) is not valid has no valid joint
            let (rightRoot, leftRoot) = (valid[20], valid[41])
            for j in 0..<20 { valid[j] *= rightRoot }
            for j in 21..<42 { valid[j] *= leftRoot }
            var points = [Double](repeating: 0, count: 2 * k)
            for j in 0..<k {
                let d = (world[3 * j] - position3[0], world[3 * j + 1] - position3[1], world[3 * j + 2] - position3[2])
                var cam = [Float](repeating: 0, count: 3)
                for r in 0..<3 { cam[r] = rotation[3 * r] * d.0 + rotation[3 * r + 1] * d.1 + rotation[3 * r + 2] * d.2 }
                let z = cam[2] + Float(1e-8)
                points[2 * j] = Double(cam[0] / z * focal[0] + principal[0])
                points[2 * j + 1] = Double(cam[1] / z * focal[1] + principal[1])
            }
            let bbox = (Double(box[0]), Double(box[1]), Double(box[0] + box[2]), Double(box[1] + box[3]))
            let instance = PoseInstance(
                id: annId, imageId: id, imagePath: RequiredFile.join(imagePrefix, file), imageWidth: (image["width"] as? NSNumber)?.intValue ?? 0,
                imageHeight: (image["height"] as? NSNumber)?.intValue ?? 0, bbox: bbox, bboxScore: 1, keypoints: points,
                visible: valid.map { Double(min(1, $0)) }, numKeypoints: k,
                area: max((bbox.2 - bbox.0) * (bbox.3 - bbox.1) * 0.53, 1), isCrowd: (ann["iscrowd"] as? NSNumber)?.boolValue ?? false,
                categoryId: (ann["category_id"] as? NSNumber)?.intValue ?? 1)
            if CocoDataset.isValid(instance) { out.append(instance) }
        }
        return out
    }
}
