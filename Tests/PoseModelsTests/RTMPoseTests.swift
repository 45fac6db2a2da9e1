import Foundation
import Testing
import SwiftPoseTestSupport
import PoseData
@testable import PoseModels
import PoseNN
import PoseTensor

/// RTMPose's parts: SiLU and Hardsigmoid, CSPNeXt's channel attention, CSPLayer, SPPBottleneck and
/// the whole backbone (keys, sizes, gradients, freezing), ScaleNorm, the GAU block and RTMCCHead.
@Suite struct RTMPoseTests {
    @Test func activationsMatchPyTorch() {
        let x = Tensor([-4, -3, -1.5, 0, 0.5, 3, 4.5], shape: [7])
        let silu = SiLU().forward(x, mode: .inference), hard = Hardsigmoid().forward(x, mode: .inference)
        for i in 0..<x.count {
            #expect(abs(silu[i] - x[i] / (1 + expf(-x[i]))) <= 1e-6)
            #expect(abs(hard[i] - min(max(x[i] + 3, 0), 6) / 6) <= 1e-7)
        }
        expectLayerGradientsMatch(SiLU(), inputShape: [2, 3, 4])
        // scaled so the inputs also reach Hardsigmoid's flat parts beyond ±3
        let scaled = Sequential([("scale", Conv2d(2, 2, kernel: 1)), ("act", Hardsigmoid())])
        expectLayerGradientsMatch(scaled, inputShape: [2, 2, 3, 3], parameterRange: 4)
    }

    @Test(arguments: [[2, 4, 3, 3], [2, 1, 3, 2, 16]])
    func channelAttentionGradients(inputShape: [Int]) {
        let channels = ChannelBlocking.planarShape(inputShape)[1]
        let gate = ChannelGate.channelAttention(channels: channels)
        #expect(gate.stateDict().parameters.map(\.name) == ["fc.weight", "fc.bias"])
        expectLayerGradientsMatch(gate, inputShape: inputShape, parameterRange: 3)
    }

    @Test func channelConcatenationRoundTrip() {
        var rng = RandomGenerator(seed: 4)
        for blocked in [false, true] {
            let a = Tensor(zeros: [2, 16, 2, 3]), b = Tensor(zeros: [2, 32, 2, 3])
            rng.fillUniform(a, low: -1, high: 1); rng.fillUniform(b, low: -1, high: 1)
            let parts = blocked ? [a, b].map { ChannelBlocking.converting($0, reusing: nil) } : [a, b]
            var joined = ChannelConcatenation.concatenate(parts)
            let back = ChannelConcatenation.split(joined, channels: [16, 32])
            #expect(back[0].array == parts[0].array && back[1].array == parts[1].array)
            if blocked { joined = ChannelBlocking.converting(joined, reusing: nil) }
            // image n, channel c: a's channels first, then b's
            #expect(joined[0 * 48 * 6 + 5 * 6 + 4] == a[5 * 6 + 4])
            #expect(joined[1 * 48 * 6 + 20 * 6 + 1] == b[1 * 32 * 6 + 4 * 6 + 1])
        }
    }

    @Test(arguments: [true, false])
    func cspLayerGradients(cspNeXtBlocks: Bool) {
        var modules = ConvModuleBuilder(norm: BatchNormSettings(), activation: .silu)
        let layer = CSPLayer(4, 6, expandRatio: 0.5, blocks: 2, addIdentity: true, depthwise: !cspNeXtBlocks,
                             cspNeXtBlocks: cspNeXtBlocks, channelAttention: true, modules: &modules)
        let names = layer.stateDict().parameters.map(\.name)
        #expect(names.contains("blocks.1.conv2.depthwise_conv.conv.weight") == true)
        #expect(names.contains("attention.fc.weight") && names.contains("final_conv.bn.weight"))
        expectLayerGradientsMatch(layer, inputShape: [3, 4, 5, 4])
    }

