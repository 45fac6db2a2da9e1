import Foundation
import Testing
import PoseConfig
import PoseData
import PoseEval
import PoseTensor
@testable import PoseTraining

/// `pose-data synth --dataset-type`: a sample written in each type's own annotation format loads
/// through the type's config, runs through a top-down pipeline to heatmap targets, and its ground
/// truth scores perfectly on the metric the type's MMPose configs use.
@Suite struct SyntheticDatasetTypeTests {
    static let cases: [(type: String, metric: String, perfect: [String: Double])] = [
        ("CocoWholeBodyDataset", "dict(type='CocoWholeBodyMetric')", ["coco-wholebody/AP": 1, "coco-wholebody/AR": 1]),
        ("CocoWholeBodyHandDataset", "dict(type='PCKAccuracy', thr=0.2)", ["PCK": 1]),
        ("CocoWholeBodyFaceDataset", "dict(type='NME', norm_mode='keypoint_distance')", ["NME": 0]),
        ("JhmdbDataset", "dict(type='JhmdbPCKAccuracy', thr=0.2, norm_item=['bbox', 'torso'])", ["PCK": 1, "tPCK": 1, "Head PCK": 1]),
        ("LocustDataset", "dict(type='EPE')", ["EPE": 0]),
        ("ZebraDataset", "dict(type='PCKAccuracy', thr=0.2)", ["PCK": 1]),
        ("FreiHandDataset", "dict(type='PCKAccuracy', thr=0.2)", ["PCK": 1]),
        ("WFLWDataset", "dict(type='NME', norm_mode='keypoint_distance')", ["NME": 0]),
        ("Face300WDataset", "dict(type='NME', norm_mode='keypoint_distance')", ["NME": 0]),
        ("AFLWDataset", "dict(type='NME', norm_mode='use_norm_item', norm_item='bbox_size')", ["NME": 0]),
    ]

