import Foundation
import Testing
import PoseConfig
import PoseDistributed
import PoseData
import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining

@Suite struct SchedulerTests {
    /// The learning rate each iteration of `epochs` epochs sees, stepping as ParamSchedulerHook does.
    func rates(_ schedulers: [any ParameterScheduler], base: Double, epochs: Int, iterationsPerEpoch: Int) throws -> [[Double]] {
        let arena = ParameterArena([Parameter(shape: [1])])
        let schedule = try ParameterSchedule(schedulers, optimizer: SGD(arena: arena, learningRate: base))
        return (0..<epochs).map { _ in
            let epoch = (0..<iterationsPerEpoch).map { _ -> Double in
                defer { schedule.step(byEpoch: false) }
                return schedule.learningRate
            }
            schedule.step(byEpoch: true)
            return epoch
        }
    }

    @Test func mmposeWarmupAndMultiStepAtClosedFormPoints() throws {
        var warmup = LinearLR()
        (warmup.startFactor, warmup.end, warmup.byEpoch) = (0.001, 500, false)
        var steps = MultiStepLR(milestones: [170, 200])
        steps.end = 210
        let lr = try rates([warmup, steps], base: 5e-4, epochs: 210, iterationsPerEpoch: 100)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * b }
        #expect(close(lr[0][0], 5e-7))
        #expect(close(lr[2][50], 5e-4 * (0.001 + 0.999 * 250 / 499)))
        #expect(close(lr[4][99], 5e-4))
        #expect(close(lr[30][0], 5e-4))
        #expect(close(lr[169][99], 5e-4))   // 1-based epoch 170
        #expect(close(lr[170][0], 5e-5))    // 1-based epoch 171
        #expect(close(lr[199][99], 5e-5))
        #expect(close(lr[200][0], 5e-6))
        #expect(close(lr[209][99], 5e-6))
    }

    @Test func constantLRRestoresOnItsLastStepAsMMEngine() throws {
        // MMEngine's ConstantLR: × factor from `begin`, the rate restored at step end − 1
        var c = ConstantLR()
        (c.factor, c.end, c.byEpoch) = (0.5, 3, false)
        let lr = try rates([c], base: 1, epochs: 1, iterationsPerEpoch: 5)[0]
        #expect(lr == [0.5, 0.5, 1, 1, 1])
    }
}

@Suite struct ExperimentDecodingTests {
    @Test func zooConfigDecodesAndBuilds() throws {
        let s = try settings(repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py")
        let m = try topdown(s)
        let r = try #require(m.backbone as? ResNetSpec), h = try #require(m.head as? HeatmapHeadSpec)
        #expect(r.depth == 50)
        #expect(h.settings.inChannels == 2048 && h.settings.deconvOutChannels == [256, 256, 256])
        let codec = try #require(s.model.decoder)
        #expect(codec.inputSize == (192, 256) && codec.heatmapTargetSize! == (48, 64))
        #expect(m.testConfig.flipTest && m.testConfig.shiftHeatmap)
        #expect(s.train?.batchSize == 64 && s.train?.shuffle == true)
        #expect((s.val?.dataset as? CocoStyleDatasetSpec)?.settings.bboxFile == "data/coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json")
        #expect(s.maxEpochs == 210 && s.valInterval == 10)
        #expect(s.hook(CheckpointHookSpec.self)?.interval == 10 && s.hook(LoggerHookSpec.self)?.interval == 50)
        #expect(s.hook(CheckpointHookSpec.self)?.saveBest == ["coco/AP"])
        #expect(s.hooks.map(\.type) == ["IterTimerHook", "DistSamplerSeedHook", "LoggerHook", "ParamSchedulerHook", "CheckpointHook",
                                         "PoseVisualizationHook", "BadCaseAnalysisHook", "SyncBuffersHook"])
        #expect(s.schedulers.count == 2)
        #expect(m.pretrained == [PretrainedWeights(checkpoint: "torchvision://resnet50", target: "backbone.")])
        #expect(s.ignoredKeys.contains("env_cfg.dist_cfg.backend") && s.distTimeout == 1800)
        #expect(s.optimWrapper.optimizerType == "Adam")
        let model = try makeModel(s, seed: 0)
        #expect(model.trainableParameterCount == 33_999_697)
    }

    @Test func quickStartConfigDecodes() throws {
        let s = try settings(repositoryRoot + "/configs/quickstart/td-hm_res18-tiny_synthetic-128x96.py")
        let r = try #require(try topdown(s).backbone as? ResNetSpec)
        #expect(r.depth == 18 && r.baseChannels == 32)
        #expect(s.train?.dataset.pipeline.transforms.count == 8)
    }

    @Test func unknownKeysAndTypesAreErrorsNamingThePath() throws {
        let zoo = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py"
        do {
            _ = try settings(zoo, options: ["model.backbone.depht=18"])
            Issue.record("no error")
        } catch let e as ConfigError {
            #expect(e.description.contains("td-hm_res50_8xb64-210e_coco-256x192.py: model.backbone.depht: unknown key; accepted keys here:"))
            #expect(e.description.contains("depth"))
        }
        do {
            _ = try settings(zoo, options: ["model.head.type=FancyHead"])
            Issue.record("no error")
        } catch let e as ConfigError {
            #expect(e.description.contains("model.head.type: unknown head type 'FancyHead'; registered: AssociativeEmbeddingHead, CIDHead, DEKRHead, DSNTHead, HeatmapHead, IntegralRegressionHead"))
        }
        #expect(throws: ConfigError.self) { try settings(zoo, options: ["train_cfg.max_epochs=ten"]) }
    }
}