    @Test func sppBottleneckGradients() {
        var modules = ConvModuleBuilder(norm: BatchNormSettings(), activation: .silu)
        let spp = SPPBottleneck(4, 5, kernelSizes: [3, 5], modules: &modules)
        #expect(spp.stateDict().parameters.map(\.name) == ["conv1.conv.weight", "conv1.bn.weight", "conv1.bn.bias",
                                                             "conv2.conv.weight", "conv2.bn.weight", "conv2.bn.bias"])
        expectLayerGradientsMatch(spp, inputShape: [2, 4, 5, 5])
    }

    /// The tiny backbone end to end: dθ through every stage, the frozen stem and stage keep no
    /// gradients, and the keys of MMPose's state dict.
    @Test func cspNeXtBackboneGradientsAndFreezing() throws {
        var spec = CSPNeXtSpec()
        spec.widenFactor = 0.0625   // channels 4, 8, 16, 32, 64
        spec.deepenFactor = 0.34    // one block per stage
        spec.outIndices = [3, 4]
        spec.norm = BatchNormSettings()
        var rng = RandomGenerator(seed: 2)
        let backbone = try CSPNeXt(spec, rng: &rng)
        #expect(backbone.outChannels == [32, 64])
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        #expect(state.shape(of: "stem.0.conv.weight") == [2, 3, 3, 3])
        #expect(state.shape(of: "stage4.1.conv1.conv.weight") == [32, 64, 1, 1])   // the SPP
        #expect(state.shape(of: "stage4.2.blocks.0.conv2.depthwise_conv.conv.weight") == [32, 1, 5, 5])
        #expect(state.shape(of: "stage1.1.attention.fc.weight") == [8, 8, 1, 1])
        let x = Tensor(zeros: [2, 3, 32, 32])
        rng.fillUniform(x, low: -1, high: 1)
        #expect(backbone.forward(x, mode: .inference).map(\.shape) == [[2, 32, 2, 2], [2, 64, 1, 1]])
        // the gradient through stage 2 from its own output (a deeper check meets BatchNorm over
        // two 1×1 maps and max-pool ties, where differences are no derivatives)
        spec.outIndices = [2]
        let shallow = try CSPNeXt(spec, rng: &rng)
        var shallowState = StateDict()
        shallow.collectState(prefix: "", into: &shallowState)
        // the attention's own gradients are checked above: its Hardsigmoid's kinks at ±3 are too
        // near for differences taken this deep
        let params = shallowState.parameters.filter { ($0.name.hasPrefix("stage2") || $0.name.hasPrefix("stage1")) && !$0.name.contains("attention") }
        // oneDNN's JIT SiLU is exact to 2e-6 but not smooth at that scale: a wider step keeps
        // its rounding out of the differences
        var check = GradientCheck()
        check.step = 1e-3
        let mismatches = check.run(input: x, parameters: params, forward: {
            shallow.forward(x, mode: .training)[0]
        }, backward: { dy in
            shallow.backward([dy])
            return nil
        })
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")

        spec.frozenStages = 1
        let frozen = try CSPNeXt(spec, rng: &rng)
        var frozenState = StateDict()
        frozen.collectState(prefix: "", into: &frozenState)
        for (name, p) in frozenState.parameters {
            #expect(p.requiresGrad == !(name.hasPrefix("stem") || name.hasPrefix("stage1")), "\(name)")
        }
        spec.frozenStages = 5
        #expect(throws: ModelError.self) { _ = try CSPNeXt(spec, rng: &rng) }
    }

    @Test func scaleNormGradients() {
        let norm = ScaleNorm(6)
        #expect(norm.stateDict().parameters.map(\.name) == ["g"])
        expectLayerGradientsMatch(norm, inputShape: [4, 6], parameterRange: 2)
        // PyTorch: x / max(‖x‖ · d^−½, eps) · g
        let x = Tensor([3, 4, 0, 0], shape: [1, 4])
        #expect(ScaleNorm(4).forward(x, mode: .inference).array == [1.2, 1.6, 0, 0])
    }

    @Test(arguments: [false, true])
    func gauBlockGradients(relativeBias: Bool) {
        var rng = RandomGenerator(seed: 5)
        let block = RTMCCBlock(tokens: 3, inDims: 4, outDims: 4, expansionFactor: 2, s: 3, useRelativeBias: relativeBias,
                               activation: .silu, rng: &rng)
        let names = block.stateDict().parameters.map(\.name)
        #expect(names == (relativeBias ? ["w"] : []) + ["o.weight", "uv.weight", "gamma", "beta", "ln.g", "res_scale.scale"])
        // weights large enough that q·k is positive somewhere and negative elsewhere
        expectLayerGradientsMatch(block, inputShape: [2, 3, 4], parameterRange: 1.5)
    }

    /// RTMCCHead: MMPose's keys and shapes, and dx/dθ of the KL loss on both axes.
    @Test func rtmccHeadGradients() throws {
        var spec = RTMCCHeadSpec(inChannels: 3, outChannels: 2, inFeaturemapSize: (3, 2), bins: (8, 6),
                                 loss: KLDiscretLoss(beta: 10, labelSoftmax: true), decoder: nil)
        (spec.finalLayerKernelSize, spec.hiddenDims, spec.s, spec.activation) = (3, 5, 4, .silu)
        var rng = RandomGenerator(seed: 12)
        let head = try #require(try spec.makeHead(featureChannels: [3], rng: &rng) as? RTMCCHead)
        var state = StateDict()
        head.collectState(prefix: "head.", into: &state)
        #expect(state.parameters.map(\.name) == ["head.final_layer.weight", "head.final_layer.bias", "head.mlp.0.g", "head.mlp.1.weight",
                                                 "head.gau.o.weight", "head.gau.uv.weight", "head.gau.gamma", "head.gau.beta",
                                                 "head.gau.ln.g", "head.gau.res_scale.scale", "head.cls_x.weight", "head.cls_y.weight"])
        #expect(state.shape(of: "head.gau.uv.weight") == [2 * 10 + 4, 5] && state.shape(of: "head.mlp.1.weight") == [5, 6])
        #expect(spec.size?.parameters == state.parameters.reduce(0) { $0 + $1.parameter.value.count })
        for (name, p) in state.parameters where name.hasSuffix("weight") { rng.fillNormal(p.value, std: 0.6) }
        let codec = SimCCLabel(inputSize: (4, 3), sigma: (1.5, 1.5), splitRatio: 2, normalize: false)
        var xs: [Float] = [], ys: [Float] = []
        for points in [[1.2, 0.7, 3.1, 2.2], [0.4, 2.9, 2.0, 1.0]] {
            let e = codec.encode(keypoints: points, visible: [1, 1]) as EncodedKeypoints
            xs += e.simccX; ys += e.simccY
        }
        let targets = HeadTargets(weights: Tensor([1, 0.5, 1, 1], shape: [2, 2]),
                                  simccX: Tensor(xs, shape: [2, 2, 8]), simccY: Tensor(ys, shape: [2, 2, 6]))
        expectHeadGradientsMatch(head, feature: [2, 3, 2, 3], targets: targets)
        #expect(throws: ModelError.self) { try head.trainStep([Tensor(zeros: [2, 3, 3, 3])], targets: targets) }
        let out = head.predict([Tensor(zeros: [1, 3, 2, 3])])
        #expect(out.simccX?.shape == [1, 2, 8] && out.simccY?.shape == [1, 2, 6])
    }
}

