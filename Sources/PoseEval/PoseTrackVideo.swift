import Foundation
import PoseData

/// One video in PoseTrack18's annotation format: a ground-truth file of the per-video folder
/// (`annotations/val/000342_mpii_test.json`) or a prediction file as MMPose's `PoseTrack18Metric`
/// writes it. Images carry their ignore regions, people their (x, y, v) keypoints in the file's
/// keypoint order, per-keypoint scores (predictions), a head box (ground truth) and a track id.
public struct PoseTrackVideo: Sendable {
    /// One entry of the file's `images`: a frame of the video.
    public struct Image: Sendable {
        /// The image's `id`, which people refer to by `image_id`.
        public var id: Int
        /// The image's `file_name` (`images/val/000342_mpii_test/000000.jpg`), from which poseval
        /// takes the video id and frame number.
        public var fileName: String
        /// `ignore_regions_x` and `ignore_regions_y` zipped: one vertex list per polygon; nil unless
        /// the image has both keys.
        public var ignoreRegions: [[(x: Double, y: Double)]]?

        /// Creates an image entry; `ignoreRegions` defaults to none.
        public init(id: Int, fileName: String, ignoreRegions: [[(x: Double, y: Double)]]? = nil) {
            self.id = id; self.fileName = fileName; self.ignoreRegions = ignoreRegions
        }
    }

    /// One entry of the file's `annotations`: a person in one frame.
    public struct Person: Sendable {
        /// The `image_id` of the frame the person is in.
        public var imageId: Int
        /// The `track_id` following the person across frames; poseval requires it below 10000.
        public var trackId: Int
        /// K (x, y, v) triples in `keypointNames` order; a prediction's v is its score.
        public var keypoints: [Double]
        /// K keypoint scores, or empty (ground truth).
        public var scores: [Double]
        /// `bbox_head` (x, y, w, h); nil when absent.
        public var headBox: [Double]?
        /// The instance score (predictions; not used by the evaluation).
        public var score: Double?

        /// Creates a person; `scores`, `headBox` and `score` default to none, as in a ground-truth file.
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
    /// The video's frames (`images`), in file order.
    public var images: [Image]
    /// The people of all frames (`annotations`), in file order.
    public var people: [Person]
    /// The file it was read from (or is written as), for messages.
    public var source: String

    /// Creates a video; `keypointNames` defaults to PoseTrack18's 17 in file order.
    public init(keypointNames: [String] = PoseTrackVideo.keypointNames, images: [Image], people: [Person], source: String) {
        self.keypointNames = keypointNames; self.images = images; self.people = people; self.source = source
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
        let byId = Dictionary(images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })  // poseval takes the first
        var peopleOf: [Int: [Person]] = [:]
        for p in people { peopleOf[p.imageId, default: []].append(p) }
        var firstVideo: Substring?
        var frames: [PoseTrackFrame] = []
        for listed in images {
            let image = byId[listed.id]!
            let video = try PoseTrackVideo.videoId(of: image.fileName, source: source)
            if firstVideo == nil { firstVideo = video }
            guard video == firstVideo else { continue }
            var people: [PoseTrackFrame.Person] = []
            for p in peopleOf[image.id] ?? [] {
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
