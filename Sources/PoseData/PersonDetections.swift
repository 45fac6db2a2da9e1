import Foundation

/// A person-detection results file as MMPose's `bbox_file`: a COCO results list of `image_id`,
/// `category_id` (1, or absent, is a person), `bbox` [x, y, w, h] and `score`.
public enum PersonDetections {
    /// One detected person.
    public struct Detection: Sendable {
        /// `image_id` of the image the box is in.
        public var imageId: Int
        /// x1, y1, x2, y2 in pixels.
        public var box: (Double, Double, Double, Double)
        /// The detector's `score`, the instance's `bboxScore`.
        public var score: Double
    }

    /// The person detections in `path`, in file order; a damaged entry is an error naming it.
    public static func read(path: String) throws -> [Detection] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError("\(path): bbox_file not found or unreadable")
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw DatasetError("\(path): expected a JSON list of detections (image_id, category_id, bbox, score)")
        }
        var out: [Detection] = []
        for (i, det) in list.enumerated() {
            guard let imageId = JSONNumber.integer(det["image_id"]),
                  let box = (det["bbox"] as? [NSNumber])?.map(\.doubleValue), box.count >= 4,
                  let score = (det["score"] as? NSNumber)?.doubleValue else {
                throw DatasetError("\(path): detection [\(i)] needs image_id, bbox and score")
            }
            // a detector's zero-size box is data (it gets a prediction, as in MMPose); a value
            // no image has is not
            guard box.allSatisfy(JSONNumber.coordinate.contains), box[2] >= 0, box[3] >= 0, score.isFinite else {
                throw DatasetError("\(path): detection [\(i)] has bbox \(box) and score \(score); expected finite x, y, w >= 0, h >= 0 within ±\(Int(JSONNumber.coordinate.upperBound)) pixels")
            }
            guard (JSONNumber.integer(det["category_id"]) ?? 1) == 1 else { continue }
            // MMPose reads the box as float32 and adds in float32 (`bbox_xywh2xyxy`)
            let f = box.prefix(4).map { Float($0) }
            out.append(Detection(imageId: imageId, box: (Double(f[0]), Double(f[1]), Double(f[0] + f[2]), Double(f[1] + f[3])), score: score))
        }
        return out
    }
}
