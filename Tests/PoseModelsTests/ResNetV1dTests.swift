import Testing
import SwiftPoseTestSupport
@testable import PoseModels
import PoseNN
import PoseTensor

/// ResNetV1d (`deep_stem`, `avg_down`): MMPose's keys and parameter count, gradients, and the
/// ceil-mode average pooling its shortcuts use.
@Suite struct ResNetV1dTests {
    @Test func keysAndParameterCountFollowMMPose() throws {
        var settings = ResNetSpec(depth: 50)
        (settings.deepStem, settings.avgDown) = (true, true)
        var rng = RandomGenerator(seed: 0)
        let backbone = try ResNet(settings, rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        let names = Set(state.parameters.map(\.name))
        for key in ["backbone.stem.0.conv.weight", "backbone.stem.0.bn.weight", "backbone.stem.2.conv.weight", "backbone.stem.2.bn.bias",
                    "backbone.layer1.0.downsample.0.weight", "backbone.layer2.0.downsample.1.weight", "backbone.layer2.0.downsample.2.bias"] {
            #expect(names.contains(key), "\(key)")
        }
        #expect(!names.contains("backbone.conv1.weight") && !names.contains("backbone.layer2.0.downsample.0.weight"))
        #expect(state.parameters.first { $0.name == "backbone.stem.1.conv.weight" }?.parameter.value.shape == [32, 32, 3, 3])
        // ResNet-50's 23,508,032 with the 7×7 stem (9,408 + 128) replaced by three 3×3 ConvModules (28,768)
        #expect(state.parameters.reduce(0) { $0 + $1.parameter.value.count } == 23_508_032 - 9_536 + 28_768)
        let y = backbone.forward(Tensor(zeros: [1, 3, 64, 48]), mode: .inference)
        #expect(y.map(\.shape) == [[1, 2048, 2, 2]])
    }

    @Test func tinyResNetV1dGradients() throws {
        var settings = ResNetSpec(depth: 18)
        (settings.deepStem, settings.avgDown, settings.stemChannels, settings.baseChannels) = (true, true, 4, 2)
        (settings.numStages, settings.strides, settings.dilations, settings.outIndices, settings.zeroInitResidual) = (2, [1, 2], [1, 1], [1], false)
        var rng = RandomGenerator(seed: 5)
        let backbone = try ResNet(settings, rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        for (name, p) in state.parameters {
            if name.contains("bn") || name.hasSuffix("2.weight") { rng.fillUniform(p.value, low: 0.5, high: 1.5) }
            else { rng.fillUniform(p.value, low: -0.5, high: 0.5) }
        }
        let x = Tensor(zeros: [2, 3, 22, 18])  // odd sizes after the stem: the pooled shortcut's last window is partial
        rng.fillUniform(x, low: -1, high: 1)
        let mismatches = GradientCheck().run(input: x, parameters: state.parameters,
                                             forward: { backbone.forward(x, mode: .training)[0] },
                                             backward: { dy in backbone.backward([dy]); return nil })
        #expect(mismatches.isEmpty, "\(mismatches.prefix(6))")
    }

    /// PyTorch's AvgPool2d(2, 2, ceil_mode=True, count_include_pad=False) on a 3 × 5 plane.
    @Test func ceilModeAveragePool() {
        let x = Tensor((1...15).map(Float.init), shape: [1, 1, 3, 5])
        let y = AvgPool2d(kernel: 2, stride: 2, ceilMode: true, countIncludePad: false).forward(x, mode: .inference)
        #expect(y.shape == [1, 1, 2, 3])
        // windows: rows {0,1} or {2}; columns {0,1}, {2,3}, {4}
        #expect(y.array == [4, 6, 7.5, 11.5, 13.5, 15])
        #expect(AveragePoolKernels.outputSize(4, kernel: 2, stride: 2, ceil: true) == 2)
        #expect(AveragePoolKernels.outputSize(5, kernel: 3, stride: 2, ceil: true) == 2)
    }
}