/// `ConvModule`'s fused inference (BatchNorm folded into the convolution, the activation a oneDNN
/// post-op) against its three layers run one by one.
@Suite struct ConvModuleFusionTests {
    @Test(arguments: [(ActivationType?.some(.silu), false), (.some(.silu), true), (.some(.relu), true), (nil, false)])
    func fusedInferenceEqualsTheLayers(activation: ActivationType?, blocked: Bool) throws {
        var modules = ConvModuleBuilder(norm: BatchNormSettings(eps: 0.001, momentum: 0.03), activation: activation)
        let module = modules.convModule(16, 32, kernel: 3, padding: 1)
        module.conv.blocksOutput = blocked
        var rng = RandomGenerator(seed: 8)
        for (_, p) in module.stateDict().parameters { rng.fillUniform(p.value, low: -0.5, high: 1) }
        rng.fillUniform(module.bn.runningMean, low: -0.2, high: 0.2)
        rng.fillUniform(module.bn.runningVar, low: 0.5, high: 2)
        var x = Tensor(zeros: [2, 16, 5, 7])
        rng.fillUniform(x, low: -1, high: 1)
        if blocked { x = ChannelBlocking.converting(x, reusing: nil) }
        let fused = module.forward(x, mode: .inference).clone()
        var h = module.bn.forward(module.conv.forward(x, mode: .inference), mode: .inference)
        if let layer = module.activation { h = layer.forward(h, mode: .inference) }
        #expect(fused.shape == h.shape)
        var worst: Float = 0
        for i in 0..<h.count { worst = max(worst, abs(fused[i] - h[i]) / max(1, abs(h[i]))) }
        #expect(worst <= 1e-5, "largest difference \(worst)")
    }
}
