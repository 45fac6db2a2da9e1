import Foundation
import Testing
import PoseData
import PoseTensor

extension FieldKey {
    /// A kind of target SwiftPose does not have: `K` relative depths.
    static let testDepths = FieldKey("test_depths", flip: .keypointValues)
}

/// A codec with a target SwiftPose does not have, written only against the public API.
struct DepthCodec: KeypointCodec {
    var inputSize: (Int, Int) { (8, 8) }
    func encode(keypoints: [Double], visible: [Double]) -> EncodedKeypoints {
        var out = EncodedKeypoints(weights: visible.map(Float.init))
        out[.testDepths] = SampleField(keypoints.enumerated().filter { $0.offset % 2 == 1 }.map { Float($0.element) / 8 }, shape: [visible.count])
        return out
    }
    func decode(_ output: HeadOutput, at index: Int) throws -> (keypoints: [Double], scores: [Double]) {
        guard let depths = output[.testDepths] else { throw DatasetError("no depths") }
        let k = depths.shape[1]
        return ((0..<(2 * k)).map { Double(depths[index * k + $0 / 2]) * 8 }, [Double](repeating: 1, count: k))
    }
}

@Suite struct FieldKeyTests {
    @Test func stackedFieldsKeepEachSampleInOrder() throws {
        let a: Fields<SampleField> = [.keypointWeights: SampleField([1, 0], shape: [2]), .testDepths: SampleField([0.5, 0.25], shape: [2])]
        let b: Fields<SampleField> = [.keypointWeights: SampleField([0, 1], shape: [2]), .testDepths: SampleField([0.75, 1], shape: [2])]
        let batch = try Fields.collating([a, b])
        #expect(batch.keys.map(\.name) == ["keypoint_weights", "test_depths"])
        #expect(batch[.testDepths]!.shape == [2, 2] && batch[.testDepths]!.array == [0.5, 0.25, 0.75, 1])
        #expect(batch[.keypointWeights]!.array == [1, 0, 0, 1])
    }

    @Test func samplesThatCannotStackAreNamed() {
        let a: Fields<SampleField> = [.testDepths: SampleField([1, 2], shape: [2])]
        let b: Fields<SampleField> = [.testDepths: SampleField([1, 2, 3], shape: [3])]
        #expect { try Fields.collating([a, b]) } throws: {
            "\($0)" == "sample 1 of the batch has a 'test_depths' target of shape [3], the first [2]; a batch needs one shape"
        }
        #expect { try Fields.collating([a, Fields()]) } throws: {
            "\($0)" == "sample 1 of the batch has no 'test_depths' target, the first has one"
        }
    }

    /// Visibility weights only some samples carry: the others count 1.
    @Test func fillingRuleCompletesMissingSamples() throws {
        let a: Fields<SampleField> = [:]
        let b: Fields<SampleField> = [.visibilityWeights: SampleField([0, 1, 0], shape: [3])]
        let batch = try Fields.collating([a, b])
        #expect(batch[.visibilityWeights]!.array == [1, 1, 1, 0, 1, 0])
    }

    /// A codec that states no shapes gets them from one blank encoding; the stock codecs state
    /// theirs, equal to what they encode.
    @Test func targetShapesMatchWhatCodecsEncode() {
        #expect(DepthCodec().targetShapes(keypoints: 3) == [.keypointWeights: [3], .testDepths: [3]])
        #expect(DepthCodec().makes(.testDepths) && !DepthCodec().makes(.heatmaps) && DepthCodec().heatmapTargetSize == nil)
        let codecs: [any KeypointCodec] = [
            MSRAHeatmap(inputSize: (16, 24), heatmapSize: (4, 6), sigma: 2),
            UDPHeatmap(inputSize: (16, 24), heatmapSize: (4, 6), heatmapType: "combined"),
            RegressionLabel(inputSize: (16, 24)),
            IntegralRegressionLabel(inputSize: (16, 24), heatmapSize: (4, 6), sigma: 2),
            SimCCLabel(inputSize: (16, 24), sigma: (2, 2), splitRatio: 2),
        ]
        for codec in codecs {
            let encoded = codec.encode(keypoints: [3, 4, 5, 6, 7, 8], visible: [1, 1, 0])
            let made = Dictionary(uniqueKeysWithValues: encoded.fields.map { ($0.key, $0.value.shape) })
            #expect(made == codec.targetShapes(keypoints: 3), "\(type(of: codec))")
        }
    }

    /// Two encoders making the same field are refused as MMPose refuses them; different fields
    /// combine, weights multiplied.
    @Test func combinedCodecsMakeEachFieldOnce() throws {
        let msra = MSRAHeatmap(inputSize: (8, 8), heatmapSize: (4, 4), sigma: 2)
        #expect { try CombinedCodec([msra, msra]) } throws: {
            "\($0)" == "GenerateTarget: two of the 2 encoders make 'heatmaps' targets, which MMPose rejects when multilevel=False"
        }
        let both = try CombinedCodec([msra, DepthCodec()])
        let encoded = both.encode(keypoints: [2, 4, 20, 2], visible: [1, 1])
        #expect(encoded.fields.keys.map(\.name) == ["heatmaps", "keypoint_weights", "test_depths"])
        #expect(encoded.weights == [1, 0])  // the second keypoint lies outside MSRA's map
        #expect(encoded[.testDepths]!.values == [0.5, 0.25])
    }

    /// The flip rules on hand-made tensors: keypoints swapped; a field without a rule is refused.
    @Test func flipRulesSwapKeypointsAndRefuseUnknownFields() throws {
        let plain = Tensor([1, 2, 3], shape: [1, 3]), mirrored = Tensor([10, 20, 30], shape: [1, 3])
        let context = FlipContext(flipIndices: [0, 2, 1], inputWidth: 8)
        try FieldKey.testDepths.flip.merge(.testDepths, plain, mirrored, context)
        #expect(plain.array == [5.5, 16, 11.5])
        // several maps per keypoint: mirrored, swapped, the negated position turned around
        let offsets = FieldKey("test_offsets", flip: .keypointMaps(perKeypoint: 2, negating: [0]))
        let maps = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [1, 4, 1, 2]), mirror = Tensor([10, 20, 30, 40, 50, 60, 70, 80], shape: [1, 4, 1, 2])
        try offsets.flip.merge(offsets, maps, mirror, FlipContext(flipIndices: [1, 0], inputWidth: 8))
        // keypoint 0's x maps from keypoint 1's (negated, columns reversed), and so on
        let expected: [Float] = [-29.5, -24, 41.5, 37, -7.5, -2, 23.5, 19]
        #expect(maps.array == expected)
        #expect { try offsets.flip.merge(offsets, plain, mirror, context) } throws: {
            "\($0)" == "the head predicts 3 'test_offsets' maps; the dataset's 3 keypoints need 2 each (6)"
        }
        // values of other keypoints than the dataset's are refused, not read past their rows
        #expect { try FieldKey.coordinates.flip.merge(.coordinates, Tensor(zeros: [1, 5, 2]), Tensor(zeros: [1, 5, 2]), context) } throws: {
            "\($0)" == "the head predicts 'coordinates' of [1, 5, 2] (N × K × …); the dataset's flip indices are for 3 keypoints"
        }
        let unknown = FieldKey("test_unflippable")
        #expect { try unknown.flip.merge(unknown, plain, mirrored, context) } throws: {
            "\($0)" == "the head predicts 'test_unflippable', whose FieldKey has no flip rule; set test_cfg.flip_test=False or give the key one"
        }
    }
}
