import Foundation
import PoseData

/// MMPose's `PoseTrack18Metric` (`val_evaluator=dict(type='PoseTrack18Metric', ann_file=...)`):
/// `CocoMetric`'s rescoring and OKS-NMS, then for each video of the ground-truth folder the
/// prediction file MMPose writes in PoseTrack18's format, and poseval's `evaluateAP` over all
/// videos (`PoseTrackAP`). Reports, in MMPose's order, `posetrack18/Head AP`, `Shou AP`,
/// `Elb AP`, `Wri AP`, `Hip AP`, `Knee AP`, `Ankl AP` and `AP` (the mean over poseval's 15 joints).
///
/// The ground truth is PoseTrack's per-video files in the folder MMPose derives from `ann_file`
/// (`groundTruthFolder`: `annotations/posetrack18_val.json` → `annotations/val`). `ann_file` itself,
/// the merged COCO-format file, is only checked, as MMPose's `CocoMetric` loads it. MMPose writes
/// the prediction files to a folder and poseval reads them back; here the same frames are built in
/// memory, and the files are written as well when `outfilePrefix` is set.
///
/// Departures from MMPose: the video files are taken in name order (poseval globs them in
/// directory order, which matters only for tied keypoint scores, see `PoseTrackAP`), and a folder
/// without video files is an error (MMPose reports 0 for everything).
public struct PoseTrack18Metric: Metric {
    /// Rescoring and NMS (`score_mode`, `keypoint_score_thr`, `nms_mode`, `nms_thr`) and the OKS
    /// sigmas (empty: the dataset's).
    public var coco: CocoMetric
    /// `ann_file`: PoseTrack18's merged annotation file, beside the per-video folder.
    public var annotationFile: String
    /// `outfile_prefix`: when set, the prediction files are written to its folder, named as the
    /// ground-truth videos (as MMPose writes them).
    public var outfilePrefix: String?
    /// MMEngine's metric `prefix` of the reported names.
    public var prefix = "posetrack18"

    /// The statistics MMPose reports (poseval's `getCum`), in order.
    public static let statNames = ["Head AP", "Shou AP", "Elb AP", "Wri AP", "Hip AP", "Knee AP", "Ankl AP", "AP"]

    /// Creates the metric with `CocoMetric`'s default rescoring and NMS and no `outfile_prefix`.
    /// - Parameter annotationFile: `ann_file`, the merged file whose folder holds the per-video
    ///   ground truth (`groundTruthFolder`).
    public init(annotationFile: String) {
        self.annotationFile = annotationFile
        coco = CocoMetric()
    }

    public var names: [String] { PoseTrack18Metric.statNames.map { prefix + "/" + $0 } }

    /// MMPose reported the total as `Total AP` until its #1868 (December 2022) renamed it `AP`; the
    /// posetrack18 configs of MMPose 1.3.2 still name `posetrack18/Total AP` in `save_best`, which
    /// MMEngine then fails to find at the first validation.
    public var formerNames: [String: String] { [prefix + "/Total AP": prefix + "/AP"] }

    public var requiredFiles: [RequiredFile] {
        [RequiredFile(key: "ann_file", path: annotationFile),
         RequiredFile(key: "ann_file's per-video ground-truth folder", path: PoseTrack18Metric.groundTruthFolder(annotationFile), isDirectory: true)]
    }

    /// MMPose's folder of per-video ground-truth files for `ann_file`:
    /// `osp.join(osp.dirname(ann_file), osp.splitext(ann_file.split('_')[-1])[0])`.
    public static func groundTruthFolder(_ annotationFile: String) -> String {
        let directory = pythonDirname(annotationFile)
        var tail = Substring(annotationFile.split(separator: "_", omittingEmptySubsequences: false).last!)
        // splitext: drop the extension of the last path component (not a leading dot)
        let nameStart = tail.lastIndex(of: "/").map { tail.index(after: $0) } ?? tail.startIndex
        let name = tail[nameStart...]
        if let dot = name.lastIndex(of: "."), name[name.startIndex..<dot].contains(where: { $0 != "." }) {
            tail = tail[..<dot]
        }
        if tail.hasPrefix("/") || directory.isEmpty { return String(tail) }
        return directory.hasSuffix("/") ? directory + tail : directory + "/" + tail
    }

