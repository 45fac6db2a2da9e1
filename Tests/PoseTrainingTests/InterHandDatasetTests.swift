import Foundation
import PoseConfig
import PoseData
@testable import PoseTraining
import Testing

/// `InterHand2DDoubleDataset` against MMPose 1.3.2's own reading of a tiny InterHand2.6M-format
/// set (tools/make_interhand_fixtures.py): the instances, their boxes, projected keypoints and
/// visibilities (a left hand whose wrist is invalid), every `sample_interval`-th image, the first
/// annotation of each image, and MMPose's validity filter.
@Suite struct InterHandDatasetTests {
    static let root = repositoryRoot + "/Tests/Fixtures/interhand"

    @Test(arguments: [1, 2])
    func readsAsMMPose(interval: Int) throws {
        let config = try Config.parse("""
        dataset = dict(type='InterHand2DDoubleDataset', data_root='\(Self.root)', data_mode='topdown',
                       ann_file='InterHand2.6M_data.json', camera_param_file='InterHand2.6M_camera.json',
                       joint_file='InterHand2.6M_joint_3d.json', data_prefix=dict(img='images/'), sample_interval=\(interval),
                       pipeline=[])
        """)
        let spec = try #require(try BuildContext(components: .stock).build(\.datasets, ConfigReader(config.root, path: "", file: "test.py"), key: "dataset"))
        #expect(spec.metainfo.keypointCount == 42 && spec.metainfo.datasetName == "interhand3d")
        let instances = try spec.load(testMode: false).instances
        let data = try #require(FileManager.default.contents(atPath: Self.root + "/expected.json"))
        let expected = try #require((try JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]])?[String(interval)])
        #expect(instances.map(\.id) == expected.map { ($0["id"] as! NSNumber).intValue })
        for (instance, reference) in zip(instances, expected) {
            #expect(instance.imageId == (reference["img_id"] as! NSNumber).intValue)
            #expect(instance.imagePath.hasSuffix(String((reference["img_path"] as! String).dropFirst("Tests/Fixtures/interhand".count))))
            let box = (reference["bbox"] as! [NSNumber]).map(\.doubleValue)
            #expect([instance.bbox.0, instance.bbox.1, instance.bbox.2, instance.bbox.3] == box)
            let points = (reference["keypoints"] as! [NSNumber]).map(\.doubleValue)
            let worst = zip(instance.keypoints, points).map { abs($0 - $1) }.max() ?? .infinity
            #expect(instance.keypoints.count == 84 && worst < 1e-3, "instance \(instance.id): keypoints off by \(worst) px")
            #expect(instance.visible == (reference["keypoints_visible"] as! [NSNumber]).map(\.doubleValue), "instance \(instance.id)")
        }
        // image 11 (every image at interval 1) has the invalid left wrist
        #expect(instances.contains { $0.visible[21..<42].allSatisfy { $0 == 0 } } == (interval == 1), "the invalid left wrist hides its hand")
    }

    @Test func missingCameraIsNamed() throws {
        let dir = try temporaryDirectory("interhand")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["InterHand2.6M_data.json", "InterHand2.6M_joint_3d.json"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + name, toPath: dir + "/" + name)
        }
        try #"{"0": {}}"#.write(toFile: dir + "/InterHand2.6M_camera.json", atomically: true, encoding: .utf8)
        let spec = InterHand2DDoubleDatasetSpec(
            CocoStyleDatasetSettings(annotationFile: dir + "/InterHand2.6M_data.json", metainfo: try DatasetMetainfo.resolve("interhand3d.py"), pipeline: []),
            cameraFile: dir + "/InterHand2.6M_camera.json", jointFile: dir + "/InterHand2.6M_joint_3d.json")
        #expect { _ = try spec.load(testMode: false) } throws: { "\($0)".contains("InterHand2.6M_camera.json: capture 0, camera 400002 needs 'campos'") }
    }
}
