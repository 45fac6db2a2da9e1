import PoseData
import PoseNN
import PoseTensor

/// MMPose's `SimCCHead`: a SimpleBaseline part (`deconv_head`, MMPose's HeatmapHead with its
/// deconvolutions and final layer; or only a `final_layer` 1×1 convolution when
/// `deconv_out_channels=None`) to `N × K × h × w` maps, flattened to `N × K × hw`, then two linear
/// layers `mlp_head_x` (hw → Wx) and `mlp_head_y` (hw → Hy) to the SimCC logits, Wx and Hy being
/// the input size times `simcc_split_ratio`. The loss (KLDiscretLoss) is the sum over both axes.
public final class SimCCHead: PoseHead {
    /// Keypoints `K`: the map part's `out_channels` (its last deconvolution's channels, or
    /// `in_channels`, without a final layer).
    public let keypoints: Int
    let maps: HeatmapHead
    /// Whether `maps` is MMPose's `deconv_head` (with deconvolutions) or just its final layer.
    let hasDeconvolutions: Bool
    let classifiers: SimCCClassifiers
    /// The loss on each axis's `N × K × bins` logits, summed over x and y (MMPose's default:
    /// KLDiscretLoss).
    public var loss: any PoseLoss = KLDiscretLoss()
    /// Bins per input pixel (`simcc_split_ratio`, 2 until set), for `acc_pose`.
    public var splitRatio: Double {
        get { classifiers.splitRatio }
        set { classifiers.splitRatio = newValue }
    }
    private var mapShape: [Int] = []

    /// Builds the map part (initialised as `HeatmapHead`) and the two linear layers
    /// (weights ~ N(0, 0.01²), bias 0).
    /// - Parameters:
    ///   - settings: the map part; `finalLayerKernelSize` nil means no final layer.
    ///   - inFeaturemapSize: (W, H) of the backbone feature; maps are `2^deconvolutions` times larger.
    ///   - bins: (Wx, Hy) SimCC bins.
    /// - Throws: `ModelError` when `settings.validate()` refuses the map part.
    public init(_ settings: HeatmapHeadSettings, inFeaturemapSize: (Int, Int), bins: (Int, Int), rng: inout RandomGenerator) throws {
        maps = try HeatmapHead(settings, rng: &rng)
        hasDeconvolutions = !settings.deconvOutChannels.isEmpty
        keypoints = settings.finalLayerKernelSize != nil ? settings.outChannels : (settings.deconvOutChannels.last ?? settings.inChannels)
        let factor = 1 << settings.deconvOutChannels.count
        let flat = inFeaturemapSize.0 * factor * inFeaturemapSize.1 * factor
        classifiers = SimCCClassifiers(features: flat, bins: bins, splitRatio: 2, bias: true)
        // SimCCHead's init_cfg: Normal(std=0.01, bias=0) for the linear layers
        WeightInit.normal(classifiers.x.weight, bias: classifiers.x.bias, std: 0.01, rng: &rng)
        WeightInit.normal(classifiers.y.weight, bias: classifiers.y.bias, std: 0.01, rng: &rng)
    }

    /// The maps' rows, `N·K × h·w` (K maps of the feature `N × C × H × W`).
    func rows(_ feature: Tensor, mode: ForwardMode) -> Tensor {
        let m = maps.forward(feature, mode: mode)
        mapShape = m.shape
        let (n, k, hw) = (m.shape[0], m.shape[1], m.shape[2] * m.shape[3])
        precondition(hw == classifiers.x.inFeatures, "SimCCHead: maps of \(m.shape[3])x\(m.shape[2]) but in_featuremap_size gives \(classifiers.x.inFeatures) pixels")
        return m.reshaped([n * k, hw])
    }

    public var hasFixedFeatureSize: Bool { true }

    public func checkFeatures(_ feats: [Tensor]) throws {
        let factor = 1 << maps.settings.deconvOutChannels.count
        guard let f = feats.last, f.shape.count == 4, f.shape[2] * f.shape[3] * factor * factor == classifiers.x.inFeatures else {
            throw ModelError("SimCCHead: in_featuremap_size gives \(classifiers.x.inFeatures / (factor * factor)) feature pixels, but the backbone's last feature is \(feats.last?.shape.dropFirst(2).map(String.init).joined(separator: "x") ?? "missing"); set in_featuremap_size to the feature's (W, H), input_size divided by the backbone's stride")
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
        let r = rows(feats.last!, mode: .training)
        let (losses, dRows) = try classifiers.trainStep(r, keypoints: mapShape[1], targets: targets, loss: loss, head: "SimCCHead", outputLoss: outputLoss)
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = maps.backward(dRows.reshaped(mapShape))
        return (losses, grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let (x, y) = classifiers.forward(rows(feats.last!, mode: .inference), keypoints: mapShape[1], mode: .inference)
        return HeadOutput(simccX: x.clone(), simccY: y.clone())
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        if hasDeconvolutions {
            maps.collectState(prefix: prefix + "deconv_head.", into: &state)
        } else {
            maps.collectState(prefix: prefix, into: &state)
        }
        classifiers.collectState(prefix: prefix, names: ("mlp_head_x.", "mlp_head_y."), into: &state)
    }
}

/// MMPose's `SimCCHead(in_channels, out_channels, input_size, in_featuremap_size, simcc_split_ratio,
/// deconv_out_channels, deconv_kernel_sizes, final_layer, loss, decoder)`.
public struct SimCCHeadSpec: HeadSpec {
    /// The map part (`in_channels`, `out_channels`, `deconv_*`, `final_layer`).
    public var settings: HeatmapHeadSettings
    /// `in_featuremap_size`: (W, H) of the feature map the head gets.
    public var inFeaturemapSize: (Int, Int)
    /// (Wx, Hy) SimCC bins: the `input_size` times `simcc_split_ratio`.
    public var bins: (Int, Int)
    /// `simcc_split_ratio`.
    public var splitRatio = 2.0
    /// The `loss=` dict, applied to each axis (`KLDiscretLoss()` by default).
    public var loss: any LossSpec
    /// The `decoder=` codec (SimCCLabel).
    public var decoder: (any KeypointCodec)?

    /// A spec for a SimCC head; `splitRatio` stays 2 until set.
    /// - Parameters:
    ///   - settings: the map part.
    ///   - inFeaturemapSize: `in_featuremap_size`, (W, H).
    ///   - bins: (Wx, Hy) SimCC bins.
    ///   - loss: the `loss=` dict (default `KLDiscretLoss()`).
    ///   - decoder: the `decoder=` codec, or nil.
    public init(_ settings: HeatmapHeadSettings, inFeaturemapSize: (Int, Int), bins: (Int, Int),
                loss: any LossSpec = KLDiscretLoss(), decoder: (any KeypointCodec)?) {
        self.settings = settings; self.inFeaturemapSize = inFeaturemapSize; self.bins = bins; self.loss = loss; self.decoder = decoder
    }

    /// The map part and the two classifiers over the flattened maps.
    public var size: ModelSize? {
        let factor = 1 << min(settings.deconvOutChannels.count, 20)
        let flat = ModelSize.multiply(ModelSize.multiply(inFeaturemapSize.0, factor), ModelSize.multiply(inFeaturemapSize.1, factor))
        return settings.size + .linear(flat, bins.0) + .linear(flat, bins.1) + loss.size
    }

    /// A `SimCCHead` with its loss and `splitRatio`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or `settings.validate()` or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        let head = try SimCCHead(settings, inFeaturemapSize: inFeaturemapSize, bins: bins, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        head.splitRatio = splitRatio
        return head
    }
}
