import Foundation
import Testing
import PoseData
import PoseDistributed
@testable import PoseTraining

/// The built `pose-train` next to the test bundle.
func executable(_ name: String) throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    throw TrainingError("\(name) is not built next to the tests (\(CommandLine.arguments[0])); run `swift build` with the same configuration first")
}

/// Losses by step from a work dir's `vis_data/scalars.json`.
func losses(in workDir: String) throws -> [Double] {
    let runs = try FileManager.default.contentsOfDirectory(atPath: workDir).filter { $0.first?.isNumber == true }.sorted()
    guard let last = runs.last else { return [] }
    let text = try String(contentsOfFile: "\(workDir)/\(last)/vis_data/scalars.json", encoding: .utf8)
    return text.split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }.compactMap { ($0["loss"] as? NSNumber)?.doubleValue }
}

/// The largest relative L2 difference between two checkpoints' float weight tensors (optimizer
/// state excluded), and the tensor that has it.
func largestRelativeDifference(_ first: String, _ second: String) throws -> Double {
    try largestDifference(first, second).difference
}

/// `largestRelativeDifference` with the name of the tensor that has it.
func largestDifference(_ first: String, _ second: String) throws -> (difference: Double, name: String) {
    let w1 = try Checkpoint.load(path: first), w2 = try Checkpoint.load(path: second)
    func floats(_ c: Checkpoint.Loaded, _ info: SafeTensors.Info) -> [Float] {
        c.data.withUnsafeBytes { raw in (0..<(info.range.count / 4)).map { raw.loadUnaligned(fromByteOffset: info.range.lowerBound + 4 * $0, as: Float.self) } }
    }
    var worst = (difference: 0.0, name: "")
    for (name, info) in w1.tensors where info.dtype == "F32" && !name.hasPrefix("optimizer.") {
        guard let other = w2.tensors[name] else { throw TrainingError("\(second) lacks \(name)") }
        let a = floats(w1, info), b = floats(w2, other)
        var diff = 0.0, norm = 0.0
        for i in a.indices { diff += Double(a[i] - b[i]) * Double(a[i] - b[i]); norm += Double(a[i]) * Double(a[i]) }
        if norm > 0, (diff / norm).squareRoot() > worst.difference { worst = ((diff / norm).squareRoot(), name) }
    }
    return worst
}

/// Keeps the first multiple of 4 valid training instances, so runs with different batch
/// layouts see the same global batches; returns how many were kept.
func keepMultipleOfFourInstances(in dir: String) throws -> Int {
    let annPath = dir + "/data/annotations/person_keypoints_train.json"
    let metainfo = try DatasetMetainfo.load(path: repositoryRoot + "/configs/_base_/datasets/coco.py")
    let valid = try CocoDataset(annotationFile: annPath, metainfo: metainfo).instances.map(\.id)
    let keep = Set(valid.prefix(valid.count / 4 * 4))
    var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: annPath))) as! [String: Any]
    json["annotations"] = (json["annotations"] as! [[String: Any]]).filter { keep.contains(($0["id"] as! NSNumber).intValue) }
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: annPath))
    return keep.count
}

