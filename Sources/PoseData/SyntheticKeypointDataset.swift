import Foundation
import PoseTensor

/// Writes a small dataset in the annotation format of one of MMPose's COCO-format types, for any
/// metainfo file: since the real sets cannot be downloaded here, it draws figures of the
/// metainfo's keypoints and skeleton instead of people.
///
/// Each dataset gets a template — keypoint positions in a unit box, mirror-symmetric under the
/// metainfo's flip pairs, so flip augmentation stays meaningful — which every instance poses with
/// a random size, position, rotation and jitter. Links are drawn in the metainfo's link colours
/// and every keypoint in a colour of its own. Keypoints outside the image get v=0, a few others
/// v=1. The same seed gives the same bytes.
///
/// Layout: `DIR/annotations/{train,val}.json` and `DIR/images/{train,val}/*.jpg`, with
/// `file_name` relative to `DIR/images` (use `data_prefix=dict(img='images/')`). The hand and face
/// subsets of COCO-WholeBody read COCO-WholeBody's own file, so for them the figures have its 133
/// keypoints.
public struct SyntheticKeypointDataset {
    /// The MMPose dataset type whose annotation format is written (by its `layout`).
    public var type: CocoDatasetType
    /// The keypoints drawn and written (COCO-WholeBody's for its hand and face subsets).
    public var metainfo: DatasetMetainfo
    /// Image size; the whole-image types (Locust, Zebra, FreiHand) use their fixed side instead.
    public var width = 256
    /// Image height in pixels (default 256, see `width`).
    public var height = 256
    /// The seed of the template and of every image's generator.
    public var seed: UInt64 = 0

    /// A generator for `type`'s annotation format with seed 0 and 256 × 256 images (the fixed side
    /// for the whole-image types).
    /// - Parameter metainfo: the figures' keypoints; nil reads the type's bundled metainfo file.
    ///   COCO-WholeBody's hand and face subsets always use COCO-WholeBody's file.
    /// - Throws: a `ConfigError` when the metainfo file cannot be read; a `DatasetError` for
    ///   `CocoWholeBodyDataset` with a metainfo of other than 133 keypoints.
    public init(type: CocoDatasetType, metainfo: DatasetMetainfo? = nil) throws {
        self.type = type
        switch type.layout {
        case .wholeBodyHand, .wholeBodyFace: self.metainfo = try DatasetMetainfo.resolve("coco_wholebody.py")
        default: self.metainfo = try metainfo ?? DatasetMetainfo.resolve(type.metainfoFile)
        }
        if case .wholeImage(let side, _) = type.layout { width = Int(side); height = Int(side) }
        if case .wholeBody = type.layout, self.metainfo.keypointCount != 133 {
            throw DatasetError("\(type.name) writes COCO-WholeBody's 133 keypoints; metainfo '\(self.metainfo.datasetName)' has \(self.metainfo.keypointCount)")
        }
    }

    /// Writes `trainImages` and `valImages` images (one figure each) and their annotations.
    public func write(to directory: String, trainImages: Int, valImages: Int) throws {
        for sub in ["annotations", "images/train", "images/val"] {
            try OutputPath.createDirectory(directory + "/" + sub, label: "--out")
        }
        let template = makeTemplate()
        for (split, count, stream) in [("train", trainImages, UInt64(1)), ("val", valImages, UInt64(2))] {
            var images: [[String: Any]] = [], annotations: [[String: Any]] = []
            for i in 0..<count {
                var rng = RandomGenerator(seed: seed, stream: [stream, UInt64(i)])
                let imageId = i + 1
                let (image, keypoints) = render(template, rng: &rng)
                let name = String(format: "%@/%012d.jpg", split, imageId)
                try JPEG.write(image, path: "\(directory)/images/\(name)", quality: 90)
                images.append(["id": imageId, "file_name": name, "width": width, "height": height])
                var ann = annotation(keypoints)
                ann["id"] = imageId
                ann["image_id"] = imageId
                ann["category_id"] = 1
                ann["iscrowd"] = 0
                annotations.append(ann)
            }
            let file: [String: Any] = [
                "info": ["description": "SwiftPose synthetic \(type.name) sample (\(metainfo.datasetName) keypoints)"],
                "images": images, "annotations": annotations,
                "categories": [["id": 1, "name": metainfo.datasetName, "keypoints": metainfo.keypointNames,
                                "skeleton": metainfo.skeletonLinks.map { [$0.0 + 1, $0.1 + 1] }]],
            ]
            try JSONFile.write(file, to: "\(directory)/annotations/\(split).json")
        }
    }

