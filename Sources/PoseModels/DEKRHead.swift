import PoseData
import PoseNN
import PoseTensor

/// MMPose's `DEKRHead` (disentangled keypoint regression): on the last feature map, a heatmap
/// branch (1×1 `ConvModule`, ResNet `BasicBlock`, 1×1 convolution to `K` keypoint heatmaps and
/// the root heatmap, in that order) and a displacement branch (1×1 `ConvModule` to
/// `K · filters` channels, two `AdaptiveActivationBlock`s in `K` groups, grouped 1×1 convolution
/// to `2K` displacements), decoded by the `SPR` codec, optionally rescored by a `RescoreNet` and
/// thinned by `NearbyJointsNMS`. State keys as MMPose's (`heatmap_conv_layers.*`,
/// `displacement_conv_layers.*`, `rescore_net.*`).
///
/// At test time the flipped pass's heatmaps are mirrored, swapped (the root map stays) and
/// shifted as `test_cfg.shift_heatmap` says; its displacements mirrored, swapped, x negated, and
/// x moved by `(s − 1)/s` for the input-to-map scale `s`, as MMPose does; both are averaged with
/// the plain pass. Training (`trainStep`) runs MMPose's two losses and a hand-written backward
/// through both branches.
public final class DEKRHead: BottomupHead {
    /// The heatmap branch: `ConvModule`, `BasicBlock`, final convolution (`heatmap_conv_layers.{0,1,2}`).
    public let heatmapStem: ConvModule, heatmapBlock: Residual, heatmapOut: Conv2d
    /// The displacement branch (`displacement_conv_layers.{0,1,2,3}`).
    public let displacementStem: ConvModule, adaptive: [AdaptiveActivationBlock], displacementOut: Conv2d
    /// `rescore_net`, or nil.
    public let rescoreNet: RescoreNet?
    /// `num_keypoints` (`K`).
    public let keypoints: Int
    /// The decoder.
    public let decoder: SPR?

    /// A head for `inChannels`-channel features; weights initialised as MMPose's `default_init_cfg`
    /// (normal, std 0.001, for convolutions; BatchNorm weights 1).
    public init(inChannels: Int, keypoints k: Int, heatmapFilters: Int = 32, displacementFiltersPerKeypoint: Int = 15,
                rescore: (inChannels: Int, normIndexes: (Int, Int))?, decoder: SPR?, rng: inout RandomGenerator) {
        keypoints = k; self.decoder = decoder
        func stem(_ out: Int) -> ConvModule {
            let conv = Conv2d(inChannels, out, kernel: 1, bias: false)
            WeightInit.normal(conv.weight, bias: nil, std: 0.001, rng: &rng)
            return ConvModule(conv: conv, bn: BatchNorm2d(out, relu: true))
        }
        heatmapStem = stem(heatmapFilters)
        let block = ResNetBlocks.basic(inChannels: heatmapFilters, channels: heatmapFilters, stride: 1, dilation: 1, downsample: nil)
        for conv in block.convs { WeightInit.normal(conv.weight, bias: conv.bias, std: 0.001, rng: &rng) }
        heatmapBlock = block.block
        heatmapOut = Conv2d(heatmapFilters, k + 1, kernel: 1)
        WeightInit.normal(heatmapOut.weight, bias: heatmapOut.bias, std: 0.001, rng: &rng)
        let filters = k * displacementFiltersPerKeypoint
        displacementStem = stem(filters)
        adaptive = (0..<2).map { _ in AdaptiveActivationBlock(channels: filters, groups: k, rng: &rng) }
        displacementOut = Conv2d(filters, 2 * k, kernel: 1, groups: k)
        WeightInit.normal(displacementOut.weight, bias: displacementOut.bias, std: 0.001, rng: &rng)
        rescoreNet = rescore.map { RescoreNet(inChannels: $0.inChannels, normIndexes: $0.normIndexes, rng: &rng) }
    }

