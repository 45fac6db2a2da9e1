import Testing
import SwiftPoseTestSupport
@testable import PoseModels
import PoseNN
import PoseTensor

func hrnetModel(width: Int) throws -> TopdownPoseEstimator {
    var rng = RandomGenerator(seed: 0)
    let backbone = try HRNet(.standard(width: width), rng: &rng)
    var h = HeatmapHeadSettings(inChannels: width, outChannels: 17)
    h.deconvOutChannels = []; h.deconvKernelSizes = []
    return TopdownPoseEstimator(backbone: backbone, head: try HeatmapHead(h, rng: &rng), loss: KeypointMSELoss(useTargetWeight: true))
}

@Suite struct HRNetTests {
    /// MMPose's td-hm_hrnet-w32/w48_8xb64-210e_coco-256x192 models.
    @Test(arguments: [(32, 28_536_113), (48, 63_595_745)])
    func parameterCounts(width: Int, expected: Int) throws {
        #expect(try hrnetModel(width: width).trainableParameterCount == expected)
    }

    /// Sizes whose branches cannot fuse are a `ModelError` when the model is built for them,
    /// never a trap in the fuse layers' forward.
    @Test func inputSizesThatCannotFuseAreRefused() throws {
        var rng = RandomGenerator(seed: 1)
        var settings = HRNetSpec.standard(width: 2)
        settings.stages[0].numChannels = [4]
        let net = try HRNet(settings, rng: &rng)
        for (w, h) in [(64, 64), (192, 256), (32, 32), (96, 160), (63, 63), (61, 62)] {
            try net.checkInputSize(width: w, height: h)
            _ = net.forward(Tensor(zeros: [1, 3, h, w]), mode: .inference)
        }
        for (w, h) in [(60, 64), (64, 48), (100, 100), (16, 16)] {
            #expect(throws: ModelError.self) { try net.checkInputSize(width: w, height: h) }
        }
    }

    @Test func w32StateDictMatchesMMPose() throws {
        let m = try hrnetModel(width: 32)
        #expect(m.state.allKeys.count == 1754)
        #expect(m.state.allKeys.filter { !$0.hasSuffix("num_batches_tracked") }.count == 1462)
        let expected: [(String, [Int])] = [
            ("backbone.conv1.weight", [64, 3, 3, 3]), ("backbone.conv2.weight", [64, 64, 3, 3]),
            ("backbone.layer1.0.downsample.0.weight", [256, 64, 1, 1]), ("backbone.layer1.3.conv3.weight", [256, 64, 1, 1]),
            ("backbone.transition1.0.0.weight", [32, 256, 3, 3]), ("backbone.transition1.0.1.running_var", [32]),
            ("backbone.transition1.1.0.0.weight", [64, 256, 3, 3]), ("backbone.transition1.1.0.1.weight", [64]),
            ("backbone.stage2.0.branches.1.3.conv2.weight", [64, 64, 3, 3]),
            ("backbone.stage2.0.fuse_layers.0.1.0.weight", [32, 64, 1, 1]), ("backbone.stage2.0.fuse_layers.0.1.1.bias", [32]),
            ("backbone.stage2.0.fuse_layers.1.0.0.0.weight", [64, 32, 3, 3]),
            ("backbone.transition2.2.0.0.weight", [128, 64, 3, 3]), ("backbone.transition3.3.0.0.weight", [256, 128, 3, 3]),
            ("backbone.stage3.3.fuse_layers.2.0.1.0.weight", [128, 32, 3, 3]),
            ("backbone.stage4.2.fuse_layers.0.3.0.weight", [32, 256, 1, 1]),
            ("backbone.stage4.0.fuse_layers.3.0.1.0.weight", [32, 32, 3, 3]),
            ("backbone.stage4.0.fuse_layers.3.0.2.0.weight", [256, 32, 3, 3]),
            ("head.final_layer.weight", [17, 32, 1, 1]), ("head.final_layer.bias", [17]),
        ]
        for (key, shape) in expected { #expect(m.state.shape(of: key) == shape, "\(key)") }
        // the last module of stage 4 fuses into branch 0 only
        #expect(m.state.shape(of: "backbone.stage4.2.fuse_layers.1.0.0.0.weight") == nil)
        #expect(m.state.shape(of: "backbone.transition2.0.0.weight") == nil)
    }

    /// `frozen_stages` past the stages in `extra` is refused (it trapped for a one-stage HRNet).
    @Test func frozenStagesBeyondTheStagesAreRefused() throws {
        var s = HRNetSpec(stages: [HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [1], numChannels: [2])])
        s.frozenStages = 2
        #expect { try s.validate() } throws: { "\($0)" == "HRNet: frozen_stages must be between -1 and 1 (the stages in extra), got 2" }
        s.frozenStages = 1
        var rng = RandomGenerator(seed: 1)
        let frozen = try HRNet(s, rng: &rng)
        var state = StateDict()
        frozen.collectState(prefix: "", into: &state)
        #expect(state.parameters.allSatisfy { !$0.parameter.requiresGrad })
    }

