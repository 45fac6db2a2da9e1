import Foundation
import Testing
import SwiftPoseTestSupport
@testable import PoseModels
@testable import PoseNN
import PoseTensor

/// `MultiheadAttention` as one layer: an `N × L × 3E` input split into query, key and value, so
/// the gradient check sees all three input gradients.
private final class AttentionProbe: Layer {
    let attention: MultiheadAttention
    init(_ attention: MultiheadAttention) { self.attention = attention }
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let (n, l, e) = (x.shape[0], x.shape[1], x.shape[2] / 3)
        let parts = (0..<3).map { k -> Tensor in
            let t = Tensor(zeros: [n, l, e])
            for r in 0..<(n * l) { for c in 0..<e { t.data[r * e + c] = x.data[r * 3 * e + k * e + c] } }
            return t
        }
        return attention.forward(query: parts[0], key: parts[1], value: parts[2], mode: mode)
    }
    func backward(_ dy: Tensor) -> Tensor {
        let d = attention.backward(dy)
        let (n, l, e) = (dy.shape[0], dy.shape[1], dy.shape[2])
        let dx = Tensor(zeros: [n, l, 3 * e])
        for (k, part) in [d.query, d.key, d.value].enumerated() {
            for r in 0..<(n * l) { for c in 0..<e { dx.data[r * 3 * e + k * e + c] = part.data[r * e + c] } }
        }
        return dx
    }
    func collectState(prefix: String, into state: inout StateDict) { attention.collectState(prefix: prefix, into: &state) }
}

/// An encoder layer with a fixed positional encoding, as one layer.
private final class EncoderLayerProbe: Layer {
    let layer: DetrTransformerEncoderLayer, position: Tensor
    init(_ layer: DetrTransformerEncoderLayer, position: Tensor) { self.layer = layer; self.position = position }
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { layer.forward(x, position: position, mode: mode) }
    func backward(_ dy: Tensor) -> Tensor { layer.backward(dy) }
    func collectState(prefix: String, into state: inout StateDict) { layer.collectState(prefix: prefix, into: &state) }
}

/// A neck as one layer: a flat `1 × Σ C_i·H_i·W_i` input cut into its maps, the outputs flattened
/// and joined.
private final class NeckProbe: Layer {
    let neck: Neck, shapes: [[Int]]
    private var outputShapes: [[Int]] = []
    init(_ neck: Neck, shapes: [[Int]]) { self.neck = neck; self.shapes = shapes }
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        var offset = 0
        let maps = shapes.map { shape -> Tensor in
            let t = Tensor(zeros: shape)
            t.data.update(from: x.data + offset, count: t.count)
            offset += t.count
            return t
        }
        let outs = neck.forward(maps, mode: mode)
        outputShapes = outs.map(\.shape)
        let y = Tensor(zeros: [1, outs.reduce(0) { $0 + $1.count }])
        offset = 0
        for o in outs { (y.data + offset).update(from: o.data, count: o.count); offset += o.count }
        return y
    }
    func backward(_ dy: Tensor) -> Tensor {
        var offset = 0
        let dys = outputShapes.map { shape -> Tensor? in
            let t = Tensor(zeros: shape)
            t.data.update(from: dy.data + offset, count: t.count)
            offset += t.count
            return t
        }
        let dx = Tensor(zeros: [1, shapes.reduce(0) { $0 + $1.reduce(1, *) }])
        offset = 0
        for (shape, g) in zip(shapes, neck.backward(dys)) {
            if let g { (dx.data + offset).update(from: g.data, count: g.count) }
            offset += shape.reduce(1, *)
        }
        return dx
    }
    func collectState(prefix: String, into state: inout StateDict) { neck.collectState(prefix: prefix, into: &state) }
}

/// RTMO's parts (mmdet's CSPDarknet, MMPose's HybridEncoder and RTMOHead): MMPose's keys, and
/// every hand-written backward against central differences. Their outputs against MMPose's are
/// `BottomupParityTests`' `rtmo` family.
@Suite struct RTMOTests {
    @Test func layerNormGradients() { expectLayerGradientsMatch(LayerNorm(6), inputShape: [2, 3, 6]) }

    @Test func layerNormMatchesDefinition() {
        let norm = LayerNorm(4)
        let y = norm.forward(Tensor([1, 2, 3, 4, -2, 0, 0, 2], shape: [2, 4]), mode: .inference)
        // mean 2.5, variance 1.25; mean 0, variance 2
        let expected: [Float] = [-1.5, -0.5, 0.5, 1.5].map { $0 / Float(1.25 + 1e-5).squareRoot() }
            + [-2, 0, 0, 2].map { $0 / Float(2 + 1e-5).squareRoot() }
        #expect(zip(y.array, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func geluGradientsAndValues() {
        expectLayerGradientsMatch(GELU(), inputShape: [2, 3, 5])
        // PyTorch: gelu(1) = 0.8413447, gelu(-0.5) = -0.1542687
        let y = GELU().forward(Tensor([1, -0.5], shape: [2]), mode: .inference)
        #expect(abs(y.array[0] - 0.8413447) < 1e-6 && abs(y.array[1] + 0.1542687) < 1e-6)
    }

