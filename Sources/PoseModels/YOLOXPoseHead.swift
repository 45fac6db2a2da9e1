import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `YOLOXPoseHead` (YOLOX-Pose, one-stage bottom-up): on each level's map
/// (`N × C × H × W`, C = `in_channels · widen_factor`) three branches of 3×3 `ConvModule`s
/// (`head_module.conv_cls[i]`, `conv_reg[i]`: `stacked_convs` each; `conv_pose[i]`: twice as
/// many) feed 1×1 outputs: `out_cls[i]` (`num_classes`), `out_obj[i]` (1) and `out_bbox[i]`
/// (4) from the regression branch, `out_kpt[i]` (2K) and `out_kpt_vis[i]` (K) from the pose branch.
///
/// Inference (`predictPersons`) as MMPose's `predict`: a grid point's score is
/// `σ(cls) · σ(obj)`; points above `score_thr` are ranked (at most `nms_pre`) and their boxes
/// (`xy · stride + point`, `e^wh · stride`) suppressed at `nms_thr`; keypoint j is
/// `offset_j · stride + point`, its score `σ(vis_j)`; boxes are clipped to the input.
public final class YOLOXPoseHead: BottomupHead {
    /// `num_keypoints` (K).
    public let keypoints: Int
    /// `featmap_strides`.
    public let strides: [Int]
    /// `prior_generator`.
    public let priors: PriorGenerator
    /// `test_cfg`: `score_thr`, `nms_thr`, `nms_pre`.
    public var scoreThreshold: Float = 0.01, nmsThreshold: Float = 1, nmsPre = 100_000
    private let classBranches, regressionBranches, poseBranches: [Sequential]
    private let classOutputs, objectnessOutputs, boxOutputs, keypointOutputs, visibilityOutputs: [Conv2d]
    private let inChannels: Int
    /// MMPose's `loss_oks.sigmas` buffer, when the config names a metainfo.
    var oksLossSigmas: Tensor?

