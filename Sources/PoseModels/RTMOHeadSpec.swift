import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RTMOHead(num_keypoints, head_module_cfg, featmap_strides, num_classes,
/// bbox_padding, dcc_cfg, …)` as configured, with the `test_cfg` values its `predict` reads.
public struct RTMOHeadSpec: HeadSpec {
    /// RTMO's `dcc_cfg` (`DCC` with its `gau_cfg`).
    public struct DCC: Sendable, Equatable {
        /// `in_channels` (the pose vectors' channels), `feat_channels`.
        public var inChannels: Int, featureChannels: Int
        /// `num_bins` (x, y).
        public var bins: (Int, Int)
        /// `spe_channels` (128), `spe_temperature` (300).
        public var spatialEncodingChannels = 128, temperature = 300.0
        /// `gau_cfg.s` (128), `gau_cfg.expansion_factor` (2), `gau_cfg.act_fn` (SiLU).
        public var s = 128, expansionFactor = 2.0, activation = ActivationType.silu

        /// A DCC with MMPose's defaults but for the sizes given.
        public init(inChannels: Int, featureChannels: Int, bins: (Int, Int)) {
            self.inChannels = inChannels; self.featureChannels = featureChannels; self.bins = bins
        }

        public static func == (a: DCC, b: DCC) -> Bool {
            a.inChannels == b.inChannels && a.featureChannels == b.featureChannels && a.bins == b.bins
                && a.spatialEncodingChannels == b.spatialEncodingChannels && a.temperature == b.temperature && a.s == b.s
                && a.expansionFactor == b.expansionFactor && a.activation == b.activation
        }
    }

    /// `num_keypoints`.
    public var keypoints: Int
    /// `featmap_strides` ((16, 32)).
    public var strides = [16, 32]
    /// `head_module_cfg`: `num_classes` (1), `in_channels`, `cls_feat_channels` (256),
    /// `stacked_convs` (2), `num_groups` (8), `channels_per_group` (36), `pose_vec_channels`
    /// (−1: the pose branch's features), `widen_factor` (1).
    public var classes = 1, inChannels: Int, clsFeatChannels = 256, stackedConvs = 2, groups = 8, channelsPerGroup = 36
    /// `pose_vec_channels`.
    public var poseVectorChannels = -1
    /// `widen_factor`.
    public var widenFactor = 1.0
    /// `head_module_cfg.norm_cfg` (mmdet's BN: momentum 0.03, eps 0.001) and `act_cfg` (SiLU).
    public var norm = BatchNormSettings(eps: 0.001, momentum: 0.03)
    /// `head_module_cfg.act_cfg`.
    public var activation = ActivationType.silu
    /// `bbox_padding` (1.25).
    public var bboxPadding = 1.25
    /// `prior_generator` (RTMO's: `MlvlPointGenerator` with `centralize_points`).
    public var priors: PriorGenerator
    /// `dcc_cfg`.
    public var dcc: DCC
    /// The OKS loss's per-keypoint sigmas (`loss_oks.metainfo`'s), kept as MMPose's buffer
    /// `loss_oks.sigmas` so checkpoints load; nil without a metainfo.
    public var oksLossSigmas: [Float]?
    /// `test_cfg.score_thr` (0.01), `nms_thr` (1: none), `nms_pre` (100000).
    public var scoreThreshold = 0.01, nmsThreshold = 1.0, nmsPre = 100_000

    /// A spec with MMPose's defaults but for the sizes given.
    public init(keypoints: Int, inChannels: Int, dcc: DCC) {
        self.keypoints = keypoints; self.inChannels = inChannels; self.dcc = dcc
        priors = PriorGenerator(strides: strides)
        priors.centralizePoints = true
    }

    /// RTMO decodes in its head: no codec.
    public var decoder: (any KeypointCodec)? { nil }

    /// Checks the sizes.
    /// - Throws: `ModelError` naming the first bad one.
    public func validate() throws {
        guard keypoints >= 1, classes >= 1, !strides.isEmpty, strides.allSatisfy({ $0 >= 1 }) else {
            throw ModelError("RTMOHead: num_keypoints, num_classes and featmap_strides must be positive")
        }
        guard priors.strides == strides else { throw ModelError("RTMOHead: prior_generator.strides \(priors.strides) must equal featmap_strides \(strides)") }
        let poseChannels = groups * Int(widenFactor * Double(channelsPerGroup))
        guard Int(Double(inChannels) * widenFactor) >= 1, Int(Double(clsFeatChannels) * widenFactor) >= 1, groups >= 1, poseChannels >= groups,
              stackedConvs >= 1 else {
            throw ModelError("RTMOHead: head_module_cfg's channels times widen_factor must be positive, and stacked_convs at least 1")
        }
        guard dcc.featureChannels >= 1, dcc.bins.0 >= 2, dcc.bins.1 >= 2, dcc.spatialEncodingChannels >= 2, dcc.spatialEncodingChannels % 2 == 0,
              dcc.s >= 1, Int(Double(dcc.featureChannels) * dcc.expansionFactor) >= 1 else {
            throw ModelError("RTMOHead: dcc_cfg needs positive feat_channels and s, at least 2 bins per axis and an even spe_channels")
        }
    }

    /// An `RTMOHead`.
    /// - Throws: `ModelError` when the sizes are refused or the features' channels do not fit.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        let half = Int(Double(inChannels) * widenFactor)
        guard featureChannels.count == strides.count, featureChannels.allSatisfy({ $0 == 2 * half }) else {
            throw ModelError("RTMOHead: \(strides.count) featmap_strides and in_channels · widen_factor = \(half) need \(strides.count) maps of \(2 * half) channels; the neck gives \(featureChannels)")
        }
        let head = try RTMOHead(self, rng: &rng)
        (head.scoreThreshold, head.nmsThreshold, head.nmsPre) = (Float(scoreThreshold), Float(nmsThreshold), nmsPre)
        head.oksLossSigmas = oksLossSigmas.map { Tensor($0, shape: [$0.count]) }
        return head
    }
}
