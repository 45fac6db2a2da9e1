import Testing
@testable import PoseModels
import PoseNN
import PoseTensor

/// ResNeXt (grouped Bottleneck convolutions) and ResNeSt (split attention): MMPose's keys and
/// shapes, the split-attention layer's gradients on NCHW and channel-blocked tensors, and the
/// blocked layout against NCHW.
@Suite struct ResNeXtResNeStTests {
    @Test func resNeXtKeysAndWidths() throws {
        var settings = ResNetSpec(depth: 50)
        (settings.groups, settings.widthPerGroup) = (32, 4)
        var rng = RandomGenerator(seed: 0)
        let shapes = try parameterShapes(ResNet(settings, rng: &rng))
        #expect(shapes["layer1.0.conv2.weight"] == [128, 4, 3, 3], "32 groups of 4: 32·4·64/64 = 128 wide")
        #expect(shapes["layer4.2.conv2.weight"] == [1024, 32, 3, 3])
        #expect(shapes["layer4.2.conv3.weight"] == [2048, 1024, 1, 1])
    }

    @Test func resNeStKeysAndWidths() throws {
        var settings = ResNetSpec(depth: 50)
        (settings.deepStem, settings.avgDown, settings.radix) = (true, true, 2)
        var rng = RandomGenerator(seed: 0)
        let shapes = try parameterShapes(ResNet(settings, rng: &rng))
        #expect(shapes["layer1.0.conv2.conv.weight"] == [128, 32, 3, 3], "radix 2: 2·64 outputs in 2 groups")
        #expect(shapes["layer1.0.conv2.bn0.weight"] == [128])
        #expect(shapes["layer1.0.conv2.fc1.weight"] == [32, 64, 1, 1], "inter = max(64·2/4, 32)")
        #expect(shapes["layer1.0.conv2.fc1.bias"] == [32])
        #expect(shapes["layer1.0.conv2.bn1.weight"] == [32])
        #expect(shapes["layer1.0.conv2.fc2.weight"] == [128, 32, 1, 1])
        #expect(shapes["layer2.0.conv2.fc1.weight"] == [64, 128, 1, 1])
        #expect(shapes["layer1.0.bn2.weight"] == nil, "ResNeSt's Bottleneck has no bn2")
        #expect(shapes["stem.0.conv.weight"] == [32, 3, 3, 3])
    }

    /// Backbone parameter counts of MMPose 1.3.2's own `ResNeXt(depth)` and `ResNeSt(depth)` with
    /// their defaults (counted in PyTorch with tools/make_resnext_resnest_fixtures.py's loader;
    /// ResNeXt-50 is also torchvision's resnext50_32x4d without its classifier).
    @Test(arguments: [("ResNeXt", 50, 22_979_904), ("ResNeXt", 101, 42_128_704), ("ResNeSt", 50, 25_434_240), ("ResNeSt", 101, 46_121_472)])
    func parameterCountsEqualMMPose(kind: String, depth: Int, expected: Int) throws {
        var settings = ResNetSpec(depth: depth)
        if kind == "ResNeXt" { (settings.groups, settings.widthPerGroup) = (32, 4) }
        else { (settings.deepStem, settings.avgDown, settings.radix) = (true, true, 2) }
        var rng = RandomGenerator(seed: 0)
        let shapes = try parameterShapes(ResNet(settings, rng: &rng))
        #expect(shapes.values.reduce(0) { $0 + $1.reduce(1, *) } == expected)
    }

    @Test func resNeStDepthsBeyond152() throws {
        var settings = ResNetSpec(depth: 200)
        settings.radix = 2
        try settings.validate()
        settings.depth = 269
        try settings.validate()
        settings.radix = nil
        #expect(throws: ModelError.self) { try settings.validate() }
    }

    /// (input shape, groups, radix); the blocked case reads `N × 1 × H × W × 16`.
    static let attentionCases: [([Int], Int, Int)] = [([3, 4, 5, 4], 1, 2), ([3, 4, 4, 3], 2, 2), ([3, 4, 4, 4], 2, 1),
                                                       ([3, 1, 3, 4, 16], 1, 2), ([3, 1, 3, 3, 16], 2, 2)]

    @Test(arguments: attentionCases)
    func splitAttentionGradients(inputShape: [Int], groups: Int, radix: Int) {
        let channels = ChannelBlocking.planarShape(inputShape)[1]
        let layer = SplitAttentionConv2d(inChannels: channels, channels: channels, kernel: 3, stride: 1, padding: 1, dilation: 1,
                                         groups: groups, radix: radix, reductionFactor: 4)
        layer.conv.blocksOutput = inputShape.count == 5
        expectLayerGradientsMatch(layer, inputShape: inputShape)
    }

    /// Blocked splits give the NCHW result, element for element, and a blocked output.
    @Test(.enabled(if: ComputeBackend.current == .onednn, "channel blocking is a oneDNN-backend layout"))
    func splitAttentionBlockedMatchesNCHW() throws {
        let make = { () -> SplitAttentionConv2d in
            let layer = SplitAttentionConv2d(inChannels: 32, channels: 32, kernel: 3, stride: 2, padding: 1, dilation: 1,
                                             groups: 2, radix: 2, reductionFactor: 4)
            var rng = RandomGenerator(seed: 2)
            for (_, p) in layer.stateDict().parameters { rng.fillUniform(p.value, low: -0.3, high: 0.3) }
            return layer
        }
        let planarLayer = make(), blockedLayer = make()
        blockedLayer.conv.blocksOutput = true
        let x = Tensor(zeros: [2, 32, 5, 6])
        var rng = RandomGenerator(seed: 3)
        rng.fillUniform(x, low: -1, high: 1)
        let planar = planarLayer.forward(x, mode: .training)
        let blocked = blockedLayer.forward(ChannelBlocking.converting(x, reusing: nil), mode: .training)
        #expect(blocked.shape == [2, 2, 3, 3, 16])
        let back = ChannelBlocking.converting(blocked, reusing: nil)
        var worst: Float = 0
        for i in 0..<planar.count { worst = max(worst, abs(back[i] - planar[i])) }
        #expect(worst < 1e-4)
    }

    private func parameterShapes(_ backbone: ResNet) -> [String: [Int]] {
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        return Dictionary(uniqueKeysWithValues: state.parameters.map { ($0.name, $0.parameter.value.shape) })
    }
}
