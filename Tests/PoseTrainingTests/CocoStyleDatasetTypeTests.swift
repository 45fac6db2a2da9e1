import Foundation
import Testing
import PoseConfig
import PoseData
import PoseTensor
@testable import PoseTraining

/// MMPose's COCO-style dataset types beyond COCO: each loads a sample written in its own
/// layout (its keypoint count, from the bundled metainfo file) and runs it through a top-down
/// pipeline to heatmap targets.
@Suite struct CocoStyleDatasetTypeTests {
    static let types: [(type: String, extra: String, keypoints: Int)] = [
        ("AicDataset", "", 14), ("HumanArtDataset", "", 17), ("PoseTrack18Dataset", "", 17), ("ExlposeDataset", "", 14),
        ("OCHumanDataset", "", 17), ("MhpDataset", "", 16), ("HalpeDataset", "", 136), ("UBody2dDataset", "", 133),
        ("AnimalKingdomDataset", "", 23), ("AnimalPoseDataset", "", 20), ("AP10KDataset", "", 17), ("ATRWDataset", "", 15),
        ("FlyDataset", "", 32), ("Horse10Dataset", "", 22), ("MacaqueDataset", "", 17), ("COFWDataset", "", 29),
        ("Face300WLPDataset", "", 68), ("LapaDataset", "", 106), ("DeepFashion2Dataset", "", 294), ("OneHand10KDataset", "", 21),
        ("Rhd2DDataset", "", 21), ("DeepFashionDataset", "subset='full', ", 8), ("DeepFashionDataset", "subset='upper', ", 6),
        ("DeepFashionDataset", "subset='lower', ", 4),
    ]

    @Test(arguments: types.indices)
    func loadsASampleInItsLayout(index: Int) throws {
        let (type, extra, k) = CocoStyleDatasetTypeTests.types[index]
        let dir = try temporaryDirectory("dataset-\(type)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/img", withIntermediateDirectories: true)
        try PNG.write(RGBImage(width: 80, height: 64), path: dir + "/img/000000000001.png")
        var keypoints: [Double] = []
        for j in 0..<k { keypoints += [Double(20 + j % 30), Double(10 + (j * 7) % 40), 2] }
        let file: [String: Any] = [
            "images": [["id": 1, "file_name": "000000000001.png", "width": 80, "height": 64]],
            "annotations": [["id": 1, "image_id": 1, "category_id": 1, "bbox": [15, 5, 40, 50], "area": 2000, "iscrowd": 0,
                             "num_keypoints": k, "keypoints": keypoints]],
            "categories": [["id": 1, "name": "object"]],
        ]
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: dir + "/ann.json"))
        let config = try Config.parse("""
        codec = dict(type='MSRAHeatmap', input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
        dataset = dict(type='\(type)', \(extra)data_root='\(dir)/', data_mode='topdown', ann_file='ann.json',
                       data_prefix=dict(img='img/'), pipeline=[
                           dict(type='LoadImage'), dict(type='GetBBoxCenterScale'), dict(type='RandomFlip', direction='horizontal'),
                           dict(type='TopdownAffine', input_size=codec['input_size']),
                           dict(type='GenerateTarget', encoder=codec), dict(type='PackPoseInputs')])
        """)
        let root = ConfigReader(config.root, path: "", file: "test.py")
        let spec = try #require(try BuildContext(components: .stock).build(\.datasets, root, key: "dataset"))
        // (DeepFashion2's swap names are not a permutation in MMPose's file either; only their range is checked)
        #expect(spec.metainfo.keypointCount == k && spec.metainfo.flipIndices.allSatisfy { (0..<k).contains($0) })
        let loaded = try spec.load(testMode: false)
        #expect(loaded.instances.count == 1)
        var rng = RandomGenerator(seed: 3)
        let sample = try spec.pipeline.run(loaded.instances[0], rng: &rng)
        #expect(sample.heatmaps.count == k * 12 * 16 && sample.keypointWeights.count == k)
    }
}
