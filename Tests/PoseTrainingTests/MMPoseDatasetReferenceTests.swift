import Foundation
import Testing
import PoseConfig
import PoseData
import PoseEval
@testable import PoseTraining

/// MMPose's own test annotation files (COCO-WholeBody and its hand and face subsets, JHMDB,
/// Locust, Zebra, WFLW, 300W, AFLW, FreiHand) loaded by SwiftPose's dataset types and evaluated
/// by its metrics, against what MMPose 1.3.2's classes give on the same files and predictions
/// (`Tests/Fixtures/mmpose_datasets/reference.json`, made by `tools/make_dataset_fixtures.py`).
@Suite struct MMPoseDatasetReferenceTests {
    static let fixtures = repositoryRoot + "/Tests/Fixtures/"
    /// The reference file, read by each test (`[String: Any]` cannot be a shared static).
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "mmpose_datasets/reference.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
    static func referenceCase(_ name: String) throws -> [String: Any] {
        try #require((try reference()["cases"] as? [String: [String: Any]])?[name])
    }
    static let names = ["wholebody", "wholebody_hand", "wholebody_face", "jhmdb", "locust", "zebra", "wflw", "300w", "aflw", "freihand"]

    static func doubles(_ v: Any?) -> [Double] { (v as! [NSNumber]).map(\.doubleValue) }

    /// Builds the case's dataset type through the registry, as a test dataloader's dataset.
    func dataset(_ c: [String: Any]) throws -> any DatasetSpec {
        let config = try Config.parse("""
        dataset = dict(type='\(c["type"] as! String)', data_root='\(Self.fixtures)', data_mode='topdown',
                       ann_file='\(c["ann_file"] as! String)', data_prefix=dict(img=''), test_mode=True, pipeline=[])
        """)
        return try #require(try BuildContext(components: .stock).build(\.datasets, ConfigReader(config.root, path: "", file: "test.py"), key: "dataset"))
    }

    func metric(_ text: String) throws -> any Metric {
        let config = try Config.parse("metric = " + text.replacingOccurrences(of: "ann_file='", with: "ann_file='\(Self.fixtures)"))
        return try #require(try BuildContext(components: .stock).build(\.metrics, ConfigReader(config.root, path: "", file: "test.py"), key: "metric"))
    }

    static func predictions(_ c: [String: Any]) -> [KeypointPrediction] {
        (c["predictions"] as! [[String: Any]]).map { p in
            KeypointPrediction(id: (p["id"] as! NSNumber).intValue, imageId: (p["img_id"] as! NSNumber).intValue,
                               keypoints: doubles(p["keypoints"]), keypointScores: doubles(p["keypoint_scores"]),
                               bboxScore: (p["bbox_score"] as! NSNumber).doubleValue, area: (p["area"] as! NSNumber).doubleValue)
        }
    }

    @Test(arguments: MMPoseDatasetReferenceTests.names)
    func instancesEqualMMPoses(name: String) throws {
        let c = try Self.referenceCase(name)
        let loaded = try dataset(c).load(testMode: true)
        let expected = c["instances"] as! [[String: Any]]
        #expect(loaded.instances.map(\.id) == expected.map { ($0["id"] as! NSNumber).intValue })
        for (inst, e) in zip(loaded.instances, expected) {
            #expect(inst.imageId == (e["img_id"] as! NSNumber).intValue)
            #expect(inst.numKeypoints == (e["num_keypoints"] as! NSNumber).intValue, "instance \(inst.id)")
            // COCO-WholeBody's hand visibilities are confidences, which MMPose keeps as float32
            #expect(zip(inst.visible, Self.doubles(e["visible"])).allSatisfy { abs($0 - $1) < 1e-6 }, "instance \(inst.id)")
            let box = [inst.bbox.0, inst.bbox.1, inst.bbox.2, inst.bbox.3]
            // MMPose keeps boxes and keypoints as float32
            for (a, b) in zip(box + inst.keypoints, Self.doubles(e["bbox"]) + Self.doubles(e["keypoints"])) {
                #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "instance \(inst.id): \(box) vs \(Self.doubles(e["bbox"]))")
            }
            #expect(inst.keypoints.count == Self.doubles(e["keypoints"]).count)
        }
    }

