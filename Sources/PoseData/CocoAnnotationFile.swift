import Foundation

/// An image record of a COCO annotation file.
public struct CocoImage: Sendable {
    public var id: Int
    public var fileName: String
    public var width: Int
    public var height: Int
}

/// A person-keypoint annotation of a COCO annotation file.
public struct CocoAnnotation: Sendable {
    public var id: Int
    public var imageId: Int
    public var categoryId: Int
    /// x, y, w, h.
    public var bbox: [Double]?
    /// x, y, v triples; nil when the annotation has no keypoints.
    public var keypoints: [Double]?
    public var numKeypoints: Int?
    public var area: Double?
    public var isCrowd: Bool
}

/// A COCO-format annotation file: images in file order and their annotations.
public struct CocoAnnotationFile: Sendable {
    public var images: [CocoImage]
    public var annotations: [CocoAnnotation]
    /// Indices into `annotations` for each image id, in file order.
    public var annotationsByImage: [Int: [Int]]
    public var imagesById: [Int: CocoImage]

    public init(images: [CocoImage], annotations: [CocoAnnotation]) {
        self.images = images
        self.annotations = annotations
        var byImage: [Int: [Int]] = [:]
        for (i, a) in annotations.enumerated() { byImage[a.imageId, default: []].append(i) }
        annotationsByImage = byImage
        imagesById = Dictionary(images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads a COCO json file; errors name the file and the offending field.
    public static func load(path: String) throws -> CocoAnnotationFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError("\(path): annotation file not found or unreadable")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw DatasetError("\(path): not valid JSON (\(error.localizedDescription))")
        }
        guard let root = json as? [String: Any] else { throw DatasetError("\(path): expected a JSON object at the top level") }
        guard let imageList = root["images"] as? [[String: Any]] else { throw DatasetError("\(path): missing 'images' list") }
        var images: [CocoImage] = []
        images.reserveCapacity(imageList.count)
        for (i, im) in imageList.enumerated() {
            guard let id = (im["id"] as? NSNumber)?.intValue, let name = im["file_name"] as? String,
                  let w = (im["width"] as? NSNumber)?.intValue, let h = (im["height"] as? NSNumber)?.intValue else {
                throw DatasetError("\(path): images[\(i)] needs id, file_name, width and height")
            }
            images.append(CocoImage(id: id, fileName: name, width: w, height: h))
        }
        let annList = root["annotations"] as? [[String: Any]] ?? []
        var annotations: [CocoAnnotation] = []
        annotations.reserveCapacity(annList.count)
        for (i, a) in annList.enumerated() {
            guard let id = (a["id"] as? NSNumber)?.intValue, let imageId = (a["image_id"] as? NSNumber)?.intValue else {
                throw DatasetError("\(path): annotations[\(i)] needs id and image_id")
            }
            annotations.append(CocoAnnotation(
                id: id, imageId: imageId, categoryId: (a["category_id"] as? NSNumber)?.intValue ?? 1,
                bbox: (a["bbox"] as? [NSNumber])?.map(\.doubleValue),
                keypoints: (a["keypoints"] as? [NSNumber])?.map(\.doubleValue),
                numKeypoints: (a["num_keypoints"] as? NSNumber)?.intValue,
                area: (a["area"] as? NSNumber)?.doubleValue,
                isCrowd: ((a["iscrowd"] as? NSNumber)?.intValue ?? 0) != 0))
        }
        return CocoAnnotationFile(images: images, annotations: annotations)
    }
}

/// A dataset that cannot be loaded; the message names the file and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
