import Foundation
import PoseTensor

/// Writes a small dataset in PoseTrack18's layout, so that MMPose's posetrack18 configs train and
/// evaluate on it (`PoseTrack18Dataset` for the data, `PoseTrack18Metric` with poseval's rules for
/// the metric): figures drawn as `SyntheticKeypointDataset` draws them, one per frame, grouped
/// into short videos.
///
/// Layout under `DIR`, as PoseTrack18 ships it (use `data_root='DIR/'`, `data_prefix=dict(img='')`):
/// - `images/{train,val}/<video>/<frame>.jpg`, videos named `000001_mpii_train` / `000001_mpii_test`;
/// - `annotations/posetrack18_{train,val}.json`: the merged COCO-format files the dataset reads
///   (with `bbox_head` and `track_id`);
/// - `annotations/{train,val}/<video>.json`: the per-video files in PoseTrack18's format that
///   `PoseTrack18Metric` evaluates against;
/// - `annotations/posetrack18_val_human_detections.json`: person detections on every val frame
///   (the figure's box, jittered, and some false positives).
///
/// Image ids are PoseTrack's (10¹⁰ + video · 10⁴ + frame). As in PoseTrack, the ears are never
/// labelled, some val frames are unlabelled (`is_labeled` false, no annotation, but detections),
/// and some labelled val frames have an ignore region (a triangle in the top-left corner). Each
/// person has a head box (a square of a quarter of the figure's extent around its head keypoints).
/// The same seed gives the same bytes.
public struct SyntheticPoseTrack {
    /// The figure generator: `PoseTrack18Dataset`'s keypoints, the seed and the frame size.
    public var figures: SyntheticKeypointDataset
    /// Frames per video (default 4); the last video has the frames left over.
    public var framesPerVideo = 4

    /// A generator of `width × height` frames from `seed`.
    /// - Throws: a `ConfigError` when `PoseTrack18Dataset`'s metainfo file (`posetrack18.py`)
    ///   cannot be read.
    public init(seed: UInt64 = 0, width: Int = 256, height: Int = 256) throws {
        guard let type = CocoDatasetType.named("PoseTrack18Dataset") else { throw DatasetError("PoseTrack18Dataset is not registered") }
        figures = try SyntheticKeypointDataset(type: type)
        figures.seed = seed
        figures.width = width
        figures.height = height
    }

    /// PoseTrack's image id of `frame` of video `video` (1-based), an MPII sequence.
    static func imageId(video: Int, frame: Int) -> Int { 10_000_000_000 + video * 10_000 + frame }

