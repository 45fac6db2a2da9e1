import PoseNN
import PoseTensor

/// MMPose's `ResNet` backbone (torchvision v1.5 layout and key names).
///
/// Input `N × inChannels × H × W`; stage `i` outputs `N × C_i × H/2^(i+2) × W/2^(i+2)` with
/// `C_i = baseChannels · 2^i · expansion` (expansion 4 for Bottleneck, 1 for BasicBlock).
public final class ResNet: Backbone {
    /// The arguments the network was built from (MMPose's `ResNet` arguments).
    public let settings: ResNetSpec
    public let outChannels: [Int]
    let stem: Sequential
    let stages: [Sequential]
    private let convs: [Conv2d]
    private let norms: [BatchNorm2d]
    private let lastNorms: [BatchNorm2d]
    private let boundary = BlockedLayoutBoundary()

    /// Whether activations stay channel-blocked between layers on the oneDNN backend (the
    /// default); off, every convolution reads and writes NCHW.
    public var keepsChannelBlocking: Bool {
        get { convs.first?.blocksOutput ?? false }
        set { for conv in convs { conv.blocksOutput = newValue } }
    }

    /// Builds the network and initialises it as MMPose does (Kaiming fan-out convs, BN 1/0,
    /// zero-initialised last BN per block when `zeroInitResidual`), then applies `frozenStages`
    /// and `normEval`.
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: ResNetSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        let arch = settings.architecture!
        let expansion = arch.bottleneck ? 4 : 1
        var convs: [Conv2d] = [], norms: [BatchNorm2d] = [], lastNorms: [BatchNorm2d] = []

        if settings.deepStem {
            // ResNetV1d: three 3×3 ConvModules (keys stem.{0,1,2}.conv / .bn) in place of the 7×7
            var layers: [(String, Layer)] = []
            let widths = [(settings.inChannels, settings.stemChannels / 2), (settings.stemChannels / 2, settings.stemChannels / 2),
                          (settings.stemChannels / 2, settings.stemChannels)]
            for (i, (cin, cout)) in widths.enumerated() {
                let conv = Conv2d(cin, cout, kernel: 3, stride: i == 0 ? 2 : 1, padding: 1, bias: false)
                if i == 0 { conv.setInputGradientNeeded(false) }
                let bn = BatchNorm2d(cout, relu: true)
                layers.append((String(i), Sequential([("conv", conv), ("bn", bn)])))
                convs.append(conv); norms.append(bn)
            }
            stem = Sequential([("stem", Sequential(layers)), ("maxpool", MaxPool2d(kernel: 3, stride: 2, padding: 1))])
        } else {
            let conv1 = Conv2d(settings.inChannels, settings.stemChannels, kernel: 7, stride: 2, padding: 3, bias: false)
            conv1.setInputGradientNeeded(false)
            let bn1 = BatchNorm2d(settings.stemChannels, relu: true)
            stem = Sequential([("conv1", conv1), ("bn1", bn1), ("maxpool", MaxPool2d(kernel: 3, stride: 2, padding: 1))])
            convs.append(conv1); norms.append(bn1)
        }

        var inChannels = settings.stemChannels
        var stages: [Sequential] = []
        var outs: [Int] = []
        for i in 0..<settings.numStages {
            let channels = settings.baseChannels * (1 << i)
            let stride = settings.strides[i], dilation = settings.dilations[i]
            var blocks: [(String, Layer)] = []
            for b in 0..<arch.blocks[i] {
                let blockStride = b == 0 ? stride : 1
                var downsample: Layer?
                if b == 0 && (stride != 1 || inChannels != channels * expansion) {
                    // avg_down (ResNetV1d): average pooling does the striding, the 1×1 conv keeps the size
                    let pooled = settings.avgDown && stride != 1
                    let conv = Conv2d(inChannels, channels * expansion, kernel: 1, stride: pooled ? 1 : stride, bias: false)
                    let bn = BatchNorm2d(channels * expansion)
                    downsample = pooled ? Sequential([("0", AvgPool2d(kernel: stride, stride: stride, ceilMode: true, countIncludePad: false)), ("1", conv), ("2", bn)])
                                        : Sequential([("0", conv), ("1", bn)])
                    convs.append(conv); norms.append(bn)
                }
                let built = arch.bottleneck
                    ? ResNetBlocks.bottleneck(inChannels: inChannels, channels: channels,
                                              width: settings.groups == 1 ? channels : settings.groups * settings.widthPerGroup * channels / settings.baseChannels,
                                              groups: settings.groups, stride: blockStride,
                                              dilation: dilation, caffeStyle: settings.style == "caffe",
                                              downsample: downsample, seRatio: settings.seRatio,
                                              splitAttention: settings.radix.map { ($0, settings.reductionFactor, settings.avgDownStride) })
                    : ResNetBlocks.basic(inChannels: inChannels, channels: channels, stride: blockStride,
                                         dilation: dilation, downsample: downsample)
                blocks.append((String(b), built.block))
                convs += built.convs; norms += built.norms; lastNorms.append(built.lastNorm)
                inChannels = channels * expansion
            }
            stages.append(Sequential(blocks))
            outs.append(inChannels)
        }
        self.stages = stages
        self.outChannels = settings.outIndices.map { outs[$0] }
        self.convs = convs; self.norms = norms; self.lastNorms = lastNorms

        for conv in convs { WeightInit.kaimingFanOut(conv, rng: &rng) }
        for bn in norms { WeightInit.constant(bn, value: 1) }
        if settings.zeroInitResidual {
            for bn in lastNorms { WeightInit.constant(bn, value: 0) }
        }
        applyFreezing()
        keepsChannelBlocking = true
    }

    /// Applies `frozen_stages` and `norm_eval`.
    private func applyFreezing() {
        var frozen: [Layer] = []
        if settings.frozenStages >= 0 { frozen.append(stem) }
        if settings.frozenStages >= 1 { frozen += stages[0..<settings.frozenStages].map { $0 as Layer } }
        for layer in frozen {
            let state = layer.stateDict()
            for p in state.parameters { p.parameter.requiresGrad = false }
        }
        let frozenNames = Set(frozen.flatMap { $0.stateDict().parameters.map { ObjectIdentifier($0.parameter) } })
        for bn in norms where settings.normEval || frozenNames.contains(ObjectIdentifier(bn.weight)) {
            bn.frozen = true
        }
        for bn in norms { bn.synchronized = settings.synchronizedNorm }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        var h = stem.forward(x, mode: mode)
        var outs: [Tensor] = []
        for (i, stage) in stages.enumerated() {
            h = stage.forward(h, mode: mode)
            if settings.outIndices.contains(i) { outs.append(h) }
        }
        return boundary.leave(outs)
    }

    public func backward(_ dys: [Tensor?]) {
        precondition(dys.count == settings.outIndices.count, "ResNet.backward needs one gradient per output")
        let dys = boundary.enter(dys)
        // the stem is layer 0; frozen_stages = f freezes the stem and stages 1…f
        LayerChain.backward([stem] + stages, tapped: LayerChain.tapped(dys, at: settings.outIndices.map { $0 + 1 }, layers: stages.count + 1),
                            frozen: settings.frozenStages + 1)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        stem.collectState(prefix: prefix, into: &state)
        for (i, stage) in stages.enumerated() {
            stage.collectState(prefix: prefix + "layer\(i + 1).", into: &state)
        }
    }
}
