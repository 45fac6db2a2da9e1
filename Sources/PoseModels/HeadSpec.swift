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
    var decoder: (any KeypointCodec)? { get }
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
    public var settings: HeatmapHeadSettings
    public var loss: any LossSpec
    public var decoder: (any KeypointCodec)?

    public init(_ settings: HeatmapHeadSettings, loss: any LossSpec = KeypointMSELoss(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.settings = settings; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { settings.size + loss.size }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        let head = try HeatmapHead(settings, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        return head
    }
}

/// MMPose's `RegressionHead(in_channels, num_joints, loss, decoder)` (DeepPose).
public struct RegressionHeadSpec: HeadSpec {
    public var inChannels: Int
    public var keypoints: Int
    public var loss: any LossSpec
    public var decoder: (any KeypointCodec)?

    public init(inChannels: Int, keypoints: Int, loss: any LossSpec = SmoothL1Loss(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { .linear(inChannels, ModelSize.multiply(keypoints, 2)) + loss.size }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let head = RegressionHead(inChannels: inChannels, keypoints: keypoints, rng: &rng)
        head.loss = try loss.makeLoss(rng: &rng)
        return head
    }
}

/// MMPose's `RLEHead(in_channels, num_joints, loss=RLELoss, decoder)`.
public struct RLEHeadSpec: HeadSpec {
    public var inChannels: Int
    public var keypoints: Int
    public var loss: any LossSpec
    public var decoder: (any KeypointCodec)?

    public init(inChannels: Int, keypoints: Int, loss: any LossSpec = RLELossSpec(useTargetWeight: true),
                decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.loss = loss; self.decoder = decoder
    }

    public var size: ModelSize? { .linear(inChannels, ModelSize.multiply(keypoints, 4)) + loss.size }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        return try RLEHead(inChannels: inChannels, keypoints: keypoints, loss: loss, rng: &rng)
    }
}

/// MMPose's `IntegralRegressionHead` and, with `heatmapLoss`, its `DSNTHead`.
public struct IntegralRegressionHeadSpec: HeadSpec {
    public var settings: HeatmapHeadSettings
    /// (W, H) of the feature map the head gets.
    public var inFeaturemapSize: (Int, Int)
    public var loss: any LossSpec
    /// DSNT's loss on the soft heatmaps (JSDiscretLoss); nil for IPR.
    public var heatmapLoss: (any LossSpec)?
    /// DSNT's `lambda_t`: the heatmap loss stops at this 0-based epoch (−1: never).
    public var lambdaT = -1
    /// MMPose's `beta` and `debias` (`IntegralRegressionHead`).
    public var beta: Float = 1
    public var debias = false
    public var decoder: (any KeypointCodec)?

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
    public var poseHead: any HeadSpec
    public var inChannels: Int
    public var keypoints: Int
    public var loss: any LossSpec
    /// Whether the branch ends in a Sigmoid, so the loss gets probabilities.
    public var useSigmoid: Bool

    public init(poseHead: any HeadSpec, inChannels: Int, keypoints: Int,
                loss: any LossSpec = BCELoss(useTargetWeight: false, useSigmoid: true), useSigmoid: Bool = true) {
        self.poseHead = poseHead; self.inChannels = inChannels; self.keypoints = keypoints
        self.loss = loss; self.useSigmoid = useSigmoid
    }

    public var decoder: (any KeypointCodec)? { poseHead.decoder }

    public var size: ModelSize? { poseHead.size.map { $0 + .linear(inChannels, keypoints) + loss.size } }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let inner = try poseHead.makeHead(featureChannels: featureChannels, rng: &rng)
        return VisPredictHead(poseHead: inner, inChannels: inChannels, keypoints: keypoints, loss: try loss.makeLoss(rng: &rng),
                              useSigmoid: useSigmoid, rng: &rng)
    }
}
