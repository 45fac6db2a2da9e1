import Foundation
import Testing
import PoseNN
import PoseTensor
import PoseTraining
import SwiftPoseTestSupport
import ToyComponents

/// The test-support product as a package's tests use it.
@Suite struct TestSupportTests {
    /// A toy backbone and neck from another module, built from config text by `type=`, train one
    /// step with a stock head: finite losses, gradients, one prediction per sample.
    @Test func harnessBuildsAndStepsAComponent() throws {
        var components = Components.stock
        try registerToyComponents(in: &components)
        let step = try ComponentHarness(components: components).trainStep("""
            dict(type='TopdownPoseEstimator',
                 backbone=dict(type='ToyBackbone', width=6, stride=4),
                 neck=dict(type='ToyNeck', out_channels=5),
                 head=dict(type='HeatmapHead', in_channels=5, out_channels=3, deconv_out_channels=None,
                           decoder=dict(type='MSRAHeatmap', input_size=(32, 32), heatmap_size=(8, 8), sigma=1)))
            """, batch: 2, keypoints: 3)
        #expect(step.losses.map(\.name) == ["loss_kpt", "acc_pose"])
        #expect(step.losses.allSatisfy { $0.value.isFinite } && step.gradientNorm > 0)
        #expect(step.predictions.count == 2 && step.predictions.allSatisfy { $0.keypoints.count == 6 })
        // a config mistake is the config's one-line error
        #expect { _ = try ComponentHarness(components: components).trainStep("dict(type='TopdownPoseEstimator', backbone=dict(type='Nope'))") }
            throws: { "\($0)".contains("model.backbone.type: unknown backbone type 'Nope'") }
    }

    /// The checker over every input of a two-input block finds a wrong gradient and names its input.
    @Test func gradientCheckCoversEveryInput() {
        var rng = RandomGenerator(seed: 5)
        let a = Tensor(zeros: [6]), b = Tensor(zeros: [6])
        rng.fillNormal(a, std: 1); rng.fillNormal(b, std: 1)
        func product() -> [Tensor] { let y = Tensor(zeros: [6]); for i in 0..<6 { y[i] = a[i] * b[i] }; return [y] }
        func gradients(_ dys: [Tensor], wrongSecond: Bool) -> [Tensor] {
            let da = Tensor(zeros: [6]), db = Tensor(zeros: [6])
            for i in 0..<6 { da[i] = dys[0][i] * b[i]; db[i] = dys[0][i] * (wrongSecond ? b[i] : a[i]) }
            return [da, db]
        }
        let checker = GradientCheck()
        #expect(checker.run(inputs: [a, b], parameters: [], forward: product, backward: { gradients($0, wrongSecond: false) }).isEmpty)
        let wrong = checker.run(inputs: [a, b], parameters: [], forward: product, backward: { gradients($0, wrongSecond: true) })
        #expect(!wrong.isEmpty && wrong.allSatisfy { $0.tensor == "input 1" })
    }
}
