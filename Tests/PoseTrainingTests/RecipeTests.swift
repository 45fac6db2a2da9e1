import Foundation
import Testing
import PoseData
import PoseDistributed
@testable import PoseTraining

/// MMEngine's recipe keys in a real run: auto_scale_lr and clip_grad.
@Suite(.serialized) struct RecipeTests {
    /// The (step, lr, grad_norm) records of a run's scalars.json.
    func records(in workDir: String) throws -> [[String: Any]] {
        let runs = try FileManager.default.contentsOfDirectory(atPath: workDir).filter { $0.first?.isNumber == true }.sorted()
        let text = try String(contentsOfFile: "\(workDir)/\(runs.last!)/vis_data/scalars.json", encoding: .utf8)
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            .filter { $0["loss"] != nil }
    }

    @Test func autoScaleLRScalesByTheGlobalBatch() throws {
        let dir = try temporaryDirectory("auto-scale")
        try makeDataset(in: dir, train: 4, val: 2)
        // Adam at 1e-3, LinearLR warm-up from 0.1: the first iteration trains at 1e-4 × 4 / 16
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 1, extra: "auto_scale_lr = dict(enable=False, base_batch_size=16)")
        let (status, output) = try run([try executable("pose-train"), config, "--work-dir", dir + "/w", "--auto-scale-lr"])
        #expect(status == 0, "\(output.suffix(800))")
        #expect(output.contains("LR is set based on batch size of 16 and the current batch size is 4. Scaling the original LR by 0.25."))
        let first = try #require(try records(in: dir + "/w").first?["lr"] as? Double)
        #expect(abs(first - 1e-4 * 0.25) < 1e-12, "lr \(first)")
        // without the flag and with enable=False nothing is scaled
        let (s2, _) = try run([try executable("pose-train"), config, "--work-dir", dir + "/plain"])
        #expect(s2 == 0)
        #expect(abs((try records(in: dir + "/plain").first?["lr"] as? Double ?? 0) - 1e-4) < 1e-12)
    }

    @Test func clipGradClipsAndLogsTheNorm() throws {
        let dir = try temporaryDirectory("clip-grad")
        try makeDataset(in: dir, train: 4, val: 2)
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 2, extra: """
            optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05), clip_grad=dict(max_norm=0.001, norm_type=2))
            """)
        let (status, output) = try run([try executable("pose-train"), config, "--work-dir", dir + "/w"])
        #expect(status == 0, "\(output.suffix(800))")
        let norms = try records(in: dir + "/w").compactMap { $0["grad_norm"] as? Double }
        #expect(norms.count >= 2 && norms.allSatisfy { $0.isFinite && $0 > 0.001 }, "\(norms)")
        #expect(output.contains("grad_norm: "))
        #expect(output.contains("optimizer AdamW"))
    }

    /// accumulative_counts=2 at batch 2 equals batch 4 without it, for a model without
    /// training-mode BatchNorm: one step per two iterations with the loss scaled by 1/2.
    @Test func accumulatedGradientsEqualOneLargerBatch() throws {
        let dir = try temporaryDirectory("accumulate")
        try makeDataset(in: dir, train: 10, val: 2)
        let kept = try keepMultipleOfFourInstances(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 2, batchNormFree: true, extra: "param_scheduler = []")
        let train = try executable("pose-train")
        let (s1, o1) = try run([train, config, "--work-dir", dir + "/large", "--cfg-options", "train_cfg.val_interval=100"])
        #expect(s1 == 0, "\(o1.suffix(600))")
        let (s2, o2) = try run([train, config, "--work-dir", dir + "/accumulated", "--cfg-options", "train_cfg.val_interval=100",
                                "train_dataloader.batch_size=2", "optim_wrapper.accumulative_counts=2"])
        #expect(s2 == 0, "\(o2.suffix(600))")
        #expect(try records(in: dir + "/accumulated").count == 2 * (try records(in: dir + "/large").count) && kept >= 8)
        let worst = try largestRelativeDifference(dir + "/large/epoch_2.safetensors", dir + "/accumulated/epoch_2.safetensors")
        #expect(worst <= 1e-5, "largest relative difference of a weight tensor: \(worst)")
        // and without accumulation the half batches train differently
        let (s3, _) = try run([train, config, "--work-dir", dir + "/small", "--cfg-options", "train_cfg.val_interval=100",
                               "train_dataloader.batch_size=2"])
        #expect(s3 == 0)
        #expect(try largestRelativeDifference(dir + "/large/epoch_2.safetensors", dir + "/small/epoch_2.safetensors") > 1e-3)
    }

    /// EMAHook (MMPose's ExpMomentumEMA recipe): the checkpoint's weights are the average and
    /// its `hooks.ema_state_dict.module.*` the source weights, which equal a run without the
    /// hook bit for bit (validation and saving swap back); a resumed run ends where a straight
    /// one does, average and source alike.
    @Test func emaHookAveragesSavesAndResumesExactly() throws {
        let dir = try temporaryDirectory("ema")
        try makeDataset(in: dir, train: 6, val: 2)
        let ema = "custom_hooks = [dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.01, gamma=20, update_buffers=True, priority=49)]"
        // tinyConfig writes tiny.py: the plain config is copied away before the EMA one is written
        let plainConfig = dir + "/plain.py"
        try FileManager.default.copyItem(atPath: try tinyConfig(in: dir, batchSize: 3, epochs: 4, extra: "train_cfg = dict(max_epochs=4, val_interval=2)"),
                                         toPath: plainConfig)
        let emaConfig = try tinyConfig(in: dir, batchSize: 3, epochs: 4, extra: "train_cfg = dict(max_epochs=4, val_interval=2)\n" + ema)
        let train = try executable("pose-train")
        let (s0, o0) = try run([train, plainConfig, "--work-dir", dir + "/plain"])
        #expect(s0 == 0, "\(o0.suffix(600))")
        let (s1, o1) = try run([train, emaConfig, "--work-dir", dir + "/straight"])
        #expect(s1 == 0, "\(o1.suffix(600))")
        #expect(o1.contains("EMAHook (49)"), "\(o1.prefix(2000))")
        let (s2, o2) = try run([train, emaConfig, "--work-dir", dir + "/split", "--cfg-options", "train_cfg.max_epochs=2"])
        #expect(s2 == 0, "\(o2.suffix(600))")
        let (s3, o3) = try run([train, emaConfig, "--work-dir", dir + "/split", "--resume"])
        #expect(s3 == 0, "\(o3.suffix(600))")

        let straight = try Checkpoint.load(path: dir + "/straight/epoch_4.safetensors")
        let split = try Checkpoint.load(path: dir + "/split/epoch_4.safetensors")
        let plain = try Checkpoint.load(path: dir + "/plain/epoch_4.safetensors")
        func bytes(_ c: Checkpoint.Loaded, _ key: String) throws -> Data { c.data[try #require(c.tensors[key], "\(key)").range] }
        let weights = plain.tensors.keys.filter { !CheckpointContents.reservedPrefixes.contains(where: $0.hasPrefix) && plain.tensors[$0]!.dtype == "F32" }
        #expect(weights.count > 10)
        var averagedDiffer = false
        for key in weights {
            // the source model trained exactly as without the hook
            #expect(try bytes(straight, "hooks.ema_state_dict.module." + key) == bytes(plain, key), "\(key)")
            // resumed and straight agree on the average and the source
            #expect(try bytes(split, key) == bytes(straight, key), "\(key)")
            #expect(try bytes(split, "hooks.ema_state_dict.module." + key) == bytes(straight, "hooks.ema_state_dict.module." + key))
            if try bytes(straight, key) != bytes(plain, key) { averagedDiffer = true }
        }
        #expect(averagedDiffer, "the checkpoint's weights are the average, not the source")
    }

    /// MMEngine's `sync_bn` ('torch' or 'mmcv') syncs every BatchNorm; HRNet's `norm_cfg` SyncBN
    /// marks its own; anything else names the value.
    @Test func syncBNSettings() throws {
        let dir = try temporaryDirectory("syncbn")
        #expect(try settings(try tinyConfig(in: dir, extra: "sync_bn = 'torch'")).syncBN)
        #expect(try settings(try tinyConfig(in: dir, extra: "sync_bn = 'mmcv'")).syncBN)
        #expect(try !settings(try tinyConfig(in: dir)).syncBN)
        do {
            _ = try settings(try tinyConfig(in: dir, extra: "sync_bn = 'apex'"))
            Issue.record("sync_bn='apex' was accepted")
        } catch { #expect("\(error)".contains("sync_bn: 'apex': expected 'torch' or 'mmcv'"), "\(error)") }
        let hrnet = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py"
        let model = try buildTopdown(try settings(hrnet, options: ["model.backbone.norm_cfg.type=SyncBN"]))
        let norms = model.state.normalizations
        let backboneNorms = norms.filter { $0.name.hasPrefix("backbone.") }
        #expect(!backboneNorms.isEmpty && backboneNorms.allSatisfy { $0.layer.synchronized })
        #expect(norms.contains { $0.name.hasPrefix("backbone.stage4.") })
    }
}