@Suite(.serialized) struct CheckpointAndResumeTests {
    @Test func checkpointRoundTripAndDamageDetection() throws {
        let dir = try temporaryDirectory("ckpt")
        let s = try settings(try tinyConfig(in: dir))
        let model = try makeModel(s, seed: 1)
        let adam = Adam(arena: model.arena)
        var rng = RandomGenerator(seed: 2)
        rng.fillUniform(adam.expAvg, low: -1, high: 1)
        model.state.counters[0].counter.value = 17
        let meta = CheckpointMeta(epoch: 3, iteration: 30, optimizerSteps: 30, optimizer: "Adam", seed: 3, worldSize: 2)
        let path = dir + "/epoch_3.safetensors"
        try Checkpoint.save(model: model, optimizer: adam, contents: CheckpointContents(meta: meta), to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }.isEmpty)

        let other = try makeModel(s, seed: 99)
        let adam2 = Adam(arena: other.arena)
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.meta?.epoch == 3 && loaded.meta?.worldSize == 2)
        let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: other, strict: true)
        #expect(missing.isEmpty && unexpected.isEmpty)
        try Checkpoint.loadOptimizer(loaded, into: adam2, model: other)
        #expect(other.arena.values.array == model.arena.values.array)
        // every parameter's slice (the arena's alignment padding is not state)
        for (p, offset) in zip(model.arena.parameters, model.arena.offsets) {
            #expect(Array(UnsafeBufferPointer(start: adam2.expAvg.data + offset, count: p.value.count))
                    == Array(UnsafeBufferPointer(start: adam.expAvg.data + offset, count: p.value.count)))
        }
        #expect(adam2.stepCount == 30)
        #expect(other.state.counters[0].counter.value == 17)
        #expect(other.state.buffers.map { $0.tensor.array } == model.state.buffers.map { $0.tensor.array })

        // a truncated or corrupted file is refused with a message naming it
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.safetensors"))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(path: dir + "/cut.safetensors") }
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: dir + "/flipped.safetensors"))
        #expect(throws: CheckpointError("\(dir)/flipped.safetensors: checksum mismatch (the file is damaged or incomplete)")) {
            try Checkpoint.load(path: dir + "/flipped.safetensors")
        }
    }

    @Test func resumeIsBitIdenticalToAnUninterruptedRun() throws {
        let dir = try temporaryDirectory("resume")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 6, epochs: 2)
        // 2 epochs straight (2 iterations each)
        let straight = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(),
                               workDir: dir + "/straight", loaderThreads: 2)
        try straight.run()
        // 1 epoch, then resume for the second
        let first = Trainer(settings: try settings(config, options: ["train_cfg.max_epochs=1"]),
                            communicator: SingleProcessCommunicator(), workDir: dir + "/split", loaderThreads: 1)
        try first.run()
        let second = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(),
                             workDir: dir + "/split", resume: .latest, loaderThreads: 3)
        try second.run()
        #expect(straight.losses.count == 4)
        #expect(first.losses + second.losses == straight.losses)
        #expect(second.model.arena.values.array == straight.model.arena.values.array)
        #expect(second.model.state.buffers.map { $0.tensor.array } == straight.model.state.buffers.map { $0.tensor.array })
        #expect(second.model.state.counters.map(\.counter.value) == straight.model.state.counters.map(\.counter.value))
        #expect(FileManager.default.fileExists(atPath: dir + "/split/last_checkpoint"))
    }

    @Test func resumeSkipsADamagedNewestCheckpoint() throws {
        let dir = try temporaryDirectory("resume-damaged")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 6, epochs: 2)
        let run = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 2)
        try run.run()
        // the newest checkpoint is cut short: resume falls back to epoch 1 and redoes epoch 2
        let newest = dir + "/w/epoch_2.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: newest))
        try bytes.prefix(1000).write(to: URL(fileURLWithPath: newest))
        let again = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/w",
                            resume: .latest, loaderThreads: 2)
        try again.run()
        #expect(again.losses == Array(run.losses.suffix(2)))
        #expect(again.model.arena.values.array == run.model.arena.values.array)
    }
}

@Suite struct NormConfigTests {
    @Test func syncBNMarksTheBackbonesNormsAndUnknownNormsAreClearErrors() throws {
        let zoo = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py"
        // the zoo model is large: a narrow ResNet keeps the build quick
        let narrow = ["model.backbone.base_channels=4", "model.backbone.stem_channels=4", "model.head.in_channels=128"]
        let synced = try buildTopdown(try settings(zoo, options: narrow + ["model.backbone.norm_cfg.type=SyncBN"]))
        let norms = synced.state.normalizations
        #expect(norms.count > 20)
        for (name, bn) in norms { #expect(bn.synchronized == name.hasPrefix("backbone."), "\(name)") }
        #expect(norms.contains { $0.name == "backbone.layer1.0.bn1" })
        #expect(try buildTopdown(try settings(zoo, options: narrow)).state.normalizations.allSatisfy { !$0.layer.synchronized })
        do {
            _ = try settings(zoo, options: ["model.backbone.norm_cfg.type=GN"])
            Issue.record("no error")
        } catch let e as ConfigError {
            #expect(e.description.contains("model.backbone.norm_cfg.type: unknown norm 'GN'; supported: BN, BN2d, SyncBN"), "\(e)")
        }
        #expect(throws: ConfigError.self) { try settings(zoo, options: ["model.backbone.norm_cfg.type=BN", "model.backbone.norm_cfg.momentum=0.03"]) }
        _ = try settings(zoo, options: ["model.backbone.norm_cfg.type=BN", "model.backbone.norm_cfg.requires_grad=True"])
    }
}
