import Foundation

/// How a COCO-format dataset type turns one annotation into top-down instances: the
/// `parse_data_info` (or `_load_annotations`) of that MMPose type. The rest — reading the file,
/// images in file order, MMPose's `_is_valid_instance` filter, detections in test mode — is
/// `CocoDataset`'s and shared by every type.
public enum CocoInstanceLayout: Sendable, Equatable {
    /// `BaseCocoStyleDataset`: `keypoints` and `bbox` (x, y, w, h, clipped to the image).
    case standard
    /// `CocoWholeBodyDataset`: `keypoints`, `foot_kpts`, `face_kpts`, `lefthand_kpts` and
    /// `righthand_kpts` concatenated (17 + 6 + 68 + 21 + 21 = 133) in the person's `bbox`.
    case wholeBody
    /// `CocoWholeBodyHandDataset`: every hand with `{left,right}hand_valid` and a labelled
    /// keypoint is an instance in its `*hand_box` (not clipped), numbered from 0 in file order.
    case wholeBodyHand
    /// `CocoWholeBodyFaceDataset`: `face_kpts` in `face_box`, where `face_valid`.
    case wholeBodyFace
    /// `JhmdbDataset`: MATLAB's 1-based box corner and keypoints moved to 0-based; the area is
    /// 0.53 of the clipped box.
    case matlabOneBased
    /// `LocustDataset`, `ZebraDataset` (160 × 160 images) and `FreiHandDataset` (224 × 224): the
    /// box is the whole image, `[0, 0, side, side]`, whatever the annotation says. FreiHand
    /// counts labelled keypoints itself instead of reading `num_keypoints`.
    case wholeImage(side: Double, countsKeypoints: Bool)
    /// `WFLWDataset`, `Face300WDataset`, `AFLWDataset`: a square of `scale · 200` pixels around
    /// `center` (MMPose's `bbox_cs2xyxy` with `pixel_std = 200`).
    case centerScale
    /// `HumanArt21Dataset`: `.standard` with the keypoints from another field of every
    /// annotation (`keypoints_21`; its `keypoints` are Human-Art's 17).
    case keypointsField(String)

    /// COCO-WholeBody's parts in the order `CocoWholeBodyDataset` concatenates them.
    public static let wholeBodyParts: [(field: String, count: Int)] = [
        ("keypoints", 17), ("foot_kpts", 6), ("face_kpts", 68), ("lefthand_kpts", 21), ("righthand_kpts", 21),
    ]

    /// The annotation fields beyond COCO's that this layout reads (`CocoAnnotation.extra`).
    public var extraFields: Set<String> {
        switch self {
        case .standard, .matlabOneBased, .wholeImage: return []
        case .wholeBody: return ["foot_kpts", "face_kpts", "lefthand_kpts", "righthand_kpts"]
        case .wholeBodyHand:
            return ["lefthand_kpts", "righthand_kpts", "lefthand_box", "righthand_box", "lefthand_valid", "righthand_valid"]
        case .wholeBodyFace: return ["face_kpts", "face_box", "face_valid"]
        case .centerScale: return ["center", "scale"]
        case .keypointsField(let name): return [name]
        }
    }

    /// Whether the file's `keypoints` are the instances' keypoints, so that `CocoMetric` (or
    /// `CocoWholeBodyMetric`) can evaluate against the file; false for the hand and face subsets
    /// of COCO-WholeBody, whose MMPose types keep no raw annotation either, and for Human-Art's
    /// 21 keypoints, whose file's `keypoints` are 17.
    public var annotationsAreInstances: Bool {
        switch self {
        case .wholeBodyHand, .wholeBodyFace, .keypointsField: return false
        default: return true
        }
    }