    /// The heatmap loss (`KeypointMSELoss`: weights and mask always apply, as MMPose's `_get_mask`).
    public var heatmapLoss = KeypointMSELoss(useTargetWeight: true)
    /// Whether the heatmap loss applies the batch's `.heatmapMask`. Off by default, as MMPose
    /// trains: its `PackPoseInputs` packs the fields of the codec's `field_mapping_table`, and
    /// SPR's lacks `heatmap_mask`, so `BottomupGetHeatmapMask`'s mask never reaches DEKR's loss.
    public var usesHeatmapMask = false
    /// `SoftWeightSmoothL1Loss`'s `use_target_weight`, `supervise_empty`, `beta` and `loss_weight`.
    public var displacementLoss: (useTargetWeight: Bool, superviseEmpty: Bool, beta: Float, weight: Float) = (false, true, 1, 1)

    /// One training step: both branches forward, MMPose's `loss/heatmap` (`KeypointMSELoss` of
    /// the `K + 1` heatmaps with the per-pixel `heatmap_weights` and the `heatmap_mask`) and
    /// `loss/displacement` (`SoftWeightSmoothL1Loss` with `displacement_weights`), then backward.
    /// - Throws: `ModelError` when the targets are missing or do not have the outputs' shapes.
    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        let original = feats.last!
        let x = ChannelBlocking.planar(original)
        let heat = ChannelBlocking.planar(heatmapOut.forward(heatmapBlock.forward(heatmapStem.forward(x, mode: .training), mode: .training), mode: .training))
        var d = ChannelBlocking.planar(displacementStem.forward(x, mode: .training))
        for block in adaptive { d = block.forward(d, mode: .training) }
        let moves = ChannelBlocking.planar(displacementOut.forward(d, mode: .training))
        guard let gtHeat = targets[.heatmaps], let heatWeights = targets[.heatmapWeights], let gtMoves = targets[.rootDisplacements],
              let moveWeights = targets[.rootDisplacementWeights] else {
            throw ModelError("DEKRHead needs SPR's targets (heatmaps, heatmap_weights, displacements, displacement_weights); the train pipeline's GenerateTarget needs encoder=dict(type='SPR', ...)")
        }
        guard gtHeat.shape == heat.shape, heatWeights.shape == heat.shape, gtMoves.shape == moves.shape, moveWeights.shape == moves.shape else {
            throw ModelError("DEKRHead predicts heatmaps \(heat.shape) and displacements \(moves.shape); the SPR targets are \(gtHeat.shape) and \(gtMoves.shape): set the codec's heatmap_size to the head's output size (generate_keypoint_heatmaps=True for K + 1 heatmaps)")
        }
        let mask = usesHeatmapMask ? targets[.heatmapMask] : nil
        if let mask, mask.shape != [heat.shape[0], heat.shape[2], heat.shape[3]] {
            throw ModelError("DEKRHead: heatmap_mask \(mask.shape) does not fit heatmaps \(heat.shape)")
        }
        let (dHeat, heatmapValue) = heatmapGradient(heat, gtHeat, heatWeights, mask)
        let (dMoves, displacementValue) = displacementGradient(moves, gtMoves, moveWeights)
        var dx1 = heatmapStem.backward(heatmapBlock.backward(heatmapOut.backward(dHeat)))
        var g = displacementOut.backward(dMoves)
        for block in adaptive.reversed() { g = block.backward(ChannelBlocking.planar(g)) }
        let dx2 = ChannelBlocking.planar(displacementStem.backward(g))
        dx1 = ChannelBlocking.planar(dx1)
        let dx = Tensor(zeros: x.shape)
        for i in 0..<dx.count { dx.data[i] = dx1.data[i] + dx2.data[i] }
        let dFeature = ChannelBlocking.isBlocked(original.shape) ? ChannelBlocking.converting(dx, reusing: nil) : dx
        return ([("loss/heatmap", heatmapValue), ("loss/displacement", displacementValue)],
                Array(repeating: nil, count: feats.count - 1) + [dFeature])
    }

    /// `KeypointMSELoss`: `loss_weight · mean((p − t)² · w · mask)` over every element, with
    /// `skip_empty_channel` masking target channels without a non-zero pixel.
    func heatmapGradient(_ p: Tensor, _ t: Tensor, _ w: Tensor, _ mask: Tensor?) -> (Tensor, Float) {
        let (n, c, plane) = (p.shape[0], p.shape[1], p.shape[2] * p.shape[3])
        let grad = Tensor(zeros: p.shape)
        let scale = heatmapLoss.lossWeight / Float(p.count)
        var total = 0.0
        for b in 0..<n { for ch in 0..<c {
            let base = (b * c + ch) * plane
            var keep: Float = 1
            if heatmapLoss.skipEmptyChannel && !(0..<plane).contains(where: { t.data[base + $0] != 0 }) { keep = 0 }
            for i in 0..<plane {
                let m = w.data[base + i] * (mask?.data[b * plane + i] ?? 1) * keep
                let diff = p.data[base + i] - t.data[base + i]
                total += Double(diff * diff * m)
                grad.data[base + i] = 2 * diff * m * scale
            }
        } }
        return (grad, Float(total) * scale)
    }

    /// `SoftWeightSmoothL1Loss`: smooth L1 (`β`) weighted by the displacement weights, averaged
    /// over every element (`supervise_empty`) or over the weighted ones, times `loss_weight`;
    /// unweighted, the plain mean.
    func displacementGradient(_ p: Tensor, _ t: Tensor, _ w: Tensor) -> (Tensor, Float) {
        let (useWeights, superviseEmpty, beta, lossWeight) = displacementLoss
        let grad = Tensor(zeros: p.shape)
        var count = p.count
        if useWeights && !superviseEmpty { count = max(1, (0..<w.count).filter { w.data[$0] > 0 }.count) }
        let scale = lossWeight / Float(count)
        var total = 0.0
        for i in 0..<p.count {
            let delta = p.data[i] - t.data[i], weight: Float = useWeights ? w.data[i] : 1
            let (value, slope) = abs(delta) < beta ? (delta * delta / (2 * beta), delta / beta) : (abs(delta) - beta / 2, delta > 0 ? Float(1) : -1)
            total += Double(value * weight)
            grad.data[i] = slope * weight * scale
        }
        return (grad, Float(total) * scale)
    }

    /// `.heatmaps` `N × (K+1) × h × w` and `.rootDisplacements` `N × 2K × h × w`.
    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let x = ChannelBlocking.planar(feats.last!)
        let heat = heatmapOut.forward(heatmapBlock.forward(heatmapStem.forward(x, mode: .inference), mode: .inference), mode: .inference)
        var d = ChannelBlocking.planar(displacementStem.forward(x, mode: .inference))
        for block in adaptive { d = block.forward(d) }
        var out = HeadOutput(heatmaps: ChannelBlocking.planar(heat).clone())
        out[.rootDisplacements] = ChannelBlocking.planar(displacementOut.forward(d, mode: .inference)).clone()
        return out
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        heatmapStem.collectState(prefix: prefix + "heatmap_conv_layers.0.", into: &state)
        heatmapBlock.collectState(prefix: prefix + "heatmap_conv_layers.1.", into: &state)
        heatmapOut.collectState(prefix: prefix + "heatmap_conv_layers.2.", into: &state)
        displacementStem.collectState(prefix: prefix + "displacement_conv_layers.0.", into: &state)
        for (i, block) in adaptive.enumerated() { block.collectState(prefix: prefix + "displacement_conv_layers.\(i + 1).", into: &state) }
        displacementOut.collectState(prefix: prefix + "displacement_conv_layers.3.", into: &state)
        rescoreNet?.collectState(prefix: prefix + "rescore_net.", into: &state)
    }

    public func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]] {
        guard let decoder else { throw ModelError("DEKRHead has no decoder; set the head's decoder=dict(type='SPR', ...)") }
        let k = keypoints
        var output = predict(feats)
        if let flipped {
            guard context.flipIndices.count == k else {
                throw ModelError("DEKRHead predicts \(k) keypoints; the dataset's flip indices are for \(context.flipIndices.count)")
            }
            let back = predict(flipped)
            let heat = output.heatmaps!, moves = output[.rootDisplacements]!
            // the root map (last) is its own mirror image
            let mirroredHeat = back.heatmaps!.mirrored(channelSource: context.flipIndices + [k], shift: context.settings.shiftHeatmap)
            let pairs = (0..<(2 * k)).map { 2 * context.flipIndices[$0 / 2] + $0 % 2 }
            let mirroredMoves = back[.rootDisplacements]!.mirrored(channelSource: pairs, shift: false)
            let (plane, w) = (moves.shape[2] * moves.shape[3], moves.shape[3])
            // flip_heatmaps('offset') negates x; MMPose then adds (s − 1)/s to it
            let scale = Float(context.inputSize.0) / Float(w)
            let shift = (scale - 1) / scale
            for i in 0..<moves.shape[0] { for c in stride(from: 0, to: 2 * k, by: 2) {
                let p = mirroredMoves.data + (i * 2 * k + c) * plane
                for j in 0..<plane { p[j] = -p[j] + shift }
            } }
            for i in 0..<heat.count { heat.data[i] = (heat.data[i] + mirroredHeat.data[i]) / 2 }
            for i in 0..<moves.count { moves.data[i] = (moves.data[i] + mirroredMoves.data[i]) / 2 }
            output.heatmaps = heat; output[.rootDisplacements] = moves
        }
        var result: [[DecodedPerson]] = []
        for b in 0..<output.heatmaps!.shape[0] {
            var people: [DecodedPerson]
            do { people = try decoder.decodePersons(output, at: b) } catch { throw ModelError("model.head.decoder: \(error)") }
            let points = people.map { $0.keypoints.map(Float.init) }, raw = people.map { $0.scores.map(Float.init) }
            var roots = people.map { Float($0.score) }
            if let rescoreNet, !context.skeletonLinks.isEmpty, !people.isEmpty {
                let instance = try rescoreNet.scores(keypoints: points, scores: raw, skeleton: context.skeletonLinks)
                for i in roots.indices { roots[i] *= instance[i] }
            }
            var keep = Array(people.indices)
            let settings = context.settings
            if settings.nmsDistanceThreshold > 0, !people.isEmpty {
                keep = NearbyJointsNMS.keep(keypoints: points, scores: raw, distanceThreshold: Float(settings.nmsDistanceThreshold),
                                            jointThreshold: settings.nmsJointsThreshold, maxDetections: settings.maxPeople)
            }
            // the metric's keypoint scores are root score × keypoint score; MMPose gives no instance score (1)
            result.append(keep.map { i in
                DecodedPerson(keypoints: people[i].keypoints, scores: raw[i].map { Double(roots[i] * $0) }, score: 1)
            })
        }
        return result
    }
}