    init(_ spec: YOLOXPoseHeadSpec, rng: inout RandomGenerator) throws {
        try spec.validate()
        keypoints = spec.keypoints
        strides = spec.strides
        priors = spec.priors
        let cin = Int(Double(spec.inChannels) * spec.widenFactor), feat = Int(Double(spec.featChannels) * spec.widenFactor)
        inChannels = cin
        var modules = ConvModuleBuilder(norm: spec.norm, activation: spec.activation)
        func branch(_ count: Int) -> [Sequential] {
            spec.strides.map { _ in
                Sequential((0..<count).map { i in (String(i), modules.convModule(i == 0 ? cin : feat, feat, kernel: 3, padding: 1) as Layer) })
            }
        }
        classBranches = branch(spec.stackedConvs)
        regressionBranches = branch(spec.stackedConvs)
        poseBranches = branch(2 * spec.stackedConvs)
        func outputs(_ cout: Int) -> [Conv2d] { spec.strides.map { _ in Conv2d(feat, cout, kernel: 1, bias: true) } }
        classOutputs = outputs(spec.classes)
        objectnessOutputs = outputs(1)
        boxOutputs = outputs(4)
        keypointOutputs = outputs(2 * spec.keypoints)
        visibilityOutputs = outputs(spec.keypoints)
        // the model's init_cfg (Kaiming-uniform, a = √5, zero biases), then the prior
        // probability 0.01 of the class and objectness outputs (bias_init_with_prob)
        for conv in modules.convs + classOutputs + objectnessOutputs + boxOutputs + keypointOutputs + visibilityOutputs {
            WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng)
        }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
        let prior = Float(-log((1 - 0.01) / 0.01))
        for conv in classOutputs + objectnessOutputs { conv.bias?.value.data.update(repeating: prior, count: conv.bias!.value.count) }
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        throw ModelError("YOLOXPoseHead cannot train yet: SimOTA assignment and its BCE, IoU, OKS and L1 losses are not written; use it for pose-test and pose-infer")
    }

    /// One level's raw outputs (before any sigmoid), each `N × c × H × W`.
    private func levelOutputs(_ x: Tensor, level i: Int) -> (cls: Tensor, obj: Tensor, box: Tensor, kpt: Tensor, vis: Tensor) {
        let clsFeature = classBranches[i].forward(x, mode: .inference)
        let regFeature = regressionBranches[i].forward(x, mode: .inference)
        let poseFeature = poseBranches[i].forward(x, mode: .inference)
        return (classOutputs[i].forward(clsFeature, mode: .inference), objectnessOutputs[i].forward(regFeature, mode: .inference),
                boxOutputs[i].forward(regFeature, mode: .inference), keypointOutputs[i].forward(poseFeature, mode: .inference),
                visibilityOutputs[i].forward(poseFeature, mode: .inference))
    }

    /// `.heatmaps`: the first level's person scores `σ(cls) · σ(obj)`, `N × classes × H × W`.
    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let out = levelOutputs(ChannelBlocking.planar(feats[0]), level: 0)
        let scores = out.cls.clone(), plane = out.cls.shape[2] * out.cls.shape[3], c = out.cls.shape[1]
        for i in 0..<scores.count {
            let objectness = out.obj.data[(i / (c * plane)) * plane + i % plane]
            scores.data[i] = 1 / (1 + expf(-scores.data[i])) / (1 + expf(-objectness))
        }
        return HeadOutput(heatmaps: scores)
    }

    public func checkFeatures(_ feats: [Tensor]) throws {
        guard feats.count == strides.count else {
            throw ModelError("YOLOXPoseHead has \(strides.count) featmap_strides but gets \(feats.count) feature maps")
        }
        for f in feats where f.shape[1] != inChannels {
            throw ModelError("YOLOXPoseHead: in_channels · widen_factor is \(inChannels) but a feature map has \(f.shape[1]) channels")
        }
    }

    public func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]] {
        if flipped != nil { throw ModelError("YOLOXPoseHead has no flip test (MMPose's neither); set test_cfg.flip_test=False") }
        try checkFeatures(feats)
        let outputs = feats.enumerated().map { levelOutputs(ChannelBlocking.planar($1), level: $0) }
        let n = feats[0].shape[0], k = keypoints
        var people: [[DecodedPerson]] = []
        for b in 0..<n {
            let candidates = OneStageDecoding.candidates(image: b, boxes: outputs.map(\.box), priors: priors, threshold: scoreThreshold) { level, p in
                let out = outputs[level], c = out.cls.shape[1], hw = out.cls.shape[2] * out.cls.shape[3]
                let objectness = OneStageDecoding.sigmoid(out.obj.data[b * hw + p])
                return (0..<c).map { OneStageDecoding.sigmoid(out.cls.data[(b * c + $0) * hw + p]) * objectness }.max() ?? 0
            }
            people.append(OneStageDecoding.select(candidates, nmsPre: nmsPre, nmsThreshold: nmsThreshold).map { cand in
                let out = outputs[cand.level], hw = out.kpt.shape[2] * out.kpt.shape[3], stride = Float(strides[cand.level])
                var points = [Double](repeating: 0, count: 2 * k)
                for j in 0..<k {
                    points[2 * j] = Double(out.kpt.data[(b * 2 * k + 2 * j) * hw + cand.index] * stride + cand.grid.0)
                    points[2 * j + 1] = Double(out.kpt.data[(b * 2 * k + 2 * j + 1) * hw + cand.index] * stride + cand.grid.1)
                }
                let scores = (0..<k).map { j in Double(OneStageDecoding.sigmoid(out.vis.data[(b * k + j) * hw + cand.index])) }
                var person = DecodedPerson(keypoints: points, scores: scores, score: Double(cand.score))
                person.box = OneStageDecoding.clipped(cand.box, inputSize: context.inputSize)
                return person
            })
        }
        return people
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        let module = prefix + "head_module."
        for (name, layers) in [("conv_cls", classBranches), ("conv_reg", regressionBranches), ("conv_pose", poseBranches)] {
            for (i, s) in layers.enumerated() { s.collectState(prefix: module + "\(name).\(i).", into: &state) }
        }
        for (name, convs) in [("out_cls", classOutputs), ("out_bbox", boxOutputs), ("out_obj", objectnessOutputs),
                              ("out_kpt", keypointOutputs), ("out_kpt_vis", visibilityOutputs)] {
            for (i, c) in convs.enumerated() { c.collectState(prefix: module + "\(name).\(i).", into: &state) }
        }
        if let oksLossSigmas { state.buffers.append((prefix + "loss_oks.sigmas", oksLossSigmas)) }
    }
}