    /// The instances `ann` yields (before MMPose's validity filter).
    ///
    /// - Parameters:
    ///   - keypointCount: the metainfo's keypoint count, which the annotation must match.
    ///   - nextId: the running instance number of layouts that number their instances.
    ///   - source: the annotation file, for errors.
    func instances(_ ann: CocoAnnotation, image: CocoImage, imagePath: String, keypointCount k: Int,
                   nextId: inout Int, source: String) throws -> [PoseInstance] {
        func fail(_ what: String) -> DatasetError { DatasetError("\(source): annotation \(ann.id) \(what)") }
        func field(_ name: String) throws -> [Double] {
            guard let v = name == "keypoints" ? ann.keypoints : ann.extra[name] else { throw fail("has no '\(name)'") }
            return v
        }
        func checkCount(_ triples: [Double], _ what: String) throws {
            guard triples.count == 3 * k else {
                throw fail("has \(triples.count / 3) keypoints\(what), metainfo has \(k)")
            }
        }
        func clippedBox(_ b: [Double], shift: Double = 0) throws -> (Double, Double, Double, Double) {
            guard b.count >= 4 else { throw fail("has a box of \(b.count) numbers; expected x, y, w, h") }
            let w = Double(image.width - 1), h = Double(image.height - 1)
            let x = b[0] - shift, y = b[1] - shift
            return (min(max(x, 0), w), min(max(y, 0), h), min(max(x + b[2], 0), w), min(max(y + b[3], 0), h))
        }
        func boxArea(_ b: (Double, Double, Double, Double)) -> Double { max((b.2 - b.0) * (b.3 - b.1) * 0.53, 1) }
        /// numpy's `count_nonzero(keypoints.max(axis=2))`, as several types count labelled keypoints.
        func nonzeroCount(_ points: [Double]) -> Int { stride(from: 0, to: points.count, by: 2).filter { max(points[$0], points[$0 + 1]) != 0 }.count }
        func split(_ triples: [Double], shift: Double = 0) -> (points: [Double], visible: [Double]) {
            var points: [Double] = [], visible: [Double] = []
            for j in 0..<triples.count / 3 {
                points += [triples[3 * j] - shift, triples[3 * j + 1] - shift]
                visible.append(min(1, triples[3 * j + 2]))
            }
            return (points, visible)
        }
        func make(id: Int, bbox: (Double, Double, Double, Double), points: [Double], visible: [Double], numKeypoints: Int,
                  area: Double) -> PoseInstance {
            PoseInstance(id: id, imageId: image.id, imagePath: imagePath, imageWidth: image.width, imageHeight: image.height,
                         bbox: bbox, bboxScore: 1, keypoints: points, visible: visible, numKeypoints: numKeypoints, area: area,
                         isCrowd: ann.isCrowd, categoryId: ann.categoryId)
        }

        switch self {
        case .standard:
            // MMPose skips annotations without a box or keypoints
            guard let b = ann.bbox, b.count >= 4, let kp = ann.keypoints else { return [] }
            try checkCount(kp, "")
            let box = try clippedBox(b)
            let (points, visible) = split(kp)
            return [make(id: ann.id, bbox: box, points: points, visible: visible,
                         numKeypoints: ann.numKeypoints ?? nonzeroCount(points), area: ann.area ?? boxArea(box))]

        case .keypointsField(let name):
            guard let b = ann.bbox, b.count >= 4, ann.keypoints != nil else { return [] }
            let kp = try field(name)
            try checkCount(kp, " in '\(name)'")
            let box = try clippedBox(b)
            let (points, visible) = split(kp)
            return [make(id: ann.id, bbox: box, points: points, visible: visible,
                         numKeypoints: ann.numKeypoints ?? nonzeroCount(points), area: ann.area ?? boxArea(box))]

        case .wholeBody:
            guard let b = ann.bbox else { throw fail("has no 'bbox'") }
            var triples: [Double] = []
            for (name, count) in CocoInstanceLayout.wholeBodyParts {
                let part = try field(name)
                guard part.count == 3 * count else { throw fail("has \(part.count / 3) '\(name)' keypoints; COCO-WholeBody has \(count)") }
                triples += part
            }
            try checkCount(triples, " in its five parts")
            let box = try clippedBox(b)
            let (points, labelled) = split(triples)
            // CocoWholeBodyDataset: `keypoints_visible = minimum(1, v > 0)`
            return [make(id: ann.id, bbox: box, points: points, visible: labelled.map { $0 > 0 ? 1 : 0 },
                         numKeypoints: ann.numKeypoints ?? nonzeroCount(points), area: ann.area ?? boxArea(box))]

        case .wholeBodyHand:
            if ann.isCrowd { return [] }  // getAnnIds(iscrowd=False)
            var out: [PoseInstance] = []
            for side in ["left", "right"] {
                let valid = try field("\(side)hand_valid").first ?? 0
                let kp = try field("\(side)hand_kpts")
                guard valid != 0, (kp.max() ?? 0) > 0 else { continue }
                try checkCount(kp, " in '\(side)hand_kpts'")
                let b = try field("\(side)hand_box")
                guard b.count >= 4 else { throw fail("has a '\(side)hand_box' of \(b.count) numbers; expected x, y, w, h") }
                let box = (b[0], b[1], b[0] + b[2], b[1] + b[3])
                let (points, visible) = split(kp)
                out.append(make(id: nextId, bbox: box, points: points, visible: visible, numKeypoints: nonzeroCount(points),
                                area: boxArea(box)))
                nextId += 1
            }
            return out

        case .wholeBodyFace:
            let kp = try field("face_kpts")
            guard (try field("face_valid").first ?? 0) != 0, (kp.max() ?? 0) > 0 else { return [] }
            try checkCount(kp, " in 'face_kpts'")
            let box = try clippedBox(try field("face_box"))
            let (points, visible) = split(kp)
            return [make(id: ann.id, bbox: box, points: points, visible: visible, numKeypoints: nonzeroCount(points),
                         area: boxArea(box))]

        case .matlabOneBased:
            guard let b = ann.bbox else { throw fail("has no 'bbox'") }
            let kp = try field("keypoints")
            try checkCount(kp, "")
            let box = try clippedBox(b, shift: 1)
            let (points, visible) = split(kp, shift: 1)
            return [make(id: ann.id, bbox: box, points: points, visible: visible, numKeypoints: nonzeroCount(points),
                         area: boxArea(box))]

        case .wholeImage(let side, let countsKeypoints):
            let kp = try field("keypoints")
            try checkCount(kp, "")
            let box = (0.0, 0.0, side, side)
            let (points, visible) = split(kp)
            let count = countsKeypoints ? nonzeroCount(points) : ann.numKeypoints ?? nonzeroCount(points)
            return [make(id: ann.id, bbox: box, points: points, visible: visible, numKeypoints: count, area: boxArea(box))]

        case .centerScale:
            let kp = try field("keypoints")
            try checkCount(kp, "")
            let c = try field("center"), s = try field("scale")
            guard c.count == 2, s.count == 1, s[0] > 0 else { throw fail("needs 'center' (x, y) and a positive 'scale'") }
            let half = s[0] * 200 / 2
            let box = (c[0] - half, c[1] - half, c[0] + half, c[1] + half)
            let (points, visible) = split(kp)
            return [make(id: ann.id, bbox: box, points: points, visible: visible,
                         numKeypoints: ann.numKeypoints ?? nonzeroCount(points), area: boxArea(box))]
        }
    }
}
