import Testing
import SwiftPoseTestSupport
@testable import PoseModels
import PoseNN
import PoseTensor

/// SEResNet: MMPose's keys and SE-ResNet-50's parameter count, and the squeeze-excitation
/// layer's gradients on NCHW and channel-blocked inputs.
@Suite struct SEResNetTests {
    @Test func keysAndParameterCount() throws {
        var settings = ResNetSpec(depth: 50)
        settings.seRatio = 16
        var rng = RandomGenerator(seed: 0)
        let backbone = try ResNet(settings, rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        let shapes = Dictionary(uniqueKeysWithValues: state.parameters.map { ($0.name, $0.parameter.value.shape) })
        #expect(shapes["backbone.layer1.0.se_layer.conv1.conv.weight"] == [16, 256, 1, 1])
        #expect(shapes["backbone.layer1.0.se_layer.conv1.conv.bias"] == [16])
        #expect(shapes["backbone.layer4.2.se_layer.conv2.conv.weight"] == [2048, 128, 1, 1])
        #expect(shapes["backbone.layer4.2.se_layer.conv2.conv.bias"] == [2048])
        // SE-ResNet-50 without its classifier: 28,088,024 − 2,049,000 (torchvision-style fc)
        #expect(state.parameters.reduce(0) { $0 + $1.parameter.value.count } == 26_039_024)
        #expect(throws: ModelError.self) {
            var bad = ResNetSpec(depth: 18)
            bad.seRatio = 16
            var r = RandomGenerator(seed: 0)
            _ = try ResNet(bad, rng: &r)
        }
    }

    @Test(arguments: [[2, 4, 3, 3], [2, 1, 3, 2, 16]])
    func squeezeExcitationGradients(inputShape: [Int]) {
        let channels = ChannelBlocking.planarShape(inputShape)[1]
        expectLayerGradientsMatch(ChannelGate.squeezeExcitation(channels: channels, ratio: 2), inputShape: inputShape)
    }

    /// The blocked layout gives the NCHW result, element for element.
    @Test func blockedMatchesNCHW() {
        let layer = ChannelGate.squeezeExcitation(channels: 32, ratio: 4)
        var rng = RandomGenerator(seed: 2)
        for (_, p) in layer.stateDict().parameters { rng.fillUniform(p.value, low: -0.5, high: 0.5) }
        let x = Tensor(zeros: [2, 32, 3, 5])
        rng.fillUniform(x, low: -1, high: 1)
        let planar = layer.forward(x, mode: .training).clone()
        let blocked = layer.forward(ChannelBlocking.converting(x, reusing: nil), mode: .training)
        let back = ChannelBlocking.converting(blocked, reusing: nil)
        var worst: Float = 0
        for i in 0..<planar.count { worst = max(worst, abs(back[i] - planar[i])) }
        #expect(worst < 1e-6)
    }
}

/// Parameters uniform in ±0.8 and input in ±1 from `seed`, then a finite-difference check of dx
/// and every parameter of `layer`.
func expectLayerGradientsMatch(_ layer: Layer, inputShape: [Int], seed: UInt64 = 9, parameterRange: Float = 0.8,
                               sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomGenerator(seed: seed)
    for (_, p) in layer.stateDict().parameters { rng.fillUniform(p.value, low: -parameterRange, high: parameterRange) }
    let x = Tensor(zeros: inputShape)
    rng.fillUniform(x, low: -1, high: 1)
    let mismatches = GradientCheck().run(layer, input: x, checkInput: true)
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))", sourceLocation: sourceLocation)
}
