import Foundation
import Testing
import PoseDistributed
@testable import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining

/// Outputs and gradients against PyTorch, from fixtures written by tools/make_parity_fixtures.py.
@Suite struct PyTorchParityTests {
    let parity = repositoryRoot + "/Tests/Fixtures/parity/"

    func tensor(_ loaded: Checkpoint.Loaded, _ key: String) throws -> [Float] { try fixtureTensor(loaded, key).array }

    func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
        var d = 0.0, n = 0.0
        for i in a.indices { d += Double(a[i] - b[i]) * Double(a[i] - b[i]); n += Double(b[i]) * Double(b[i]) }
        return (d / max(n, 1e-30)).squareRoot()
    }

    func check(model: TopdownPoseEstimator, weights: Checkpoint.Loaded, reference ref: Checkpoint.Loaded) throws {
        let (missing, _) = try Checkpoint.loadWeights(weights, into: model, strict: false)
        #expect(missing.isEmpty, "missing: \(missing)")
        let input = Tensor(try tensor(ref, "input"), shape: ref.tensors["input"]!.shape)
        // inference with the loaded running statistics
        let eval = model.predict(input).array
        #expect(relativeL2(eval, try tensor(ref, "eval_heatmaps")) < 1e-4)
        // one training step: batch statistics, loss, every gradient
        let target = Tensor(try tensor(ref, "target"), shape: ref.tensors["target"]!.shape)
        let weightsTensor = Tensor(try tensor(ref, "target_weights"), shape: ref.tensors["target_weights"]!.shape)
        let heatmaps = (model.head as! HeatmapHead).forward(model.backbone.forward(input, mode: .training).last!, mode: .training)
        #expect(relativeL2(heatmaps.array, try tensor(ref, "train_heatmaps")) < 1e-4)
        model.arena.zeroGradients()
        let loss = try model.forwardBackward(images: input, targets: target, weights: weightsTensor)
        #expect(abs(Double(loss) - Double(try tensor(ref, "loss")[0])) < 1e-5 * Double(loss))
        var worst = (0.0, "")
        for (name, p) in model.state.parameters {
            let e = relativeL2(p.grad.array, try tensor(ref, "grad." + name))
            if e > worst.0 { worst = (e, name) }
        }
        #expect(worst.0 < 1e-3, "largest gradient error \(worst.0) at \(worst.1)")
    }

    @Test func resNet18SimpleBaselineMatchesPyTorch() throws {
        var rng = RandomGenerator(seed: 0)
        var r = ResNetSpec(depth: 18)
        r.stemChannels = 8; r.baseChannels = 8
        var h = HeatmapHeadSettings(inChannels: 64, outChannels: 17)
        h.deconvOutChannels = [16, 16]; h.deconvKernelSizes = [4, 4]
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), head: try HeatmapHead(h, rng: &rng),
                                         loss: KeypointMSELoss(useTargetWeight: true))
        // the weights come from a real torch.save .pth; strict: the key sets are equal
        let pth = try Checkpoint.load(path: parity + "resnet18_sb.pth")
        let (missing, unexpected) = try Checkpoint.loadWeights(pth, into: model, strict: true)
        #expect(missing.isEmpty && unexpected.isEmpty)
        #expect(pth.tensors["backbone.bn1.num_batches_tracked"]?.dtype == "I64")
        try check(model: model, weights: pth, reference: try Checkpoint.load(path: parity + "resnet18_sb.safetensors"))
    }

    @Test func smallHRNetMatchesPyTorch() throws {
        var rng = RandomGenerator(seed: 0)
        let s = HRNetSpec(stages: [
            HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [1], numChannels: [16]),
            HRNetStage(numModules: 2, numBranches: 2, block: "BASIC", numBlocks: [1, 1], numChannels: [8, 16], multiscaleOutput: false),
        ])
        var h = HeatmapHeadSettings(inChannels: 8, outChannels: 17)
        h.deconvOutChannels = []; h.deconvKernelSizes = []
        let model = TopdownPoseEstimator(backbone: try HRNet(s, rng: &rng), head: try HeatmapHead(h, rng: &rng),
                                         loss: KeypointMSELoss(useTargetWeight: true))
        let fixture = try Checkpoint.load(path: parity + "hrnet_small.safetensors")
        try check(model: model, weights: fixture, reference: fixture)
    }

    @Test func damagedPthIsAClearError() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: parity + "resnet18_sb.pth"))
        let dir = try temporaryDirectory("pth")
        try bytes.prefix(bytes.count - 5000).write(to: URL(fileURLWithPath: dir + "/cut.pth"))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(path: dir + "/cut.pth") }
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: dir + "/text.pth"))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(path: dir + "/text.pth") }
    }
}