/// MMPose's `YOLOXPoseHead(num_keypoints, head_module_cfg, featmap_strides, num_classes,
/// prior_generator, …)` as configured, with the `test_cfg` values its `predict` reads.
public struct YOLOXPoseHeadSpec: HeadSpec {
    /// `num_keypoints`.
    public var keypoints: Int
    /// `featmap_strides` ((8, 16, 32)).
    public var strides = [8, 16, 32]
    /// `prior_generator` (YOLOX-Pose's: offset 0).
    public var priors: PriorGenerator
    /// `head_module_cfg`: `num_classes` (1), `in_channels`, `feat_channels` (256), `stacked_convs` (2).
    public var classes = 1, inChannels: Int, featChannels = 256, stackedConvs = 2
    /// `head_module_cfg.widen_factor` (1).
    public var widenFactor = 1.0
    /// `head_module_cfg.norm_cfg` (mmdet's BN: momentum 0.03, eps 0.001).
    public var norm = BatchNormSettings(eps: 0.001, momentum: 0.03)
    /// `head_module_cfg.act_cfg` (SiLU).
    public var activation = ActivationType.silu
    /// The OKS loss's keypoint sigmas (`loss_oks.metainfo`'s), kept as MMPose's `loss_oks.sigmas` buffer.
    public var oksLossSigmas: [Float]?
    /// `test_cfg.score_thr` (0.01), `nms_thr` (1: none), `nms_pre` (100000).
    public var scoreThreshold = 0.01, nmsThreshold = 1.0, nmsPre = 100_000

    /// A spec with MMPose's defaults but for the keypoints and input channels.
    public init(keypoints: Int, inChannels: Int) {
        self.keypoints = keypoints; self.inChannels = inChannels
        priors = PriorGenerator(strides: strides)
    }

    /// YOLOX-Pose decodes in its head: no codec.
    public var decoder: (any KeypointCodec)? { nil }

    /// Checks the sizes.
    /// - Throws: `ModelError` naming the first bad one.
    public func validate() throws {
        guard keypoints >= 1, classes >= 1, !strides.isEmpty, strides.allSatisfy({ $0 >= 1 }), stackedConvs >= 1 else {
            throw ModelError("YOLOXPoseHead: num_keypoints, num_classes, stacked_convs and featmap_strides must be positive")
        }
        guard Int(Double(inChannels) * widenFactor) >= 1, Int(Double(featChannels) * widenFactor) >= 1 else {
            throw ModelError("YOLOXPoseHead: in_channels and feat_channels times widen_factor must be positive")
        }
        guard priors.strides == strides else { throw ModelError("YOLOXPoseHead: prior_generator.strides \(priors.strides) must equal featmap_strides \(strides)") }
    }

    /// A `YOLOXPoseHead`.
    /// - Throws: `ModelError` when the sizes are refused or the features' channels do not fit.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        let cin = Int(Double(inChannels) * widenFactor)
        guard featureChannels.count == strides.count, featureChannels.allSatisfy({ $0 == cin }) else {
            throw ModelError("YOLOXPoseHead: \(strides.count) featmap_strides and in_channels · widen_factor = \(cin) need \(strides.count) maps of \(cin) channels; the neck gives \(featureChannels)")
        }
        let head = try YOLOXPoseHead(self, rng: &rng)
        (head.scoreThreshold, head.nmsThreshold, head.nmsPre) = (Float(scoreThreshold), Float(nmsThreshold), nmsPre)
        head.oksLossSigmas = oksLossSigmas.map { Tensor($0, shape: [$0.count]) }
        return head
    }
}