    @Test(arguments: SyntheticDatasetTypeTests.cases.indices)
    func writesLoadsAndEvaluates(index: Int) throws {
        let (typeName, metricText, perfect) = Self.cases[index]
        let type = try #require(CocoDatasetType.named(typeName))
        let dir = try temporaryDirectory("synth-\(typeName)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generator = try SyntheticKeypointDataset(type: type)
        try generator.write(to: dir, trainImages: 3, valImages: 4)

        let config = try Config.parse("""
        codec = dict(type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
        dataset = dict(type='\(typeName)', data_root='\(dir)/', data_mode='topdown', ann_file='annotations/train.json',
                       data_prefix=dict(img='images/'), pipeline=[
                           dict(type='LoadImage'), dict(type='GetBBoxCenterScale'), dict(type='RandomFlip', direction='horizontal'),
                           dict(type='TopdownAffine', input_size=codec['input_size']),
                           dict(type='GenerateTarget', encoder=codec), dict(type='PackPoseInputs')])
        val = dict(type='\(typeName)', data_root='\(dir)/', ann_file='annotations/val.json', data_prefix=dict(img='images/'),
                   test_mode=True, pipeline=[])
        metric = \(metricText)
        """)
        let root = ConfigReader(config.root, path: "", file: "test.py")
        let context = BuildContext(components: .stock)
        let spec = try #require(try context.build(\.datasets, root, key: "dataset"))
        let k = spec.metainfo.keypointCount
        #expect(k == (try DatasetMetainfo.resolve(type.metainfoFile)).keypointCount)
        let train = try spec.load(testMode: false)
        #expect(!train.instances.isEmpty && train.instances.allSatisfy { $0.keypoints.count == 2 * k && $0.visible.count == k })
        var rng = RandomGenerator(seed: 1)
        let sample = try spec.pipeline.run(train.instances[0], rng: &rng)
        #expect(sample.heatmaps.count == k * 12 * 16 && sample.heatmaps.contains { $0 > 0.5 })

        let valSpec = try #require(try context.build(\.datasets, root, key: "val"))
        let val = try valSpec.load(testMode: true)
        #expect(!val.instances.isEmpty)
        let predictions = val.instances.map {
            KeypointPrediction(id: $0.id, imageId: $0.imageId, keypoints: $0.keypoints, keypointScores: $0.visible.map { _ in 1 },
                               bboxScore: 1, area: ($0.bbox.2 - $0.bbox.0) * ($0.bbox.3 - $0.bbox.1))
        }
        let metric = try #require(try context.build(\.metrics, root, key: "metric"))
        let values = Dictionary(try metric.evaluate(predictions, groundTruth: EvaluationGroundTruth(
            instances: val.instances, annotations: val.annotations, metainfo: valSpec.metainfo)), uniquingKeysWith: { a, _ in a })
        for (name, expected) in perfect {
            let v = try #require(values[name], "\(typeName): no \(name) in \(values.keys.sorted())")
            #expect(abs(v - expected) < 1e-9, "\(typeName) \(name) = \(v)")
        }
    }

    /// `--dataset-type PoseTrack18Dataset` writes PoseTrack18's layout: the merged files load
    /// through MMPose's config keys (also with the detections file), and the ground truth scores
    /// 100 on PoseTrack18Metric, which reads the per-video files (unlabelled frames and ignore
    /// regions included).
    @Test func poseTrackLayoutTrainsAndEvaluates() throws {
        let dir = try temporaryDirectory("synth-posetrack18")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticPoseTrack(width: 96, height: 96).write(to: dir, trainImages: 5, valImages: 8)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/annotations/val").sorted()
        #expect(files == ["000001_mpii_test.json", "000002_mpii_test.json"])
        let config = try Config.parse("""
        val = dict(type='PoseTrack18Dataset', data_root='\(dir)/', data_mode='topdown', ann_file='annotations/posetrack18_val.json',
                   data_prefix=dict(img=''), test_mode=True, pipeline=[])
        detected = dict(type='PoseTrack18Dataset', data_root='\(dir)/', data_mode='topdown', ann_file='annotations/posetrack18_val.json',
                        bbox_file='\(dir)/annotations/posetrack18_val_human_detections.json', filter_cfg=dict(bbox_score_thr=0.4),
                        data_prefix=dict(img=''), test_mode=True, pipeline=[])
        train = dict(type='PoseTrack18Dataset', data_root='\(dir)/', data_mode='topdown', ann_file='annotations/posetrack18_train.json',
                     data_prefix=dict(img=''), pipeline=[dict(type='LoadImage')])
        metric = dict(type='PoseTrack18Metric', ann_file='\(dir)/annotations/posetrack18_val.json')
        """)
        let root = ConfigReader(config.root, path: "", file: "test.py")
        let context = BuildContext(components: .stock)
        let trainSpec = try #require(try context.build(\.datasets, root, key: "train"))
        let train = try trainSpec.load(testMode: false)
        #expect(train.instances.count == 5)
        var rng = RandomGenerator(seed: 1)
        _ = try trainSpec.pipeline.run(train.instances[0], rng: &rng)  // the image is where file_name says
        let valSpec = try #require(try context.build(\.datasets, root, key: "val"))
        let val = try valSpec.load(testMode: true)
        #expect(val.instances.count == 6)  // frame 3 of each video is unlabelled
        let detected = try #require(try context.build(\.datasets, root, key: "detected")).load(testMode: true)
        #expect(detected.instances.count >= 8)  // every frame has its figure detected
        let predictions = val.instances.map {
            KeypointPrediction(id: $0.id, imageId: $0.imageId, keypoints: $0.keypoints, keypointScores: $0.visible.map { $0 > 0 ? 1 : 0 },
                               bboxScore: 1, area: ($0.bbox.2 - $0.bbox.0) * ($0.bbox.3 - $0.bbox.1))
        }
        let metric = try #require(try context.build(\.metrics, root, key: "metric") as? PoseTrack18Metric)
        var withSigmas = metric
        withSigmas.coco.sigmas = valSpec.metainfo.sigmas.map(Double.init)
        let result = try withSigmas.evaluateDetailed(predictions)
        #expect(result.frames == 6 && result.stats == [Double](repeating: 100, count: 8), "\(result.stats)")
        let values = try metric.evaluate(predictions, groundTruth: EvaluationGroundTruth(
            instances: val.instances, annotations: val.annotations, metainfo: valSpec.metainfo))
        #expect(values.map(\.0) == PoseTrack18Metric.statNames.map { "posetrack18/" + $0 } && values.allSatisfy { $0.1 == 100 })
    }
}
