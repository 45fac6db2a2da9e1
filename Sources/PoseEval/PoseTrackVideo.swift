import Foundation
import PoseData

/// One video in PoseTrack18's annotation format: a ground-truth file of the per-video folder
/// (`annotations/val/000342_mpii_test.json`) or a prediction file as MMPose's `PoseTrack18Metric`
/// writes it. Images carry their ignore regions, people their (x, y, v) keypoints in the file's
/// keypoint order, per-keypoint scores (predictions), a head box (ground truth) and a track id.
public struct PoseTrackVideo: Sendable {
    public struct Image: Sendable {
        public var id: Int
        public var fileName: String
        /// `ignore_regions_x` and `ignore_regions_y` zipped: one vertex list per polygon; nil unless
        /// the image has both keys.
        public var ignoreRegions: [[(x: Double, y: Double)]]?

        public init(id: Int, fileName: String, ignoreRegions: [[(x: Double, y: Double)]]? = nil) {
            self.id = id; self.fileName = fileName; self.ignoreRegions = ignoreRegions
        }
    }

    public struct Person: Sendable {
        public var imageId: Int
        public var trackId: Int
        /// K (x, y, v) triples in `keypointNames` order; a prediction's v is its score.
        public var keypoints: [Double]
        /// K keypoint scores, or empty (ground truth).
        public var scores: [Double]
        /// `bbox_head` (x, y, w, h); nil when absent.
        public var headBox: [Double]?
        /// The instance score (predictions; not used by the evaluation).
        public var score: Double?

        public init(imageId: Int, trackId: Int, keypoints: [Double], scores: [Double] = [], headBox: [Double]? = nil, score: Double? = nil) {
            self.imageId = imageId; self.trackId = trackId; self.keypoints = keypoints; self.scores = scores
            self.headBox = headBox; self.score = score
        }
    }

