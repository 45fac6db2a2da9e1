import Foundation

/// An image record of a COCO annotation file.
public struct CocoImage: Sendable {
    /// COCO's image `id`, which annotations and detections refer to as `image_id`.
    public var id: Int
    /// `file_name`, relative to the dataset's image folder (`data_prefix.img`).
    public var fileName: String
    /// `width` in pixels, 1 to `JSONNumber.imageSide.upperBound`.
    public var width: Int
    /// `height` in pixels, 1 to `JSONNumber.imageSide.upperBound`.
    public var height: Int
    /// CrowdPose's `crowdIndex` (the evaluation's easy/medium/hard split), when the file has one.
    public var crowdIndex: Double?

    /// An image entry: its id, file name, size in pixels and (CrowdPose) crowd index.
    public init(id: Int, fileName: String, width: Int, height: Int, crowdIndex: Double? = nil) {
        self.id = id; self.fileName = fileName; self.width = width; self.height = height; self.crowdIndex = crowdIndex
    }
}

/// A person-keypoint annotation of a COCO annotation file.
public struct CocoAnnotation: Sendable {
    /// The annotation's `id`, the instance id of most layouts (see `CocoInstanceLayout`).
    public var id: Int
    /// `image_id`: the `CocoImage.id` of the image the person is in.
    public var imageId: Int
    /// `category_id`; 1 (person) when the file gives none.
    public var categoryId: Int
    /// x, y, w, h.
    public var bbox: [Double]?
    /// x, y, v triples; nil when the annotation has no keypoints.
    public var keypoints: [Double]?
    /// `num_keypoints`, COCO's count of labelled keypoints; nil when absent (the layouts then count
    /// the keypoints with a non-zero coordinate).
    public var numKeypoints: Int?
    /// `area` in square image pixels (COCO's segmentation area); nil when absent (the layouts then
    /// take 0.53 of the box area).
    public var area: Double?
    /// `iscrowd` (a boolean or 0/1; false when absent): a crowd region, which MMPose's validity
    /// filter drops.
    public var isCrowd: Bool
    /// Numeric fields a dataset type asked for beyond COCO's (COCO-WholeBody's `foot_kpts` and
    /// `lefthand_valid`, WFLW's `center` and `scale`): lists as they are, a number or a boolean as
    /// a one-element list. Absent or non-numeric fields are missing.
    public var extra: [String: [Double]] = [:]
    /// The `segmentation` polygons (x, y pairs each), when the file was loaded with polygons and
    /// the segmentation is a list (a crowd's run-length dict gives nil).
    public var polygons: [[Double]]?
}

/// A COCO-format annotation file: images in file order and their annotations.
public struct CocoAnnotationFile: Sendable {
    /// The `images` records, in file order.
    public var images: [CocoImage]
    /// The `annotations` records, in file order (empty when the file has no list).
    public var annotations: [CocoAnnotation]
    /// Indices into `annotations` for each image id, in file order.
    public var annotationsByImage: [Int: [Int]]
    /// The images keyed by `id` (the first record where an id repeats).
    public var imagesById: [Int: CocoImage]
    /// Where the annotations come from (the file), for messages.
    public var source: String

