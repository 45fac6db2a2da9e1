import Foundation
import Testing
import SwiftPose
import ToyComponents

/// The registries: stock names, errors, and components registered from another module.
@Suite struct RegistryTests {
    let zoo = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py"

    /// What SwiftPose registers, family by family: a change here is a change users see.
    @Test func stockTypeNames() {
        let c = Components.stock
        #expect(c.estimators.names == ["BottomupPoseEstimator", "DWPoseDistiller", "TopdownPoseEstimator"])
        #expect(c.backbones.names == ["CSPDarknet", "CSPNeXt", "HRNet", "ResNeSt", "ResNeXt", "ResNet", "ResNetV1d", "SEResNet", "mmdet.CSPDarknet", "mmdet.CSPNeXt"])
        #expect(c.necks.names == ["CSPNeXtPAFPN", "ChannelMapper", "FeatureMapProcessor", "GlobalAveragePooling", "HybridEncoder", "YOLOXPAFPN",
                                  "mmdet.ChannelMapper", "mmdet.YOLOXPAFPN"])
        #expect(c.heads.names == ["AssociativeEmbeddingHead", "CIDHead", "DEKRHead", "DSNTHead", "HeatmapHead", "IntegralRegressionHead", "RLEHead", "RTMCCHead", "RTMOHead",
                                  "RTMWHead", "RegressionHead", "SimCCHead", "VisPredictHead", "YOLOXPoseHead"])
        #expect(c.losses.names == ["AdaptiveWingLoss", "BCELoss", "CombinedTargetMSELoss", "JSDiscretLoss", "KLDiscretLoss", "KeypointMSELoss", "KeypointOHKMMSELoss", "L1Loss",
                                   "MultipleLossWrapper", "RLELoss", "SmoothL1Loss", "SoftWingLoss", "WingLoss"])
        #expect(c.codecs.names == ["AssociativeEmbedding", "DecoupledHeatmap", "IntegralRegressionLabel", "MSRAHeatmap", "RegressionLabel", "SPR", "SimCCLabel", "UDPHeatmap"])
        #expect(c.transforms.names == ["Albumentation", "BottomupGetHeatmapMask", "BottomupRandomAffine", "BottomupResize", "GenerateTarget", "GetBBoxCenterScale", "KeypointConverter", "LoadImage", "PackPoseInputs",
                                       "PhotometricDistortion", "RandomBBoxTransform", "RandomFlip", "RandomHalfBody", "TopdownAffine",
                                       "YOLOXHSVRandomAug", "mmdet.YOLOXHSVRandomAug"])
        #expect(c.datasets.names == [
            "AFLWDataset", "AP10KDataset", "ATRWDataset", "AicDataset", "AnimalKingdomDataset", "AnimalPoseDataset", "COFWDataset",
            "CocoDataset", "CocoWholeBodyDataset", "CocoWholeBodyFaceDataset", "CocoWholeBodyHandDataset", "CombinedDataset", "CrowdPoseDataset",
            "DeepFashion2Dataset", "DeepFashionDataset", "ExlposeDataset", "Face300WDataset", "Face300WLPDataset", "FlyDataset",
            "FreiHandDataset", "HalpeDataset", "Horse10Dataset", "HumanArt21Dataset", "HumanArtDataset", "InterHand2DDoubleDataset",
            "JhmdbDataset", "LapaDataset", "LocustDataset",
            "MacaqueDataset", "MhpDataset", "MpiiDataset", "OCHumanDataset", "OneHand10KDataset", "PoseTrack18Dataset",
            "RepeatDataset", "Rhd2DDataset", "UBody2dDataset", "WFLWDataset", "ZebraDataset",
        ])
        #expect(c.metrics.names == ["AUC", "CocoMetric", "CocoWholeBodyMetric", "EPE", "JhmdbPCKAccuracy", "MpiiPCKAccuracy", "NME", "PCKAccuracy", "PoseTrack18Metric"])
        #expect(c.optimizers.names == ["Adam", "AdamW", "SGD"])
        #expect(c.optimizerConstructors.names == ["DefaultOptimWrapperConstructor"])
        #expect(c.schedulers.names == ["ConstantLR", "ConstantMomentum", "CosineAnnealingLR", "CosineAnnealingMomentum", "ExponentialLR",
                                       "ExponentialMomentum", "LinearLR", "LinearMomentum", "MultiStepLR", "MultiStepMomentum", "OneCycleLR",
                                       "PolyLR", "PolyMomentum", "QuadraticWarmupLR", "StepLR", "StepMomentum"])
        #expect(c.hooks.names == ["BadCaseAnalysisHook", "CheckpointHook", "DistSamplerSeedHook", "EMAHook", "IterTimerHook", "LoggerHook",
                                  "ParamSchedulerHook", "PipelineSwitchHook", "PoseVisualizationHook", "SyncBuffersHook", "mmdet.PipelineSwitchHook"])
    }

    @Test func duplicateRegistrationIsAnErrorUnlessReplacing() throws {
        var c = Components.stock
        #expect(throws: RegistryError("backbone type 'ResNet' is already registered; pass replacing: true to override it")) {
            try c.backbones.register("ResNet") { _, _ in ResNetSpec(depth: 18) }
        }
        #expect(throws: RegistryError.self) { try c.heads.register("") { _, _ in throw ModelError("unused") } }
        // an intended replacement: every ResNet becomes a ResNet-18
        try c.backbones.register("ResNet", replacing: true) { b, _ in
            b.ignore("depth", "init_cfg", "out_indices", "norm_cfg", "norm_eval", "style", "frozen_stages")
            return ResNetSpec(depth: 18)
        }
        let s = try settings(zoo, options: ["model.head.in_channels=512"], components: c)
        #expect((try topdown(s).backbone as? ResNetSpec)?.depth == 18)
        // the stock set is untouched
        #expect((try topdown(try settings(zoo)).backbone as? ResNetSpec)?.depth == 50)
    }

    /// A config file that extends the ResNet-50 zoo config with `text`.
    func derivedConfig(_ text: String) throws -> String {
        let path = try temporaryDirectory("derived") + "/derived.py"
        try "_base_ = ['\(zoo)']\n\(text)\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func unknownTypesListWhatIsRegistered() throws {
        func message(_ options: [String], _ components: Components = .stock) -> String {
            do { _ = try settings(zoo, options: options, components: components); return "no error" } catch { return "\(error)" }
        }
        #expect(message(["model.backbone.type=MyNet"])
                .hasSuffix("td-hm_res50_8xb64-210e_coco-256x192.py: model.backbone.type: unknown backbone type 'MyNet'; registered: CSPDarknet, CSPNeXt, HRNet, ResNeSt, ResNeXt, ResNet, ResNetV1d, SEResNet, mmdet.CSPDarknet, mmdet.CSPNeXt"))
        #expect(message(["model.head.loss.type=FocalLoss"]).contains("model.head.loss.type: unknown loss type 'FocalLoss'; registered: AdaptiveWingLoss, BCELoss,"))
        #expect(message(["optim_wrapper.type=AmpOptimWrapper"]) == "no error")
        #expect(message(["optim_wrapper.type=ZeroRedundancyOptimizer"])
                .contains("optim_wrapper.type: unknown type 'ZeroRedundancyOptimizer'; supported: OptimWrapper, AmpOptimWrapper"))
        #expect(message(["model.head.decoder.type=SimCC"]).contains("model.head.decoder.type: unknown codec type 'SimCC'; registered: AssociativeEmbedding, DecoupledHeatmap, IntegralRegressionLabel,"))
        #expect(message(["train_dataloader.dataset.pipeline.2.type=Mosaic"])
                .contains("train_dataloader.dataset.pipeline.2.type: unknown transform type 'Mosaic'; registered: Albumentation, BottomupGetHeatmapMask, BottomupRandomAffine, BottomupResize, GenerateTarget,"))
        #expect(message(["optim_wrapper.optimizer.type=Lion"]).contains("optim_wrapper.optimizer.type: unknown optimizer type 'Lion'; registered: Adam, AdamW, SGD"))
        #expect(message(["optim_wrapper.constructor=LayerDecay"])
                .contains("optim_wrapper.constructor: unknown optimizer constructor type 'LayerDecay'; registered: DefaultOptimWrapperConstructor"))
        #expect(message(["param_scheduler.1.type=CosineRestartLR"]).contains("param_scheduler.1.type: unknown parameter scheduler type 'CosineRestartLR'; registered: ConstantLR, ConstantMomentum, CosineAnnealingLR,"))
        #expect(message(["val_evaluator.type=Accuracy"]).contains("val_evaluator.type: unknown metric type 'Accuracy'; registered: AUC, CocoMetric,"))
        #expect(message(["model.type=PoseLifter"]).contains("model.type: unknown pose estimator type 'PoseLifter'; registered: BottomupPoseEstimator, DWPoseDistiller, TopdownPoseEstimator"))
        // a name MMPose's own configs use but MMPose itself does not register says so
        #expect(message(["train_dataloader.dataset.type=HalpeHandDataset"])
                .contains("unknown dataset type 'HalpeHandDataset' (MMPose 1.3.2 registers no HalpeHandDataset either"))
        // a custom hook that nobody registered is an error, not dropped
        let withUnknown = try derivedConfig("custom_hooks = [dict(type='YOLOXModeSwitchHook', num_last_epochs=20, priority=48)]")
        #expect(throws: ConfigError.self) { try settings(withUnknown) }
        do { _ = try settings(withUnknown) } catch {
            #expect("\(error)".contains("custom_hooks.0.type: unknown hook type 'YOLOXModeSwitchHook'; registered: BadCaseAnalysisHook, CheckpointHook,"))
        }
        // an empty set knows nothing, and says so
        #expect(message([], Components()).contains("model.type: unknown pose estimator type 'TopdownPoseEstimator'; registered: "))
    }

    @Test func badNestedDictsNameTheirKeyPath() throws {
        func message(_ options: [String]) -> String {
            do { _ = try settings(zoo, options: options); return "no error" } catch { return "\(error)" }
        }
        // an unknown key inside a nested component names its full path and the accepted keys
        #expect(message(["model.head.loss.use_target_wieght=True"])
                .contains("model.head.loss.use_target_wieght: unknown key; accepted keys here: loss_weight, skip_empty_channel, type, use_target_weight"))
        #expect(message(["model.head.decoder.sigma=two"]).contains("model.head.decoder.sigma: expected a number, found str 'two'"))
        #expect(message(["model.head.loss=3"]).contains("model.head.loss: expected a dict, found int 3"))
        #expect(message(["model.head.loss.type=None"]).contains("model.head.loss.type: is required (a string)"))
        #expect(message(["default_hooks.checkpoint.priority=SOMETIMES"])
                .contains("default_hooks.checkpoint.priority: unknown priority 'SOMETIMES'; expected an integer or one of"))
        #expect(message(["default_hooks.logger=3"]).contains("default_hooks.logger: expected a hook dict or None, found int"))
    }

    @Test func hooksFollowMMEngineDefaultsOrderAndPriorities() throws {
        let hooked = try derivedConfig("custom_hooks = [dict(type='SyncBuffersHook', priority='VERY_HIGH'), dict(type='IterTimerHook', priority=95)]")
        let s = try settings(hooked, options: ["default_hooks.timer=None"])
        #expect(s.hooks.map(\.key) == ["sampler_seed", "logger", "param_scheduler", "checkpoint", "visualization", "badcase",
                                       "custom_hooks[0]", "custom_hooks[1]"])
        #expect(s.hooks.map(\.priority.value) == [50, 60, 70, 90, 50, 50, 10, 95])
        // without default_hooks a config still gets MMEngine's runner defaults (checkpoint every epoch)
        let dir = try temporaryDirectory("hooks")
        let bare = dir + "/bare.py"
        try "_base_ = ['\(zoo)']\ndefault_hooks = dict(_delete_=True)\n".write(toFile: bare, atomically: true, encoding: .utf8)
        let b = try settings(bare)
        #expect(b.hooks.map(\.type) == ["IterTimerHook", "DistSamplerSeedHook", "LoggerHook", "ParamSchedulerHook", "CheckpointHook", "SyncBuffersHook"])
        #expect(b.hook(CheckpointHookSpec.self)?.interval == 1 && b.hook(LoggerHookSpec.self)?.interval == 10)
        // a default_hooks entry replaces the default one whole, as dict.update does in MMEngine
        #expect(throws: ConfigError.self) { try settings(bare, options: ["default_hooks.checkpoint.save_best=coco/AP"]) }
    }

    /// A backbone and a neck with weights from the ToyComponents module, selected by `type=`,
    /// train; the neck's parameters are in the state, trained and saved under `neck.`.
    @Test func componentsFromAnotherModuleTrainAndSave() throws {
        var components = Components.stock
        try registerToyComponents(in: &components)
        let dir = try temporaryDirectory("toy")
        try makeDataset(in: dir, train: 4, val: 2)
        let config = dir + "/toy.py"
        try """
        _base_ = ['\(try tinyConfig(in: dir, batchSize: 4, epochs: 1))']
        model = dict(
            backbone=dict(_delete_=True, type='ToyBackbone', width=6, stride=8),
            neck=dict(type='ToyNeck', out_channels=5),
            head=dict(in_channels=5, deconv_out_channels=(8,), deconv_kernel_sizes=(4,)))
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let s = try settings(config, options: ["default_hooks.checkpoint.interval=1", "train_cfg.val_interval=100"], components: components)
        #expect(throws: ConfigError.self) { try settings(config) }   // the stock set does not know them
        let trainer = Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 1)
        let model = try makeModel(s, seed: 3)
        let neckKeys = model.state.parameters.map(\.name).filter { $0.hasPrefix("neck.") }
        #expect(neckKeys == ["neck.conv.weight", "neck.conv.bias"])
        try trainer.run()
        let saved = try Checkpoint.load(path: dir + "/w/epoch_1.safetensors")
        #expect(saved.tensors["neck.conv.weight"]?.shape == [5, 6, 1, 1])
        #expect(saved.tensors["backbone.conv.weight"]?.shape == [6, 3, 3, 3])
        #expect(saved.tensors["optimizer.exp_avg.neck.conv.weight"] != nil)
        #expect(saved.meta?.optimizer == "Adam")
        // the neck trained: its saved weights differ from its initial ones
        let trained = try makeModel(s, seed: 3)
        try Checkpoint.loadWeights(saved, into: trained, strict: true)
        let index = try #require(model.state.parameters.firstIndex { $0.name == "neck.conv.weight" })
        #expect(trained.state.parameters[index].parameter.value.array != model.state.parameters[index].parameter.value.array)

        // heatmaps of another size than the codec's are a clear error before training (and before
        // the work dir is made), not a trap
        let mismatched = try settings(config, options: ["model.backbone.stride=2", "train_cfg.val_interval=100"], components: components)
        do {
            try Trainer(settings: mismatched, communicator: SingleProcessCommunicator(), workDir: dir + "/m", loaderThreads: 1).run()
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "ToyBackbone + ToyNeck + HeatmapHead predicts heatmaps of 17×64×64 (C×H×W) for input_size (64, 64) but the codec's heatmap_size is (16, 16); set heatmap_size to (64, 64) or change the head")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/m"))

        // the start-up probe: a neck that misstates its channels and a decoder of another size
        // are one line each, before the work dir
        for (options, expected) in [
            (["model.neck.declared_out_channels=7", "model.head.in_channels=7"],
             "model.neck says its feature maps have [7] channels but gives maps of 5×8×8 (C×H×W) for a 64x64 input; the head was built for 7 channels"),
            (["model.head.decoder.heatmap_size=(20, 20)"],
             "ToyBackbone + ToyNeck + HeatmapHead predicts heatmaps of 17×16×16 (C×H×W) for input_size (64, 64) but the codec's heatmap_size is (20, 20); set heatmap_size to (16, 16) or change the head"),
        ] {
            let s = try settings(config, options: options + ["train_cfg.val_interval=100"], components: components)
            do {
                try Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/p", loaderThreads: 1).run()
                Issue.record("no error for \(options)")
            } catch {
                #expect("\(error)" == expected)
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/p"))
        }
    }

    @Test func checkpointsRecordTheRegisteredOptimizerName() throws {
        var components = Components.stock
        // a third optimizer under its own name (plain SGD underneath)
        try components.optimizers.register("PlainSGD") { o, _ in SGDSpec(learningRate: try o.double("lr")) }
        let dir = try temporaryDirectory("optimizer-name")
        try makeDataset(in: dir, train: 4, val: 2)
        let config = try tinyConfig(in: dir, batchSize: 4, epochs: 1)
        let s = try settings(config, options: ["optim_wrapper.optimizer.type=PlainSGD", "optim_wrapper.optimizer.lr=0.01",
                                               "train_cfg.val_interval=100"], components: components)
        try Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 1).run()
        #expect(try Checkpoint.load(path: dir + "/w/epoch_1.safetensors").meta?.optimizer == "PlainSGD")
    }

    @Test func metainfoShipsWithTheLibrary() throws {
        #expect(DatasetMetainfo.bundledFiles == [
            "300w.py", "300wlp.py", "aflw.py", "aic.py", "ak.py", "animalpose.py", "ap10k.py", "atrw.py", "coco.py", "coco_aic.py", "coco_wholebody.py",
            "coco_wholebody_face.py", "coco_wholebody_hand.py", "cofw.py", "crowdpose.py", "deepfashion2.py", "deepfashion_full.py",
            "deepfashion_lower.py", "deepfashion_upper.py", "exlpose.py", "fly.py", "freihand2d.py", "halpe.py", "halpe26.py", "horse10.py",
            "humanart.py", "humanart21.py", "interhand2d.py", "interhand3d.py", "jhmdb.py", "lapa.py", "locust.py", "macaque.py", "mhp.py", "mpii.py", "ochuman.py", "onehand10k.py",
            "posetrack18.py", "rhd2d.py", "ubody2d.py", "wflw.py", "zebra.py",
        ])
        // a path that does not exist here resolves to the bundled file of the same name, as MMPose's installed copy does
        let coco = try DatasetMetainfo.resolve("/nonexistent/configs/_base_/datasets/coco.py")
        #expect(coco.keypointCount == 17 && coco.datasetName == "coco")
        #expect(throws: ConfigError.self) { try DatasetMetainfo.resolve("configs/_base_/datasets/nothing.py") }
    }
}