    /// PoseTrack18's 17 keypoint names in its file order (MMPose writes these).
    public static let keypointNames = [
        "nose", "head_bottom", "head_top", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
        "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle",
    ]
    /// PoseTrack18's skeleton (1-based), as MMPose writes it into prediction files.
    public static let skeleton = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9],
                                  [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]

    /// The names of the single category's keypoints.
    public var keypointNames: [String]
    public var images: [Image]
    public var people: [Person]
    /// The file it was read from (or is written as), for messages.
    public var source: String

    public init(keypointNames: [String] = PoseTrackVideo.keypointNames, images: [Image], people: [Person], source: String) {
        self.keypointNames = keypointNames; self.images = images; self.people = people; self.source = source
    }

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
                case "id": id = integer(&scanner)
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
                case "image_id": imageId = integer(&scanner)
                case "track_id": trackId = integer(&scanner)
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

    /// An integral number within 53 bits, or nil (the value is then skipped).
    private static func integer(_ scanner: inout JSONScanner) -> Int? {
        if let d = scanner.readNumber() {
            guard d.isFinite, d == d.rounded(), abs(d) <= 9_007_199_254_740_992 else { return nil }
            return Int(d)
        }
        try? scanner.skipValue()
        return nil
    }

    /// The frames poseval evaluates, as `convert_videos(data)[0]` makes them: images grouped by
    /// video (the folder name's part before its first '_'), the first video's frames in file
    /// order, each with the people of its image id. A keypoint at (0, 0) with v = 0 is left out
    /// (unlabelled, or a prediction scored 0); the others keep their score when the person has
    /// scores. Ears (no poseval joint) are dropped.
    ///
    /// - Throws: where poseval's conversion stops: a file name that is not
    ///   `…/<sequence>_<mpii|bonn|mpiinew>…/<frame>.<ext>` with a frame number below 10000, or a
    ///   track id of 10000 or more.
    func frames() throws -> [PoseTrackFrame] {
        let table = keypointNames.map { PoseTrackAP.jointNames.firstIndex(of: $0) }
        var firstVideo: Substring?
        var frames: [PoseTrackFrame] = []
        for listed in images {
            let image = images.first { $0.id == listed.id }!  // poseval looks images up by id
            let video = try PoseTrackVideo.videoId(of: image.fileName, source: source)
            if firstVideo == nil { firstVideo = video }
            guard video == firstVideo else { continue }
            var people: [PoseTrackFrame.Person] = []
            for p in self.people where p.imageId == image.id {
                guard p.trackId < 10_000 else {
                    throw MetricError("\(source): image \(image.id) has track_id \(p.trackId); poseval requires track ids below 10000")
                }
                var points: [PoseTrackFrame.Point] = []
                for (j, id) in table.enumerated() {
                    guard let id else { continue }
                    let x = p.keypoints[3 * j], y = p.keypoints[3 * j + 1], v = p.keypoints[3 * j + 2]
                    if x == 0 && y == 0 && v == 0 { continue }
                    points.append(PoseTrackFrame.Point(id: id, x: x, y: y, score: p.scores.isEmpty ? nil : p.scores[j]))
                }
                let head = p.headBox.map { b in (x1: b[0], y1: b[1], x2: b[0] + b[2], y2: b[1] + b[3]) }
                people.append(PoseTrackFrame.Person(points: points, head: head, trackId: p.trackId))
            }
            let regions = image.ignoreRegions.flatMap { $0.isEmpty ? nil : $0 }
            frames.append(PoseTrackFrame(people: people, ignoreRegions: regions, source: "\(source), image \(image.id)"))
        }
        return frames
    }

    /// poseval's video id of an image (`posetrack18_fname2id` must accept its name): the part of
    /// the folder name before the first '_'.
    static func videoId(of fileName: String, source: String) throws -> Substring {
        let parts = fileName.split(separator: "/", omittingEmptySubsequences: false)
        let folder = parts.count >= 2 ? parts[parts.count - 2] : ""
        let tokens = folder.split(separator: "_", omittingEmptySubsequences: false)
        let frame = parts.last!.split(separator: ".", omittingEmptySubsequences: false)[0]
        guard tokens.count >= 2, Int(tokens[0]) != nil, ["mpii", "bonn", "mpiinew"].contains(tokens[1]),
              let number = Int(frame), (0..<10_000).contains(number) else {
            throw MetricError("\(source): image file_name '\(fileName)' is not PoseTrack's <sequence>_<mpii|bonn|mpiinew>_<split>/<frame below 10000>.jpg, which poseval parses")
        }
        return tokens[0]
    }

    /// The prediction file MMPose's `PoseTrack18Metric.results2json` writes for this ground-truth
    /// video: its images (id, file name) and, for each, the kept predictions of that image in
    /// order, numbered as track ids, with K (x, y, score) keypoints and their scores.
    public func predictions(_ byImage: [Int: [KeypointPrediction]]) -> PoseTrackVideo {
        var people: [Person] = []
        for image in images {
            for (track, p) in (byImage[image.id] ?? []).enumerated() {
                var keypoints: [Double] = []
                for j in p.keypointScores.indices { keypoints += [p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]] }
                people.append(Person(imageId: p.imageId, trackId: track, keypoints: keypoints, scores: p.keypointScores, score: p.score))
            }
        }
        return PoseTrackVideo(images: images.map { Image(id: $0.id, fileName: $0.fileName) }, people: people,
                              source: "the predictions for \(source)")
    }

    /// The file in PoseTrack18's format, as MMPose dumps its prediction files (sorted keys).
    public func json() throws -> Data {
        let content: [String: Any] = [
            "images": images.map { ["id": $0.id, "file_name": $0.fileName] as [String: Any] },
            "categories": [["supercategory": "person", "id": 1, "name": "person", "keypoints": keypointNames,
                            "skeleton": PoseTrackVideo.skeleton] as [String: Any]],
            "annotations": people.map { p -> [String: Any] in
                var a: [String: Any] = ["image_id": p.imageId, "keypoints": p.keypoints, "scores": p.scores, "track_id": p.trackId]
                if let score = p.score { a["score"] = score }
                return a
            },
        ]
        return try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys, .prettyPrinted])
    }
}
