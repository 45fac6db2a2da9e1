import PoseTensor

/// MMPose's `GenerateTarget(encoder, use_dataset_keypoint_weights=False)`: encodes the
/// (transformed) keypoints with the codec into the sample's heatmaps, labels and weights.
public struct GenerateTarget: Transform {
    /// The codec that encodes the targets (MMPose's `encoder`; a `CombinedCodec` for a list).
    public var codec: any KeypointCodec
    /// Multiplies the keypoint weights by the metainfo's `joint_weights`.
    public var useDatasetKeypointWeights: Bool

    /// A step that encodes with `codec`; `useDatasetKeypointWeights` is MMPose's
    /// `use_dataset_keypoint_weights` (default false).
    public init(codec: any KeypointCodec, useDatasetKeypointWeights: Bool = false) {
        self.codec = codec
        self.useDatasetKeypointWeights = useDatasetKeypointWeights
    }

    public var encoder: (any KeypointCodec)? { codec }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let points = s.transformedKeypoints.isEmpty ? s.keypoints : s.transformedKeypoints
        var encoded: EncodedKeypoints
        if let bottomup = codec as? BottomupCodec {
            // a bottom-up sample holds every person of its image, K keypoints each
            let k = metainfo.keypointCount, persons = s.visible.count / max(k, 1)
            guard persons > 0, persons * k == s.visible.count else {
                throw DatasetError("\(s.instance.imagePath): GenerateTarget(\(type(of: codec))) needs at least one person of \(k) keypoints, the sample has \(s.visible.count) keypoints")
            }
            encoded = bottomup.encode(keypoints: points, visible: s.visible, persons: persons)
        } else {
            encoded = codec.encode(keypoints: points, visible: s.visible)
        }
        if useDatasetKeypointWeights {
            guard metainfo.jointWeights.count == encoded.weights.count else { throw GenerateTarget.jointWeightsError(metainfo) }
            encoded.weights = zip(encoded.weights, metainfo.jointWeights).map { $0 * $1 }
        }
        s.targets.merge(encoded.fields)
    }

    /// Why `metainfo` cannot weight keypoints (nil when it can), checked when a dataset is built.
    public func problem(with metainfo: DatasetMetainfo) -> String? {
        guard useDatasetKeypointWeights, metainfo.jointWeights.count != metainfo.keypointCount else { return nil }
        return GenerateTarget.jointWeightsError(metainfo).description
    }

    static func jointWeightsError(_ metainfo: DatasetMetainfo) -> DatasetError {
        DatasetError("GenerateTarget(use_dataset_keypoint_weights=True): metainfo '\(metainfo.datasetName)' lists \(metainfo.jointWeights.count) joint_weights for \(metainfo.keypointCount) keypoints")
    }
}