    @Test func multiheadAttentionGradients() {
        let probe = AttentionProbe(MultiheadAttention(embedDimensions: 4, heads: 2))
        #expect(probe.stateDict().parameters.map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        expectLayerGradientsMatch(probe, inputShape: [2, 3, 12])
    }

    /// Against attention written out: softmax(q kᵀ / √d) v per head, then the projection.
    @Test func multiheadAttentionMatchesDefinition() {
        let e = 4, heads = 2, d = 2, l = 3
        let attention = MultiheadAttention(embedDimensions: e, heads: heads)
        var rng = RandomGenerator(seed: 3)
        var state = StateDict()
        attention.collectState(prefix: "", into: &state)
        for (_, p) in state.parameters { rng.fillUniform(p.value, low: -1, high: 1) }
        let x = Tensor(zeros: [1, l, e])
        rng.fillUniform(x, low: -1, high: 1)
        let y = attention.forward(query: x, key: x, value: x, mode: .inference).array
        func project(_ i: Int, _ row: Int) -> [Double] {
            (0..<e).map { o in
                var s = Double(attention.inProjectionBias.value.data[i * e + o])
                for c in 0..<e { s += Double(attention.inProjectionWeight.value.data[(i * e + o) * e + c]) * Double(x.data[row * e + c]) }
                return s
            }
        }
        let q = (0..<l).map { project(0, $0) }, k = (0..<l).map { project(1, $0) }, v = (0..<l).map { project(2, $0) }
        var joined = [[Double]](repeating: [Double](repeating: 0, count: e), count: l)
        for h in 0..<heads {
            for i in 0..<l {
                let scores = (0..<l).map { j in (0..<d).reduce(0.0) { $0 + q[i][h * d + $1] * k[j][h * d + $1] } / Double(d).squareRoot() }
                let top = scores.max()!, exps = scores.map { exp($0 - top) }, sum = exps.reduce(0, +)
                for c in 0..<d { joined[i][h * d + c] = (0..<l).reduce(0.0) { $0 + exps[$1] / sum * v[$1][h * d + c] } }
            }
        }
        let w = attention.outProjection.weight.value, b = attention.outProjection.bias!.value
        for i in 0..<l {
            for o in 0..<e {
                let expected = (0..<e).reduce(Double(b.data[o])) { $0 + Double(w.data[o * e + $1]) * joined[i][$1] }
                #expect(abs(Double(y[i * e + o]) - expected) < 1e-5)
            }
        }
    }

