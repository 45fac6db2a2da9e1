import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RTMOHead` (RTMO, one-stage bottom-up): on each level's map, a classification
/// branch scores every grid point as a person's centre and a pose branch predicts its box,
/// keypoint visibilities and a pose vector, which the `DynamicCoordinateClassifier` (`dcc`)
/// turns into keypoints.
///
/// Each level's map (`N × 2C × H × W`, C = `in_channels · widen_factor`) is split in two
/// halves: the first through `head_module.conv_cls[i]` (`stacked_convs` 3×3 `ConvModule`s) and
/// `out_cls[i]` (1×1, `num_classes`), the second through `conv_pose[i]` (2·`stacked_convs`
/// 3×3 `ConvModule`s, all but the first grouped in `num_groups`) and the 1×1 `out_bbox[i]`
/// (4), `out_kpt_reg[i]` (2K, used by training), `out_kpt_vis[i]` (K) and `out_pose[i]`
/// (`pose_vec_channels`).
///
/// Inference (`predictPersons`) follows MMPose's `predict`: grid points from `prior_generator`
/// (RTMO's: `(x · stride + (stride − 1) / 2, …)`), boxes `(xy · stride + point, e^wh · stride)`, points
/// scoring above `score_thr` ranked (at most `nms_pre`), box NMS at `nms_thr`, each kept box
/// padded by `bbox_padding` for the DCC, boxes then clipped to the input.
public final class RTMOHead: BottomupHead {
    /// `num_keypoints` (K).
    public let keypoints: Int
    /// `featmap_strides`.
    public let strides: [Int]
    /// `test_cfg`: `score_thr`, `nms_thr`, `nms_pre`.
    public var scoreThreshold: Float = 0.01, nmsThreshold: Float = 1, nmsPre = 100_000
    /// `bbox_padding` (1.25).
    public let bboxPadding: Float
    /// `prior_generator`.
    public let priors: PriorGenerator
    private let classBranches, poseBranches: [Sequential]
    private let classOutputs, boxOutputs, offsetOutputs, visibilityOutputs: [Conv2d]
    private let poseOutputs: [Conv2d]?
    private let halfChannels: Int
    let dcc: DynamicCoordinateClassifier
    /// MMPose's `loss_oks.sigmas` buffer (the OKS loss's keypoint sigmas), when the config names a metainfo.
    var oksLossSigmas: Tensor?

    init(_ spec: RTMOHeadSpec, rng: inout RandomGenerator) throws {
        try spec.validate()
        keypoints = spec.keypoints
        strides = spec.strides
        bboxPadding = Float(spec.bboxPadding)
        priors = spec.priors
        let w = spec.widenFactor
        let cin = Int(Double(spec.inChannels) * w), clsChannels = Int(Double(spec.clsFeatChannels) * w)
        let poseChannels = spec.groups * Int(w * Double(spec.channelsPerGroup))
        halfChannels = cin
        var modules = ConvModuleBuilder(norm: spec.norm, activation: spec.activation)
        var cls: [Sequential] = [], pose: [Sequential] = []
        for _ in spec.strides {
            cls.append(Sequential((0..<spec.stackedConvs).map { i in
                (String(i), modules.convModule(i == 0 ? cin : clsChannels, clsChannels, kernel: 3, padding: 1) as Layer)
            }))
            pose.append(Sequential((0..<(2 * spec.stackedConvs)).map { i in
                (String(i), modules.convModule(i == 0 ? cin : poseChannels, poseChannels, kernel: 3, padding: 1, groups: i == 0 ? 1 : spec.groups) as Layer)
            }))
        }
        (classBranches, poseBranches) = (cls, pose)
        func outputs(_ cin: Int, _ cout: Int) -> [Conv2d] { spec.strides.map { _ in Conv2d(cin, cout, kernel: 1, bias: true) } }
        classOutputs = outputs(clsChannels, spec.classes)
        boxOutputs = outputs(poseChannels, 4)
        offsetOutputs = outputs(poseChannels, 2 * spec.keypoints)
        visibilityOutputs = outputs(poseChannels, spec.keypoints)
        poseOutputs = spec.poseVectorChannels > 0 ? outputs(poseChannels, spec.poseVectorChannels) : nil
        // the model's init_cfg: Kaiming-uniform (a = √5) convolutions, zero biases; then the
        // classifier's prior probability 0.01 (bias_init_with_prob)
        for conv in modules.convs + classOutputs + boxOutputs + offsetOutputs + visibilityOutputs + (poseOutputs ?? []) {
            WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng)
        }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
        let prior = Float(-log((1 - 0.01) / 0.01))
        for conv in classOutputs { conv.bias?.value.data.update(repeating: prior, count: spec.classes) }
        let vectorChannels = spec.poseVectorChannels > 0 ? spec.poseVectorChannels : poseChannels
        guard spec.dcc.inChannels == vectorChannels else {
            throw ModelError("RTMOHead: dcc_cfg.in_channels is \(spec.dcc.inChannels) but the pose vectors have \(vectorChannels) channels (pose_vec_channels)")
        }
        dcc = DynamicCoordinateClassifier(inChannels: spec.dcc.inChannels, keypoints: spec.keypoints, featureChannels: spec.dcc.featureChannels,
                                          bins: spec.dcc.bins, spatialEncodingChannels: spec.dcc.spatialEncodingChannels,
                                          temperature: spec.dcc.temperature, s: spec.dcc.s, expansionFactor: spec.dcc.expansionFactor,
                                          activation: spec.dcc.activation, rng: &rng)
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        throw ModelError("RTMOHead cannot train yet: SimOTA assignment and its VariFocal, IoU, OKS, BCE and MLECC losses are not written; use it for pose-test and pose-infer")
    }

    /// The raw outputs of one level: class scores, boxes, visibilities, pose vectors (each
    /// `N × c × H × W`, before any sigmoid).
    private func levelOutputs(_ x: Tensor, level i: Int) -> (cls: Tensor, box: Tensor, visibility: Tensor, pose: Tensor) {
        precondition(x.shape[1] == 2 * halfChannels, "RTMOHead expects maps of \(2 * halfChannels) channels, got \(x.shape)")
        let clsFeature = classBranches[i].forward(x.channels(0..<halfChannels), mode: .inference)
        let poseFeature = poseBranches[i].forward(x.channels(halfChannels..<(2 * halfChannels)), mode: .inference)
        return (classOutputs[i].forward(clsFeature, mode: .inference), boxOutputs[i].forward(poseFeature, mode: .inference),
                visibilityOutputs[i].forward(poseFeature, mode: .inference), poseOutputs?[i].forward(poseFeature, mode: .inference) ?? poseFeature)
    }

    /// `.heatmaps`: the first level's person scores after the sigmoid, `N × classes × H × W`.
    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let cls = levelOutputs(ChannelBlocking.planar(feats[0]), level: 0).cls.clone()
        ElementwiseKernels.sigmoid(cls.data, cls.data, count: cls.count)
        return HeadOutput(heatmaps: cls)
    }

    public var hasFixedFeatureSize: Bool { false }

    public func checkFeatures(_ feats: [Tensor]) throws {
        guard feats.count == strides.count else {
            throw ModelError("RTMOHead has \(strides.count) featmap_strides but gets \(feats.count) feature maps")
        }
        for f in feats where f.shape[1] != 2 * halfChannels {
            throw ModelError("RTMOHead: in_channels · widen_factor is \(halfChannels), so each map needs \(2 * halfChannels) channels; got \(f.shape[1])")
        }
    }

    public func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]] {
        if flipped != nil { throw ModelError("RTMOHead has no flip test (MMPose's neither); set test_cfg.flip_test=False") }
        try checkFeatures(feats)
        let outputs = feats.enumerated().map { levelOutputs(ChannelBlocking.planar($1), level: $0) }
        let n = feats[0].shape[0]
        var people: [[DecodedPerson]] = []
        for b in 0..<n {
            let candidates = OneStageDecoding.candidates(image: b, boxes: outputs.map(\.box), priors: priors, threshold: scoreThreshold) { level, p in
                let cls = outputs[level].cls, c = cls.shape[1], hw = cls.shape[2] * cls.shape[3]
                return OneStageDecoding.sigmoid((0..<c).map { cls.data[(b * c + $0) * hw + p] }.max() ?? -.infinity)
            }
            let kept = OneStageDecoding.select(candidates, nmsPre: nmsPre, nmsThreshold: nmsThreshold)
            // the kept people's pose vectors and padded (unclipped) boxes, for the DCC
            let vectorChannels = outputs[0].pose.shape[1]
            let vectors = Tensor(zeros: [kept.count, vectorChannels])
            var boxes: [(Float, Float, Float, Float)] = []
            for (row, cand) in kept.enumerated() {
                let pose = outputs[cand.level].pose, hw = pose.shape[2] * pose.shape[3]
                for ch in 0..<vectorChannels { vectors.data[row * vectorChannels + ch] = pose.data[(b * vectorChannels + ch) * hw + cand.index] }
                let (x1, y1, x2, y2) = cand.box
                boxes.append(((x2 + x1) * 0.5, (y2 + y1) * 0.5, (x2 - x1) * bboxPadding, (y2 - y1) * bboxPadding))
            }
            let coordinates = dcc.keypoints(poseVectors: vectors, boxes: boxes, grids: kept.map(\.grid))
            people.append(kept.enumerated().map { row, cand in
                let vis = outputs[cand.level].visibility, hw = vis.shape[2] * vis.shape[3]
                let scores = (0..<keypoints).map { j in Double(OneStageDecoding.sigmoid(vis.data[(b * keypoints + j) * hw + cand.index])) }
                var person = DecodedPerson(keypoints: (0..<(2 * keypoints)).map { Double(coordinates.data[row * 2 * keypoints + $0]) },
                                           scores: scores, score: Double(cand.score))
                person.box = OneStageDecoding.clipped(cand.box, inputSize: context.inputSize)
                return person
            })
        }
        return people
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        let module = prefix + "head_module."
        for (i, s) in classBranches.enumerated() { s.collectState(prefix: module + "conv_cls.\(i).", into: &state) }
        for (i, c) in classOutputs.enumerated() { c.collectState(prefix: module + "out_cls.\(i).", into: &state) }
        for (i, s) in poseBranches.enumerated() { s.collectState(prefix: module + "conv_pose.\(i).", into: &state) }
        for (i, c) in boxOutputs.enumerated() { c.collectState(prefix: module + "out_bbox.\(i).", into: &state) }
        for (i, c) in offsetOutputs.enumerated() { c.collectState(prefix: module + "out_kpt_reg.\(i).", into: &state) }
        for (i, c) in visibilityOutputs.enumerated() { c.collectState(prefix: module + "out_kpt_vis.\(i).", into: &state) }
        for (i, c) in (poseOutputs ?? []).enumerated() { c.collectState(prefix: module + "out_pose.\(i).", into: &state) }
        dcc.collectState(prefix: prefix + "dcc.", into: &state)
        if let oksLossSigmas { state.buffers.append((prefix + "loss_oks.sigmas", oksLossSigmas)) }
    }
}