    /// A file from its records; indexes the annotations by image and the images by id.
    /// - Parameter source: where the records come from (the file's path), for messages.
    public init(images: [CocoImage], annotations: [CocoAnnotation], source: String = "the annotations") {
        self.images = images
        self.annotations = annotations
        self.source = source
        var byImage: [Int: [Int]] = [:]
        for (i, a) in annotations.enumerated() { byImage[a.imageId, default: []].append(i) }
        annotationsByImage = byImage
        imagesById = Dictionary(images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads a COCO json file; errors name the file and the offending field.
    ///
    /// The file is scanned, not parsed into a document: only images' id, file_name, width and
    /// height and annotations' id, image_id, category_id, bbox, keypoints, num_keypoints, area
    /// and iscrowd are built, and everything else (segmentation polygons above all) is skipped
    /// byte by byte, so COCO's 240 MB train file costs little more than its keypoints.
    ///
    /// - Parameter extraFields: further annotation fields to keep in `CocoAnnotation.extra`.
    public static func load(path: String, extraFields: Set<String> = [], polygons: Bool = false) throws -> CocoAnnotationFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw DatasetError("\(path): annotation file not found or unreadable")
        }
        return try data.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw, source: path)
            guard scanner.peek() == UInt8(ascii: "{") else { throw DatasetError("\(path): expected a JSON object at the top level") }
            try scanner.beginObject()
            var images: [CocoImage]?, annotations: [CocoAnnotation] = []
            while let key = try scanner.nextKey() {
                switch key {
                case "images": images = try readImages(&scanner, path: path)
                case "annotations": annotations = try readAnnotations(&scanner, path: path, extraFields: extraFields, polygons: polygons)
                default: try scanner.skipValue()
                }
            }
            if let extra = scanner.peek() { throw scanner.error("unexpected '\(Character(Unicode.Scalar(extra)))' after the top-level object") }
            guard let images else { throw DatasetError("\(path): missing 'images' list") }
            return CocoAnnotationFile(images: images, annotations: annotations, source: path)
        }
    }

    private static func readImages(_ scanner: inout JSONScanner, path: String) throws -> [CocoImage] {
        guard scanner.peek() == UInt8(ascii: "[") else { throw DatasetError("\(path): missing 'images' list") }
        try scanner.beginArray()
        var images: [CocoImage] = []
        while try scanner.nextElement() {
            let i = images.count
            guard scanner.peek() == UInt8(ascii: "{") else { throw DatasetError("\(path): images[\(i)] must be an object") }
            try scanner.beginObject()
            var id: Int?, name: String?, w: Int?, h: Int?, crowdIndex: Double?
            while let key = try scanner.nextKey() {
                switch key {
                case "id": id = scanner.readInteger(booleans: true)
                case "width": w = scanner.readInteger(booleans: true)
                case "height": h = scanner.readInteger(booleans: true)
                case "crowdIndex":
                    if let v = scanner.readNumber() { crowdIndex = v } else { try scanner.skipValue() }
                case "file_name":
                    if scanner.peek() == UInt8(ascii: "\"") { name = try scanner.readString() } else { try scanner.skipValue() }
                default: try scanner.skipValue()
                }
            }
            guard let id, let name, let w, let h else {
                throw DatasetError("\(path): images[\(i)] needs id, file_name, width and height (integers)")
            }
            guard JSONNumber.imageSide.contains(w), JSONNumber.imageSide.contains(h) else {
                throw DatasetError("\(path): images[\(i)] has width \(w) and height \(h); expected 1 to \(JSONNumber.imageSide.upperBound) pixels")
            }
            images.append(CocoImage(id: id, fileName: name, width: w, height: h, crowdIndex: crowdIndex))
        }
        return images
    }

    private static func readAnnotations(_ scanner: inout JSONScanner, path: String, extraFields: Set<String>,
                                        polygons keepPolygons: Bool) throws -> [CocoAnnotation] {
        guard scanner.peek() == UInt8(ascii: "[") else { try scanner.skipValue(); return [] }
        try scanner.beginArray()
        var annotations: [CocoAnnotation] = []
        while try scanner.nextElement() {
            let i = annotations.count
            guard scanner.peek() == UInt8(ascii: "{") else { throw DatasetError("\(path): annotations[\(i)] must be an object") }
            try scanner.beginObject()
            var id: Int?, imageId: Int?, category: Int?, bbox: [Double]?, keypoints: [Double]?, count: Int?, area: Double?, crowd = false
            var extra: [String: [Double]] = [:], polygons: [[Double]]?
            func coordinates(_ key: String) throws -> [Double]? {
                if scanner.readNull() { return nil }
                guard scanner.peek() == UInt8(ascii: "[") else { throw DatasetError("\(path): annotations[\(i)].\(key) must be a list of numbers") }
                try scanner.beginArray()
                var v: [Double] = []
                while try scanner.nextElement() {
                    guard let x = scanner.readNumber() else { throw DatasetError("\(path): annotations[\(i)].\(key) must be a list of numbers") }
                    guard JSONNumber.coordinate.contains(x) else {
                        throw DatasetError("\(path): annotations[\(i)].\(key) holds \(x); expected finite pixel values within ±\(Int(JSONNumber.coordinate.upperBound))")
                    }
                    v.append(x)
                }
                return v
            }
            while let key = try scanner.nextKey() {
                switch key {
                case "id": id = scanner.readInteger(booleans: true)
                case "image_id": imageId = scanner.readInteger(booleans: true)
                case "category_id": category = scanner.readInteger(booleans: true)
                case "num_keypoints": count = scanner.readInteger(booleans: true)
                case "bbox": bbox = try coordinates(key)
                case "keypoints": keypoints = try coordinates(key)
                case "area": area = scanner.readNumber(); if area == nil { try scanner.skipValue() }
                case "iscrowd":
                    if let b = scanner.readBool() { crowd = b } else if let n = scanner.readNumber() { crowd = n != 0 } else { try scanner.skipValue() }
                case "segmentation" where keepPolygons && scanner.peek() == UInt8(ascii: "["):
                    try scanner.beginArray()
                    var list: [[Double]] = []
                    while try scanner.nextElement() {
                        guard let polygon = try coordinates(key) else { throw DatasetError("\(path): annotations[\(i)].segmentation must hold polygons") }
                        list.append(polygon)
                    }
                    polygons = list
                case _ where extraFields.contains(key):
                    if let b = scanner.readBool() { extra[key] = [b ? 1 : 0] }
                    else if let n = scanner.readNumber() { extra[key] = [n] }
                    else if scanner.peek() == UInt8(ascii: "[") { extra[key] = try coordinates(key) }
                    else { try scanner.skipValue() }
                default: try scanner.skipValue()
                }
            }
            guard let id, let imageId else { throw DatasetError("\(path): annotations[\(i)] needs id and image_id (integers)") }
            annotations.append(CocoAnnotation(id: id, imageId: imageId, categoryId: category ?? 1, bbox: bbox, keypoints: keypoints,
                                              numKeypoints: count, area: area, isCrowd: crowd, extra: extra, polygons: polygons))
        }
        return annotations
    }
}

/// A dataset that cannot be loaded; the message names the file and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    /// The message: the file (or key) and what is wrong with it.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
