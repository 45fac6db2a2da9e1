import Foundation
import Testing
import PoseConfig
import PoseData
import PoseTensor
@testable import PoseTraining

/// MMPose's `CombinedDataset` with `KeypointConverter`s: COCO and CrowdPose samples merged into
/// COCO's 17 keypoints, as the coco-aic merge configs combine COCO and AIC.
@Suite struct CombinedDatasetTests {
    static let fixtures = repositoryRoot + "/Tests/Fixtures/"
    static let crowdPoseToCoco = (0..<12).map { ($0, $0 + 5) }

    @Test func keypointConverterCopiesAndInterpolates() throws {
        // MMPose's docstring case 2: ((1, 2), 0) takes the midpoint of sources 1 and 2
        let converter = KeypointConverter(keypointCount: 3, mapping: [(1, 2, 0), (1, nil, 1), (2, nil, 2)])
        let (points, visible) = try #require(converter.convert(keypoints: [0, 1, 2, 3, 4, 5], visible: [1, 0, 1]))
        #expect(points == [3, 4, 2, 3, 4, 5] && visible == [0, 0, 1])
        // unmapped targets are zero and invisible
        let sparse = try #require(KeypointConverter(keypointCount: 4, mapping: [(0, nil, 3)]).convert(keypoints: [7, 8], visible: [1]))
        #expect(sparse.keypoints == [0, 0, 0, 0, 0, 0, 7, 8] && sparse.visible == [0, 0, 0, 1] && sparse.keypoints.count == 8)
        #expect(KeypointConverter(keypointCount: 2, mapping: [(5, nil, 0)]).convert(keypoints: [1, 1], visible: [1]) == nil)
    }

    func combined(_ crowdPipeline: String) throws -> any DatasetSpec {
        let mapping = Self.crowdPoseToCoco.map { "(\($0.0), \($0.1))" }.joined(separator: ", ")
        let config = try Config.parse("""
        codec = dict(type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
        dataset = dict(
            type='CombinedDataset', metainfo=dict(from_file='configs/_base_/datasets/coco.py'),
            datasets=[
                dict(type='CocoDataset', data_root='\(Self.fixtures)coco/', ann_file='test_coco.json', data_prefix=dict(img=''),
                     pipeline=[dict(type='KeypointConverter', num_keypoints=17, mapping=[(i, i) for i in range(17)])]),
                dict(type='CrowdPoseDataset', data_root='\(Self.fixtures)crowdpose/', ann_file='test_crowdpose.json',
                     data_prefix=dict(img=''), pipeline=\(crowdPipeline.replacingOccurrences(of: "MAPPING", with: mapping))),
            ],
            pipeline=[dict(type='LoadImage'), dict(type='GetBBoxCenterScale'), dict(type='TopdownAffine', input_size=codec['input_size']),
                      dict(type='GenerateTarget', encoder=codec), dict(type='PackPoseInputs')],
            test_mode=False)
        """)
        return try #require(try BuildContext(components: .stock).build(\.datasets, ConfigReader(config.root, path: "", file: "test.py"), key: "dataset"))
    }

    @Test func mergesCocoAndCrowdPoseIntoCocoKeypoints() throws {
        let spec = try combined("[dict(type='KeypointConverter', num_keypoints=17, mapping=[MAPPING])]")
        let coco = try CocoDataset(annotationFile: Self.fixtures + "coco/test_coco.json", metainfo: spec.metainfo).instances
        let crowd = try CocoDataset(annotationFile: Self.fixtures + "crowdpose/test_crowdpose.json",
                                    metainfo: try DatasetMetainfo.resolve("crowdpose.py")).instances
        let loaded = try spec.load(testMode: false)
        #expect(loaded.instances.count == coco.count + crowd.count && !crowd.isEmpty)
        #expect(loaded.instances.map(\.id) == Array(0..<loaded.instances.count))
        #expect(zip(loaded.instances, coco).allSatisfy { $0.keypoints == $1.keypoints && $0.visible == $1.visible })
        for (merged, source) in zip(loaded.instances.dropFirst(coco.count), crowd) {
            #expect(merged.visible.count == 17 && merged.visible[0..<5].allSatisfy { $0 == 0 })
            for (s, t) in Self.crowdPoseToCoco {
                #expect(merged.keypoints[2 * t] == source.keypoints[2 * s] && merged.keypoints[2 * t + 1] == source.keypoints[2 * s + 1])
                #expect(merged.visible[t] == source.visible[s])
            }
        }
        var rng = RandomGenerator(seed: 2)
        let sample = try spec.pipeline.run(loaded.instances.last!, rng: &rng)
        #expect(sample.heatmaps.count == 17 * 12 * 16 && sample.keypointWeights[0..<5].allSatisfy { $0 == 0 })
        // MMPose's keypoints_visible_weights: the visibility loss ignores the keypoints CrowdPose lacks
        #expect(sample.visibilityWeights == (0..<17).map { $0 < 5 ? 0 : 1 })
        #expect(loaded.instances.first?.visibilityWeights == Array(repeating: 1, count: 17))
        #expect(spec.requiredFiles(testMode: false).map(\.key).contains("datasets.1.ann_file"))
    }

