import Foundation
import PoseTensor

/// Generates a COCO-format person-keypoint dataset of drawn figures: several people per image
/// with the 17 COCO keypoints at varied scales, poses and positions, textured backgrounds,
/// occluders (keypoints under them get v=1) and keypoints outside the image (v=0).
///
/// Every limb and joint has its own colour and left/right are told apart (green vs orange
/// limbs, distinct joint colours), so each keypoint is identifiable. The same seed gives the
/// same bytes.
public struct SyntheticCOCO {
    /// Image width in pixels (default 320).
    public var width = 320
    /// Image height in pixels (default 240).
    public var height = 240
    /// The seed every image's and the detections' generators derive from.
    public var seed: UInt64 = 0
    /// JPEG quality of the written images.
    public var quality = 90
    /// Image file format: "jpg" or "png".
    public var imageFormat = "jpg"
    /// Points of each annotation's segmentation polygon (an ellipse in its box), as COCO's
    /// annotations carry them; 0 writes an empty list.
    public var segmentationPoints = 0

    /// A generator of `width × height` images from `seed`, with JPEG quality 90 and no segmentation
    /// polygons.
    public init(width: Int = 320, height: Int = 240, seed: UInt64 = 0) {
        self.width = width; self.height = height; self.seed = seed
    }

    /// One drawn person: COCO keypoints (x, y, v) and its box.
    struct Person {
        var keypoints: [Double]   // 17 × (x, y, v)
        var bbox: [Double]        // x, y, w, h
        var area: Double
    }

