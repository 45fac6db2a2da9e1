import PoseNN
import PoseTensor

/// mmdet's `CSPNeXt` backbone (RTMDet's, and RTMPose's through MMPose's copy), with mmdet's key
/// names.
///
/// Input `N × 3 × H × W`. The stem (`stem.0-2`, three 3×3 `ConvModule`s, the first strided)
/// gives `N × C_0 × H/2 × W/2`; stage i (`stage<i>`: a strided 3×3 `ConvModule`, an
/// `SPPBottleneck` in the last stage, a `CSPLayer`) gives `N × C_i × H/2^(i+1) × W/2^(i+1)`.
/// `out_indices` select among [stem, stage 1, …]. Every convolution is followed by BatchNorm
/// and the activation (SiLU).
public final class CSPNeXt: Backbone {
    /// The arguments the network was built from.
    public let settings: CSPNeXtSpec
    public let outChannels: [Int]
    /// The stem, then each stage.
    private let layers: [Sequential]
    private let norms: [BatchNorm2d]
    private let convs: [Conv2d]
    private let boundary = BlockedLayoutBoundary()
    /// Whether activations stay channel-blocked between layers on the oneDNN backend (the
    /// default): oneDNN's depthwise kernels, and its others without a reorder per layer, work
    /// on blocked tensors. Off, every convolution reads and writes NCHW.
    public var keepsChannelBlocking: Bool {
        get { convs.first?.blocksOutput ?? false }
        set { for conv in convs { conv.blocksOutput = newValue } }
    }

    /// Builds the network and initialises it as mmdet does (Kaiming-uniform convolutions with
    /// `a = √5` and bias 0, BatchNorm 1/0), then applies `frozenStages` and `normEval`.
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: CSPNeXtSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        var modules = ConvModuleBuilder(norm: settings.norm, activation: settings.activation)
        let w = settings.widenFactor
        let stemOut = Int(Double(settings.stages[0].inChannels) * w)
        let stemMid = Int((Double(settings.stages[0].inChannels) * w / 2).rounded(.down))
        let stem = Sequential([("0", modules.convModule(3, stemMid, kernel: 3, stride: 2, padding: 1)),
                               ("1", modules.convModule(stemMid, stemMid, kernel: 3, padding: 1)),
                               ("2", modules.convModule(stemMid, stemOut, kernel: 3, padding: 1))])
        var layers = [stem]
        var attentionConvs: [Conv2d] = []
        for (i, stage) in settings.stages.enumerated() {
            let cin = Int(Double(stage.inChannels) * w), cout = Int(Double(stage.outChannels) * w)
            var parts: [(String, Layer)] = []
            parts.append(("0", settings.useDepthwise ? modules.depthwiseSeparable(cin, cout, kernel: 3, stride: 2, padding: 1)
                                                     : modules.convModule(cin, cout, kernel: 3, stride: 2, padding: 1)))
            if stage.spp {
                parts.append((String(parts.count), SPPBottleneck(cout, cout, kernelSizes: settings.sppKernelSizes, modules: &modules)))
            }
            let csp = CSPLayer(cout, cout, expandRatio: settings.expandRatio, blocks: settings.blocks(i), addIdentity: stage.addIdentity,
                               depthwise: settings.useDepthwise, cspNeXtBlocks: true, channelAttention: settings.channelAttention,
                               modules: &modules)
            attentionConvs += csp.attentionConvs
            parts.append((String(parts.count), csp))
            layers.append(Sequential(parts))
        }
        self.layers = layers
        self.norms = modules.norms
        self.convs = modules.convs
        outChannels = settings.outIndices.map { settings.layerChannels[$0] }
        stem.setInputGradientNeeded(false)
        for conv in modules.convs + attentionConvs { WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng) }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
        LayerChain.freeze(layers, frozen: settings.frozenStages + 1, norms: norms, normEval: settings.normEval)
        keepsChannelBlocking = true
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        var h = x
        var outs: [Tensor] = []
        for (i, layer) in layers.enumerated() {
            h = layer.forward(h, mode: mode)
            if settings.outIndices.contains(i) { outs.append(h) }
        }
        return boundary.leave(outs)
    }

    public func backward(_ dys: [Tensor?]) {
        precondition(dys.count == settings.outIndices.count, "CSPNeXt.backward needs one gradient per output")
        let dys = boundary.enter(dys)
        // layer 0 is the stem; frozen_stages = f freezes it and stages 1…f
        LayerChain.backward(layers, tapped: LayerChain.tapped(dys, at: settings.outIndices, layers: layers.count), frozen: settings.frozenStages + 1)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, layer) in layers.enumerated() {
            layer.collectState(prefix: prefix + (i == 0 ? "stem." : "stage\(i)."), into: &state)
        }
    }
}

extension CSPNeXtSpec: BackboneSpec {
    /// Builds `CSPNeXt(self, rng:)`: the network initialised as mmdet does.
    /// - Throws: `ModelError` when `validate()` refuses the arguments.
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try CSPNeXt(self, rng: &rng) }
}
