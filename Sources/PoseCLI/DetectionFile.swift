import Foundation
import PoseData

/// Person detections in MMPose's `bbox_file` layout (a COCO results list of `image_id`,
/// `category_id`, `bbox` [x, y, w, h] and `score`), matched to images by their COCO-style
/// numeric file names (`000000196141.jpg` is image 196141).
struct DetectionFile {
    let path: String
    /// Person boxes (x1, y1, x2, y2) with scores, by image id.
    private var boxesById: [Int: [((Double, Double, Double, Double), Double)]] = [:]

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError("\(path): bbox file not found or unreadable")
        }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw DatasetError("\(path): expected a JSON list of detections (image_id, category_id, bbox, score)")
        }
        for (i, det) in list.enumerated() {
            guard let imageId = JSONNumber.integer(det["image_id"]),
                  let box = (det["bbox"] as? [NSNumber])?.map(\.doubleValue), box.count >= 4,
                  let score = (det["score"] as? NSNumber)?.doubleValue else {
                throw DatasetError("\(path): detection [\(i)] needs image_id, bbox and score")
            }
            guard box.allSatisfy(JSONNumber.coordinate.contains), box[2] >= 0, box[3] >= 0, score.isFinite else {
                throw DatasetError("\(path): detection [\(i)] has bbox \(box) and score \(score); expected finite x, y, w >= 0, h >= 0 within ±\(Int(JSONNumber.coordinate.upperBound)) pixels")
            }
            guard (JSONNumber.integer(det["category_id"]) ?? 1) == 1 else { continue }
            boxesById[imageId, default: []].append(((box[0], box[1], box[0] + box[2], box[1] + box[3]), score))
        }
    }

    /// The person boxes of the image at `imagePath` scoring at least `threshold`, best first.
    func boxes(for imagePath: String, threshold: Double) throws -> [((Double, Double, Double, Double), Double)] {
        let stem = URL(fileURLWithPath: imagePath).deletingPathExtension().lastPathComponent
        guard let id = Int(stem) else {
            throw DatasetError("\(imagePath): cannot find its detections in \(path): bbox_file images are matched by a numeric file name (COCO's image_id), and '\(stem)' is not one")
        }
        return (boxesById[id] ?? []).filter { $0.1 >= threshold }.sorted { $0.1 > $1.1 }
    }
}
