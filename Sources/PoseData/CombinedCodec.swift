/// `GenerateTarget(encoder=[...], multilevel=False)`: every encoder's targets together. As in
/// MMPose, no two encoders may make the same kind of target (the same field); the keypoint
/// weights multiply, and decoding uses the first encoder that can decode the output.
public struct CombinedCodec: KeypointCodec {
    /// The encoders in config order (at least one, all of one `inputSize`): targets come from every
    /// one, decoding from the first that can decode the head's output.
    public let codecs: [any KeypointCodec]

    /// Checks the combination as MMPose does.
    public init(_ codecs: [any KeypointCodec]) throws {
        guard !codecs.isEmpty else { throw DatasetError("GenerateTarget: the encoder list is empty") }
        var made = Set<FieldKey>()
        for codec in codecs {
            for key in codec.targetShapes(keypoints: 1).keys where key != .keypointWeights {
                guard made.insert(key).inserted else {
                    throw DatasetError("GenerateTarget: two of the \(codecs.count) encoders make '\(key)' targets, which MMPose rejects when multilevel=False")
                }
            }
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

    public func targetShapes(keypoints: Int) -> [FieldKey: [Int]] {
        codecs.reduce(into: [:]) { shapes, codec in shapes.merge(codec.targetShapes(keypoints: keypoints)) { first, _ in first } }
    }

    public func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var out = EncodedKeypoints(weights: [Float](repeating: 1, count: visible.count))
        var weights = out.weights
        for codec in codecs {
            let e = codec.encode(keypoints: keypoints, visible: visible)
            for (key, field) in e.fields where key != .keypointWeights { out[key] = field }
            for j in weights.indices { weights[j] *= e.weights[j] }
        }
        out.weights = weights
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
