import Foundation
import Testing
@testable import PoseTraining

@Suite(.serialized) struct PoseInferTests {
    @Test func infersOnImagesAndDraws() throws {
        let dir = try temporaryDirectory("infer")
        try makeDataset(in: dir, train: 2, val: 2)
        let config = try tinyConfig(in: dir, batchSize: 2, epochs: 1)
        let s = try settings(config)
        let model = try makeModel(s, seed: 0)
        let checkpoint = dir + "/w.safetensors"
        let meta = CheckpointMeta(epoch: 0, iteration: 0, optimizerSteps: 0, optimizer: "Adam", seed: 0, worldSize: 1)
        try Checkpoint.save(model: model, optimizer: nil, contents: CheckpointContents(meta: meta), to: checkpoint)
        let image = dir + "/data/val/000001000001.jpg"
        let (status, output) = try run([try executable("pose-infer"), config, checkpoint, image, image, "--bbox", "5,5,60,70",
                                        "--out", dir + "/r.json", "--draw", dir + "/drawn"])
        #expect(status == 0, "\(output)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as! [[String: Any]]
        #expect(results.count == 2)
        #expect((results[0]["keypoints"] as! [[Double]]).count == 17)
        #expect((results[0]["bbox"] as! [Double]) == [5, 5, 60, 70])
        #expect(FileManager.default.fileExists(atPath: dir + "/drawn/000001000001_pose.jpg"))
        let (bad, message) = try run([try executable("pose-infer"), config, checkpoint, image, "--bbox", "1,2,3"])
        #expect(bad != 0 && message.contains("--bbox '1,2,3' is not x1,y1,x2,y2"))
    }

    /// A bottom-up model (the associative-embedding parity fixture) on whole images: every person
    /// the decoder finds, each drawn, with its keypoints' extent as its box; boxes are refused.
    @Test func bottomupModelFindsEveryPerson() throws {
        let dir = try temporaryDirectory("infer-bottomup")
        let fixture = repositoryRoot + "/Tests/Fixtures/mmpose_parity/ae"
        let image = repositoryRoot + "/Tests/Fixtures/coco/000000197388.jpg"
        let (status, output) = try run([try executable("pose-infer"), fixture + "/config.py", fixture + "/weights.pth", image,
                                        "--out", dir + "/r.json", "--draw", dir + "/drawn"])
        #expect(status == 0, "\(output)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as! [[String: Any]]
        // MMPose's test loop finds 6 people in this image with these weights (BottomupParityTests)
        #expect(results.count == 6)
        for r in results {
            let points = r["keypoints"] as! [[Double]], box = r["bbox"] as! [Double]
            #expect(points.count == 17)
            #expect(box == [points.map { $0[0] }.min()!, points.map { $0[1] }.min()!, points.map { $0[0] }.max()!, points.map { $0[1] }.max()!])
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/drawn/000000197388_pose.jpg"))
        let (bad, message) = try run([try executable("pose-infer"), fixture + "/config.py", fixture + "/weights.pth", image, "--bbox", "5,5,60,70"])
        #expect(bad != 0 && message.contains("is a bottom-up model (BottomupPoseEstimator)"))
    }

    /// A one-stage bottom-up model (the RTMO parity fixture): every person with the box RTMO
    /// predicted, equal to MMPose's (`BottomupParityTests`' rtmo family: 9 people in this image).
    @Test func rtmoReportsItsBoxes() throws {
        let dir = try temporaryDirectory("infer-rtmo")
        let fixture = repositoryRoot + "/Tests/Fixtures/mmpose_parity/rtmo"
        let image = repositoryRoot + "/Tests/Fixtures/coco/000000000785.jpg"
        let (status, output) = try run([try executable("pose-infer"), fixture + "/config.py", fixture + "/weights.pth", image,
                                        "--out", dir + "/r.json", "--draw", dir + "/drawn"])
        #expect(status == 0, "\(output)")
        struct Expected: Decodable { struct Image: Decodable { struct Person: Decodable { var bbox: [Double] }; var people: [Person] }; var images: [Image] }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixture + "/expected.json")))
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as! [[String: Any]]
        let theirs = expected.images[0].people.map(\.bbox)
        #expect(results.count == theirs.count && theirs.count == 9)
        for (r, box) in zip(results, theirs) {
            #expect(zip(r["bbox"] as! [Double], box).allSatisfy { abs($0 - $1) < 0.1 }, "\(r["bbox"]!) vs MMPose's \(box)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/drawn/000000000785_pose.jpg"))
    }

    /// MMPose's RTMO config as it is (training parts SwiftPose lacks: `Mosaic`, `YOLOXMixUp`, the
    /// mode-switch hooks, `ForceDefaultOptimWrapperConstructor`): pose-test and pose-infer decode
    /// only what they use, as MMEngine builds training parts only to train, while pose-train
    /// refuses in one line naming what it lacks.
    @Test func testsAndInfersConfigsWhoseTrainingPartsAreMissing() throws {
        let dir = try temporaryDirectory("rtmo-config")
        let fixture = repositoryRoot + "/Tests/Fixtures/mmpose_parity/rtmo"
        let config = dir + "/rtmo.py"
        try """
        _base_ = ['\(fixture)/config.py']
        train_pipeline = [
            dict(type='LoadImage'),
            dict(type='Mosaic', img_scale=(640, 640), pad_val=114.0, pre_transform=[dict(type='LoadImage')]),
            dict(type='YOLOXMixUp', img_scale=(640, 640), ratio_range=(0.8, 1.6), pad_val=114.0, pre_transform=[dict(type='LoadImage')]),
            dict(type='PackPoseInputs'),
        ]
        train_dataloader = dict(batch_size=2, dataset=dict(type='CocoDataset', data_mode='bottomup', data_root='\(fixture)/../../coco/',
                                ann_file='test_coco.json', data_prefix=dict(img=''), pipeline=train_pipeline))
        optim_wrapper = dict(type='OptimWrapper', constructor='ForceDefaultOptimWrapperConstructor', optimizer=dict(type='AdamW', lr=0.004))
        param_scheduler = [dict(type='ConstantLR', by_epoch=True, factor=2.5, begin=280, end=281)]
        custom_hooks = [dict(type='YOLOXPoseModeSwitchHook', num_last_epochs=20, new_train_pipeline=train_pipeline, priority=48)]
        train_cfg = dict(max_epochs=600, val_interval=20, dynamic_intervals=[(580, 1)])
        work_dir = '\(dir)/work'
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (status, output) = try run([try executable("pose-test"), config, fixture + "/weights.pth"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("coco/AP"))
        let image = repositoryRoot + "/Tests/Fixtures/coco/000000000785.jpg"
        let (inferred, inferOutput) = try run([try executable("pose-infer"), config, fixture + "/weights.pth", image, "--out", dir + "/r.json"])
        #expect(inferred == 0 && inferOutput.contains("wrote 9 predictions"), "\(inferOutput)")
        let (trained, trainOutput) = try run([try executable("pose-train"), config])
        #expect(trained != 0 && trainOutput.contains("unknown transform type 'Mosaic'"), "\(trainOutput)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/work"))
    }
}