    /// Writes `trainImages` and `valImages` frames with their annotations and val detections.
    public func write(to directory: String, trainImages: Int, valImages: Int) throws {
        for sub in ["annotations/train", "annotations/val"] {
            try OutputPath.createDirectory(directory + "/" + sub, label: "--out")
        }
        let names = figures.metainfo.keypointNames
        let categories: [[String: Any]] = [["supercategory": "person", "id": 1, "name": "person", "keypoints": names,
                                            "skeleton": figures.metainfo.skeletonLinks.map { [$0.0 + 1, $0.1 + 1] }]]
        let ears = Set(["left_ear", "right_ear"].compactMap { names.firstIndex(of: $0) })
        let head = ["nose", "head_bottom", "head_top"].compactMap { names.firstIndex(of: $0) }
        let template = figures.makeTemplate()
        var detections: [[String: Any]] = []
        for (split, count, stream) in [("train", trainImages, UInt64(1)), ("val", valImages, UInt64(2))] {
            var mergedImages: [[String: Any]] = [], mergedAnnotations: [[String: Any]] = []
            var videoImages: [[String: Any]] = [], videoAnnotations: [[String: Any]] = []
            for i in 0..<count {
                let video = i / framesPerVideo + 1, frame = i % framesPerVideo
                let frames = min(framesPerVideo, count - (video - 1) * framesPerVideo)
                let name = String(format: "%06d_mpii_%@", video, split == "val" ? "test" : "train")
                var rng = RandomGenerator(seed: figures.seed, stream: [stream, UInt64(i)])
                let (picture, drawn) = figures.render(template, rng: &rng)
                let id = SyntheticPoseTrack.imageId(video: video, frame: frame)
                let fileName = String(format: "images/%@/%@/%06d.jpg", split, name, frame)
                try OutputPath.createDirectory("\(directory)/images/\(split)/\(name)", label: "--out")
                try JPEG.write(picture, path: "\(directory)/\(fileName)", quality: 90)
                var keypoints = drawn
                for j in ears { keypoints.replaceSubrange((3 * j)..<(3 * j + 3), with: [0, 0, 0]) }
                let labelled = !(split == "val" && frame % 4 == 3)
                var image: [String: Any] = ["id": id, "file_name": fileName, "width": figures.width, "height": figures.height,
                                            "frame_id": id, "vid_id": String(format: "%06d", video), "nframes": frames,
                                            "is_labeled": labelled, "has_no_densepose": true]
                if split == "val" && frame % 4 == 2 {
                    let w = Double(figures.width) * 0.2, h = Double(figures.height) * 0.2
                    image["ignore_regions_x"] = [[0, w, 0]]
                    image["ignore_regions_y"] = [[0, 0, h]]
                }
                var annotation = figures.annotation(keypoints)
                let box = annotation["bbox"] as! [Double]
                if split == "val" {
                    var drng = RandomGenerator(seed: figures.seed, stream: [3, UInt64(i)])
                    let jitter = { (s: Double) in drng.uniform(-0.05, 0.05) * s }
                    let detected = [box[0] + jitter(box[2]), box[1] + jitter(box[3]), box[2] * drng.uniform(0.95, 1.05), box[3] * drng.uniform(0.95, 1.05)]
                    detections.append(["image_id": id, "category_id": 1, "bbox": detected.map { ($0 * 100).rounded() / 100 },
                                       "score": (drng.uniform(0.75, 1.0) * 1000).rounded() / 1000])
                    if i % 5 == 4 {
                        let fw = drng.uniform(20, Double(figures.width) / 3), fh = drng.uniform(30, Double(figures.height) / 2)
                        detections.append(["image_id": id, "category_id": 1,
                                           "bbox": [drng.uniform(0, Double(figures.width) - fw), drng.uniform(0, Double(figures.height) - fh), fw, fh]
                                            .map { ($0 * 100).rounded() / 100 },
                                           "score": (drng.uniform(0.1, 0.6) * 1000).rounded() / 1000])
                    }
                }
                mergedImages.append(image)
                videoImages.append(image)
                if labelled {
                    annotation["id"] = id * 100
                    annotation["image_id"] = id
                    annotation["category_id"] = 1
                    annotation["iscrowd"] = false
                    annotation["track_id"] = 0
                    annotation["scores"] = [Double]()
                    annotation["bbox_head"] = headBox(keypoints, head: head, extent: max(box[2], box[3]))
                    mergedAnnotations.append(annotation)
                    videoAnnotations.append(annotation)
                }
                if frame == frames - 1 {
                    try JSONFile.write(["images": videoImages, "annotations": videoAnnotations, "categories": categories],
                                  to: "\(directory)/annotations/\(split)/\(name).json")
                    videoImages = []
                    videoAnnotations = []
                }
            }
            try JSONFile.write(["images": mergedImages, "annotations": mergedAnnotations, "categories": categories],
                          to: "\(directory)/annotations/posetrack18_\(split).json")
        }
        try JSONFile.write(detections, to: "\(directory)/annotations/posetrack18_val_human_detections.json")
    }

    /// A square of a quarter of the figure's extent around the mean of its labelled head keypoints.
    func headBox(_ keypoints: [Double], head: [Int], extent: Double) -> [Double] {
        let labelled = head.filter { keypoints[3 * $0 + 2] > 0 }
        let side = (max(extent, 8) * 0.25).rounded()
        guard !labelled.isEmpty else { return [0, 0, side, side] }
        let cx = labelled.map { keypoints[3 * $0] }.reduce(0, +) / Double(labelled.count)
        let cy = labelled.map { keypoints[3 * $0 + 1] }.reduce(0, +) / Double(labelled.count)
        return [(cx - side / 2).rounded(), (cy - side / 2).rounded(), side, side]
    }
}