    /// Unit-box positions, mirror images of each other for flip pairs, on the axis for the rest.
    func makeTemplate() -> [(Double, Double)] {
        var rng = RandomGenerator(seed: seed, stream: [0])
        let k = metainfo.keypointCount, flip = metainfo.flipIndices
        var points = [(Double, Double)](repeating: (0.5, 0.5), count: k)
        for j in 0..<k {
            let partner = flip[j]
            if partner == j {
                points[j] = (0.5, rng.uniform(0.1, 0.9))
            } else if partner > j || flip[partner] != j {
                points[j] = (rng.uniform(0.1, 0.45), rng.uniform(0.1, 0.9))
                if flip[partner] == j { points[partner] = (1 - points[j].0, points[j].1) }
            }
        }
        return points
    }

    /// Draws one posed figure; returns the image and its K (x, y, v) in pixels.
    func render(_ template: [(Double, Double)], rng: inout RandomGenerator) -> (RGBImage, [Double]) {
        var canvas = Canvas(width: width, height: height)
        let base = (rng.uniform(30, 200), rng.uniform(30, 200), rng.uniform(30, 200))
        canvas.fillRect(0, 0, Double(width), Double(height), base)
        for _ in 0..<6 {
            let c = (rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255))
            canvas.fillCircle(rng.uniform(0, Double(width)), rng.uniform(0, Double(height)), rng.uniform(4, Double(min(width, height)) / 6), c, alpha: 0.4)
        }
        let short = Double(min(width, height))
        let wholeImage: Bool
        if case .wholeImage = type.layout { wholeImage = true } else { wholeImage = false }
        let side = short * (wholeImage ? rng.uniform(0.7, 0.9) : rng.uniform(0.45, 0.8))
        let cx = rng.uniform(side * 0.4, Double(width) - side * 0.4), cy = rng.uniform(side * 0.4, Double(height) - side * 0.4)
        let angle = rng.uniform(-15, 15) * .pi / 180
        let pts = template.map { p -> (Double, Double) in
            let x = (p.0 - 0.5 + rng.normal() * 0.015) * side, y = (p.1 - 0.5 + rng.normal() * 0.015) * side
            return (cx + cos(angle) * x - sin(angle) * y, cy + sin(angle) * x + cos(angle) * y)
        }
        let radius = max(1.5, side * 0.012)
        for (n, (a, b)) in metainfo.skeletonLinks.enumerated() {
            let c = metainfo.linkColors[n].count == 3 ? metainfo.linkColors[n].map(Double.init) : [200, 200, 200]
            canvas.capsule(pts[a].0, pts[a].1, pts[b].0, pts[b].1, radius * 0.7, (c[0], c[1], c[2]))
        }
        var keypoints: [Double] = []
        for (j, p) in pts.enumerated() {
            canvas.fillCircle(p.0, p.1, radius * 1.3, SyntheticKeypointDataset.color(j, of: pts.count))
            let inside = p.0 >= 0 && p.1 >= 0 && p.0 <= Double(width - 1) && p.1 <= Double(height - 1)
            keypoints += inside ? [p.0, p.1, rng.uniform() < 0.1 ? 1 : 2] : [0, 0, 0]
        }
        return (canvas.image, keypoints.map { ($0 * 100).rounded() / 100 })
    }

    /// A colour of its own for keypoint `j` of `k` (hues around the circle, two brightnesses).
    static func color(_ j: Int, of k: Int) -> (Double, Double, Double) {
        let h = Double(j) / Double(max(k, 1)) * 6, v = j % 2 == 0 ? 255.0 : 150.0
        let f = h - floor(h), i = Int(h) % 6
        let (r, g, b): (Double, Double, Double) = [(1, f, 0), (1 - f, 1, 0), (0, 1, f), (0, 1 - f, 1), (f, 0, 1), (1, 0, 1 - f)][i]
        return (r * v, g * v, b * v)
    }

    /// x, y, w, h around the labelled keypoints of `triples` with a margin, clipped to the image;
    /// zeros when none is labelled.
    func box(_ triples: [Double], margin: Double = 0.1) -> [Double] {
        let labelled = stride(from: 0, to: triples.count, by: 3).filter { triples[$0 + 2] > 0 }
        guard !labelled.isEmpty else { return [0, 0, 0, 0] }
        let xs = labelled.map { triples[$0] }, ys = labelled.map { triples[$0 + 1] }
        let pad = max(2, margin * max(xs.max()! - xs.min()!, ys.max()! - ys.min()!))
        let x0 = max(0, xs.min()! - pad), y0 = max(0, ys.min()! - pad)
        let x1 = min(Double(width - 1), xs.max()! + pad), y1 = min(Double(height - 1), ys.max()! + pad)
        return [x0, y0, x1 - x0, y1 - y0].map { ($0 * 100).rounded() / 100 }
    }

    /// The annotation of one figure in the type's format (without ids).
    func annotation(_ kp: [Double]) -> [String: Any] {
        let bbox = box(kp)
        let visible = stride(from: 2, to: kp.count, by: 3).filter { kp[$0] > 0 }.count
        var ann: [String: Any] = ["bbox": bbox, "area": (bbox[2] * bbox[3] * 0.6 * 100).rounded() / 100, "num_keypoints": visible]
        switch type.layout {
        case .standard:
            ann["keypoints"] = kp
        case .wholeBody, .wholeBodyHand, .wholeBodyFace:
            var start = 0
            for (field, count) in CocoInstanceLayout.wholeBodyParts {
                let part = Array(kp[(3 * start)..<(3 * (start + count))])
                start += count
                ann[field] = part
                guard field != "keypoints" else {
                    ann["num_keypoints"] = stride(from: 2, to: part.count, by: 3).filter { part[$0] > 0 }.count
                    continue
                }
                let name = field.replacingOccurrences(of: "_kpts", with: "")
                let labelled = stride(from: 2, to: part.count, by: 3).contains { part[$0] > 0 }
                ann["\(name)_valid"] = labelled
                if name != "foot" { ann["\(name)_box"] = box(part, margin: 0.2) }
            }
            ann["segmentation"] = [[Double]]()
        case .matlabOneBased:
            // JHMDB's files are MATLAB's: 1-based box corner and keypoints
            ann["keypoints"] = kp.enumerated().map { $0.offset % 3 == 2 ? $0.element : $0.element + 1 }
            ann["bbox"] = [bbox[0] + 1, bbox[1] + 1, bbox[2], bbox[3]]
        case .wholeImage(let side, _):
            ann["keypoints"] = kp
            ann["bbox"] = [0, 0, side, side]
        case .keypointsField(let name):
            ann[name] = kp
            // Human-Art's files hold the first 17 keypoints as COCO's `keypoints` too
            ann["keypoints"] = Array(kp.prefix(51))
        case .centerScale:
            ann["keypoints"] = kp
            ann["center"] = [bbox[0] + bbox[2] / 2, bbox[1] + bbox[3] / 2].map { ($0 * 100).rounded() / 100 }
            ann["scale"] = (max(bbox[2], bbox[3]) / 200 * 10_000).rounded() / 10_000
            if type.name == "AFLWDataset" { ann["box_size"] = max(bbox[2], bbox[3]) }
        }
        return ann
    }
}