@Suite(.serialized) struct DistributedTrainingTests {
    @Test func twoRanksEqualOneRankAtTheSameGlobalBatch() throws {
        let dir = try temporaryDirectory("mpi")
        try makeDataset(in: dir, train: 10, val: 2)
        // keep a multiple of 4 valid instances so both runs see identical global batches
        let kept = try keepMultipleOfFourInstances(in: dir)
        #expect(kept >= 8)

        // no training-mode BatchNorm, so per-rank batches give the same gradients as one batch
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 1, batchNormFree: true)
        let train = try executable("pose-train")
        let (s1, out1) = try run([train, config, "--work-dir", dir + "/one", "--cfg-options", "train_cfg.val_interval=100"])
        #expect(s1 == 0, "\(out1)")
        let (s2, out2) = try run(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "500",
                                  "-x", "OPENBLAS_NUM_THREADS=1", train, config, "--work-dir", dir + "/two",
                                  "--cfg-options", "train_dataloader.batch_size=2", "train_cfg.val_interval=100"])
        #expect(s2 == 0, "\(out2)")
        #expect(out2.contains("2 ranks"))

        let l1 = try losses(in: dir + "/one"), l2 = try losses(in: dir + "/two")
        #expect(l1.count == kept / 4 && l1.count == l2.count)
        for (a, b) in zip(l1, l2) { #expect(abs(a - b) <= 1e-5 * abs(a), "losses \(l1) vs \(l2)") }

        let worst = try largestRelativeDifference(dir + "/one/epoch_1.safetensors", dir + "/two/epoch_1.safetensors")
        #expect(worst <= 1e-5, "largest relative difference of a weight tensor: \(worst)")
    }

    /// Trains `config` in one process at batch 4 and on 2 ranks at batch 2 (more `options` on
    /// both); returns both outputs, losses and the largest weight difference after `epochs`.
    func oneProcessAndTwoRanks(_ config: String, in dir: String, epochs: Int, options: [String] = [])
        throws -> (outputs: [String], losses: [[Double]], worst: (difference: Double, name: String)) {
        let train = try executable("pose-train")
        let one = dir + "/one-\(options.count)", two = dir + "/two-\(options.count)"
        let (s1, out1) = try run([train, config, "--work-dir", one] + (options.isEmpty ? [] : ["--cfg-options"] + options))
        #expect(s1 == 0, "\(out1)")
        let (s2, out2) = try run(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "500",
                                  "-x", "OPENBLAS_NUM_THREADS=1", train, config, "--work-dir", two,
                                  "--cfg-options", "train_dataloader.batch_size=2"] + options)
        #expect(s2 == 0, "\(out2)")
        let worst = try largestDifference("\(one)/epoch_\(epochs).safetensors", "\(two)/epoch_\(epochs).safetensors")
        return ([out1, out2], [try losses(in: one), try losses(in: two)], worst)
    }

    /// SyncBN (`sync_bn='torch'`, every BatchNorm in training mode): 4 steps on 2 ranks at batch
    /// 2 equal 4 steps in one process at batch 4; without it each rank normalises its own 2
    /// images and the runs part.
    @Test func syncBNOnTwoRanksEqualsOneProcessAtTheSameGlobalBatch() throws {
        let dir = try temporaryDirectory("mpi-syncbn")
        try makeDataset(in: dir, train: 10, val: 2)
        let kept = try keepMultipleOfFourInstances(in: dir)
        #expect(kept >= 8)
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 1, extra: """
            optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
            train_cfg = dict(max_epochs=1, val_interval=100)
            """)
        let synced = try oneProcessAndTwoRanks(config, in: dir, epochs: 1, options: ["sync_bn=torch"])
        #expect(synced.losses[0].count == kept / 4 && synced.losses[0].count == synced.losses[1].count)
        for (a, b) in zip(synced.losses[0], synced.losses[1]) {
            #expect(abs(a - b) <= 1e-5 * abs(a), "losses \(synced.losses)")
        }
        #expect(synced.worst.difference <= 1e-5, "largest relative difference of a weight tensor: \(synced.worst)")

        let perRank = try oneProcessAndTwoRanks(config, in: dir, epochs: 1)
        #expect(perRank.worst.difference > 1e-3, "without SyncBN: \(perRank.worst)")
    }

    /// MMEngine's recipe together (SyncBN, AdamW with paramwise_cfg, cosine annealing after a
    /// linear warm-up, clip_grad, EMAHook, auto_scale_lr) trains on 2 ranks as in one process.
    /// Adam's step is sign-like for gradients far below `eps`'s scale: with the usual 1e-8, BN
    /// biases whose gradients are cancellation noise move by ±lr and the runs part (10% on
    /// one such bias; 5.6e-6 with SGD in place of AdamW), so eps is raised above that noise.
    @Test func fullRecipeOnTwoRanksTrainsAsOneProcess() throws {
        let dir = try temporaryDirectory("mpi-recipe")
        try makeDataset(in: dir, train: 10, val: 2)
        _ = try keepMultipleOfFourInstances(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 2, extra: """
            sync_bn = 'torch'
            auto_scale_lr = dict(enable=True, base_batch_size=8)
            optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05, eps=1e-3),
                                 paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0, custom_keys={'head': dict(lr_mult=2.0)}),
                                 clip_grad=dict(max_norm=0.05, norm_type=2))
            param_scheduler = [
                dict(type='LinearLR', begin=0, end=2, start_factor=0.1, by_epoch=False),
                dict(type='CosineAnnealingLR', eta_min_ratio=0.1, begin=0, end=2, T_max=2, by_epoch=True, convert_to_iter_based=True)]
            custom_hooks = [dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.1, update_buffers=True, priority=49)]
            """)
        let runs = try oneProcessAndTwoRanks(config, in: dir, epochs: 2)
        for output in runs.outputs {
            #expect(output.contains("Scaling the original LR by 0.5"), "\(output.prefix(3000))")
            #expect(output.contains("optimizer AdamW"))
            #expect(output.contains("EMAHook (49)"))
            #expect(output.contains("grad_norm"))
            #expect(output.contains("coco/AP"))
        }
        #expect(runs.outputs[1].contains("2 ranks"))
        #expect(runs.losses[0].count >= 4 && runs.losses[0].count == runs.losses[1].count)
        for (a, b) in zip(runs.losses[0], runs.losses[1]) { #expect(abs(a - b) <= 1e-4 * abs(a), "losses \(runs.losses)") }
        #expect(runs.worst.difference <= 1e-4, "\(runs.worst)")
        #expect(try Checkpoint.load(path: dir + "/two-0/epoch_2.safetensors").tensors.keys.contains { $0.hasPrefix("hooks.ema_state_dict.") })
    }

    @Test func aFailingRankStopsTheWholeJob() throws {
        let dir = try temporaryDirectory("mpi-fail")
        try makeDataset(in: dir, train: 4, val: 1)
        let config = try tinyConfig(in: dir, batchSize: 2, epochs: 1)
        // one image that every rank's loader will reach is unreadable
        let image = dir + "/data/train/000000000001.jpg"
        try Data([0xFF, 0xD8, 0xFF, 0x00, 0x01]).write(to: URL(fileURLWithPath: image))
        let started = Date()
        let (status, output) = try run(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "300",
                                        "--mca", "odls_base_sigkill_timeout", "0", "-x", "OPENBLAS_NUM_THREADS=1",
                                        try executable("pose-train"), config, "--work-dir", dir + "/w"])
        #expect(status != 0)
        #expect(output.contains("error: rank"), "\(output)")
        #expect(output.contains("000000000001.jpg: not a readable JPEG"), "\(output)")
        #expect(Date().timeIntervalSince(started) < 120)
    }
}