    /// Python's `os.path.dirname`.
    static func pythonDirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let head = path[...slash]
        guard head.contains(where: { $0 != "/" }) else { return String(head) }
        var end = head.endIndex
        while head[head.index(before: end)] == "/" { end = head.index(before: end) }
        return String(head[..<end])
    }

    /// What an evaluation found.
    public struct Evaluation: Sendable {
        /// poseval's 15 per-joint APs (joint ids as `PoseTrackAP`) and the total, in percent.
        public var perJointAP: [Double]
        /// The reported statistics, in `statNames` order.
        public var stats: [Double]
        /// The prediction files, one per ground-truth video, as MMPose writes them.
        public var predictionFiles: [(name: String, video: PoseTrackVideo)]
        /// The frames evaluated (labelled frames of the videos).
        public var frames: Int
    }

    public func evaluate(_ predictions: [KeypointPrediction], groundTruth: EvaluationGroundTruth) throws -> [(String, Double)] {
        var metric = self
        metric.coco = coco.withSigmas(of: groundTruth.metainfo)
        guard groundTruth.metainfo.keypointCount == PoseTrackVideo.keypointNames.count, metric.coco.sigmas.count == groundTruth.metainfo.keypointCount else {
            throw MetricError("PoseTrack18Metric evaluates PoseTrack18's 17 keypoints with one OKS sigma each; dataset '\(groundTruth.metainfo.datasetName)' has \(groundTruth.metainfo.keypointCount) keypoints and \(metric.coco.sigmas.count) sigmas")
        }
        let result = try metric.evaluateDetailed(predictions)
        if let outfilePrefix {
            let folder = PoseTrack18Metric.pythonDirname(outfilePrefix)
            try PoseTrack18Metric.write(result.predictionFiles, to: folder.isEmpty ? "." : folder)
        }
        return Array(zip(names, result.stats))
    }

    /// Rescoring, NMS, the prediction files and poseval's AP; `coco.sigmas` must be set.
    public func evaluateDetailed(_ predictions: [KeypointPrediction]) throws -> Evaluation {
        let k = PoseTrackVideo.keypointNames.count
        if let p = predictions.first(where: { $0.keypointScores.count != k || $0.keypoints.count != 2 * k }) {
            throw MetricError("PoseTrack18Metric: prediction \(p.id) has \(p.keypointScores.count) keypoints; PoseTrack18's files have \(k)")
        }
        // the merged file must be a COCO-format annotation file (MMPose's CocoMetric loads it)
        _ = try CocoAnnotationFile.load(path: annotationFile)
        let folder = PoseTrack18Metric.groundTruthFolder(annotationFile)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        } catch {
            throw MetricError("PoseTrack18Metric: no folder \(folder) for ann_file \(annotationFile); expected PoseTrack18's per-video ground-truth files there (MMPose derives annotations/val/ from annotations/posetrack18_val.json)")
        }
        guard !names.isEmpty else {
            throw MetricError("PoseTrack18Metric: \(folder) has no .json files; expected PoseTrack18's per-video ground-truth files (one per video, e.g. 000342_mpii_test.json)")
        }
        var byImage: [Int: [KeypointPrediction]] = [:]
        for p in coco.postprocess(predictions) { byImage[p.imageId, default: []].append(p) }
        var gtFrames: [PoseTrackFrame] = [], prFrames: [PoseTrackFrame] = []
        var files: [(name: String, video: PoseTrackVideo)] = []
        for name in names {
            let gt = try PoseTrackVideo.load(path: folder + "/" + name)
            let pr = gt.predictions(byImage)
            files.append((name, pr))
            gtFrames += try gt.frames()
            prFrames += try pr.frames()
        }
        let perJoint = try PoseTrackAP.perJointAP(groundTruth: gtFrames, predictions: prFrames)
        return Evaluation(perJointAP: perJoint, stats: PoseTrackAP.summary(perJoint), predictionFiles: files,
                          frames: gtFrames.filter { !$0.people.isEmpty }.count)
    }

    /// Writes the prediction files into `folder` (created if need be).
    public static func write(_ files: [(name: String, video: PoseTrackVideo)], to folder: String) throws {
        do {
            try OutputPath.createDirectory(folder, label: "PoseTrack18Metric outfile_prefix")
            for (name, video) in files {
                try OutputPath.writeAtomically(try video.json(), to: folder + "/" + name, label: "PoseTrack18Metric outfile_prefix")
            }
        } catch {
            throw MetricError("PoseTrack18Metric: cannot write the prediction files to \(folder) (outfile_prefix): \(error.localizedDescription)")
        }
    }
}