    /// MMPose's coco_aic.py lists 18 joint_weights for its 19 keypoints: it loads (the combine
    /// config runs in MMPose), and only keypoint weighting by the dataset is refused, at build time.
    @Test func shortJointWeightsAreRefusedOnlyWhereUsed() throws {
        let meta = try DatasetMetainfo.resolve("coco_aic.py")
        #expect(meta.keypointCount == 19 && meta.jointWeights.count == 18)
        for weighted in [false, true] {
            let config = try Config.parse("""
            codec = dict(type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
            dataset = dict(type='CocoDataset', data_root='\(Self.fixtures)coco/', ann_file='test_coco.json', data_prefix=dict(img=''),
                           metainfo=dict(from_file='configs/_base_/datasets/coco_aic.py'),
                           pipeline=[dict(type='GenerateTarget', encoder=codec, use_dataset_keypoint_weights=\(weighted ? "True" : "False"))])
            """)
            let build = { try BuildContext(components: .stock).build(\.datasets, ConfigReader(config.root, path: "", file: "test.py"), key: "dataset") }
            if weighted {
                #expect { _ = try build() } throws: { "\($0)".contains("lists 18 joint_weights for 19 keypoints") }
            } else {
                #expect(try build()?.metainfo.keypointCount == 19)
            }
        }
    }

    @Test func subDatasetsMustConvertToTheCombinedKeypoints() throws {
        #expect(throws: DatasetError.self) { try combined("[]").load(testMode: false) }
        // converters run when the datasets load, so they come before a sub-dataset's other steps
        #expect(throws: ConfigError.self) { try combined("[dict(type='LoadImage'), dict(type='KeypointConverter', num_keypoints=17, mapping=[MAPPING])]") }
    }

    /// RTMW's configs give sub-datasets steps of their own after the converter (`LoadImage`,
    /// `GetBBoxCenterScale(padding=1.25)`, `RandomBBoxTransform`): they run per sample before the
    /// combined pipeline, whose `GetBBoxCenterScale` then pads the padded scale again, as MMPose's
    /// does with an existing `bbox_scale`; the other sub-dataset's samples do not run them.
    @Test func subDatasetStepsRunBeforeTheCombinedPipeline() throws {
        let spec = try combined("[dict(type='KeypointConverter', num_keypoints=17, mapping=[MAPPING]), dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.5)]")
        let loaded = try spec.load(testMode: false)
        #expect(loaded.instances.last?.subsets == [1] && loaded.instances.first?.subsets == [0])
        var rng = RandomGenerator(seed: 2)
        for instance in [loaded.instances.first!, loaded.instances.last!] {
            var bare = TopdownSample(instance: instance)
            let padding = instance.subsets == [1] ? 1.5 * 1.25 : 1.25
            try GetBBoxCenterScale(padding: padding).apply(&bare, metainfo: spec.metainfo, rng: &rng)
            // SubsetSteps, then the combined pipeline's LoadImage and GetBBoxCenterScale
            #expect(spec.pipeline.transforms.first is SubsetSteps && spec.pipeline.transforms[2] is GetBBoxCenterScale)
            let sample = try TopdownPipeline(Array(spec.pipeline.transforms.prefix(3)), metainfo: spec.metainfo).run(instance, rng: &rng)
            #expect(abs(sample.scale.0 - bare.scale.0) < 1e-3 && abs(sample.scale.1 - bare.scale.1) < 1e-3, "\(sample.scale) vs \(bare.scale)")
            #expect(sample.image != nil && sample.instance.subsets.isEmpty)
        }
        let full = try spec.pipeline.run(loaded.instances.last!, rng: &rng)
        #expect(full.heatmaps.count == 17 * 12 * 16)
    }
}
