/// `GenerateTarget(encoder=[...], multilevel=False)`: every encoder's targets together. As in
/// MMPose, no two encoders may make the same kind of target (heatmaps or labels); the keypoint
/// weights multiply, and decoding uses the first encoder that can decode the output.
public struct CombinedCodec: KeypointCodec {
    public let codecs: [any KeypointCodec]

    /// Checks the combination as MMPose does.
    public init(_ codecs: [any KeypointCodec]) throws {
        guard !codecs.isEmpty else { throw DatasetError("GenerateTarget: the encoder list is empty") }
        if codecs.filter({ $0.heatmapTargetSize != nil }).count > 1 || codecs.filter(\.makesLabels).count > 1 {
            throw DatasetError("GenerateTarget: encoders \(codecs.count) overlap (two make heatmaps or two make labels), which MMPose rejects when multilevel=False")
        }
        guard Set(codecs.map { "\($0.inputSize.0)x\($0.inputSize.1)" }).count == 1 else {
            throw DatasetError("GenerateTarget: encoders disagree on input_size")
        }
        self.codecs = codecs
    }

    /// One codec as it is, several combined.
    public static func combining(_ codecs: [any KeypointCodec]) throws -> any KeypointCodec {
        codecs.count == 1 ? codecs[0] : try CombinedCodec(codecs)
    }

    public var inputSize: (Int, Int) { codecs[0].inputSize }
    public var heatmapTargetSize: (Int, Int)? { codecs.lazy.compactMap(\.heatmapTargetSize).first }
    public var makesLabels: Bool { codecs.contains(where: \.makesLabels) }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var out = EncodedKeypoints(weights: [Float](repeating: 1, count: visible.count))
        for codec in codecs {
            let e = codec.encode(keypoints: keypoints, visible: visible)
            if !e.heatmaps.isEmpty { out.heatmaps = e.heatmaps }
            if !e.labels.isEmpty { out.labels = e.labels }
            for j in out.weights.indices { out.weights[j] *= e.weights[j] }
        }
        return out
    }

    public func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        var firstError: Error?
        for codec in codecs {
            do { return try codec.decode(output, at: index) } catch { firstError = firstError ?? error }
        }
        throw firstError ?? DatasetError("CombinedCodec: no encoder")
    }
}
