import Foundation
import Testing
import SwiftPose
import SwiftPoseTestSupport
@testable import CustomModules

/// Each component is checked the way SwiftPose checks its own: finite differences for every
/// hand-written backward, values by hand, and the config that selects them by `type=`.
@Suite struct CustomModulesTests {
    let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs/tinyconvnet-vis_lion_synthetic-64x64.py").path

    @Test func tinyConvNetGradients() {
        var rng = RandomGenerator(seed: 1)
        let net = TinyConvNet(channels: [3, 4], rng: &rng)
        let x = Tensor(zeros: [2, 3, 8, 8])
        rng.fillNormal(x, std: 1)
        var state = StateDict()
        net.collectState(prefix: "", into: &state)
        #expect(state.parameters.map(\.name) == ["stages.0.0.weight", "stages.0.1.weight", "stages.0.1.bias", "stages.0.3.weight",
                                                 "stages.0.4.weight", "stages.0.4.bias", "stages.1.0.weight", "stages.1.1.weight",
                                                 "stages.1.1.bias", "stages.1.3.weight", "stages.1.4.weight", "stages.1.4.bias"])
        // the backbone computes no input gradient, so only the parameters are checked
        let mismatches = GradientCheck().run(input: x, parameters: state.parameters,
                                             forward: { net.forward(x, mode: .training)[0] },
                                             backward: { dy in net.backward([dy]); return nil })
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(net.forward(x, mode: .inference)[0].shape == [2, 4, 2, 2])
    }

    @Test func visibleHeatmapHeadGradients() throws {
        var rng = RandomGenerator(seed: 2)
        var loss = ForegroundMSELoss()
        loss.threshold = 0.5
        let head = VisibleHeatmapHead(inChannels: 3, midChannels: 4, keypoints: 2, loss: loss,
                                      visibilityLoss: BCELoss(useTargetWeight: false, useSigmoid: false), rng: &rng)
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        for (_, p) in state.parameters { rng.fillNormal(p.value, std: 0.5) }
        let x = Tensor(zeros: [2, 3, 3, 3])
        rng.fillNormal(x, std: 1)
        let maps = Tensor(zeros: [2, 2, 6, 6])
        rng.fillUniform(maps, low: 0, high: 1)
        let targets = HeadTargets(heatmaps: maps, weights: Tensor([1, 0, 1, 1], shape: [2, 2]))
        let mismatches = GradientCheck().run(head: head, features: [x], targets: targets)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let out = head.predict([x])
        #expect(out.heatmaps?.shape == [2, 2, 6, 6] && out.visibility?.shape == [2, 2])
        #expect(out.visibility.map { v in (0..<v.count).allSatisfy { v[$0] > 0 && v[$0] < 1 } } == true)
        #expect(state.parameters.map(\.name).contains("vis_fc.weight"))
    }

    @Test func foregroundMSELossByHand() {
        var loss = ForegroundMSELoss()
        loss.foregroundWeight = 10
        loss.threshold = 0.5
        let p = Tensor([1, 0, 0.5, 2], shape: [1, 2, 1, 2]), g = Tensor([0.9, 0, 0, 1], shape: [1, 2, 1, 2])
        let weights = Tensor([1, 0.5], shape: [1, 2])
        let grad = Tensor(zeros: p.shape)
        let value = loss(prediction: p, target: g, weights: weights, gradient: grad)
        // masks: 10·1, 1·1, 1·0.5, 10·0.5 over 4 elements
        let expected: Float = (10 * 0.01 + 0 + 0.5 * 0.25 + 5 * 1) / 4
        #expect(abs(value - expected) < 1e-6)
        #expect(zip(grad.array, [2 * 10 * 0.1 / 4, 0, 2 * 0.5 * 0.5 / 4, 2 * 5 * 1.0 / 4] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func lionStepByHand() {
        let p = Parameter(shape: [3])
        let arena = ParameterArena([p])
        for (i, v) in [1, -1, 0.5].enumerated() { p.value[i] = Float(v) }
        for (i, g) in [0.2, -0.4, 0].enumerated() { p.grad[i] = Float(g) }
        let lion = Lion(arena: arena, groups: [ParameterGroup(parameters: [0], learningRate: 0.1, weightDecay: 0.5)], betas: (0.9, 0.99))
        lion.step()
        // m = 0: c = 0.1·g, θ ← θ − 0.1·(sign(c) + 0.5θ), m ← 0.01·g
        #expect(p.value.array == [1 - 0.1 * (1 + 0.5), -1 - 0.1 * (-1 - 0.5), 0.5 - 0.1 * (0 + 0.25)] as [Float])
        #expect(lion.expAvg.array.prefix(3).elementsEqual([0.002, -0.004, 0] as [Float], by: { abs($0 - $1) < 1e-7 }))
    }

    @Test func configSelectsTheComponentsByType() throws {
        var components = Components.stock
        try CustomModules.register(in: &components)
        var cfg = try Config.load(path: config)
        try cfg.apply(options: ["train_dataloader.dataset.data_root=/nonexistent/"])
        let settings = try ExperimentSettings.decode(cfg, components: components)
        #expect(settings.optimWrapper.optimizerType == "Lion" && settings.optimWrapper.constructorType == "NoDecayNormAndBiasConstructor")
        #expect(settings.hooks.map(\.type).suffix(2) == ["SyncBuffersHook", "LossHistoryHook"])
        let model = try makeModel(settings, seed: 0)
        #expect(model.summary == "TinyConvNet + VisibleHeatmapHead")
        // no decay for BatchNorm weights and biases and for every bias; the rest decays
        let groups = try settings.optimWrapper.constructor.parameterGroups(for: model.state, optimizer: settings.optimWrapper.optimizer)
        #expect(groups.map(\.weightDecay) == [1e-2, 0])
        let noDecay = Set(groups[1].parameters.map { model.state.parameters[$0].name })
        #expect(noDecay.contains("backbone.stages.0.1.weight") && noDecay.contains("head.final_layer.bias"))
        #expect(!noDecay.contains("head.final_layer.weight") && !noDecay.contains("backbone.stages.0.0.weight"))
        #expect(groups[0].parameters.count + groups[1].parameters.count == model.state.parameters.count)
        // SwiftPose alone does not know them, and says which backbones it has
        #expect(throws: ConfigError.self) { try ExperimentSettings.decode(cfg) }
    }
}
