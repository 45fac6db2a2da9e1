import Foundation
import PoseCLI
import PoseData
import PoseModels
import PoseTensor
@testable import PoseTraining
import Testing

/// DEKR's training step against MMPose 1.3.2's own (tools/make_dekr_training_fixture.py): the dekr
/// parity fixture's model and weights in training mode on a seeded batch of two 64×64 inputs with
/// MMPose's SPR targets of 2 and 3 persons: the same targets from SwiftPose's SPR codec, the same
/// losses, every gradient and the BatchNorm statistics after the step.
@Suite struct DEKRTrainingTests {
    @Test func trainingStepAsMMPose() throws {
        let fixture = try Checkpoint.load(path: repositoryRoot + "/Tests/Fixtures/dekr_training/dekr_step.safetensors")
        func tensor(_ key: String) throws -> Tensor { try fixtureTensor(fixture, key) }
        let dir = repositoryRoot + "/Tests/Fixtures/mmpose_parity/dekr"
        let (_, settings) = try Job.loadSettings(path: dir + "/config.py", options: [], components: .stock)
        let model = try #require(try Job.loadTrainedModel(settings, checkpoint: dir + "/weights.pth", strict: true) { _ in } as? BottomupPoseEstimator)
        #expect(model.head is DEKRHead)

        // SwiftPose's SPR codec makes MMPose's targets from the same keypoints
        var codec = SPR(inputSize: (64, 64), heatmapSize: (16, 16), sigma: (root: 2, keypoint: 1), generateKeypointHeatmaps: true)
        codec.minimalDiagonalLength = 2.0.squareRoot()
        let targetKeys: [(FieldKey, String)] = [(.heatmaps, "heatmaps"), (.heatmapWeights, "heatmap_weights"),
                                                (.rootDisplacements, "displacements"), (.rootDisplacementWeights, "displacement_weights")]
        for b in 0..<2 {
            let points = try tensor("keypoints.\(b)"), visible = try tensor("keypoints_visible.\(b)")
            let encoded = codec.encode(keypoints: (0..<points.count).map { Double(points[$0]) }, visible: (0..<visible.count).map { Double(visible[$0]) },
                                       persons: points.shape[0])
            for (key, name) in targetKeys {
                let reference = try tensor(name), per = reference.count / 2
                let mine = try #require(encoded[key]).values
                let worst = (0..<per).map { abs(mine[$0] - reference[b * per + $0]) }.max() ?? .infinity
                #expect(worst < 1e-5, "sample \(b) \(name): largest difference \(worst)")
            }
        }

        var fields = Fields<Tensor>()
        for (key, name) in targetKeys { fields[key] = try tensor(name) }
        let mask = try tensor("heatmap_mask")
        fields[.heatmapMask] = Tensor((0..<mask.count).map { mask[$0] }, shape: [2, 16, 16])
        fields[.keypointWeights] = Tensor(repeating: 1, shape: [2, 17])
        let batch = Batch(images: try tensor("input"), fields: fields, samples: [], flipIndices: [])

        // MMPose's pipeline never packs the mask for SPR: the default step ignores it
        model.arena.zeroGradients()
        let plain = Dictionary(uniqueKeysWithValues: try model.trainStep(batch, epoch: 0).map { ($0.name, $0.value) })
        let unmasked = try tensor("loss_without_mask.heatmap")[0]
        #expect(abs(plain["loss/heatmap"]! - unmasked) <= 1e-4 * abs(unmasked), "loss/heatmap \(plain["loss/heatmap"]!), MMPose \(unmasked)")

        // the fixture's gradients are those of the masked loss: a second step from the same state
        let (_, fresh) = try Job.loadSettings(path: dir + "/config.py", options: [], components: .stock)
        let model2 = try #require(try Job.loadTrainedModel(fresh, checkpoint: dir + "/weights.pth", strict: true) { _ in } as? BottomupPoseEstimator)
        (model2.head as! DEKRHead).usesHeatmapMask = true
        model2.arena.zeroGradients()
        let losses = try model2.trainStep(batch, epoch: 0)
        for (name, value) in losses {
            let reference = try tensor(name.replacingOccurrences(of: "/", with: "."))[0]
            #expect(abs(value - reference) <= 1e-4 * abs(reference), "\(name): \(value), MMPose \(reference)")
        }
        var worst = (0.0, ""), compared = 0
        for (name, p) in model2.state.parameters {
            guard fixture.tensors["grad." + name] != nil else {
                // the rescoring net only runs at test time: no gradient in either
                #expect(name.contains("rescore_net") && (0..<p.grad.count).allSatisfy { p.grad[$0] == 0 }, "\(name) has no MMPose gradient")
                continue
            }
            let error = relativeError(p.grad, try tensor("grad." + name), floor: 1e-8)
            if error > worst.0 { worst = (error, name) }
            compared += 1
        }
        print("DEKR training step: \(compared) gradients, largest relative error \(worst.0) at \(worst.1)")
        #expect(compared == 185)
        // The step is not smooth (ReLU, the smooth-L1 kink, deformable convolution's bilinear
        // sampling), so float32 summation order shows: on the BLAS backend the largest error is
        // 4.8e-4, and 1e-6 relative noise on the input alone moves it to 3.9e-3 (1e-5: 4.4e-3, in
        // the displacement branch); oneDNN measured 2.3e-4 with AVX-512 kernels (Xeon) and 1.2e-2
        // with AVX2 ones (EPYC Zen 3), in the displacement branch's deformable layers, whose
        // grouped convolutions match the BLAS backend to 1e-5 on their own. A wrong gradient
        // is off by far more than 1e-2, and the losses and BatchNorm statistics stay within 1e-4.
        #expect(worst.0 < 2e-2, "largest relative gradient error \(worst.0) at \(worst.1)")
        for (name, b) in model2.state.buffers where name.contains("running") {
            #expect(relativeError(b, try tensor("after." + name)) < 1e-4, "\(name) after the step")
        }
    }
}
