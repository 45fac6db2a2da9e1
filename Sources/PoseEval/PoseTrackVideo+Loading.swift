import Foundation
import PoseData

/// Reading PoseTrack18's video files, with the project's JSON scanner (numbers correctly rounded,
/// as Python's `json` reads them; keys poseval does not read skipped).
extension PoseTrackVideo {
    /// Reads a video file in PoseTrack18's format; errors name the file and what was expected.
    /// Numbers are read as Python reads them (correctly rounded); keys poseval does not read are
    /// skipped.
    public static func load(path: String) throws -> PoseTrackVideo {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw MetricError("\(path): not found or unreadable; expected a PoseTrack18 video file (images, annotations, categories)")
        }
        do {
            return try data.withUnsafeBytes { raw in
                var scanner = JSONScanner(bytes: raw, source: path)
                return try read(&scanner, path: path)
            }
        } catch let error as DatasetError {
            throw MetricError("\(error.description) (expected a PoseTrack18 video file: images, annotations, categories)")
        }
    }

    private static func read(_ scanner: inout JSONScanner, path: String) throws -> PoseTrackVideo {
        func fail(_ what: String) -> MetricError { MetricError("\(path): \(what)") }
        guard scanner.peek() == UInt8(ascii: "{") else { throw fail("expected a JSON object (PoseTrack18's images, annotations, categories)") }
        try scanner.beginObject()
        var images: [Image]?, people: [Person]?, categories: [[String]?] = [], names: [String]?, annolist = false
        while let key = try scanner.nextKey() {
            switch key {
            case "images": images = try readImages(&scanner, fail)
            case "annotations": people = try readPeople(&scanner, fail)
            case "categories":
                guard scanner.peek() == UInt8(ascii: "[") else { throw fail("'categories' must be a list") }
                try scanner.beginArray()
                while try scanner.nextElement() {
                    guard scanner.peek() == UInt8(ascii: "{") else { throw fail("categories[\(categories.count)] must be an object") }
                    try scanner.beginObject()
                    var person = false, keypoints: [String]?
                    while let field = try scanner.nextKey() {
                        switch field {
                        case "name":
                            if scanner.peek() == UInt8(ascii: "\"") { person = try scanner.readString() == "person" } else { try scanner.skipValue() }
                        case "keypoints": keypoints = try strings(&scanner)
                        default: try scanner.skipValue()
                        }
                    }
                    categories.append(person ? keypoints : nil)
                }
            case "annolist": annolist = true; try scanner.skipValue()
            default: try scanner.skipValue()
            }
        }
        if images == nil && annolist {
            throw fail("PoseTrack17's 'annolist' format; MMPose's PoseTrack18Metric reads PoseTrack18's (images, annotations, categories)")
        }
        if categories.count == 1, let k = categories[0], k.count == 15 || k.count == 17 { names = k }
        guard let names else {
            throw fail("expected 'categories' with one category named 'person' and its 15 or 17 keypoint names, as poseval asserts")
        }
        if let missing = PoseTrackAP.jointNames.first(where: { !names.contains($0) }) {
            throw fail("the category's keypoints lack '\(missing)'; poseval needs \(PoseTrackAP.jointNames.joined(separator: ", "))")
        }
        guard let images else { throw fail("expected an 'images' list") }
        guard let people else { throw fail("expected an 'annotations' list") }
        for (i, p) in people.enumerated() {
            guard p.keypoints.count == 3 * names.count else {
                throw fail("annotations[\(i)] has \(p.keypoints.count) keypoint values; expected \(3 * names.count) (x, y, v for each of the \(names.count) keypoints)")
            }
            guard p.scores.isEmpty || p.scores.count >= names.count else {
                throw fail("annotations[\(i)].scores has \(p.scores.count) entries; expected none or \(names.count)")
            }
        }
        return PoseTrackVideo(keypointNames: names, images: images, people: people, source: path)
    }

    private static func readImages(_ scanner: inout JSONScanner, _ fail: (String) -> MetricError) throws -> [Image] {
        guard scanner.peek() == UInt8(ascii: "[") else { throw fail("expected an 'images' list") }
        try scanner.beginArray()
        var images: [Image] = []
        while try scanner.nextElement() {
            let i = images.count
            guard scanner.peek() == UInt8(ascii: "{") else { throw fail("images[\(i)] must be an object") }
            try scanner.beginObject()
            var id: Int?, name: String?, xs: [[Double]]?, ys: [[Double]]?
            while let key = try scanner.nextKey() {
                switch key {
                case "id": id = scanner.readInteger()
                case "file_name": if scanner.peek() == UInt8(ascii: "\"") { name = try scanner.readString() } else { try scanner.skipValue() }
                case "ignore_regions_x", "ignore_regions_y":
                    guard let lists = try numberLists(&scanner) else {
                        throw fail("images[\(i)].\(key) must be a list of number lists (one per polygon)")
                    }
                    if key == "ignore_regions_x" { xs = lists } else { ys = lists }
                default: try scanner.skipValue()
                }
            }
            guard let id, let name else { throw fail("images[\(i)] needs an integer id and a file_name") }
            var regions: [[(x: Double, y: Double)]]?
            if let xs, let ys { regions = zip(xs, ys).map { px, py in zip(px, py).map { (x: $0, y: $1) } } }
            images.append(Image(id: id, fileName: name, ignoreRegions: regions))
        }
        return images
    }

    private static func readPeople(_ scanner: inout JSONScanner, _ fail: (String) -> MetricError) throws -> [Person] {
        guard scanner.peek() == UInt8(ascii: "[") else { throw fail("expected an 'annotations' list") }
        try scanner.beginArray()
        var people: [Person] = []
        while try scanner.nextElement() {
            let i = people.count
            guard scanner.peek() == UInt8(ascii: "{") else { throw fail("annotations[\(i)] must be an object") }
            try scanner.beginObject()
            var imageId: Int?, trackId: Int?, keypoints: [Double]?, scores: [Double] = [], head: [Double]?, score: Double?
            while let key = try scanner.nextKey() {
                switch key {
                case "image_id": imageId = scanner.readInteger()
                case "track_id": trackId = scanner.readInteger()
                case "keypoints": keypoints = try numbers(&scanner)
                case "scores":
                    if scanner.readNull() { continue }
                    guard let list = try numbers(&scanner) else { throw fail("annotations[\(i)].scores must be a list of numbers") }
                    scores = list
                case "bbox_head":
                    guard let box = try numbers(&scanner), box.count >= 4 else { throw fail("annotations[\(i)].bbox_head must be [x, y, w, h]") }
                    head = box
                case "score": score = scanner.readNumber(); if score == nil { try scanner.skipValue() }
                default: try scanner.skipValue()
                }
            }
            guard let imageId else { throw fail("annotations[\(i)] needs an integer image_id") }
            guard let trackId else { throw fail("annotations[\(i)] needs an integer track_id (poseval reads it)") }
            guard let keypoints else { throw fail("annotations[\(i)] needs 'keypoints', a list of numbers") }
            people.append(Person(imageId: imageId, trackId: trackId, keypoints: keypoints, scores: scores, headBox: head, score: score))
        }
        return people
    }

    /// A list of numbers, or nil when the value is something else (then skipped).
    private static func numbers(_ scanner: inout JSONScanner) throws -> [Double]? {
        guard scanner.peek() == UInt8(ascii: "[") else { try scanner.skipValue(); return nil }
        try scanner.beginArray()
        var values: [Double] = []
        while try scanner.nextElement() {
            guard let x = scanner.readNumber() else { throw scanner.error("expected a number") }
            values.append(x)
        }
        return values
    }

    /// A list of number lists, or nil when the value is something else (then skipped).
    private static func numberLists(_ scanner: inout JSONScanner) throws -> [[Double]]? {
        guard scanner.peek() == UInt8(ascii: "[") else { try scanner.skipValue(); return nil }
        try scanner.beginArray()
        var lists: [[Double]] = []
        while try scanner.nextElement() {
            guard let list = try numbers(&scanner) else { throw scanner.error("expected a list of numbers") }
            lists.append(list)
        }
        return lists
    }

    /// A list of strings, or nil when the value is something else (then skipped).
    private static func strings(_ scanner: inout JSONScanner) throws -> [String]? {
        guard scanner.peek() == UInt8(ascii: "[") else { try scanner.skipValue(); return nil }
        try scanner.beginArray()
        var values: [String] = []
        while try scanner.nextElement() {
            guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error("expected a string") }
            values.append(try scanner.readString())
        }
        return values
    }
}
