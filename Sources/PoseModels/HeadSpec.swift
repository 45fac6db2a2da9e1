import PoseData
import PoseTensor

/// A configured head, decoded from `model.head` by a registered builder (which builds its
/// nested `loss=` and `decoder=` dicts through the same registries).
///
/// `makeHead` gets the channels of the feature maps the head will see (the neck's outputs, or
/// the backbone's), checks its `in_channels` against them (a one-line `ModelError` otherwise)
/// and initialises its weights from `rng`. `decoder` is the codec that turns the head's
/// outputs into keypoints (nil for a head whose outputs need none).
public protocol HeadSpec: Sendable {
    /// The codec that decodes the head's outputs into keypoints (the head's `decoder=`); nil
    /// for a head whose outputs need none.
    var decoder: (any KeypointCodec)? { get }
    /// Builds the head, and its loss, for feature maps with `featureChannels` (the neck's
    /// outputs, or the backbone's), initialising its weights from `rng`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or the head's or its loss's arguments are invalid.
    func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead
    /// The head's parameters and buffers (its loss's too), worked out without building it (see
    /// `BackboneSpec.size`); nil (the default) when unknown.
    var size: ModelSize? { get }
}

extension HeadSpec {
    public var size: ModelSize? { nil }

    /// Throws unless `inChannels` equals the channels of the last feature map, the one heads use.
    public func checkInChannels(_ inChannels: Int, against featureChannels: [Int]) throws {
        guard inChannels == featureChannels.last else {
            throw ModelError("model.head.in_channels is \(inChannels) but the features it gets have \(featureChannels.last ?? 0) channels")
        }
    }
}

/// MMPose's `HeatmapHead` as configured.
public struct HeatmapHeadSpec: HeadSpec {
    /// The head's layers: `in_channels`, `out_channels`, `deconv_*`, `conv_*`, `final_layer`.
    public var settings: HeatmapHeadSettings
    /// The `loss=` dict; `KeypointMSELoss(use_target_weight=True)` by default.
    public var loss: any LossSpec
    /// The `decoder=` codec, a heatmap codec (MSRAHeatmap, UDPHeatmap, …).
    public var decoder: (any KeypointCodec)?

    /// A spec for a heatmap head with these layers, loss and codec.
    /// - Parameters:
    ///   - settings: the layers.
    ///   - loss: the `loss=` dict (MMPose's default `KeypointMSELoss(use_target_weight=True)`).
    ///   - decoder: the `decoder=` codec, or nil.
    public init(_ settings: HeatmapHeadSettings, loss: any LossSpec = KeypointMSELoss(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.settings = settings; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { settings.size + loss.size }

    /// A `HeatmapHead` with its loss.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or `settings.validate()` or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        let head = try HeatmapHead(settings, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        return head
    }
}

/// MMPose's `RegressionHead(in_channels, num_joints, loss, decoder)` (DeepPose).
public struct RegressionHeadSpec: HeadSpec {
    /// Channels of the pooled feature (`in_channels`).
    public var inChannels: Int
    /// Keypoints `K` to regress (`num_joints`).
    public var keypoints: Int
    /// The `loss=` dict; `SmoothL1Loss(use_target_weight=True)` by default.
    public var loss: any LossSpec
    /// The `decoder=` codec (RegressionLabel).
    public var decoder: (any KeypointCodec)?

    /// A spec for a DeepPose regression head.
    /// - Parameters:
    ///   - inChannels: `in_channels`.
    ///   - keypoints: `num_joints`.
    ///   - loss: the `loss=` dict (MMPose's default `SmoothL1Loss(use_target_weight=True)`).
    ///   - decoder: the `decoder=` codec, or nil.
    public init(inChannels: Int, keypoints: Int, loss: any LossSpec = SmoothL1Loss(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { .linear(inChannels, ModelSize.multiply(keypoints, 2)) + loss.size }

    /// A `RegressionHead` with its loss.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let head = RegressionHead(inChannels: inChannels, keypoints: keypoints, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        return head
    }
}

/// MMPose's `RLEHead(in_channels, num_joints, loss=RLELoss, decoder)`.
public struct RLEHeadSpec: HeadSpec {
    /// Channels of the pooled feature (`in_channels`).
    public var inChannels: Int
    /// Keypoints `K` to regress (`num_joints`).
    public var keypoints: Int
    /// The `loss=` dict; `RLELoss(use_target_weight=True)` by default, with its own flow per head.
    public var loss: any LossSpec
    /// The `decoder=` codec (RegressionLabel).
    public var decoder: (any KeypointCodec)?

    /// A spec for an RLE head.
    /// - Parameters:
    ///   - inChannels: `in_channels`.
    ///   - keypoints: `num_joints`.
    ///   - loss: the `loss=` dict (default `RLELoss(use_target_weight=True)`).
    ///   - decoder: the `decoder=` codec, or nil.
    public init(inChannels: Int, keypoints: Int, loss: any LossSpec = RLELossSpec(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { .linear(inChannels, ModelSize.multiply(keypoints, 4)) + loss.size }

    /// An `RLEHead`; its loss (the RLE flow) is initialised after the head's own weights.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        return try RLEHead(inChannels: inChannels, keypoints: keypoints, loss: loss, rng: &rng)
    }
}

/// MMPose's `IntegralRegressionHead` and, with `heatmapLoss`, its `DSNTHead`.
public struct IntegralRegressionHeadSpec: HeadSpec {
    /// The SimpleBaseline part's layers (MMPose's `in_channels`, `out_channels`, `deconv_*`, …).
    public var settings: HeatmapHeadSettings
    /// (W, H) of the feature map the head gets.
    public var inFeaturemapSize: (Int, Int)
    /// The loss on the integrated coordinates (`loss=`; `SmoothL1Loss(use_target_weight=True)`
    /// by default).
    public var loss: any LossSpec
    /// DSNT's loss on the soft heatmaps (JSDiscretLoss); nil for IPR.
    public var heatmapLoss: (any LossSpec)?
    /// DSNT's `lambda_t`: the heatmap loss stops at this 0-based epoch (−1: never).
    public var lambdaT = -1
    /// MMPose's `beta` and `debias` (`IntegralRegressionHead`).
    public var beta: Float = 1
    /// MMPose's `debias`: removes the expectation's pull to the centre (default false).
    public var debias = false
    /// The `decoder=` codec (IntegralRegressionLabel).
    public var decoder: (any KeypointCodec)?