    @Test func encoderLayerGradients() {
        var rng = RandomGenerator(seed: 2)
        let layer = DetrTransformerEncoderLayer(embedDimensions: 4, heads: 2, feedforwardChannels: 6, activation: .gelu, rng: &rng)
        let position = Tensor(zeros: [3, 4])
        rng.fillUniform(position, low: -1, high: 1)
        let probe = EncoderLayerProbe(layer, position: position)
        #expect(probe.stateDict().parameters.map(\.name) == [
            "self_attn.attn.in_proj_weight", "self_attn.attn.in_proj_bias", "self_attn.attn.out_proj.weight", "self_attn.attn.out_proj.bias",
            "ffn.layers.0.0.weight", "ffn.layers.0.0.bias", "ffn.layers.1.weight", "ffn.layers.1.bias",
            "norms.0.weight", "norms.0.bias", "norms.1.weight", "norms.1.bias",
        ])
        expectLayerGradientsMatch(probe, inputShape: [2, 3, 4])
    }

    @Test func focusGradientsAndOrder() {
        var modules = ConvModuleBuilder(norm: BatchNormSettings(eps: 0.001, momentum: 0.03), activation: .silu)
        let focus = Focus(2, 3, kernel: 3, modules: &modules)
        expectBlockGradientsMatch(focus, inputShape: [2, 2, 4, 6])
    }

    @Test func repVGGAndCSPRepLayerGradients() {
        var modules = ConvModuleBuilder(norm: BatchNormSettings(), activation: .silu)
        var branches = ConvModuleBuilder(norm: BatchNormSettings(), activation: nil)
        let block = RepVGGBlock(3, activation: .silu, branches: &branches)
        #expect(block.stateDict().parameters.map(\.name).prefix(3) == ["branch_3x3.conv.weight", "branch_3x3.bn.weight", "branch_3x3.bn.bias"])
        expectBlockGradientsMatch(block, inputShape: [2, 3, 4, 4])
        let layer = CSPRepLayer(4, 3, blocks: 2, widenFactor: 0.5, activation: .silu, modules: &modules, branches: &branches)
        expectBlockGradientsMatch(layer, inputShape: [2, 4, 4, 3])
    }

    /// The whole neck (input projections, the encoder on the smallest map, both PAFPN passes
    /// and the projector) against central differences.
    @Test func hybridEncoderGradients() throws {
        var spec = HybridEncoderSpec()
        (spec.inChannels, spec.hiddenDimension, spec.heads, spec.feedforwardChannels) = ([3, 4, 5], 8, 2, 6)
        (spec.deepenFactor, spec.widenFactor, spec.outputIndices, spec.feedforwardActivation) = (0.33, 0.5, [1, 2], .gelu)
        var mapper = ChannelMapperSpec(inChannels: [8, 8], outChannels: 4)
        (mapper.kernelSize, mapper.norm, mapper.activation) = (1, BatchNormSettings(), nil)
        spec.projector = mapper
        var rng = RandomGenerator(seed: 1)
        let neck = try spec.makeNeck(inputChannels: [3, 4, 5], rng: &rng)
        #expect(try spec.outputChannels(for: [3, 4, 5]) == [4, 4])
        let probe = NeckProbe(neck, shapes: [[2, 3, 8, 8], [2, 4, 4, 4], [2, 5, 2, 2]])
        let names = probe.stateDict().parameters.map(\.name)
        #expect(names.contains("encoder.0.layers.0.self_attn.attn.in_proj_weight") && names.contains("fpn_blocks.1.bottlenecks.0.branch_1x1.conv.weight")
                && names.contains("projector.convs.1.bn.bias") && names.contains("pan_blocks.0.conv3.conv.weight"))
        // BatchNorm on running statistics: batch statistics of a few pixels make the float32
        // differences too noisy to compare (BatchNorm's own backward has its own tests)
        for (_, bn) in probe.stateDict().normalizations { bn.frozen = true }
        // small weights keep the deep chain's activations near 1, where float32 differences are exact enough
        expectLayerGradientsMatch(probe, inputShape: [1, 2 * (3 * 64 + 4 * 16 + 5 * 4)], parameterRange: 0.3)
    }

    /// The DCC's GAU with `pos_enc='add'`: the encoding's gradient too.
    @Test func gauWithAddedPositionGradients() {
        var rng = RandomGenerator(seed: 5)
        let block = RTMCCBlock(tokens: 3, inDims: 4, outDims: 4, expansionFactor: 2, s: 3, useRelativeBias: false, activation: .silu, rng: &rng)
        block.positionEncoding = Parameter(shape: [3, 3])
        let probe = GAUProbe(block)
        expectLayerGradientsMatch(probe, inputShape: [2, 3, 4], parameterRange: 1.5)
    }

    /// Odd input sides are refused by the backbone's size check (the estimators run it), never
    /// met by the Focus stem's forward.
    @Test func cspDarknetRefusesOddSides() throws {
        var spec = CSPDarknetSpec()
        (spec.widenFactor, spec.deepenFactor) = (0.0625, 0.33)
        var rng = RandomGenerator(seed: 1)
        let backbone = try spec.makeBackbone(rng: &rng)
        #expect(throws: Never.self) { try backbone.checkInputSize(width: 64, height: 32) }
        do {
            try backbone.checkInputSize(width: 65, height: 32)
            Issue.record("an odd width was accepted")
        } catch {
            #expect("\(error)".contains("even sides; got 65x32"))
        }
    }

    @Test func nmsAsMMPose() {
        // two overlapping boxes (IoU 0.81) and one apart; the lower-scored overlap goes
        let boxes: [(Float, Float, Float, Float)] = [(0, 0, 10, 10), (1, 0, 10, 9), (20, 20, 30, 30)]
        #expect(OneStageDecoding.nms(boxes, threshold: 0.65) == [0, 2])
        #expect(OneStageDecoding.nms(boxes, threshold: 0.9) == [0, 1, 2])
    }

    @Test func linspaceAsPyTorch() {
        // torch.linspace(-0.5, 0.5, 5) and its float32 halves
        #expect(DynamicCoordinateClassifier.linspace(-0.5, 0.5, count: 5).array == [-0.5, -0.25, 0, 0.25, 0.5])
    }
}

/// The GAU block with its positional encoding listed among the parameters.
private final class GAUProbe: Layer {
    let block: RTMCCBlock
    init(_ block: RTMCCBlock) { self.block = block }
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { block.forward(x, mode: mode) }
    func backward(_ dy: Tensor) -> Tensor { block.backward(dy) }
    func collectState(prefix: String, into state: inout StateDict) {
        block.collectState(prefix: prefix, into: &state)
        state.parameters.append((prefix + "pos_enc", block.positionEncoding!))
    }
}
