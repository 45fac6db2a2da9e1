import Foundation
import Testing
import PoseData
import PoseDistributed
@testable import PoseTraining

/// MMPose's RTMPose-t config, as written, with the input (64×64) and the network's widths
/// shrunk and its EMAHook (commented out in RTMPose-t's config, on in RTMPose-s/m/l's) on, trained under `mpirun -np 2` on synthetic data: the second stage's pipeline from the
/// switch epoch on, a resume past the switch that trains with the switched pipeline, and the
/// exponential moving average as the weights validated and saved (MMEngine's EMAHook swaps it
/// into `state_dict`), so `pose-test` on the checkpoint gives the validation's figure.
@Suite(.serialized) struct RTMPoseTrainingTests {
    /// MMPose's `rtmpose-t_8xb256-420e_coco-256x192.py` with only sizes, epochs and paths
    /// changed, by text substitution so every other line is MMPose's.
    static func shrunkConfig(in dir: String) throws -> String {
        var text = try String(contentsOfFile: repositoryRoot + "/configs/body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py",
                              encoding: .utf8)
        let substitutions = [
            ("_base_ = ['../../../_base_/default_runtime.py']", "_base_ = ['\(repositoryRoot)/configs/_base_/default_runtime.py']"),
            ("max_epochs = 420", "max_epochs = 3"), ("stage2_num_epochs = 30", "stage2_num_epochs = 1"),
            ("val_interval=10", "val_interval=3"), ("input_size=(192, 256)", "input_size=(64, 64)"),
            // the GAU's s before in_channels, whose new value ends in "s=128" too
            ("s=128", "s=16"), ("widen_factor=0.375", "widen_factor=0.125"), ("in_channels=384", "in_channels=128"),
            ("hidden_dims=256", "hidden_dims=32"), ("end=1000)", "end=4)"),
            ("data_root = 'data/coco/'", "data_root = '\(dir)/data/'"),
            ("annotations/person_keypoints_train2017.json", "annotations/person_keypoints_train.json"),
            ("annotations/person_keypoints_val2017.json", "annotations/person_keypoints_val.json"),
            ("data_prefix=dict(img='train2017/')", "data_prefix=dict(img='train/')"),
            ("data_prefix=dict(img='val2017/')", "data_prefix=dict(img='val/')"),
            ("batch_size=256", "batch_size=4"), ("batch_size=64", "batch_size=4"),
            // RTMPose-t turns its EMAHook off; the other RTMPose configs (s, m, l) have it on
            ("""
                # dict(
                #     type='EMAHook',
                #     ema_type='ExpMomentumEMA',
                #     momentum=0.0002,
                #     update_buffers=True,
                #     priority=49),
            """, """
                dict(
                    type='EMAHook',
                    ema_type='ExpMomentumEMA',
                    momentum=0.0002,
                    update_buffers=True,
                    priority=49),
            """),
            // PCK beside the config's CocoMetric: a figure that a few steps leave above 0
            ("""
            val_evaluator = dict(
                type='CocoMetric',
                ann_file=data_root + 'annotations/person_keypoints_val.json')
            """, """
            val_evaluator = [dict(
                type='CocoMetric',
                ann_file=data_root + 'annotations/person_keypoints_val.json'), dict(type='PCKAccuracy', thr=0.5)]
            """),
        ]
        for (old, new) in substitutions {
            guard text.contains(old) else { throw TrainingError("the RTMPose-t config no longer contains \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = dir + "/rtmpose-t-tiny.py"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func trainsThroughTheSwitchResumesAndEvaluatesTheAverage() throws {
        let dir = try temporaryDirectory("rtmpose")
        try makeDataset(in: dir, train: 8, val: 2)
        let config = try Self.shrunkConfig(in: dir)
        let train = try executable("pose-train"), test = try executable("pose-test")
        let mpi = ["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "500", "-x", "OPENBLAS_NUM_THREADS=1"]
        let work = dir + "/work"
        // the config's pretrained CSPNeXt-t is for the full width (and needs the network)
        let noPretrained = ["--cfg-options", "model.backbone.init_cfg=None"]
        let (status, output) = try run(mpi + [train, config, "--work-dir", work] + noPretrained)
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 ranks"))
        // switch_epoch = 3 − 1 = 2: the switch comes after epoch 2's iterations, before epoch 3's
        let switchLine = try #require(output.range(of: "Switch pipeline now!"), "\(output)")
        let epoch2 = try #require(output.range(of: "Epoch(train) [2]")), epoch3 = try #require(output.range(of: "Epoch(train) [3]"))
        #expect(epoch2.lowerBound < switchLine.lowerBound && switchLine.lowerBound < epoch3.lowerBound)
        #expect(output.components(separatedBy: "Switch pipeline now!").count == 2, "one switch in the run")
        #expect(output.contains("EMAHook"))

        // the checkpoint's weights are the average; the trained ones go under the hook's state
        let checkpoint = try Checkpoint.load(path: work + "/epoch_3.safetensors")
        let key = "backbone.stage4.2.final_conv.conv.weight"
        let average = try #require(checkpoint.tensors[key]), source = try #require(checkpoint.tensors["hooks.ema_state_dict.module." + key])
        #expect(checkpoint.data[average.range] != checkpoint.data[source.range])

        // validation of epoch 3 ran on the average, as pose-test on the saved checkpoint does
        let validation = output.components(separatedBy: "Epoch(val) [3]").last ?? ""
        let (testStatus, testOutput) = try run([test, config, work + "/epoch_3.safetensors"] + noPretrained)
        #expect(testStatus == 0, "\(testOutput)")
        for name in ["coco/AP", "coco/AR", "PCK"] {
            let validated = try #require(Self.figure(name, in: validation), "\(output)")
            let tested = try #require(Self.figure(name, in: testOutput), "\(testOutput)")
            #expect(abs(validated - tested) <= 1e-9, "\(name): validation \(validated), pose-test \(tested)")
            if name == "PCK" { #expect(validated > 0) }
        }

        // resumed past the switch epoch, the run switches before its first epoch
        let (resumed, resumedOutput) = try run(mpi + [train, config, "--work-dir", work, "--resume"] + noPretrained + ["train_cfg.max_epochs=4"])
        #expect(resumed == 0, "\(resumedOutput)")
        let resumedSwitch = try #require(resumedOutput.range(of: "Switch pipeline now!"), "\(resumedOutput)")
        let epoch4 = try #require(resumedOutput.range(of: "Epoch(train) [4]"), "\(resumedOutput)")
        #expect(resumedSwitch.lowerBound < epoch4.lowerBound)
        #expect(!resumedOutput.contains("Epoch(train) [3]"))
        #expect(FileManager.default.fileExists(atPath: work + "/epoch_4.safetensors"))
    }

    /// The config's `init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint='https://…
    /// cspnext-tiny_udp-aic-coco_210e-256x192-cbed682d_20230130.pth')` through the hub cache: a
    /// whole model's checkpoint under that file name initialises the backbone from its
    /// `backbone.` keys (the head keeps its own initialisation), as MMEngine's `PretrainedInit`.
    @Test func pretrainedBackboneFromTheHubCache() throws {
        let dir = try temporaryDirectory("rtmpose-pretrained")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 4, val: 2)
        let s = try settings(try Self.shrunkConfig(in: dir), options: ["train_cfg.max_epochs=1", "custom_hooks=[]"])
        let donor = try makeModel(s, seed: 99)
        let name = "cspnext-tiny_udp-aic-coco_210e-256x192-cbed682d_20230130.pth"
        let cache = PretrainedDownload.cacheDirectory(), file = cache + "/" + name
        guard !FileManager.default.fileExists(atPath: file) else {
            Issue.record("\(file) exists already; this test writes its own file there")
            return
        }
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let meta = CheckpointMeta(epoch: 0, iteration: 0, optimizerSteps: 0, optimizer: "AdamW", seed: 0, worldSize: 1)
        try Checkpoint.save(model: donor, optimizer: nil, contents: CheckpointContents(meta: meta), to: file)

        let model = try makeModel(s, seed: 0)
        try InitialWeights(pretrained: s.model.pretrained, loadFrom: nil, strict: false, skipsDownloads: false,
                           broadcast: CheckpointBroadcast(communicator: SingleProcessCommunicator()), log: TrainingLog()).load(into: model)
        let donorState = Dictionary(uniqueKeysWithValues: donor.state.parameters.map { ($0.name, $0.parameter.value.array) })
        var backbone = 0, head = 0
        for (key, p) in model.state.parameters {
            if key.hasPrefix("backbone.") { backbone += 1; #expect(p.value.array == donorState[key], "\(key)") }
            if key.hasPrefix("head.") && p.value.array != donorState[key] { head += 1 }
        }
        #expect(backbone > 100 && head > 0)
    }

    /// The number after `name: ` in `text`.
    static func figure(_ name: String, in text: String) -> Double? {
        guard let range = text.range(of: name + ": ") else { return nil }
        return Double(text[range.upperBound...].prefix { "0123456789.-e".contains($0) })
    }
}