/// MMPose's `DEKRHead` as configured.
public struct DEKRHeadSpec: HeadSpec {
    /// `in_channels` and `num_keypoints`.
    public var inChannels, keypoints: Int
    /// `num_heatmap_filters` and `num_displacement_filters_per_keypoint`.
    public var heatmapFilters = 32, displacementFiltersPerKeypoint = 15
    /// `heatmap_loss` (KeypointMSELoss), kept for training.
    public var heatmapLoss: any LossSpec = KeypointMSELoss(useTargetWeight: true)
    /// `displacement_loss`: SoftWeightSmoothL1Loss's `use_target_weight`, `supervise_empty`,
    /// `beta` and `loss_weight`, kept for training.
    public var displacementLoss: (useTargetWeight: Bool, superviseEmpty: Bool, beta: Double, weight: Double) = (false, true, 1, 1)
    /// `rescore_cfg`: the net's `in_channels` and `norm_indexes`, or nil.
    public var rescore: (inChannels: Int, normIndexes: (Int, Int))?
    /// The `decoder=` codec.
    public var sprDecoder: SPR?

    /// A spec with MMPose's defaults for the filters and losses, without rescoring.
    public init(inChannels: Int, keypoints: Int, decoder: SPR?) {
        self.inChannels = inChannels; self.keypoints = keypoints; sprDecoder = decoder
    }

    public var decoder: (any KeypointCodec)? { sprDecoder }

    /// A `DEKRHead`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        guard let mse = heatmapLoss as? KeypointMSELoss else {
            throw ModelError("model.head.heatmap_loss: DEKRHead trains with KeypointMSELoss, not \(type(of: heatmapLoss))")
        }
        let head = DEKRHead(inChannels: inChannels, keypoints: keypoints, heatmapFilters: heatmapFilters,
                            displacementFiltersPerKeypoint: displacementFiltersPerKeypoint, rescore: rescore, decoder: sprDecoder, rng: &rng)
        head.heatmapLoss = mse
        head.displacementLoss = (displacementLoss.useTargetWeight, displacementLoss.superviseEmpty, Float(displacementLoss.beta), Float(displacementLoss.weight))
        return head
    }
}
