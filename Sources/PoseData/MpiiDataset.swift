import Foundation

/// MMPose's `MpiiDataset` for MMPose's MPII json (a list of `image`, `center`, `scale`,
/// `joints`, `joints_vis`): `scale·200` boxes, the centre moved down by 15/200 of the box and
/// shifted from MATLAB's 1-based pixels to 0-based, as MMPose does.
public final class MpiiDataset: @unchecked Sendable {
    /// The keypoint definition the instances follow (MPII's 16 keypoints for `mpii.py`).
    public let metainfo: DatasetMetainfo
    /// One instance per json entry, in file order, with square boxes of `scale·200` pixels and, with
    /// a head-box file, `headSize`.
    public let instances: [PoseInstance]

    /// Reads MMPose's MPII json into one instance per entry and, with `headboxFile`, their head
    /// sizes.
    /// - Parameters:
    ///   - annotationFile: the json's path (relative paths resolve against `dataRoot`).
    ///   - dataRoot: MMEngine's `data_root`.
    ///   - imagePrefix: `data_prefix.img`, joined with `dataRoot`.
    ///   - headboxFile: MPII's `mpii_gt_val.mat` (`headboxes_src`, 2 × 2 × N); gives each
    ///     instance `head_size = 0.6 · ‖corner₂ − corner₁‖` for PCKh.
    ///   - metainfo: the keypoint definition; every entry must have its `K` joints.
    /// - Throws: a `DatasetError` naming the file for a missing or damaged json or `.mat` file,
    ///   an entry without the MPII fields, or head boxes that do not match the entries.
    public init(annotationFile: String, dataRoot: String = "", imagePrefix: String = "", headboxFile: String? = nil,
                metainfo: DatasetMetainfo) throws {
        let join = RequiredFile.join
        let path = join(dataRoot, annotationFile)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError("\(path): annotation file not found or unreadable")
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw DatasetError("\(path): expected a JSON list of MPII annotations (image, center, scale, joints, joints_vis)")
        }
        let k = metainfo.keypointCount
        let prefix = join(dataRoot, imagePrefix)
        var instances: [PoseInstance] = []
        for (i, a) in list.enumerated() {
            guard let image = a["image"] as? String, let c = (a["center"] as? [NSNumber])?.map(\.doubleValue), c.count == 2,
                  let s = (a["scale"] as? NSNumber)?.doubleValue,
                  let joints = (a["joints"] as? [[NSNumber]])?.map({ $0.map(\.doubleValue) }), joints.count == k,
                  let vis = (a["joints_vis"] as? [NSNumber])?.map(\.doubleValue), vis.count == k else {
                throw DatasetError("\(path): entry [\(i)] needs image, center (2), scale, joints (\(k)×2) and joints_vis (\(k))")
            }
            // MMPose's float32 steps: the shift of 15/200 of the scale is added in float64 and stored
            let scale = Float(s) * 200
            var center = (Float(c[0]), Float(c[1]))
            if center.0 != -1 { center.1 = Float(Double(center.1) + 15.0 / 200 * Double(scale)) }
            center = (center.0 - 1, center.1 - 1)
            let x1 = center.0 - 0.5 * scale, y1 = center.1 - 0.5 * scale
            let bbox = (Double(x1), Double(y1), Double(x1 + scale), Double(y1 + scale))
            var instance = PoseInstance(
                id: i, imageId: Self.imageId(image) ?? i, imagePath: join(prefix, image), imageWidth: 0, imageHeight: 0, bbox: bbox, bboxScore: 1,
                keypoints: joints.flatMap { $0 }, visible: vis, numKeypoints: vis.filter { $0 > 0 }.count,
                area: max((bbox.2 - bbox.0) * (bbox.3 - bbox.1) * 0.53, 1), isCrowd: false, categoryId: 1)
            // the pipeline starts from these, not from the box (GetBBoxCenterScale keeps them)
            instance.bboxCenter = (Double(center.0), Double(center.1))
            instance.bboxScale = (Double(scale), Double(scale))
            instances.append(instance)
        }
        if let headboxFile {
            let (dims, boxes) = try MatFile.numericArray(path: headboxFile, name: "headboxes_src")
            guard dims.count == 3, dims[0] == 2, dims[1] == 2, dims[2] == instances.count else {
                throw DatasetError("\(headboxFile): headboxes_src has dimensions \(dims); expected [2, 2, \(instances.count)] for \(path)")
            }
            for n in instances.indices {
                // column-major (a, b, n) → a + 2b + 4n; box corners are rows a = 0, 1
                let dx = boxes[1 + 4 * n] - boxes[0 + 4 * n], dy = boxes[1 + 2 + 4 * n] - boxes[0 + 2 + 4 * n]
                instances[n].headSize = (dx * dx + dy * dy).squareRoot() * 0.6
            }
        }
        self.metainfo = metainfo
        self.instances = instances
    }

    /// MMPose's `img_id`: the image file's name as a number (`int(image.split('.')[0])`).
    static func imageId(_ image: String) -> Int? {
        Int(String(image.prefix { $0 != "." }))
    }
}
