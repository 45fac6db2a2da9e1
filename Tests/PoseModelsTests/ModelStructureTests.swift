import Testing
@testable import PoseModels
import PoseNN
import PoseTensor

func simpleBaseline(depth: Int, keypoints: Int = 17) throws -> TopdownPoseEstimator {
    var rng = RandomGenerator(seed: 0)
    let backbone = try ResNet(ResNetSpec(depth: depth), rng: &rng)
    let head = try HeatmapHead(HeatmapHeadSettings(inChannels: backbone.outChannels.last!, outChannels: keypoints), rng: &rng)
    return TopdownPoseEstimator(backbone: backbone, head: head, loss: KeypointMSELoss(useTargetWeight: true))
}

@Suite struct ModelStructureTests {
    /// MMPose's published trainable parameter counts for td-hm_res{50,101,152} with 17 keypoints.
    @Test(arguments: [(50, 33_999_697), (101, 52_991_825), (152, 68_635_473)])
    func simpleBaselineParameterCounts(depth: Int, expected: Int) throws {
        #expect(try simpleBaseline(depth: depth).trainableParameterCount == expected)
    }

    @Test func resNet50BackboneAloneHasTorchvisionCount() throws {
        var rng = RandomGenerator(seed: 0)
        let backbone = try ResNet(ResNetSpec(depth: 50), rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        #expect(state.trainableCount == 23_508_032)
    }

    /// The key set of MMPose's ResNet-50 SimpleBaseline, derived from torchvision's layout:
    /// 338 tensors including every BatchNorm's num_batches_tracked (kept: MMPose checkpoints have them).
    @Test func resNet50StateDictMatchesMMPose() throws {
        let model = try simpleBaseline(depth: 50)
        var expected: [String] = ["backbone.conv1.weight"]
        func bn(_ p: String) -> [String] {
            ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"].map { "\(p).\($0)" }
        }
        expected += bn("backbone.bn1")
        for (stage, blocks) in [3, 4, 6, 3].enumerated() {
            for b in 0..<blocks {
                let p = "backbone.layer\(stage + 1).\(b)"
                for i in 1...3 { expected += ["\(p).conv\(i).weight"] + bn("\(p).bn\(i)") }
                if b == 0 { expected += ["\(p).downsample.0.weight"] + bn("\(p).downsample.1") }
            }
        }
        for i in 0..<3 { expected += ["head.deconv_layers.\(3 * i).weight"] + bn("head.deconv_layers.\(3 * i + 1)") }
        expected += ["head.final_layer.weight", "head.final_layer.bias"]

        let keys = model.state.allKeys
        #expect(keys.count == 338)
        #expect(Set(keys) == Set(expected))
        #expect(keys.filter { !$0.hasSuffix("num_batches_tracked") }.count == 282)
        #expect(model.state.shape(of: "backbone.layer2.0.downsample.0.weight") == [512, 256, 1, 1])
        #expect(model.state.shape(of: "backbone.layer2.0.conv2.weight") == [128, 128, 3, 3])
        #expect(model.state.shape(of: "backbone.conv1.weight") == [64, 3, 7, 7])
        #expect(model.state.shape(of: "head.deconv_layers.0.weight") == [2048, 256, 4, 4])
        #expect(model.state.shape(of: "head.deconv_layers.3.weight") == [256, 256, 4, 4])
        #expect(model.state.shape(of: "head.final_layer.weight") == [17, 256, 1, 1])
        #expect(model.state.shape(of: "head.final_layer.bias") == [17])
        #expect(model.state.shape(of: "backbone.layer4.2.bn3.running_var") == [2048])
        #expect(model.state.shape(of: "backbone.bn1.num_batches_tracked") == [])
    }

    @Test func resNet18UsesBasicBlocks() throws {
        let model = try simpleBaseline(depth: 18)
        #expect(model.state.shape(of: "backbone.layer1.0.conv2.weight") == [64, 64, 3, 3])
        #expect(model.state.shape(of: "backbone.layer1.0.conv3.weight") == nil)
        #expect(model.state.shape(of: "backbone.layer2.0.downsample.0.weight") == [128, 64, 1, 1])
        #expect(model.state.shape(of: "head.deconv_layers.0.weight") == [512, 256, 4, 4])
    }

    @Test func outputShapesFollowTheStrides() throws {
        var rng = RandomGenerator(seed: 1)
        var s = ResNetSpec(depth: 18)
        s.baseChannels = 4; s.stemChannels = 4; s.outIndices = [0, 1, 2, 3]
        let backbone = try ResNet(s, rng: &rng)
        let x = Tensor(zeros: [2, 3, 64, 48])
        rng.fillUniform(x, low: -1, high: 1)
        let outs = backbone.forward(x, mode: .inference)
        #expect(outs.map(\.shape) == [[2, 4, 16, 12], [2, 8, 8, 6], [2, 16, 4, 3], [2, 32, 2, 2]])
        #expect(backbone.outChannels == [4, 8, 16, 32])
    }

    @Test func initialisationFollowsMMPose() throws {
        var rng = RandomGenerator(seed: 2)
        let backbone = try ResNet(ResNetSpec(depth: 50), rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        func param(_ name: String) -> Tensor { state.parameters.first { $0.name == name }!.parameter.value }
        // Kaiming normal, fan_out: std = sqrt(2 / (256 * 3 * 3)) for layer3's 3x3 conv
        let w = param("layer3.0.conv2.weight")
        let std = (w.array.reduce(0) { $0 + Double($1) * Double($1) } / Double(w.count)).squareRoot()
        #expect(abs(std - (2.0 / (256.0 * 9)).squareRoot()) / std < 0.02)
        // zero_init_residual: last BN of each block starts at zero, the others at one
        #expect(param("layer1.0.bn3.weight").array.allSatisfy { $0 == 0 })
        #expect(param("layer1.0.bn1.weight").array.allSatisfy { $0 == 1 })
        #expect(param("layer1.0.downsample.1.weight").array.allSatisfy { $0 == 1 })

        let head = try HeatmapHead(HeatmapHeadSettings(inChannels: 2048, outChannels: 17), rng: &rng)
        var hs = StateDict()
        head.collectState(prefix: "", into: &hs)
        let d = hs.parameters.first { $0.name == "deconv_layers.0.weight" }!.parameter.value
        let dstd = (d.array.reduce(0) { $0 + Double($1) * Double($1) } / Double(d.count)).squareRoot()
        #expect(abs(dstd - 0.001) / 0.001 < 0.01)
        #expect(hs.parameters.first { $0.name == "final_layer.bias" }!.parameter.value.array.allSatisfy { $0 == 0 })
    }

    @Test func invalidSettingsAreClearErrors() {
        var rng = RandomGenerator(seed: 0)
        #expect(throws: ModelError("ResNet: invalid depth 42; expected one of 18, 34, 50, 101, 152")) {
            try ResNet(ResNetSpec(depth: 42), rng: &rng)
        }
        var h = HeatmapHeadSettings(inChannels: 8, outChannels: 2)
        h.deconvKernelSizes = [4, 5, 4]
        #expect(throws: ModelError("HeatmapHead: unsupported deconv kernel size 5; expected 2, 3 or 4")) {
            try HeatmapHead(h, rng: &rng)
        }
    }

    @Test func headWithoutDeconvolutionsIsOnePointwiseConv() throws {
        var rng = RandomGenerator(seed: 0)
        var h = HeatmapHeadSettings(inChannels: 32, outChannels: 17)
        h.deconvOutChannels = []; h.deconvKernelSizes = []
        let head = try HeatmapHead(h, rng: &rng)
        #expect(head.stateDict().parameters.map(\.name) == ["final_layer.weight", "final_layer.bias"])
        #expect(head.stateDict().trainableCount == 32 * 17 + 17)
    }
}
