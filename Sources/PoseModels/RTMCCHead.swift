import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RTMCCHead` (RTMPose): the backbone's last feature `N × C × H × W` → `final_layer`
/// (a `final_layer_kernel_size` convolution to K maps, with bias) → flattened `N × K × HW` →
/// `mlp` (`ScaleNorm(HW)`, then `Linear(HW → hidden)` without bias) → `gau` (an `RTMCCBlock`
/// over the K keypoint tokens) → `cls_x` / `cls_y` (`Linear(hidden → Wx)`, `Linear(hidden → Hy)`,
/// no bias): SimCC logits `N × K × Wx` and `N × K × Hy`, Wx and Hy the input size times
/// `simcc_split_ratio`. The loss (KLDiscretLoss) is applied to both axes and summed.
public final class RTMCCHead: PoseHead {
    /// The settings the head was built from.
    public let settings: RTMCCHeadSpec
    let finalLayer: Conv2d
    let scaleNorm: ScaleNorm
    let mlp: Linear
    let gau: RTMCCBlock
    let classifiers: SimCCClassifiers
    /// The loss on each axis's logits, summed over x and y.
    public var loss: any PoseLoss = KLDiscretLoss()
    private var mapShape: [Int] = []

    /// Builds the head and initialises it as MMPose's `default_init_cfg` does: the final
    /// convolution ~ N(0, 0.001²) with bias 0, every linear layer (the GAU's included) ~
    /// N(0, 0.01²); the GAU's γ and β ~ U(0, 1), the scales 1.
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: RTMCCHeadSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        let k = settings.outChannels, hidden = settings.hiddenDims
        let flat = settings.inFeaturemapSize.0 * settings.inFeaturemapSize.1
        finalLayer = Conv2d(settings.inChannels, k, kernel: settings.finalLayerKernelSize, padding: settings.finalLayerKernelSize / 2, bias: true)
        finalLayer.fixedPrecision = .float32   // a head's final layer stays fp32 under bfloat16, as HeatmapHead's
        scaleNorm = ScaleNorm(flat)
        mlp = Linear(flat, hidden, bias: false)
        gau = RTMCCBlock(tokens: k, inDims: hidden, outDims: hidden, expansionFactor: settings.expansionFactor, s: settings.s,
                         useRelativeBias: settings.useRelativeBias, activation: settings.activation, rng: &rng)
        classifiers = SimCCClassifiers(features: hidden, bins: settings.bins, splitRatio: settings.splitRatio, bias: false)
        WeightInit.normal(finalLayer.weight, bias: finalLayer.bias, std: 0.001, rng: &rng)
        for linear in [mlp, gau.uv, gau.o, classifiers.x, classifiers.y] { WeightInit.normal(linear.weight, bias: linear.bias, std: 0.01, rng: &rng) }
    }

    /// The GAU's keypoint rows, `N·K × hidden`, of the feature `N × C × H × W`.
    func tokens(_ feature: Tensor, mode: ForwardMode) -> Tensor {
        let maps = finalLayer.forward(feature, mode: mode)
        mapShape = maps.shape
        let (n, k, hw) = (maps.shape[0], maps.shape[1], maps.shape[2] * maps.shape[3])
        let tokens = mlp.forward(scaleNorm.forward(maps.reshaped([n * k, hw]), mode: mode), mode: mode)
        return gau.forward(tokens.reshaped([n, k, settings.hiddenDims]), mode: mode).reshaped([n * k, settings.hiddenDims])
    }

    public var hasFixedFeatureSize: Bool { true }

    public func checkFeatures(_ feats: [Tensor]) throws {
        let (w, h) = settings.inFeaturemapSize
        guard let f = feats.last, f.shape.count == 4, f.shape[2] == h, f.shape[3] == w else {
            throw ModelError("RTMCCHead: in_featuremap_size is (\(w), \(h)), but the backbone's last feature is \(feats.last.map { "\($0.shape[3 ..< min(4, $0.shape.count)].first ?? 0)x\($0.shape[2 ..< min(3, $0.shape.count)].first ?? 0)" } ?? "missing") (W×H); set in_featuremap_size to the feature's (W, H), input_size divided by the backbone's stride")
        }
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        try trainStep(feats, targets: targets, outputLoss: nil)
    }

    /// Gives `outputLoss` the SimCC logits (`simccX` `N × K × Wx`, `simccY` `N × K × Hy`) and the
    /// head's loss gradients with respect to them.
    public func trainStep(_ feats: [Tensor], targets: HeadTargets,
                          outputLoss: HeadOutputLoss?) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        try checkFeatures(feats)
        let k = settings.outChannels
        let rows = tokens(feats.last!, mode: .training)
        let (losses, dRows) = try classifiers.trainStep(rows, keypoints: k, targets: targets, loss: loss, head: "RTMCCHead", outputLoss: outputLoss)
        let dTokens = gau.backward(dRows.reshaped([rows.shape[0] / k, k, settings.hiddenDims]))
        let dMaps = scaleNorm.backward(mlp.backward(dTokens.reshaped([rows.shape[0], settings.hiddenDims])))
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = finalLayer.backward(dMaps.reshaped(mapShape))
        return (losses, grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let (x, y) = classifiers.forward(tokens(feats.last!, mode: .inference), keypoints: settings.outChannels, mode: .inference)
        return HeadOutput(simccX: x.clone(), simccY: y.clone())
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        finalLayer.collectState(prefix: prefix + "final_layer.", into: &state)
        scaleNorm.collectState(prefix: prefix + "mlp.0.", into: &state)
        mlp.collectState(prefix: prefix + "mlp.1.", into: &state)
        gau.collectState(prefix: prefix + "gau.", into: &state)
        classifiers.collectState(prefix: prefix, names: ("cls_x.", "cls_y."), into: &state)
    }
}

/// MMPose's `RTMCCHead(in_channels, out_channels, input_size, in_featuremap_size,
/// simcc_split_ratio, final_layer_kernel_size, gau_cfg, loss, decoder)`.
public struct RTMCCHeadSpec: HeadSpec {
    /// `in_channels`: the backbone's last feature's channels.
    public var inChannels: Int
    /// `out_channels`: K keypoints.
    public var outChannels: Int
    /// `in_featuremap_size`: (W, H) of the feature the head gets.
    public var inFeaturemapSize: (Int, Int)
    /// (Wx, Hy) SimCC bins: `int(input_size · simcc_split_ratio)`.
    public var bins: (Int, Int)
    /// `simcc_split_ratio` (2).
    public var splitRatio = 2.0
    /// `final_layer_kernel_size` (1; RTMPose's configs use 7).
    public var finalLayerKernelSize = 1
    /// `gau_cfg.hidden_dims` (256).
    public var hiddenDims = 256
    /// `gau_cfg.s` (128).
    public var s = 128
    /// `gau_cfg.expansion_factor` (2).
    public var expansionFactor = 2.0
    /// `gau_cfg.act_fn` (ReLU by default; RTMPose's configs use SiLU).
    public var activation = ActivationType.relu
    /// `gau_cfg.use_rel_bias` (false).
    public var useRelativeBias = false
    /// The `loss=` dict, applied to each axis (`KLDiscretLoss(use_target_weight=True)`).
    public var loss: any LossSpec
    /// The `decoder=` codec (SimCCLabel).
    public var decoder: (any KeypointCodec)?

    /// A spec with MMPose's defaults for everything but the sizes, the loss and the decoder.
    public init(inChannels: Int, outChannels: Int, inFeaturemapSize: (Int, Int), bins: (Int, Int),
                loss: any LossSpec = KLDiscretLoss(), decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.outChannels = outChannels; self.inFeaturemapSize = inFeaturemapSize
        self.bins = bins; self.loss = loss; self.decoder = decoder
    }

    /// Checks the sizes.
    /// - Throws: `ModelError` naming the first bad argument.
    public func validate() throws {
        guard finalLayerKernelSize >= 1, finalLayerKernelSize % 2 == 1 else {
            throw ModelError("RTMCCHead: final_layer_kernel_size must be odd and positive (its padding k // 2 keeps the size), got \(finalLayerKernelSize)")
        }
        guard inFeaturemapSize.0 >= 1, inFeaturemapSize.1 >= 1 else { throw ModelError("RTMCCHead: in_featuremap_size must be positive") }
        guard hiddenDims >= 1, s >= 1, Int(Double(hiddenDims) * expansionFactor) >= 1 else {
            throw ModelError("RTMCCHead: gau_cfg's hidden_dims, s and expansion_factor must make positive sizes")
        }
        guard bins.0 >= 1, bins.1 >= 1 else { throw ModelError("RTMCCHead: input_size × simcc_split_ratio gives no bins") }
    }

    /// The head's parameters.
    public var size: ModelSize? {
        let flat = ModelSize.multiply(inFeaturemapSize.0, inFeaturemapSize.1)
        let e = Int(Double(hiddenDims) * expansionFactor)
        let gau = ModelSize(parameters: 4 * s + 1 + hiddenDims + (useRelativeBias ? 2 * outChannels - 1 : 0))
            + ModelSize.linear(e, hiddenDims, bias: false) + ModelSize.linear(hiddenDims, 2 * e + s, bias: false)
        return .conv(inChannels, outChannels, kernel: finalLayerKernelSize, bias: true) + ModelSize(parameters: 1)
            + .linear(flat, hiddenDims, bias: false) + gau + .linear(hiddenDims, bins.0, bias: false) + .linear(hiddenDims, bins.1, bias: false) + loss.size
    }

    /// An `RTMCCHead` with its loss.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   `validate()` or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let head = try RTMCCHead(self, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        return head
    }
}