    @Test(arguments: MMPoseDatasetReferenceTests.names)
    func metricsEqualMMPoses(name: String) throws {
        let c = try Self.referenceCase(name)
        let spec = try dataset(c)
        let loaded = try spec.load(testMode: true)
        let truth = EvaluationGroundTruth(instances: loaded.instances, annotations: loaded.annotations, metainfo: spec.metainfo)
        for m in c["metrics"] as! [[String: Any]] {
            let metric = try metric(m["config"] as! String)
            let expected = (m["values"] as! [[Any]]).map { ($0[0] as! String, ($0[1] as! NSNumber).doubleValue) }
            let values = try metric.evaluate(Self.predictions(c), groundTruth: truth)
            #expect(values.map(\.0) == expected.map(\.0) && metric.names == expected.map(\.0), "\(m["config"]!)")
            for (v, e) in zip(values, expected) {
                // MMPose's distances are float32
                #expect(abs(v.1 - e.1) <= 2e-6 * max(1, abs(e.1)), "\(name) \(v.0): \(v.1) vs MMPose's \(e.1)")
            }
        }
    }

    /// Every part's ten statistics on the results CocoWholeBodyMetric kept, against xtcocotools'.
    @Test func wholeBodyPartsEqualXtcocotools() throws {
        let parts = try #require(try Self.reference()["wholebody_parts"] as? [String: Any])
        let kept = (parts["kept"] as! [[String: Any]]).enumerated().map { n, r -> KeypointPrediction in
            let triples = Self.doubles(r["keypoints"])
            var p = KeypointPrediction(id: n, imageId: (r["image_id"] as! NSNumber).intValue,
                                       keypoints: stride(from: 0, to: triples.count, by: 3).flatMap { [triples[$0], triples[$0 + 1]] },
                                       keypointScores: stride(from: 2, to: triples.count, by: 3).map { triples[$0] }, bboxScore: 1, area: 1)
            p.score = (r["score"] as! NSNumber).doubleValue
            return p
        }
        let file = try CocoAnnotationFile.load(path: Self.fixtures + "coco/test_coco_wholebody.json",
                                               extraFields: CocoInstanceLayout.wholeBody.extraFields)
        var metric = CocoWholeBodyMetric()
        metric.coco.sigmas = try DatasetMetainfo.resolve("coco_wholebody.py").sigmas.map(Double.init)
        let stats = try metric.evaluateParts(kept, groundTruth: file)
        let expected = parts["stats"] as! [String: Any]
        #expect(stats.map(\.part) == ["body", "foot", "face", "lefthand", "righthand", "wholebody"])
        for (part, values) in stats {
            let e = Self.doubles(expected[part])
            #expect(zip(values, e).allSatisfy { abs($0 - $1) < 1e-12 }, "\(part): \(values) vs xtcocotools' \(e)")
        }
        // the reference exercises what differs from COCO's evaluation: parts with dropped detections
        #expect(Set(stats.map { $0.stats[0] }).count == 6)

        // the log gets one line per part beside the whole-body values
        let metainfo = try DatasetMetainfo.resolve("coco_wholebody.py")
        let truth = EvaluationGroundTruth(instances: [], annotations: file, metainfo: metainfo)
        let (values, report) = try CocoWholeBodyMetric().evaluateWithReport(kept, groundTruth: truth)
        #expect(values.map(\.0).first == "coco-wholebody/AP" && report.count == 6)
        #expect(report.map { String($0.prefix { $0 != ":" }) } == ["body", "foot", "face", "lefthand", "righthand", "wholebody"].map { "coco-wholebody " + $0 })
        #expect(report.last == "coco-wholebody wholebody: " + values.map { String(format: "%@ %.6f", String($0.0.dropFirst("coco-wholebody/".count)), $0.1) }.joined(separator: ", "))

        // pose-test --dump: MMPose's results2json, the 133 triples split by part
        let dumped = try JSONSerialization.jsonObject(with: CocoWholeBodyMetric().resultsJSON(Array(kept.prefix(1)), metainfo: metainfo)) as! [[String: Any]]
        let first = try #require(dumped.first)
        let triples = zip(kept[0].keypoints.indices.filter { $0 % 2 == 0 }, kept[0].keypointScores).flatMap { [kept[0].keypoints[$0.0], kept[0].keypoints[$0.0 + 1], $0.1] }
        var offset = 0
        for (field, count) in [("keypoints", 17), ("foot_kpts", 6), ("face_kpts", 68), ("lefthand_kpts", 21), ("righthand_kpts", 21)] {
            #expect(Self.doubles(first[field]) == Array(triples[offset..<offset + 3 * count]), "\(field)")
            offset += 3 * count
        }
    }
}
