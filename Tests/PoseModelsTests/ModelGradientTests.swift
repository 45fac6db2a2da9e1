import Testing
import SwiftPoseTestSupport
@testable import PoseModels
import PoseNN
import PoseTensor

func expectBlockGradientsMatch(_ layer: Layer, inputShape: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomGenerator(seed: 4)
    for (name, p) in layer.stateDict().parameters {
        // BatchNorm scales away from zero, as at initialisation, keep ReLU kinks rare.
        if name.contains("bn") || name.hasSuffix(".1.weight") || name.hasSuffix(".4.weight") {
            rng.fillUniform(p.value, low: 0.5, high: 1.5)
        } else {
            rng.fillUniform(p.value, low: -0.5, high: 0.5)
        }
    }
    let x = Tensor(zeros: inputShape)
    rng.fillUniform(x, low: -1, high: 1)
    let mismatches = GradientCheck().run(layer, input: x)
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))", sourceLocation: sourceLocation)
}

@Suite struct ModelGradientTests {
    @Test func basicBlockWithDownsample() {
        let down = Sequential([("0", Conv2d(3, 4, kernel: 1, stride: 2, bias: false)), ("1", BatchNorm2d(4))])
        let block = ResNetBlocks.basic(inChannels: 3, channels: 4, stride: 2, dilation: 1, downsample: down).block
        expectBlockGradientsMatch(block, inputShape: [2, 3, 6, 5])
    }

    @Test func basicBlockIdentity() {
        let block = ResNetBlocks.basic(inChannels: 3, channels: 3, stride: 1, dilation: 1, downsample: nil).block
        expectBlockGradientsMatch(block, inputShape: [2, 3, 4, 4])
    }

    @Test(arguments: [false, true])
    func bottleneckWithDownsample(caffe: Bool) {
        let down = Sequential([("0", Conv2d(4, 8, kernel: 1, stride: 2, bias: false)), ("1", BatchNorm2d(8))])
        let built = ResNetBlocks.bottleneck(inChannels: 4, channels: 2, stride: 2, dilation: 1, caffeStyle: caffe,
                                            downsample: down)
        #expect(built.block.stateDict().parameters.count == 3 + 6 + 1 + 2)
        expectBlockGradientsMatch(built.block, inputShape: [2, 4, 6, 5])
    }

    @Test func heatmapHead() throws {
        var rng = RandomGenerator(seed: 0)
        var s = HeatmapHeadSettings(inChannels: 4, outChannels: 3)
        s.deconvOutChannels = [3, 2]; s.deconvKernelSizes = [4, 3]
        s.convOutChannels = [2]; s.convKernelSizes = [3]
        let head = try HeatmapHead(s, rng: &rng)
        #expect(head.stateDict().parameters.map(\.name) == [
            "deconv_layers.0.weight", "deconv_layers.1.weight", "deconv_layers.1.bias",
            "deconv_layers.3.weight", "deconv_layers.4.weight", "deconv_layers.4.bias",
            "conv_layers.0.weight", "conv_layers.0.bias", "conv_layers.1.weight", "conv_layers.1.bias",
            "final_layer.weight", "final_layer.bias",
        ])
        expectBlockGradientsMatch(head, inputShape: [2, 4, 2, 3])
    }
}
