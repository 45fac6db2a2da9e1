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
}
