import Foundation
import PoseData
@testable import PoseTraining
import Testing

/// A small DEKR (a two-channel-per-branch multi-scale HRNet, `FeatureMapProcessor`, `DEKRHead`
/// with deformable convolutions, SPR) trained as users run it: `mpirun -np 2 pose-train` on the
/// synthetic multi-person data (1–3 people an image), resumed bit for bit, evaluated by
/// `pose-test` (the figures the run's own validation gave), and `pose-infer` drawing every person.
@Suite(.serialized) struct BottomupTrainingTests {
    static func dekrConfig(in dir: String, epochs: Int) throws -> String {
        let text = """
        _base_ = ['\(repositoryRoot)/configs/_base_/default_runtime.py']
        train_cfg = dict(max_epochs=\(epochs), val_interval=\(epochs))
        randomness = dict(seed=3)
        optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
        param_scheduler = [dict(type='LinearLR', begin=0, end=3, start_factor=0.1, by_epoch=False)]
        default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
        codec = dict(type='SPR', input_size=(64, 64), heatmap_size=(16, 16), sigma=(2, 1), minimal_diagonal_length=2,
                     generate_keypoint_heatmaps=True, decode_max_instances=10, decode_thr=0.001)
        model = dict(
            type='BottomupPoseEstimator',
            data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
            backbone=dict(type='HRNet', in_channels=3, extra=dict(
                stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(1, ), num_channels=(4, )),
                stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(1, 1), num_channels=(4, 8)),
                stage3=dict(num_modules=1, num_branches=3, block='BASIC', num_blocks=(1, 1, 1), num_channels=(4, 8, 16)),
                stage4=dict(num_modules=1, num_branches=4, block='BASIC', num_blocks=(1, 1, 1, 1), num_channels=(4, 8, 16, 32),
                            multiscale_output=True))),
            neck=dict(type='FeatureMapProcessor', concat=True),
            head=dict(type='DEKRHead', in_channels=60, num_keypoints=17, num_heatmap_filters=8, num_displacement_filters_per_keypoint=2,
                      heatmap_loss=dict(type='KeypointMSELoss', use_target_weight=True),
                      displacement_loss=dict(type='SoftWeightSmoothL1Loss', use_target_weight=True, supervise_empty=False,
                                             beta=1 / 9, loss_weight=0.002),
                      decoder=codec),
            test_cfg=dict(multiscale_test=False, flip_test=True, nms_dist_thr=0.05, shift_heatmap=True, align_corners=False))
        data_root = '\(dir)/data/'
        train_pipeline = [dict(type='LoadImage'), dict(type='BottomupRandomAffine', input_size=codec['input_size']),
                          dict(type='RandomFlip', direction='horizontal'), dict(type='GenerateTarget', encoder=codec),
                          dict(type='BottomupGetHeatmapMask'), dict(type='PackPoseInputs')]
        val_pipeline = [dict(type='LoadImage'),
                        dict(type='BottomupResize', input_size=codec['input_size'], size_factor=32, resize_mode='expand'),
                        dict(type='PackPoseInputs')]
        train_dataloader = dict(batch_size=2, num_workers=2, sampler=dict(type='DefaultSampler', shuffle=True),
            dataset=dict(type='CocoDataset', data_root=data_root, data_mode='bottomup', ann_file='annotations/person_keypoints_train.json',
                         data_prefix=dict(img='train/'), pipeline=train_pipeline))
        val_dataloader = dict(batch_size=1, num_workers=1, sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
            dataset=dict(type='CocoDataset', data_root=data_root, data_mode='bottomup', ann_file='annotations/person_keypoints_val.json',
                         data_prefix=dict(img='val/'), test_mode=True, pipeline=val_pipeline))
        test_dataloader = val_dataloader
        val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val.json', nms_mode='none',
                             score_mode='keypoint')
        test_evaluator = val_evaluator
        """
        let path = dir + "/dekr.py"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func dekrTrainsResumesEvaluatesAndInfers() throws {
        let dir = try temporaryDirectory("dekr")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 8, val: 3)
        let config = try Self.dekrConfig(in: dir, epochs: 3)
        let train = try executable("pose-train")
        let mpi = ["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "500", "-x", "OPENBLAS_NUM_THREADS=1"]
        let (status, output) = try run(mpi + [train, config, "--work-dir", dir + "/straight"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 ranks") && output.contains("HRNet + FeatureMapProcessor + DEKRHead"), "\(output)")
        #expect(output.contains("loss/heatmap: ") && output.contains("loss/displacement: "), "\(output)")

        // two epochs, then resumed to the third: the same weights as three in one go
        let (first, firstOutput) = try run(mpi + [train, config, "--work-dir", dir + "/split", "--cfg-options", "train_cfg.max_epochs=2"])
        #expect(first == 0, "\(firstOutput)")
        let (resumed, resumedOutput) = try run(mpi + [train, config, "--work-dir", dir + "/split", "--resume"])
        #expect(resumed == 0, "\(resumedOutput)")
        #expect(resumedOutput.contains("Epoch(train) [3]") && !resumedOutput.contains("Epoch(train) [2]"), "\(resumedOutput)")
        #expect(try sameModelState(dir + "/split/epoch_3.safetensors", dir + "/straight/epoch_3.safetensors"))

        // pose-test gives the run's own validation figures
        let validation = output.components(separatedBy: "Epoch(val) [3]").last ?? ""
        let (testStatus, testOutput) = try run([try executable("pose-test"), config, dir + "/straight/epoch_3.safetensors", "--dump", dir + "/dump.json"])
        #expect(testStatus == 0, "\(testOutput)")
        for name in ["coco/AP", "coco/AR"] {
            let validated = try #require(RTMPoseTrainingTests.figure(name, in: validation), "\(output)")
            let tested = try #require(RTMPoseTrainingTests.figure(name, in: testOutput), "\(testOutput)")
            #expect(validated == tested, "\(name): validation \(validated), pose-test \(tested)")
        }

        // pose-infer finds the people pose-test found in the same image and draws them
        let annotations = try CocoAnnotationFile.load(path: dir + "/data/annotations/person_keypoints_val.json")
        let dumped = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/dump.json"))) as! [[String: Any]]
        func found(_ id: Int) -> Int { dumped.filter { ($0["image_id"] as? Int) == id }.count }
        // the image where the three-epoch model finds the most people
        let image = try #require(annotations.images.max { found($0.id) < found($1.id) })
        let tested = found(image.id)
        let (inferStatus, inferOutput) = try run([try executable("pose-infer"), config, dir + "/straight/epoch_3.safetensors",
                                                  dir + "/data/val/" + image.fileName, "--out", dir + "/people.json", "--draw", dir + "/drawn"])
        #expect(inferStatus == 0, "\(inferOutput)")
        let people = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/people.json"))) as! [[String: Any]]
        #expect(people.count == tested && people.count > 0, "pose-infer found \(people.count) people, pose-test \(tested)")
        let stem = (image.fileName as NSString).deletingPathExtension
        #expect(FileManager.default.fileExists(atPath: dir + "/drawn/\(stem)_pose.jpg"))
    }
}
