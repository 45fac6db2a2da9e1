import PoseData
import PoseNN
import PoseTensor

/// MMPose's `AssociativeEmbeddingHead`: a `HeatmapHead` whose final layer gives `K` heatmaps
/// followed by `L·K` tag maps (`tag_per_keypoint=True`), state keys as HeatmapHead's.
///
/// At test time (`predictPersons`) the flipped pass's heatmaps are mirrored and swapped as
/// MMPose's `flip_heatmaps`, its tags as `_flip_tags`; both passes' maps are resized to the input
/// with `restore_heatmap_size`, the heatmaps averaged and the tags concatenated (`2L` tag
/// dimensions), then the `AssociativeEmbedding` decoder groups them. Without a flip test the maps
/// are resized too (MMPose resizes only inside its flip branch, which leaves a decoder sized for
/// the input reading quarter-size maps).
///
/// Training is not available yet: the tag loss needs bottom-up targets (`keypoint_indices` of
/// every person), which SwiftPose's pipelines do not make (MMPose 1.3.2's own AE config has an
/// empty `train_pipeline`).
public final class AssociativeEmbeddingHead: BottomupHead {
    /// The convolutional part, MMPose's base class (its `out_channels` is `K·(1 + L)`).
    public let maps: HeatmapHead
    /// `num_keypoints` (`K`).
    public let keypoints: Int
    /// `tag_dim` (`L`).
    public let tagDimension: Int
    /// The decoder (`decoder=`), nil when the config gives none.
    public let decoder: AssociativeEmbedding?

    /// A head with `settings` (whose `outChannels` must be `keypoints · (1 + tagDimension)`).
    /// - Throws: `ModelError` for settings the heatmap layers refuse or a wrong channel count.
    public init(_ settings: HeatmapHeadSettings, keypoints: Int, tagDimension: Int, decoder: AssociativeEmbedding?,
                rng: inout RandomGenerator) throws {
        guard settings.outChannels == keypoints * (1 + tagDimension) else {
            throw ModelError("AssociativeEmbeddingHead: \(settings.outChannels) output channels for \(keypoints) keypoints with tag_dim \(tagDimension); expected \(keypoints * (1 + tagDimension))")
        }
        maps = try HeatmapHead(settings, rng: &rng)
        self.keypoints = keypoints; self.tagDimension = tagDimension; self.decoder = decoder
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        throw ModelError("AssociativeEmbeddingHead cannot train yet: its tag loss needs every person's keypoint_indices, which SwiftPose's bottom-up pipelines do not make (MMPose 1.3.2's AE config has no train pipeline either); use it for pose-test and pose-infer")
    }

    /// `.heatmaps` `N × K × h × w` and `.tags` `N × L·K × h × w`, at the head's own resolution.
    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let out = maps.forward(feats.last!, mode: .inference)
        var result = HeadOutput(heatmaps: out.channels(0..<keypoints))
        result[.tags] = out.channels(keypoints..<out.shape[1])
        return result
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        maps.collectState(prefix: prefix, into: &state)
    }

    public func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]] {
        guard let decoder else { throw ModelError("AssociativeEmbeddingHead has no decoder; set the head's decoder=dict(type='AssociativeEmbedding', ...)") }
        let settings = context.settings
        let (w, h) = context.inputSize
        func restored(_ t: Tensor) -> Tensor {
            settings.restoreHeatmapSize ? t.resized(width: w, height: h, alignCorners: settings.alignCorners) : t
        }
        let plain = predict(feats)
        var heatmaps = restored(plain.heatmaps!), tags = restored(plain[.tags]!)
        if let flipped {
            let k = keypoints
            guard context.flipIndices.count == k else {
                throw ModelError("AssociativeEmbeddingHead predicts \(k) keypoints; the dataset's flip indices are for \(context.flipIndices.count)")
            }
            let back = predict(flipped)
            let flippedMaps = restored(back.heatmaps!.mirrored(channelSource: context.flipIndices, shift: settings.shiftHeatmap))
            // _flip_tags: within each tag dimension the keypoints swap
            let tagSource = (0..<(tagDimension * k)).map { ($0 / k) * k + context.flipIndices[$0 % k] }
            let flippedTags = restored(back[.tags]!.mirrored(channelSource: tagSource, shift: settings.shiftHeatmap))
            let sum = Tensor(zeros: heatmaps.shape)
            for i in 0..<sum.count { sum.data[i] = (heatmaps.data[i] + flippedMaps.data[i]) / 2 }
            heatmaps = sum
            tags = Tensor.joiningChannels(tags, flippedTags)
        }
        var output = HeadOutput(heatmaps: heatmaps)
        output[.tags] = tags
        var people: [[DecodedPerson]] = []
        for i in 0..<heatmaps.shape[0] {
            do { people.append(try decoder.decodePersons(output, at: i)) } catch { throw ModelError("model.head.decoder: \(error)") }
        }
        return people
    }
}

/// MMPose's `AssociativeEmbeddingHead` as configured.
public struct AssociativeEmbeddingHeadSpec: HeadSpec {
    /// The heatmap layers, `outChannels = K·(1 + L)`.
    public var settings: HeatmapHeadSettings
    /// `num_keypoints` (`K`).
    public var keypoints: Int
    /// `tag_dim` (`L`).
    public var tagDimension: Int
    /// `keypoint_loss` (MMPose's default `KeypointMSELoss`), kept for training.
    public var keypointLoss: any LossSpec
    /// `tag_loss`'s `loss_weight` and `push_loss_factor` (`AssociativeEmbeddingLoss`).
    public var tagLoss: (weight: Double, pushFactor: Double)
    /// The `decoder=` codec.
    public var associativeDecoder: AssociativeEmbedding?

    /// A spec for `keypoints` keypoints with `tagDimension` tag maps each.
    public init(_ settings: HeatmapHeadSettings, keypoints: Int, tagDimension: Int, keypointLoss: any LossSpec = KeypointMSELoss(useTargetWeight: false),
                tagLoss: (weight: Double, pushFactor: Double) = (1, 0.5), decoder: AssociativeEmbedding?) {
        self.settings = settings; self.keypoints = keypoints; self.tagDimension = tagDimension
        self.keypointLoss = keypointLoss; self.tagLoss = tagLoss; self.associativeDecoder = decoder
    }

    public var decoder: (any KeypointCodec)? { associativeDecoder }
    public var size: ModelSize? { settings.size + keypointLoss.size }

    /// An `AssociativeEmbeddingHead`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels or
    ///   the layers refuse their settings.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(settings.inChannels, against: featureChannels)
        return try AssociativeEmbeddingHead(settings, keypoints: keypoints, tagDimension: tagDimension, decoder: associativeDecoder, rng: &rng)
    }
}