    /// A spec for an IPR head, or a DSNT head when `heatmapLoss` is given; `lambdaT`, `beta` and
    /// `debias` keep MMPose's defaults (−1, 1, false) until set.
    /// - Parameters:
    ///   - settings: the SimpleBaseline part (`in_channels`, `out_channels`, `deconv_*`, …).
    ///   - inFeaturemapSize: `in_featuremap_size`, (W, H) of the feature map the head gets.
    ///   - loss: the coordinate loss (MMPose's default `SmoothL1Loss(use_target_weight=True)`).
    ///   - heatmapLoss: DSNT's loss on the soft heatmaps; nil for IPR.
    ///   - decoder: the `decoder=` codec, or nil.
    public init(_ settings: HeatmapHeadSettings, inFeaturemapSize: (Int, Int), loss: any LossSpec = SmoothL1Loss(useTargetWeight: true),
                heatmapLoss: (any LossSpec)? = nil, decoder: (any KeypointCodec)?) {
        self.settings = settings; self.inFeaturemapSize = inFeaturemapSize; self.loss = loss
        self.heatmapLoss = heatmapLoss; self.decoder = decoder
    }

    /// The heatmap part and the two coordinate grids.
    public var size: ModelSize? {
        let factor = 1 << min(settings.deconvOutChannels.count, 20)
        let grids = ModelSize.add(ModelSize.multiply(inFeaturemapSize.0, factor), ModelSize.multiply(inFeaturemapSize.1, factor))
        return settings.size + ModelSize(parameters: grids) + loss.size + (heatmapLoss?.size ?? .zero)
    }

    /// An `IntegralRegressionHead` (a `DSNTHead` with `heatmapLoss`) with its losses, `lambdaT`,
    /// `beta` and `debias`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or `settings.validate()` or a loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        let head = try IntegralRegressionHead(settings, inFeaturemapSize: inFeaturemapSize, dsnt: heatmapLoss != nil, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        head.heatmapLoss = try heatmapLoss?.makeLoss(rng: &rng)
        head.lambdaT = lambdaT
        (head.beta, head.debias) = (beta, debias)
        return head
    }
}

/// MMPose's `VisPredictHead(pose_cfg, loss=BCELoss(use_target_weight=False, use_sigmoid=True))`:
/// another head plus a keypoint-visibility branch on the same features.
public struct VisPredictHeadSpec: HeadSpec {
    /// The wrapped pose head (`pose_cfg`), which predicts the keypoints.
    public var poseHead: any HeadSpec
    /// Channels of the last feature map, which the visibility branch pools (`in_channels`).
    public var inChannels: Int
    /// Keypoints `K` whose visibility the branch predicts (the pose head's `out_channels`).
    public var keypoints: Int
    /// The visibility loss (`loss=`; `BCELoss(use_target_weight=False, use_sigmoid=True)` by default).
    public var loss: any LossSpec
    /// Whether the branch ends in a Sigmoid, so the loss gets probabilities.
    public var useSigmoid: Bool

    /// A spec for a visibility branch around another head.
    /// - Parameters:
    ///   - poseHead: the wrapped head's spec (`pose_cfg`).
    ///   - inChannels: channels of the last feature map.
    ///   - keypoints: the keypoint count `K`.
    ///   - loss: the visibility loss (MMPose's default `BCELoss(use_target_weight=False, use_sigmoid=True)`).
    ///   - useSigmoid: whether the branch ends in a Sigmoid (default true, matching the loss).
    public init(poseHead: any HeadSpec, inChannels: Int, keypoints: Int,
                loss: any LossSpec = BCELoss(useTargetWeight: false, useSigmoid: true), useSigmoid: Bool = true) {
        self.poseHead = poseHead; self.inChannels = inChannels; self.keypoints = keypoints
        self.loss = loss; self.useSigmoid = useSigmoid
    }

    /// The wrapped pose head's decoder: visibility needs no decoding.
    public var decoder: (any KeypointCodec)? { poseHead.decoder }

    public var size: ModelSize? { poseHead.size.map { $0 + .linear(inChannels, keypoints) + loss.size } }

    /// The wrapped head (built first, so its weights come first from `rng`) inside a
    /// `VisPredictHead`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels,
    ///   or the wrapped head or the loss refuses its arguments.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let inner = try poseHead.makeHead(featureChannels: featureChannels, rng: &rng)
        return VisPredictHead(poseHead: inner, inChannels: inChannels, keypoints: keypoints, loss: try loss.makeLoss(rng: &rng),
                              useSigmoid: useSigmoid, rng: &rng)
    }
}