    @Test(arguments: ["nearest", "bilinear"])
    func tinyTwoBranchHRNetGradients(upsample: String) throws {
        var rng = RandomGenerator(seed: 1)
        var s = HRNetSpec(stages: [
            HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [1], numChannels: [2]),
            HRNetStage(numModules: 2, numBranches: 2, block: "BASIC", numBlocks: [1, 1], numChannels: [2, 4], multiscaleOutput: false),
        ])
        s.upsampleMode = upsample
        let backbone = try HRNet(s, rng: &rng)
        #expect(backbone.stages[0][0].fuse[0][1].map { "\(type(of: ($0 as! Sequential).children.last!.layer))" } == (upsample == "bilinear" ? "UpsampleBilinear" : "UpsampleNearest"))
        #expect(backbone.outChannels == [2])
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        for (name, p) in state.parameters {
            if name.contains("bn") || name.hasSuffix(".1.weight") { rng.fillUniform(p.value, low: 0.5, high: 1.5) }
            else { rng.fillUniform(p.value, low: -0.5, high: 0.5) }
        }
        let x = Tensor(zeros: [2, 3, 32, 32])
        rng.fillUniform(x, low: -1, high: 1)
        let outs = backbone.forward(x, mode: .training)
        #expect(outs.map(\.shape) == [[2, 2, 8, 8]])
        let mismatches = GradientCheck().run(
            input: x, parameters: state.parameters,
            forward: { backbone.forward(x, mode: .training)[0] },
            backward: { dy in backbone.backward([dy]); return nil })
        #expect(mismatches.isEmpty, "\(mismatches.prefix(6))")
    }

    @Test func threeBranchModuleGradients() throws {
        var rng = RandomGenerator(seed: 2)
        var convs: [Conv2d] = [], norms: [BatchNorm2d] = [], last: [BatchNorm2d] = []
        let module = HRModule(block: "BASIC", numBlocks: [1, 1, 1], inChannels: [2, 3, 4], numChannels: [2, 3, 4],
                              multiscaleOutput: true, convs: &convs, norms: &norms, lastNorms: &last)
        var state = StateDict()
        module.collectState(prefix: "", into: &state)
        for (name, p) in state.parameters {
            if name.contains("bn") || name.hasSuffix(".1.weight") { rng.fillUniform(p.value, low: 0.5, high: 1.5) }
            else { rng.fillUniform(p.value, low: -0.5, high: 0.5) }
        }
        let xs = [[2, 2, 8, 8], [2, 3, 4, 4], [2, 4, 2, 2]].map { shape -> Tensor in
            let t = Tensor(zeros: shape); rng.fillUniform(t, low: -1, high: 1); return t
        }
        for branch in 0..<3 {
            let mismatches = GradientCheck().run(
                inputs: xs, checkedInput: branch, parameters: state.parameters,
                forward: { module.forward(xs, mode: .training) },
                backward: { module.backward($0) })
            #expect(mismatches.isEmpty, "branch \(branch): \(mismatches.prefix(6))")
        }
    }
}
