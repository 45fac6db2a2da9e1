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
            guard let id = JSONNumber.integer(im["id"]), let name = im["file_name"] as? String,
                  let w = JSONNumber.integer(im["width"]), let h = JSONNumber.integer(im["height"]) else {
                throw DatasetError("\(path): images[\(i)] needs id, file_name, width and height (integers)")
            }
            guard JSONNumber.imageSide.contains(w), JSONNumber.imageSide.contains(h) else {
                throw DatasetError("\(path): images[\(i)] has width \(w) and height \(h); expected 1 to \(JSONNumber.imageSide.upperBound) pixels")
            }
            images.append(CocoImage(id: id, fileName: name, width: w, height: h))
        }
        let annList = root["annotations"] as? [[String: Any]] ?? []
        var annotations: [CocoAnnotation] = []
        annotations.reserveCapacity(annList.count)
        for (i, a) in annList.enumerated() {
            guard let id = JSONNumber.integer(a["id"]), let imageId = JSONNumber.integer(a["image_id"]) else {
                throw DatasetError("\(path): annotations[\(i)] needs id and image_id (integers)")
            }
            func coordinates(_ key: String) throws -> [Double]? {
                guard let value = a[key] else { return nil }
                guard let numbers = value as? [NSNumber] else {
                    if value is NSNull { return nil }
                    throw DatasetError("\(path): annotations[\(i)].\(key) must be a list of numbers")
                }
                let v = numbers.map(\.doubleValue)
                if let bad = v.first(where: { !JSONNumber.coordinate.contains($0) }) {
                    throw DatasetError("\(path): annotations[\(i)].\(key) holds \(bad); expected finite pixel values within ±\(Int(JSONNumber.coordinate.upperBound))")
                }
                return v
            }
            annotations.append(CocoAnnotation(
                id: id, imageId: imageId, categoryId: JSONNumber.integer(a["category_id"]) ?? 1,
                bbox: try coordinates("bbox"),
                keypoints: try coordinates("keypoints"),
                numKeypoints: JSONNumber.integer(a["num_keypoints"]),
                area: (a["area"] as? NSNumber)?.doubleValue,
                isCrowd: (JSONNumber.integer(a["iscrowd"]) ?? 0) != 0))
        }
        return CocoAnnotationFile(images: images, annotations: annotations)
    }
}

/// A dataset that cannot be loaded; the message names the file and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
