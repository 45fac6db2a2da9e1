import Foundation
import Testing
import SwiftPose
import SwiftPoseTestSupport
@testable import CustomModules

/// The codec family: a round trip through the codec, its flip rule against mirrored targets,
/// finite differences for the head, and the config that selects both by `type=`.
@Suite struct DisplacementTests {
    let codec = DisplacementHeatmap(inputSize: (32, 32), heatmapSize: (8, 8), sigma: 1, radius: 2)
    let keypoints: [Double] = [5.3, 9.9, 20.2, 14.6, 17.5, 27.1]

    func batch(_ field: SampleField) -> Tensor { Tensor(field.values, shape: [1] + field.shape) }

    /// Targets fed back as predictions decode to the keypoints themselves: the displacement at
    /// the arg-max pixel restores what the heatmap's pixel grid rounds away.
    @Test func encodeDecodeRoundTrip() throws {
        let encoded = codec.encode(keypoints: keypoints, visible: [1, 1, 1])
        #expect(Dictionary(uniqueKeysWithValues: encoded.fields.map { ($0.key, $0.value.shape) }) == codec.targetShapes(keypoints: 3))
        var output = HeadOutput(heatmaps: batch(encoded[.heatmaps]!))
        output[.displacements] = batch(encoded[.displacements]!)
        let (points, scores) = try codec.decode(output, at: 0)
        #expect(zip(points, keypoints).allSatisfy { abs($0 - $1) < 1e-4 }, "\(points)")
        #expect(scores.allSatisfy { $0 > 0.5 })
        // only pixels within the radius of a keypoint train displacements
        let weights = encoded[.displacementWeights]!.values
        #expect(weights.reduce(0, +) > 0 && weights.reduce(0, +) < Float(weights.count) / 4)
    }

    /// The displacements of mirrored keypoints, merged back by the key's flip rule, are the
    /// plain ones: maps mirrored, keypoints swapped, x offsets negated.
    @Test func flipRuleUndoesAMirror() throws {
        let flipIndices = [0, 2, 1]
        // a mirror in heatmap pixels maps x to w − 1 − x; keypoint j's mirror is keypoint flipIndices[j]
        var mirrored = keypoints
        for j in 0..<3 {
            let s = flipIndices[j]
            mirrored[2 * j] = (7 - keypoints[2 * s] / 4) * 4
            mirrored[2 * j + 1] = keypoints[2 * s + 1]
        }
        let plain = batch(codec.encode(keypoints: keypoints, visible: [1, 1, 1])[.displacements]!)
        let reference = plain.clone()
        let flipped = batch(codec.encode(keypoints: mirrored, visible: [1, 1, 1])[.displacements]!)
        try FieldKey.displacements.flip.merge(.displacements, plain, flipped, FlipContext(flipIndices: flipIndices, inputWidth: 32))
        #expect(zip(plain.array, reference.array).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func displacementHeadGradients() throws {
        var rng = RandomGenerator(seed: 3)
        let head = DisplacementHead(inChannels: 3, midChannels: 4, keypoints: 2, loss: KeypointMSELoss(useTargetWeight: true),
                                    displacementLossWeight: 0.5, rng: &rng)
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        for (_, p) in state.parameters { rng.fillNormal(p.value, std: 0.5) }
        let x = Tensor(zeros: [2, 3, 3, 3])
        rng.fillNormal(x, std: 1)
        func random(_ shape: [Int], _ low: Float, _ high: Float) -> Tensor {
            let t = Tensor(zeros: shape); rng.fillUniform(t, low: low, high: high); return t
        }
        let weights = random([2, 2, 6, 6], 0, 1)
        for i in 0..<weights.count where i % 3 == 0 { weights[i] = 0 }
        let targets = HeadTargets(fields: [.keypointWeights: Tensor([1, 0, 1, 1], shape: [2, 2]), .heatmaps: random([2, 2, 6, 6], 0, 1),
                                           .displacements: random([2, 4, 6, 6], -2, 2), .displacementWeights: weights])
        let mismatches = GradientCheck().run(head: head, features: [x], targets: targets)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let out = head.predict([x])
        #expect(out.heatmaps?.shape == [2, 2, 6, 6] && out[.displacements]?.shape == [2, 4, 6, 6])
    }

    /// The whole family from config text through the test-support harness: one training step
    /// with finite losses and gradients, and decoded predictions.
    @Test func harnessTrainsTheFamily() throws {
        var components = Components.stock
        try CustomModules.register(in: &components)
        let step = try ComponentHarness(components: components).trainStep("""
            dict(type='TopdownPoseEstimator',
                 backbone=dict(type='TinyConvNet', channels=(8, 16)),
                 head=dict(type='DisplacementHead', in_channels=16, out_channels=5, mid_channels=8,
                           decoder=dict(type='DisplacementHeatmap', input_size=(32, 32), heatmap_size=(16, 16), sigma=2)),
                 test_cfg=dict(flip_test=True))
            """, batch: 2, keypoints: 5)
        #expect(step.losses.map(\.name) == ["loss_kpt", "loss_displacement"])
        #expect(step.losses.allSatisfy { $0.value.isFinite && $0.value > 0 } && step.gradientNorm > 0)
        #expect(step.predictions.count == 2 && step.predictions.allSatisfy { $0.keypoints.count == 10 })
    }

    @Test func configSelectsTheCodecFamily() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs/tinyconvnet-displacement_synthetic-64x64.py").path
        var components = Components.stock
        try CustomModules.register(in: &components)
        var cfg = try Config.load(path: path)
        try cfg.apply(options: ["train_dataloader.dataset.data_root=/nonexistent/"])
        let settings = try ExperimentSettings.decode(cfg, components: components)
        let model = try makeModel(settings, seed: 0)
        #expect(model.summary == "TinyConvNet + DisplacementHead")
        #expect(try model.probe(inputSize: (64, 64))?[.displacements]?.shape == [1, 34, 16, 16])
        // a stock heatmap head trains on the heatmaps alone, but cannot feed the decoder: the
        // start-up probe says so before any work
        let derived = FileManager.default.temporaryDirectory.appendingPathComponent("displacement-heatmaphead-\(getpid()).py").path
        try """
        _base_ = ['\(path)']
        model = dict(head=dict(_delete_=True, type='HeatmapHead', in_channels=64, out_channels=17, deconv_out_channels=(32,),
                               deconv_kernel_sizes=(4,), decoder=dict(type='DisplacementHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)))
        """.write(toFile: derived, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: derived) }
        var stockCfg = try Config.load(path: derived)
        try stockCfg.apply(options: ["train_dataloader.dataset.data_root=/nonexistent/"])
        let stock = try makeModel(try ExperimentSettings.decode(stockCfg, components: components), seed: 0)
        #expect { _ = try stock.probe(inputSize: (64, 64)) } throws: {
            "\($0)" == "model.head.decoder: DisplacementHeatmap decodes heatmaps and displacements; use DisplacementHead"
        }
    }
}
