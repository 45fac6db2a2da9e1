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
        for detection in try PersonDetections.read(path: path) {
            boxesById[detection.imageId, default: []].append((detection.box, detection.score))
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
