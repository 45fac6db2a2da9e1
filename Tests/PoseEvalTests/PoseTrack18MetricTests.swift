import Foundation
import Testing
@testable import PoseData
@testable import PoseEval

/// `PoseTrack18Metric` against MMPose 1.3.2's with poseval (`Fixtures/posetrack18/reference.json`,
/// made by `tools/make_posetrack18_fixtures.py` on the synthetic videos beside it), and the cases
/// poseval treats specially.
@Suite struct PoseTrack18MetricTests {
    static let folder = fixtures.appendingPathComponent("posetrack18")
    static let annotationFile = folder.appendingPathComponent("annotations/posetrack18_val.json").path

    static var reference: [String: Any] { try! exactJSON(folder.appendingPathComponent("reference.json")) as! [String: Any] }

    /// A JSON file as JSONSerialization's objects, but with numbers read as Python writes them
    /// (correctly rounded; Foundation's reader on Linux is off by an ulp for some 17-digit values).
    static func exactJSON(_ url: URL) throws -> Any {
        let data = try Data(contentsOf: url)
        return try data.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw, source: url.path)
            func value() throws -> Any {
                switch scanner.peek() {
                case UInt8(ascii: "{")?:
                    try scanner.beginObject()
                    var object: [String: Any] = [:]
                    while let key = try scanner.nextKey() { object[key] = try value() }
                    return object
                case UInt8(ascii: "[")?:
                    try scanner.beginArray()
                    var array: [Any] = []
                    while try scanner.nextElement() { array.append(try value()) }
                    return array
                case UInt8(ascii: "\"")?: return try scanner.readString()
                default:
                    if let x = scanner.readNumber() { return NSNumber(value: x) }
                    if let b = scanner.readBool() { return NSNumber(value: b) }
                    if scanner.readNull() { return NSNull() }
                    throw scanner.error("expected a value")
                }
            }
            return try value()
        }
    }

    static func predictions(_ list: Any?) -> [KeypointPrediction] {
        (list as! [[String: Any]]).map { p in
            KeypointPrediction(id: (p["id"] as! NSNumber).intValue, imageId: (p["img_id"] as! NSNumber).intValue,
                               keypoints: (p["keypoints"] as! [NSNumber]).map(\.doubleValue),
                               keypointScores: (p["keypoint_scores"] as! [NSNumber]).map(\.doubleValue),
                               bboxScore: (p["bbox_score"] as! NSNumber).doubleValue, area: (p["area"] as! NSNumber).doubleValue)
        }
    }

    static var referencePredictions: [KeypointPrediction] { predictions(reference["predictions"]) }

    static func setting(_ name: String) -> [String: Any] {
        (reference["settings"] as! [[String: Any]]).first { $0["name"] as! String == name }!
    }

    static let metainfo = try! DatasetMetainfo.resolve("posetrack18.py")

    /// The metric with a reference setting's score mode, NMS and threshold.
    static func metric(_ name: String = "default", annotationFile: String = annotationFile) -> PoseTrack18Metric {
        let s = setting(name)
        var metric = PoseTrack18Metric(annotationFile: annotationFile)
        metric.coco.scoreMode = CocoMetric.ScoreMode(rawValue: s["score_mode"] as! String)!
        metric.coco.nmsMode = CocoMetric.NMSMode(rawValue: s["nms_mode"] as! String)!
        metric.coco.nmsThreshold = (s["nms_thr"] as! NSNumber).doubleValue
        metric.coco.sigmas = metainfo.sigmas.map(Double.init)
        return metric
    }

    static func groundTruth() -> EvaluationGroundTruth { EvaluationGroundTruth(instances: [], annotations: nil, metainfo: metainfo) }

    /// Equal within 1e-9 relative (1e-12 absolute near zero), NaN equal to NaN.
    static func close(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12
    }

    @Test(arguments: ["default", "bbox_none", "soft_nms", "keypoint_nms05"])
    func matchesMMPoseAndPoseval(_ name: String) throws {
        let s = PoseTrack18MetricTests.setting(name)
        let metric = PoseTrack18MetricTests.metric(name)
        let result = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        let expectedJoints = (s["per_joint_ap"] as! [NSNumber]).map(\.doubleValue)
        #expect(result.perJointAP.count == 16)
        for (got, want) in zip(result.perJointAP, expectedJoints) {
            #expect(PoseTrack18MetricTests.close(got, want), "\(name): per-joint AP \(result.perJointAP) vs poseval's \(expectedJoints)")
        }
        let values = try metric.evaluate(PoseTrack18MetricTests.referencePredictions, groundTruth: PoseTrack18MetricTests.groundTruth())
        let expected = (s["values"] as! [[Any]]).map { ($0[0] as! String, ($0[1] as! NSNumber).doubleValue) }
        #expect(values.map(\.0) == expected.map(\.0))
        for ((_, got), (key, want)) in zip(values, expected) {
            #expect(PoseTrack18MetricTests.close(got, want), "\(name) \(key): \(got) vs MMPose's \(want)")
        }
        #expect(result.frames == (s["gt_frames"] as! NSNumber).intValue)
    }

    /// The prediction files are MMPose's: per video, the kept predictions of each image in
    /// order (after rescoring and OKS-NMS), numbered as track ids, with (x, y, score) keypoints.
    @Test func writesMMPosesPredictionFiles() throws {
        let written = PoseTrack18MetricTests.setting("default")["written"] as! [String: [[Any]]]
        let result = try PoseTrack18MetricTests.metric().evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        #expect(result.predictionFiles.map(\.name) == written.keys.sorted())
        for (name, video) in result.predictionFiles {
            let want = written[name]!
            #expect(video.people.count == want.count, "\(name)")
            for (p, w) in zip(video.people, want) {
                #expect(p.imageId == (w[0] as! NSNumber).intValue && p.trackId == (w[1] as! NSNumber).intValue, "\(name)")
                #expect(p.keypoints == (w[2] as! [NSNumber]).map(\.doubleValue), "\(name) image \(p.imageId) track \(p.trackId)")
                #expect(p.scores == (w[3] as! [NSNumber]).map(\.doubleValue))
            }
        }
    }

    /// MMPose's own test: the ground truth as predictions (scores = visibilities) scores 100.
    @Test func groundTruthAsPredictionsScoresHundred() throws {
        let expected = PoseTrack18MetricTests.reference["ground_truth_as_predictions"] as! [String: Any]
        var predictions: [KeypointPrediction] = []
        let folder = PoseTrack18MetricTests.folder.appendingPathComponent("annotations/val").path
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let video = try PoseTrackVideo.load(path: folder + "/" + name)
            for (n, person) in video.people.enumerated() {
                let k = person.keypoints
                predictions.append(KeypointPrediction(
                    id: person.imageId * 100 + n, imageId: person.imageId,
                    keypoints: (0..<17).flatMap { [k[3 * $0], k[3 * $0 + 1]] }, keypointScores: (0..<17).map { k[3 * $0 + 2] },
                    bboxScore: 1, area: 10_000))
            }
        }
        let metric = PoseTrack18MetricTests.metric("bbox_none")
        let result = try metric.evaluateDetailed(predictions)
        #expect(result.perJointAP == (expected["per_joint_ap"] as! [NSNumber]).map(\.doubleValue))
        #expect(result.stats == [Double](repeating: 100, count: 8))
    }

    /// shapely's `Polygon.contains`, point by point, for the regions of the fixture.
    @Test func ignoreRegionsContainAsShapely() throws {
        let cases = PoseTrack18MetricTests.reference["ignore_regions"] as! [String: Any]
        let points = (cases["points"] as! [[NSNumber]]).map { ($0[0].doubleValue, $0[1].doubleValue) }
        for polygon in cases["polygons"] as! [[String: Any]] {
            let vertices = (polygon["vertices"] as! [[NSNumber]]).map { (x: $0[0].doubleValue, y: $0[1].doubleValue) }
            let region = try IgnoreRegion(vertices: vertices)
            let want = Array(polygon["contains"] as! String)
            var differ: [(Double, Double)] = []
            for (i, p) in points.enumerated() where region.contains(x: p.0, y: p.1) != (want[i] == "1") { differ.append(p) }
            #expect(differ.isEmpty, "\(vertices): differs from shapely at \(differ.prefix(5))")
        }
        #expect(throws: MetricError.self) { try IgnoreRegion(vertices: [(0, 0), (1, 1)]) }
        #expect(!(try IgnoreRegion(vertices: [])).contains(x: 0, y: 0))
    }

    /// Predictions whose joints all lie inside an ignore region are dropped, whatever their scores.
    @Test func predictionsInsideIgnoreRegionsDoNotCount() throws {
        let metric = PoseTrack18MetricTests.metric("bbox_none")
        let base = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        // the square region (560, 10)–(630, 80) of the first video's third frame
        let image = 20_000_010_002
        var inside: [KeypointPrediction] = []
        for n in 0..<3 {
            var keypoints: [Double] = [], scores: [Double] = []
            for j in 0..<17 {
                let step = Double(j) * 3.5
                keypoints += [565 + step + Double(n), 15 + step]
                scores.append(0.99 - Double(j) * 0.001 - Double(n) * 0.0001)
            }
            inside.append(KeypointPrediction(id: 900_000 + n, imageId: image, keypoints: keypoints, keypointScores: scores,
                                             bboxScore: 0.95, area: 900))
        }
        let with = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions + inside)
        #expect(with.perJointAP == base.perJointAP)
        // the same predictions just outside the region are false positives
        let outside = inside.map { p -> KeypointPrediction in
            var q = p
            q.keypoints = p.keypoints.enumerated().map { $0.offset % 2 == 1 ? $0.element + 80 : $0.element }
            return q
        }
        let worse = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions + outside)
        #expect(worse.perJointAP[15] < base.perJointAP[15])
    }

    /// Predictions on a frame without ground truth (unlabelled) are dropped with the frame.
    @Test func frameWithoutGroundTruthIsNotEvaluated() throws {
        let metric = PoseTrack18MetricTests.metric("bbox_none")
        let base = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        let unlabelled = 20_000_010_001
        let extra = KeypointPrediction(id: 900_100, imageId: unlabelled, keypoints: (0..<34).map { 100 + Double($0) },
                                       keypointScores: [Double](repeating: 0.999, count: 17), bboxScore: 0.99, area: 5000)
        let with = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions + [extra])
        #expect(with.perJointAP == base.perJointAP)
        #expect(with.frames == 9)  // 10 images, one unlabelled
    }

    /// A video without predictions gets an empty prediction file and still counts its ground
    /// truth: a perfect prediction there raises the AP.
    @Test func videoWithoutPredictions() throws {
        let metric = PoseTrack18MetricTests.metric("bbox_none")
        let base = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        let third = base.predictionFiles.first { $0.name == "000003_mpiinew_test.json" }!.video
        #expect(third.people.isEmpty && third.images.count == 3)
        let gt = try PoseTrackVideo.load(path: PoseTrack18MetricTests.folder.appendingPathComponent("annotations/val/000003_mpiinew_test.json").path)
        let person = gt.people[0]
        let perfect = KeypointPrediction(id: 900_200, imageId: person.imageId,
                                         keypoints: (0..<17).flatMap { [person.keypoints[3 * $0], person.keypoints[3 * $0 + 1]] },
                                         keypointScores: (0..<17).map { person.keypoints[3 * $0 + 2] > 0 ? 0.9999 : 0 },
                                         bboxScore: 0.99, area: 5000)
        let with = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions + [perfect])
        #expect(with.perJointAP[15] > base.perJointAP[15])
    }

    /// poseval's assignment by hand: one ground truth, two predictions; the one matching more of its
    /// joints takes it, the other's joints are all false positives; a frame whose ground truth an
    /// ignore region removes entirely makes its predictions false positives.
    @Test func assignmentByHand() throws {
        func person(_ points: [(Int, Double, Double, Double?)], head: Bool = true) -> PoseTrackFrame.Person {
            PoseTrackFrame.Person(points: points.map { PoseTrackFrame.Point(id: $0.0, x: $0.1, y: $0.2, score: $0.3) },
                                  head: head ? (x1: 0, y1: 0, x2: 30, y2: 40) : nil, trackId: 0)  // head size 0.6 · 50 = 30
        }
        let gt = PoseTrackFrame(people: [person([(0, 100, 100, nil), (1, 200, 200, nil)])], ignoreRegions: nil, source: "gt")
        // a: joint 0 within 15 px, joint 1 off; b: both within; b takes the ground truth
        let pr = PoseTrackFrame(people: [person([(0, 110, 100, 0.9), (1, 250, 200, 0.8)], head: false),
                                         person([(0, 114, 100, 0.7), (1, 200, 214, 0.6)], head: false)], ignoreRegions: nil, source: "pr")
        let ap = try PoseTrackAP.perJointAP(groundTruth: [gt], predictions: [pr])
        // joint 0: scores 0.9 (FP), 0.7 (TP) → precision at the TP 1/2, AP 50; joint 1: 0.8 (FP), 0.6 (TP) → 50
        #expect(ap[0] == 50 && ap[1] == 50)
        #expect(ap[2].isNaN == false && ap[2] == 0)  // no predictions, no ground truth: 0
        // total: the mean over the 15 joints (none NaN)
        #expect(ap[15] == 100.0 / 15)
        // an ignore region over the whole ground truth: the frame stays, its predictions are false positives
        var covered = gt
        covered.ignoreRegions = [[(x: 50, y: 50), (x: 260, y: 50), (x: 260, y: 260), (x: 50, y: 260)]]
        var far = pr
        far.people = [person([(0, 10, 10, 0.5)], head: false)]
        let none = try PoseTrackAP.perJointAP(groundTruth: [covered, gt], predictions: [far, pr])
        // joint 0: 0.9 FP, 0.7 TP, 0.5 FP (the covered frame) → 50; joint 1 as before
        #expect(none[0] == 50 && none[1] == 50)
        // a prediction with a joint no ground truth has: NaN AP for that joint, left out of the total
        let lonely = PoseTrackFrame(people: [person([(0, 100, 100, 0.9), (5, 1, 1, 0.5)], head: false)], ignoreRegions: nil, source: "pr")
        let nan = try PoseTrackAP.perJointAP(groundTruth: [gt], predictions: [lonely])
        #expect(nan[5].isNaN && nan[0] == 100 && nan[15] == 100.0 / 14)
    }

    /// The ground-truth folder MMPose derives from ann_file (`split('_')[-1]`, extension dropped).
    @Test func groundTruthFolderAsMMPoseDerivesIt() {
        #expect(PoseTrack18Metric.groundTruthFolder("data/posetrack18/annotations/posetrack18_val.json") == "data/posetrack18/annotations/val")
        #expect(PoseTrack18Metric.groundTruthFolder("/d/posetrack18_train.json") == "/d/train")
        #expect(PoseTrack18Metric.groundTruthFolder("/tmp/my_dir/ann.json") == "/tmp/my_dir/dir/ann")
        #expect(PoseTrack18Metric.groundTruthFolder("ann.json") == "ann")
        #expect(PoseTrack18Metric.groundTruthFolder("a//b_val") == "a/val")
    }

    /// A bad ann_file (or ground-truth folder) is a one-line error naming the file and what was expected.
    @Test func badAnnotationFilesNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pt18-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("annotations"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ann = dir.appendingPathComponent("annotations/posetrack18_val.json").path
        let predictions = PoseTrack18MetricTests.referencePredictions
        func message(_ annotationFile: String) -> String {
            do {
                _ = try PoseTrack18MetricTests.metric(annotationFile: annotationFile).evaluateDetailed(predictions)
                return "no error"
            } catch { return "\(error)" }
        }
        // missing merged file
        var m = message(ann)
        #expect(m.contains(ann) && m.contains("not found") && !m.contains("\n"), "\(m)")
        // merged file there, per-video folder missing
        try FileManager.default.copyItem(atPath: PoseTrack18MetricTests.annotationFile, toPath: ann)
        m = message(ann)
        #expect(m.contains(dir.appendingPathComponent("annotations/val").path) && m.contains("per-video") && !m.contains("\n"), "\(m)")
        // an empty folder
        let val = dir.appendingPathComponent("annotations/val")
        try FileManager.default.createDirectory(at: val, withIntermediateDirectories: true)
        m = message(ann)
        #expect(m.contains(val.path) && m.contains("no .json files"), "\(m)")
        // a video file that is not PoseTrack18's format
        let bad = val.appendingPathComponent("000001_bonn_test.json")
        for (content, expected) in [("{\"annolist\": []}", "PoseTrack17"), ("[1, 2]", "JSON object"), ("{\"images\": [", "images[0]"), ("{\"images\": [{\"id\": 1,}]}", "expected a string"),
                                    ("{\"images\": [], \"annotations\": [], \"categories\": [{\"name\": \"person\", \"keypoints\": [\"nose\"]}]}", "categories"),
                                    ("{\"images\": [{\"id\": 1, \"file_name\": \"x/1.jpg\"}], \"annotations\": [], \"categories\": [{\"name\": \"person\", \"keypoints\": \(PoseTrackVideo.keypointNames)}]}", "file_name")] {
            try content.write(to: bad, atomically: true, encoding: .utf8)
            m = message(ann)
            #expect(m.contains(bad.path) && m.contains(expected) && !m.contains("\n"), "\(m)")
        }
        // a ground-truth person without head box, in a frame with predictions
        var video = try JSONSerialization.jsonObject(with: Data(contentsOf: PoseTrack18MetricTests.folder.appendingPathComponent("annotations/val/000002_mpii_test.json"))) as! [String: Any]
        var annotations = video["annotations"] as! [[String: Any]]
        annotations[0]["bbox_head"] = nil
        video["annotations"] = annotations
        try JSONSerialization.data(withJSONObject: video).write(to: bad)
        m = message(ann)
        #expect(m.contains(bad.path) && m.contains("bbox_head"), "\(m)")
    }

    /// With outfile_prefix the prediction files land beside it, readable in PoseTrack18's format.
    @Test func outfilePrefixWritesPredictionFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pt18-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var metric = PoseTrack18MetricTests.metric()
        metric.outfilePrefix = dir.appendingPathComponent("results").path
        let values = try metric.evaluate(PoseTrack18MetricTests.referencePredictions, groundTruth: PoseTrack18MetricTests.groundTruth())
        #expect(values.map(\.0) == metric.names)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["000001_bonn_test.json", "000002_mpii_test.json", "000003_mpiinew_test.json"])
        let detailed = try metric.evaluateDetailed(PoseTrack18MetricTests.referencePredictions)
        for (name, video) in detailed.predictionFiles {
            let back = try PoseTrackVideo.load(path: dir.appendingPathComponent(name).path)
            #expect(back.people.map(\.keypoints) == video.people.map(\.keypoints))
            #expect(back.images.map(\.id) == video.images.map(\.id))
        }
    }
}