    // COCO order: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles
    static let jointColors: [(Double, Double, Double)] = [
        (255, 0, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (255, 0, 255),
        (0, 160, 0), (230, 110, 0), (0, 220, 120), (255, 170, 60),
        (120, 255, 0), (200, 60, 0), (0, 120, 60), (160, 80, 0),
        (60, 200, 200), (255, 120, 160), (0, 90, 255), (140, 0, 200),
    ]

    /// An ellipse inscribed in the box `x, y, w, h` as one COCO polygon of `segmentationPoints` points.
    func polygon(_ box: [Double]) -> [[Double]] {
        guard segmentationPoints > 0 else { return [] }
        var points: [Double] = []
        for i in 0..<segmentationPoints {
            let a = 2 * Double.pi * Double(i) / Double(segmentationPoints)
            points.append(((box[0] + box[2] * (0.5 + 0.5 * cos(a))) * 100).rounded() / 100)
            points.append(((box[1] + box[3] * (0.5 + 0.5 * sin(a))) * 100).rounded() / 100)
        }
        return [points]
    }

    /// Writes `train` and `val` images, annotations and val detections under `directory`.
    /// With `annotationsOnly` no image is drawn or written (for annotation-scale tests).
    public func write(to directory: String, trainImages: Int, valImages: Int, annotationsOnly: Bool = false) throws {
        for sub in ["annotations", "train", "val", "person_detection_results"] {
            try OutputPath.createDirectory(directory + "/" + sub, label: "--out")
        }
        // every file is written as it is made: millions of records never sit in memory at once
        var valBoxes: [(imageId: Int, bbox: [Double])] = []
        for (split, count, offset) in [("train", trainImages, 0), ("val", valImages, 1_000_000)] {
            try JSONFile.stream(to: "\(directory)/annotations/person_keypoints_\(split).json") { file in
                // the keys in sorted order, as a sorted-keys encoder writes them
                try file.write("{\"annotations\":[")
                var annotationCount = 0
                for i in 0..<count {
                    let imageId = offset + i + 1
                    var rng = RandomGenerator(seed: seed, stream: [split == "train" ? 1 : 2, UInt64(i)])
                    let (image, people) = render(rng: &rng, draw: !annotationsOnly)
                    let name = String(format: "%012d.", imageId) + imageFormat
                    if !annotationsOnly {
                        if imageFormat == "png" { try PNG.write(image, path: "\(directory)/\(split)/\(name)") }
                        else { try JPEG.write(image, path: "\(directory)/\(split)/\(name)", quality: quality) }
                    }
                    for p in people {
                        let numKeypoints = stride(from: 2, to: 51, by: 3).filter { p.keypoints[$0] > 0 }.count
                        if annotationCount > 0 { try file.write(",") }
                        try file.write(object: [
                            "id": imageId * 100 + annotationCount % 100 + 1, "image_id": imageId, "category_id": 1,
                            "bbox": p.bbox.map { ($0 * 100).rounded() / 100 },
                            "area": (p.area * 100).rounded() / 100, "iscrowd": 0, "num_keypoints": numKeypoints,
                            "keypoints": p.keypoints.map { ($0 * 100).rounded() / 100 }, "segmentation": polygon(p.bbox),
                        ] as [String: Any])
                        annotationCount += 1
                        if split == "val" { valBoxes.append((imageId, p.bbox)) }
                    }
                }
                try file.write("],\"categories\":")
                try file.write(object: [[
                    "id": 1, "name": "person", "supercategory": "person",
                    "keypoints": ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
                                  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                                  "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"],
                    "skeleton": [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7],
                                 [6, 8], [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5],
                                 [4, 6], [5, 7]],
                ] as [String: Any]])
                try file.write(",\"images\":[")
                for i in 0..<count {
                    let imageId = offset + i + 1
                    if i > 0 { try file.write(",") }
                    try file.write(object: ["id": imageId, "file_name": String(format: "%012d.", imageId) + imageFormat, "width": width, "height": height] as [String: Any])
                }
                try file.write("],\"info\":")
                try file.write(object: ["description": "SwiftPose synthetic person keypoints", "version": "1.0"])
                try file.write(",\"licenses\":[]}")
            }
        }
        var rng = RandomGenerator(seed: seed, stream: [3])
        try JSONFile.stream(to: "\(directory)/person_detection_results/val_detections.json") { detections in
            try detections.write("[")
            var written = 0
            func append(_ detection: [String: Any]) throws {
                if written > 0 { try detections.write(",") }
                try detections.write(object: detection)
                written += 1
            }
            for (imageId, b) in valBoxes {
                let jitter = { (s: Double) in rng.uniform(-0.06, 0.06) * s }
                let box = [b[0] + jitter(b[2]), b[1] + jitter(b[3]), b[2] * rng.uniform(0.92, 1.08), b[3] * rng.uniform(0.92, 1.08)]
                try append(["image_id": imageId, "category_id": 1, "bbox": box.map { ($0 * 100).rounded() / 100 },
                                   "score": (rng.uniform(0.75, 1.0) * 1000).rounded() / 1000])
            }
            let valIds = Set(valBoxes.map(\.imageId)).sorted()
            for k in 0..<max(1, valIds.count / 5) where !valIds.isEmpty {
                let w = rng.uniform(20, Double(width) / 3), h = rng.uniform(30, Double(height) / 2)
                try append(["image_id": valIds[k * 5 % valIds.count], "category_id": 1,
                                   "bbox": [rng.uniform(0, Double(width) - w), rng.uniform(0, Double(height) - h), w, h].map { ($0 * 100).rounded() / 100 },
                                   "score": (rng.uniform(0.1, 0.5) * 1000).rounded() / 1000])
            }
            try detections.write("]")
        }
    }

    /// Draws one image with 1–3 people.
    func render(rng: inout RandomGenerator, draw: Bool = true) -> (RGBImage, [Person]) {
        var canvas = Canvas(width: draw ? width : 1, height: draw ? height : 1)
        if draw { drawBackground(&canvas, rng: &rng) }
        let count = 1 + Int(rng.next() % 3)
        var people: [Person] = []
        var occluders: [(Double, Double, Double, Double)] = []
        for _ in 0..<count {
            let p = drawPerson(&canvas, rng: &rng, draw: draw)
            // an occluder over part of some people: keypoints under it become v=1
            if rng.uniform() < 0.35 {
                let (bx, by, bw, bh) = (p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3])
                let w = bw * rng.uniform(0.3, 0.7), h = bh * rng.uniform(0.15, 0.35)
                let x = bx + rng.uniform(0, max(1, bw - w)), y = by + rng.uniform(0, max(1, bh - h))
                let c = (rng.uniform(40, 220), rng.uniform(40, 220), rng.uniform(40, 220))
                if draw { canvas.fillRect(x, y, x + w, y + h, c) }
                occluders.append((x, y, x + w, y + h))
            }
            people.append(p)
        }
        // visibility after all drawing: later people and occluders hide earlier keypoints
        for (i, var p) in people.enumerated() {
            for j in 0..<17 where p.keypoints[3 * j + 2] == 2 {
                let x = p.keypoints[3 * j], y = p.keypoints[3 * j + 1]
                if occluders.contains(where: { x >= $0.0 && x <= $0.2 && y >= $0.1 && y <= $0.3 }) {
                    p.keypoints[3 * j + 2] = 1
                }
            }
            people[i] = p
        }
        return (canvas.image, people)
    }

    private func drawBackground(_ canvas: inout Canvas, rng: inout RandomGenerator) {
        let base = (rng.uniform(30, 200), rng.uniform(30, 200), rng.uniform(30, 200))
        canvas.fillRect(0, 0, Double(width), Double(height), base)
        for _ in 0..<(8 + Int(rng.next() % 10)) {
            let c = (rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255))
            let x = rng.uniform(0, Double(width)), y = rng.uniform(0, Double(height))
            if rng.uniform() < 0.5 {
                canvas.fillRect(x, y, x + rng.uniform(10, Double(width) / 3), y + rng.uniform(10, Double(height) / 3), c, alpha: 0.5)
            } else {
                canvas.fillCircle(x, y, rng.uniform(5, Double(height) / 5), c, alpha: 0.5)
            }
        }
        // stripes and speckle texture
        let stripe = Int(rng.uniform(6, 24))
        for y in Swift.stride(from: 0, to: height, by: stripe) {
            canvas.fillRect(0, Double(y), Double(width), Double(y + 1), (base.0 * 0.7, base.1 * 0.7, base.2 * 0.7), alpha: 0.4)
        }
        for _ in 0..<(width * height / 40) {
            let x = Int(rng.next() % UInt64(width)), y = Int(rng.next() % UInt64(height))
            let v = rng.uniform(0, 255)
            canvas.blend(x, y, (v, v, v), 0.5)
        }
    }

    /// Draws a person in a random pose and returns its annotation.
    private func drawPerson(_ canvas: inout Canvas, rng: inout RandomGenerator, draw: Bool) -> Person {
        let h = rng.uniform(0.35, 0.95) * Double(height)           // person height in pixels
        let cx = rng.uniform(-0.05, 1.05) * Double(width), cy = rng.uniform(0.1, 0.9) * Double(height)
        let tilt = rng.uniform(-25, 25) * .pi / 180
        func deg(_ d: Double) -> Double { d * .pi / 180 }
        // person-local coordinates, y down, hip centre at the origin, unit = height
        var local = [(Double, Double)](repeating: (0, 0), count: 17)
        let neck = (0.0, -0.32)
        let head = (rng.uniform(-0.02, 0.02), -0.44)
        local[0] = (head.0, head.1 + 0.015)
        local[1] = (head.0 + 0.025, head.1 - 0.01); local[2] = (head.0 - 0.025, head.1 - 0.01)
        local[3] = (head.0 + 0.055, head.1); local[4] = (head.0 - 0.055, head.1)
        local[5] = (neck.0 + 0.1, neck.1); local[6] = (neck.0 - 0.1, neck.1)
        local[11] = (0.075, 0); local[12] = (-0.075, 0)
        func limb(_ from: (Double, Double), _ angle: Double, _ length: Double) -> (Double, Double) {
            (from.0 + sin(angle) * length, from.1 + cos(angle) * length)
        }
        // arms: angle 0 points down; left side (+x) swings outward with positive angles
        let lUpper = deg(rng.uniform(-30, 150)), rUpper = -deg(rng.uniform(-30, 150))
        local[7] = limb(local[5], lUpper, 0.16); local[8] = limb(local[6], rUpper, 0.16)
        local[9] = limb(local[7], lUpper + deg(rng.uniform(-20, 130)), 0.14)
        local[10] = limb(local[8], rUpper - deg(rng.uniform(-20, 130)), 0.14)
        let lThigh = deg(rng.uniform(-15, 60)), rThigh = -deg(rng.uniform(-15, 60))
        local[13] = limb(local[11], lThigh, 0.25); local[14] = limb(local[12], rThigh, 0.25)
        local[15] = limb(local[13], lThigh - deg(rng.uniform(0, 90)), 0.24)
        local[16] = limb(local[14], rThigh + deg(rng.uniform(0, 90)), 0.24)
        // People face the camera, so a person's left is on the image right, as in most COCO
        // images; this stays true under horizontal flips, which swap the labels with the image.
        var pts = local.map { p -> (Double, Double) in
            let x = p.0 * h, y = p.1 * h
            return (cx + cos(tilt) * x - sin(tilt) * y, cy + sin(tilt) * x + cos(tilt) * y)
        }
        let r = max(2, 0.022 * h)
        let skin = (rng.uniform(150, 240), rng.uniform(110, 190), rng.uniform(90, 160))
        let shirt = (rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255))
        // torso, then limbs in left (green) / right (orange) shades, head, joints
        if draw { canvas.fillConvexPolygon([pts[5], pts[6], pts[12], pts[11]], shirt) }
        let left = (40.0, 200.0, 60.0), right = (240.0, 140.0, 20.0)
        for (a, b, c) in [(5, 7, left), (7, 9, left), (6, 8, right), (8, 10, right),
                          (11, 13, (20.0, 140.0, 40.0)), (13, 15, (20.0, 140.0, 40.0)),
                          (12, 14, (190.0, 100.0, 10.0)), (14, 16, (190.0, 100.0, 10.0))] {
            if draw { canvas.capsule(pts[a].0, pts[a].1, pts[b].0, pts[b].1, r * 1.3, c) }
        }
        let headCenter = ((pts[3].0 + pts[4].0) / 2, (pts[3].1 + pts[4].1) / 2)
        if draw {
            canvas.fillCircle(headCenter.0, headCenter.1, 0.075 * h, skin)
            for j in 0..<17 {
                canvas.fillCircle(pts[j].0, pts[j].1, j <= 4 ? max(1.5, 0.012 * h) : r, SyntheticCOCO.jointColors[j])
            }
        }
        var keypoints: [Double] = []
        var xs: [Double] = [], ys: [Double] = []
        for j in 0..<17 {
            let (x, y) = pts[j]
            xs.append(x); ys.append(y)
            if x >= 0 && y >= 0 && x <= Double(width - 1) && y <= Double(height - 1) {
                keypoints += [x, y, 2]
            } else {
                keypoints += [0, 0, 0]
                pts[j] = (0, 0)
            }
        }
        // the box covers the drawn figure (keypoints plus the head and limb thickness), clipped
        let margin = r * 1.5
        let x0 = max(0, min(xs.min()!, headCenter.0 - 0.075 * h) - margin)
        let y0 = max(0, min(ys.min()!, headCenter.1 - 0.075 * h) - margin)
        let x1 = min(Double(width - 1), max(xs.max()!, headCenter.0 + 0.075 * h) + margin)
        let y1 = min(Double(height - 1), max(ys.max()!, headCenter.1 + 0.075 * h) + margin)
        let bw = max(1, x1 - x0), bh = max(1, y1 - y0)
        return Person(keypoints: keypoints, bbox: [x0, y0, bw, bh], area: bw * bh * 0.55)
    }
}
