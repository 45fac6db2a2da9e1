import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RTMWHead` (RTMPose-Wholebody): two feature maps, `enc_b` `N × C/2 × 2H × 2W` and
/// `enc_t` `N × C × H × W` (C = `in_channels`, the neck's last two outputs), to SimCC logits.
///
/// `final_layer` (a k×k `ConvModule` with BatchNorm and ReLU, C → K) turns `enc_t` into K maps,
/// flattened and through `mlp` (`ScaleNorm(HW)`, `Linear(HW → hidden/2)`). `enc_t` is also
/// pixel-shuffled (×2, C/4 channels), through `conv_dec` (C/4 → C/4) and concatenated before
/// `enc_b`; `final_layer2` (3C/4 → K) and `mlp2` (`ScaleNorm(4HW)`, `Linear(4HW → hidden/2)`)
/// make the other half of each keypoint's token. The `N × K × hidden` tokens then go through the
/// `gau` (an `RTMCCBlock`) and `cls_x` / `cls_y` as in `RTMCCHead`.
public final class RTMWHead: PoseHead {
    /// The arguments, RTMCCHead's (`in_channels`, `in_featuremap_size` of `enc_t`, …).
    public let settings: RTMCCHeadSpec
    let finalLayer, convDecoder, finalLayer2: ConvModule
    let shuffle = PixelShuffle(2)
    let scaleNorm: ScaleNorm, scaleNorm2: ScaleNorm
    let mlp: Linear, mlp2: Linear
    let gau: RTMCCBlock
    let classifiers: SimCCClassifiers
    /// The loss on each axis's logits, summed over x and y.
    public var loss: any PoseLoss = KLDiscretLoss()
    private var topShape: [Int] = [], bottomShape: [Int] = []

    /// Builds the head and initialises it as MMPose's `default_init_cfg`: every convolution
    /// ~ N(0, 0.001²), BatchNorm weight 1 and bias 0, every linear layer (the GAU's included)
    /// ~ N(0, 0.01²); the GAU's γ and β ~ U(0, 1), the scales 1.
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments or `in_channels`
    ///   is not a multiple of 4.
    public init(_ settings: RTMCCHeadSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        guard settings.inChannels % 4 == 0 else {
            throw ModelError("RTMWHead: in_channels must be a multiple of 4 (its pixel shuffle makes in_channels / 4 channels), got \(settings.inChannels)")
        }
        self.settings = settings
        let (c, k, kernel, hidden) = (settings.inChannels, settings.outChannels, settings.finalLayerKernelSize, settings.hiddenDims)
        let flat = settings.inFeaturemapSize.0 * settings.inFeaturemapSize.1
        var modules = ConvModuleBuilder(norm: BatchNormSettings(), activation: .relu)
        convDecoder = modules.convModule(c / 4, c / 4, kernel: kernel, padding: kernel / 2)
        finalLayer = modules.convModule(c, k, kernel: kernel, padding: kernel / 2)
        finalLayer2 = modules.convModule(c / 2 + c / 4, k, kernel: kernel, padding: kernel / 2)
        // a head's final layers stay fp32 under bfloat16, as HeatmapHead's
        for module in [finalLayer, finalLayer2] { module.conv.fixedPrecision = .float32 }
        scaleNorm = ScaleNorm(flat)
        mlp = Linear(flat, hidden / 2, bias: false)
        scaleNorm2 = ScaleNorm(4 * flat)
        mlp2 = Linear(4 * flat, hidden / 2, bias: false)
        gau = RTMCCBlock(tokens: k, inDims: hidden, outDims: hidden, expansionFactor: settings.expansionFactor, s: settings.s,
                         useRelativeBias: settings.useRelativeBias, activation: settings.activation, rng: &rng)
        classifiers = SimCCClassifiers(features: hidden, bins: settings.bins, splitRatio: settings.splitRatio, bias: false)
        for conv in modules.convs { WeightInit.normal(conv.weight, bias: conv.bias, std: 0.001, rng: &rng) }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
        for linear in [mlp, mlp2, gau.uv, gau.o, classifiers.x, classifiers.y] { WeightInit.normal(linear.weight, bias: linear.bias, std: 0.01, rng: &rng) }
    }

    public var hasFixedFeatureSize: Bool { true }

    public func checkFeatures(_ feats: [Tensor]) throws {
        let (w, h) = settings.inFeaturemapSize, c = settings.inChannels
        func describe(_ t: Tensor) -> String { t.shape.dropFirst().map(String.init).joined(separator: "×") }
        guard feats.count == 2 else {
            throw ModelError("RTMWHead takes two feature maps (the neck's out_indices=(1, 2)), got \(feats.count)")
        }
        let (bottom, top) = (feats[0], feats[1])
        guard top.shape.count == 4, top.shape[1] == c, top.shape[2] == h, top.shape[3] == w else {
            throw ModelError("RTMWHead: its second feature map is \(describe(top)) (C×H×W), but in_channels and in_featuremap_size give \(c)×\(h)×\(w)")
        }
        guard bottom.shape.count == 4, bottom.shape[1] == c / 2, bottom.shape[2] == 2 * h, bottom.shape[3] == 2 * w else {
            throw ModelError("RTMWHead: its first feature map is \(describe(bottom)) (C×H×W); it needs \(c / 2)×\(2 * h)×\(2 * w), half the channels and twice the size of the second")
        }
    }

    /// The keypoint rows after the GAU, `N·K × hidden`.
    func tokens(_ feats: [Tensor], mode: ForwardMode) -> Tensor {
        let (bottom, top) = (feats[0], feats[1])
        let k = settings.outChannels, half = settings.hiddenDims / 2
        let mapsT = finalLayer.forward(top, mode: mode)
        topShape = mapsT.shape
        let n = mapsT.shape[0]
        let rowsT = mlp.forward(scaleNorm.forward(mapsT.reshaped([n * k, mapsT.shape[2] * mapsT.shape[3]]), mode: mode), mode: mode)
        let decoded = convDecoder.forward(shuffle.forward(top, mode: mode), mode: mode)
        let mapsB = finalLayer2.forward(ChannelConcatenation.concatenate([decoded, bottom]), mode: mode)
        bottomShape = mapsB.shape
        let rowsB = mlp2.forward(scaleNorm2.forward(mapsB.reshaped([n * k, mapsB.shape[2] * mapsB.shape[3]]), mode: mode), mode: mode)
        let joined = Tensor.pooled(shape: [n, k, 2 * half])
        for r in 0..<(n * k) {
            (joined.data + r * 2 * half).update(from: rowsT.data + r * half, count: half)
            (joined.data + r * 2 * half + half).update(from: rowsB.data + r * half, count: half)
        }
        return gau.forward(joined, mode: mode).reshaped([n * k, 2 * half])
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        try trainStep(feats, targets: targets, outputLoss: nil)
    }

    /// Gives `outputLoss` the SimCC logits (`simccX` `N × K × Wx`, `simccY` `N × K × Hy`) and the
    /// head's loss gradients with respect to them.
    public func trainStep(_ feats: [Tensor], targets: HeadTargets,
                          outputLoss: HeadOutputLoss?) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        try checkFeatures(feats)
        let k = settings.outChannels, half = settings.hiddenDims / 2
        let rows = tokens(feats, mode: .training)
        let count = rows.shape[0]
        let (losses, dRows) = try classifiers.trainStep(rows, keypoints: k, targets: targets, loss: loss, head: "RTMWHead", outputLoss: outputLoss)
        let dJoined = gau.backward(dRows.reshaped([count / k, k, 2 * half]))
        let dRowsT = Tensor.pooled(shape: [count, half]), dRowsB = Tensor.pooled(shape: [count, half])
        for r in 0..<count {
            dRowsT.data.advanced(by: r * half).update(from: dJoined.data + r * 2 * half, count: half)
            dRowsB.data.advanced(by: r * half).update(from: dJoined.data + r * 2 * half + half, count: half)
        }
        let dMapsB = scaleNorm2.backward(mlp2.backward(dRowsB))
        let dJoinedMaps = finalLayer2.backward(dMapsB.reshaped(bottomShape))
        let parts = ChannelConcatenation.split(dJoinedMaps, channels: [settings.inChannels / 4, settings.inChannels / 2])
        let dTop = shuffle.backward(convDecoder.backward(parts[0]))
        let dMapsT = scaleNorm.backward(mlp.backward(dRowsT))
        let dTopDirect = finalLayer.backward(dMapsT.reshaped(topShape))
        ElementwiseKernels.accumulate(dTopDirect.data, into: dTop.data, count: dTop.count)
        return (losses, [parts[1], dTop])
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let (x, y) = classifiers.forward(tokens(feats, mode: .inference), keypoints: settings.outChannels, mode: .inference)
        return HeadOutput(simccX: x.clone(), simccY: y.clone())
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        convDecoder.collectState(prefix: prefix + "conv_dec.", into: &state)
        finalLayer.collectState(prefix: prefix + "final_layer.", into: &state)
        finalLayer2.collectState(prefix: prefix + "final_layer2.", into: &state)
        scaleNorm.collectState(prefix: prefix + "mlp.0.", into: &state)
        mlp.collectState(prefix: prefix + "mlp.1.", into: &state)
        scaleNorm2.collectState(prefix: prefix + "mlp2.0.", into: &state)
        mlp2.collectState(prefix: prefix + "mlp2.1.", into: &state)
        gau.collectState(prefix: prefix + "gau.", into: &state)
        classifiers.collectState(prefix: prefix, names: ("cls_x.", "cls_y."), into: &state)
    }
}

/// MMPose's `RTMWHead(in_channels, out_channels, input_size, in_featuremap_size,
/// simcc_split_ratio, final_layer_kernel_size, gau_cfg, loss, decoder)`: RTMCCHead's arguments,
/// `in_featuremap_size` that of the second (smaller) map.
public struct RTMWHeadSpec: HeadSpec {
    /// The arguments, as `RTMCCHead` reads them.
    public var settings: RTMCCHeadSpec

    /// A spec of RTMCCHead's arguments.
    public init(_ settings: RTMCCHeadSpec) { self.settings = settings }

    /// The `loss=` dict (`settings.loss`), applied to each axis.
    public var loss: any LossSpec { settings.loss }
    public var decoder: (any KeypointCodec)? { settings.decoder }

    /// The head's parameters and BatchNorm statistics.
    public var size: ModelSize? {
        let s = settings, c = s.inChannels, k = s.outChannels, kernel = s.finalLayerKernelSize
        let flat = ModelSize.multiply(s.inFeaturemapSize.0, s.inFeaturemapSize.1)
        let e = Int(Double(s.hiddenDims) * s.expansionFactor)
        let gau = ModelSize(parameters: 4 * s.s + 1 + s.hiddenDims + (s.useRelativeBias ? 2 * k - 1 : 0))
            + ModelSize.linear(e, s.hiddenDims, bias: false) + ModelSize.linear(s.hiddenDims, 2 * e + s.s, bias: false)
        let convs = ModelSize.conv(c / 4, c / 4, kernel: kernel, bias: false) + .batchNorm(c / 4)
            + .conv(c, k, kernel: kernel, bias: false) + .batchNorm(k) + .conv(c / 2 + c / 4, k, kernel: kernel, bias: false) + .batchNorm(k)
        let mlps = ModelSize(parameters: 2) + .linear(flat, s.hiddenDims / 2, bias: false)
            + .linear(ModelSize.multiply(4, flat), s.hiddenDims / 2, bias: false)
        return convs + mlps + gau + .linear(s.hiddenDims, s.bins.0, bias: false) + .linear(s.hiddenDims, s.bins.1, bias: false) + s.loss.size
    }

    /// An `RTMWHead` with its loss.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or the head or its loss refuses the arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        guard featureChannels.count == 2 else {
            throw ModelError("RTMWHead takes two feature maps (the neck's out_indices=(1, 2)), but gets \(featureChannels.count)")
        }
        let head = try RTMWHead(settings, rng: &rng)
        head.loss = try settings.loss.makeLoss(rng: &rng)
        return head
    }
}