@Suite struct PretrainedLoadingTests {
    @Test func backboneInitFromAPrefixedCheckpoint() throws {
        // the parity .pth holds a whole SimpleBaseline; a backbone init_cfg with prefix='backbone.'
        // loads only its backbone part, and the (differently shaped) head keeps its initialisation
        let dir = try temporaryDirectory("pretrained")
        try makeDataset(in: dir)
        let pth = repositoryRoot + "/Tests/Fixtures/parity/resnet18_sb.pth"
        let config = try tinyConfig(in: dir, epochs: 1, extra: """
        model = dict(
            type='TopdownPoseEstimator',
            data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                                   std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
            backbone=dict(type='ResNet', depth=18, stem_channels=8, base_channels=8,
                          init_cfg=dict(type='Pretrained', checkpoint='\(pth)', prefix='backbone.')),
            head=dict(type='HeatmapHead', in_channels=64, out_channels=17, deconv_out_channels=(8, 8, 8),
                      loss=dict(type='KeypointMSELoss', use_target_weight=True), decoder=codec))
        """)
        let s = try settings(config, options: ["optim_wrapper.optimizer.lr=0.0", "train_cfg.val_interval=100"])
        let trainer = Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 1)
        try trainer.run()
        let reference = try Checkpoint.load(path: pth)
        let model = trainer.model!
        for (name, p) in model.state.parameters where name.hasPrefix("backbone.") {
            let info = try #require(reference.tensors[name])
            let expected = Tensor(zeros: info.shape)
            try Checkpoint.readFloats(info, from: reference, key: name, into: expected.data, count: expected.count)
            // lr 0: Adam leaves the weights as loaded
            #expect(p.value.array == expected.array, "\(name)")
        }
        #expect(model.state.shape(of: "head.deconv_layers.0.weight") == [64, 8, 4, 4])
    }
}

@Suite struct RLEParityTests {
    @Test func rleLossAndFlowGradientsMatchPyTorch() throws {
        let ref = try Checkpoint.load(path: repositoryRoot + "/Tests/Fixtures/parity/rle_loss.safetensors")
        func tensor(_ key: String) throws -> Tensor { try fixtureTensor(ref, key) }
        var rng = RandomGenerator(seed: 0)
        let loss = RLELoss(useTargetWeight: true, rng: &rng)
        var state = StateDict()
        loss.flow.collectState(prefix: "flow.", into: &state)
        for (name, p) in state.parameters { p.value.copy(from: try tensor(name)); p.grad.zero() }
        let output = try tensor("output")
        let gradient = Tensor(zeros: output.shape)
        let value = loss(prediction: output, target: try tensor("target"), weights: try tensor("weight"), gradient: gradient)
        let expected = try tensor("loss")[0]
        #expect(abs(value - expected) < 1e-4 * abs(expected), "loss \(value) vs \(expected)")
        func relativeL2(_ a: Tensor, _ b: Tensor) -> Double {
            var d = 0.0, n = 0.0
            for i in 0..<a.count { d += Double(a[i] - b[i]) * Double(a[i] - b[i]); n += Double(b[i]) * Double(b[i]) }
            return (d / max(n, 1e-30)).squareRoot()
        }
        #expect(relativeL2(gradient, try tensor("grad.output")) < 1e-3)
        var worst = (0.0, "")
        for (name, p) in state.parameters {
            let e = relativeL2(p.grad, try tensor("grad." + name))
            if e > worst.0 { worst = (e, name) }
        }
        #expect(worst.0 < 1e-3, "largest flow gradient error \(worst.0) at \(worst.1)")
    }
}
