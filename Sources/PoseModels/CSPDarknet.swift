import PoseNN
import PoseTensor

/// mmdet's `CSPDarknet` backbone (YOLOv5's and YOLOX's; MMPose's YOLOX-Pose and RTMO), with
/// mmdet's key names.
///
/// Input `N × 3 × H × W` (H, W even). The stem (`stem`, a `Focus`: 2×2 pixels into channels,
/// then a 3×3 `ConvModule`) gives `N × C_0 × H/2 × W/2`; stage i (`stage<i>`: a strided 3×3
/// `ConvModule`, an `SPPBottleneck` in the last stage, a `CSPLayer` of Darknet bottlenecks)
/// gives `N × C_i × H/2^(i+1) × W/2^(i+1)`. `out_indices` select among [stem, stage 1, …].
public final class CSPDarknet: Backbone {
    /// The arguments the network was built from.
    public let settings: CSPDarknetSpec
    public let outChannels: [Int]
    /// The stem, then each stage.
    private let layers: [Layer]
    private let norms: [BatchNorm2d]

    /// Builds the network and initialises it as mmdet does (Kaiming-uniform convolutions with
    /// `a = √5` and bias 0, BatchNorm 1/0), then applies `frozenStages` and `normEval`.
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: CSPDarknetSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        var modules = ConvModuleBuilder(norm: settings.norm, activation: settings.activation)
        let channels = settings.layerChannels
        let stem = Focus(3, channels[0], kernel: 3, modules: &modules)
        var layers: [Layer] = [stem]
        for (i, stage) in settings.stages.enumerated() {
            let cin = channels[i], cout = channels[i + 1]
            var parts: [(String, Layer)] = []
            parts.append(("0", settings.useDepthwise ? modules.depthwiseSeparable(cin, cout, kernel: 3, stride: 2, padding: 1)
                                                     : modules.convModule(cin, cout, kernel: 3, stride: 2, padding: 1)))
            if stage.spp {
                parts.append((String(parts.count), SPPBottleneck(cout, cout, kernelSizes: settings.sppKernelSizes, modules: &modules)))
            }
            parts.append((String(parts.count), CSPLayer(cout, cout, expandRatio: 0.5, blocks: settings.blocks(i), addIdentity: stage.addIdentity,
                                                        depthwise: settings.useDepthwise, cspNeXtBlocks: false, channelAttention: false,
                                                        modules: &modules)))
            layers.append(Sequential(parts))
        }
        self.layers = layers
        norms = modules.norms
        outChannels = settings.outIndices.map { channels[$0] }
        stem.setInputGradientNeeded(false)
        for conv in modules.convs { WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng) }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
        LayerChain.freeze(layers, frozen: settings.frozenStages + 1, norms: norms, normEval: settings.normEval)
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        var h = x
        var outs: [Tensor] = []
        for (i, layer) in layers.enumerated() {
            h = layer.forward(h, mode: mode)
            if settings.outIndices.contains(i) { outs.append(h) }
        }
        return outs
    }

    /// The `Focus` stem folds 2×2 pixel blocks into channels: both sides must be even (MMPose's
    /// concatenation fails on odd ones too).
    public func checkInputSize(width: Int, height: Int) throws {
        guard width % 2 == 0, height % 2 == 0 else {
            throw ModelError("CSPDarknet's Focus stem folds 2x2 pixel blocks into channels, so the input needs even sides; got \(width)x\(height) (use an input size, or size_factor, that is a multiple of 32)")
        }
    }

    public func backward(_ dys: [Tensor?]) {
        precondition(dys.count == settings.outIndices.count, "CSPDarknet.backward needs one gradient per output")
        LayerChain.backward(layers, tapped: LayerChain.tapped(dys, at: settings.outIndices, layers: layers.count), frozen: settings.frozenStages + 1)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, layer) in layers.enumerated() {
            layer.collectState(prefix: prefix + (i == 0 ? "stem." : "stage\(i)."), into: &state)
        }
    }
}

extension CSPDarknetSpec: BackboneSpec {
    /// Builds `CSPDarknet(self, rng:)`: the network initialised as mmdet does.
    /// - Throws: `ModelError` when `validate()` refuses the arguments.
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try CSPDarknet(self, rng: &rng) }
}
