import Foundation
import Testing
import SwiftPoseTestSupport
import PoseData
@testable import PoseModels
import PoseNN
import PoseTensor

@Suite struct DEKRHeadTests {
    /// A tiny DEKR head (3 keypoints, adaptive blocks in 3 groups) with random weights whose
    /// affine maps move the deformable taps by about a pixel, and random SPR-shaped targets.
    static func head(rng: inout RandomGenerator) -> DEKRHead {
        let head = DEKRHead(inChannels: 5, keypoints: 3, heatmapFilters: 4, displacementFiltersPerKeypoint: 2, rescore: nil, decoder: nil, rng: &rng)
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        for (name, p) in state.parameters {
            if name.hasSuffix("bn.weight") || name.hasSuffix("norm.weight") || name.contains("bn1.weight") || name.contains("bn2.weight") {
                rng.fillUniform(p.value, low: 0.5, high: 1.5)
            } else {
                rng.fillNormal(p.value, std: name.contains("transform_matrix_conv") ? 0.3 : 0.5)
            }
        }
        head.displacementLoss = (true, false, 1 / 9, 0.5)
        head.usesHeatmapMask = true
        return head
    }

    static func targets(_ n: Int, k: Int, h: Int, w: Int, rng: inout RandomGenerator) -> HeadTargets {
        func tensor(_ shape: [Int], _ make: (inout RandomGenerator) -> Float) -> Tensor {
            let t = Tensor(zeros: shape)
            for i in 0..<t.count { t[i] = make(&rng) }
            return t
        }
        var fields = Fields<Tensor>()
        fields[.heatmaps] = tensor([n, k + 1, h, w]) { Float($0.uniform()) }
        fields[.heatmapWeights] = tensor([n, k + 1, h, w]) { $0.uniform() < 0.5 ? 1 : 0.1 }
        fields[.rootDisplacements] = tensor([n, 2 * k, h, w]) { Float($0.uniform(-2, 2)) }
        fields[.rootDisplacementWeights] = tensor([n, 2 * k, h, w]) { $0.uniform() < 0.6 ? Float($0.uniform(0.1, 1)) : 0 }
        fields[.heatmapMask] = tensor([n, h, w]) { $0.uniform() < 0.8 ? 1 : 0 }
        fields[.keypointWeights] = Tensor(repeating: 1, shape: [n, k])
        return HeadTargets(fields: fields)
    }

    /// Both losses' gradients through both branches (the adaptive blocks' deformable
    /// convolutions and affine maps included) against central differences.
    @Test func gradientsMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 17)
        let head = Self.head(rng: &rng)
        expectHeadGradientsMatch(head, feature: [2, 5, 4, 5], targets: Self.targets(2, k: 3, h: 4, w: 5, rng: &rng))
    }

    /// The losses as MMPose writes them, on hand-made numbers.
    @Test func lossesAsMMPose() {
        var rng = RandomGenerator(seed: 2)
        let head = Self.head(rng: &rng)
        head.heatmapLoss = KeypointMSELoss(useTargetWeight: true, lossWeight: 2)
        let p = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2]), t = Tensor([0, 2, 1, 0], shape: [1, 1, 2, 2])
        let w = Tensor([1, 1, 0.5, 0.1], shape: [1, 1, 2, 2]), mask = Tensor([1, 0, 1, 1], shape: [1, 2, 2])
        // mean of (1·1·1, 0, 4·0.5·1, 16·0.1·1) = 4.6 / 4, times 2
        #expect(abs(head.heatmapGradient(p, t, w, mask).1 - 2.3) < 1e-6)
        // smooth L1 with β = 1/9: |d| = 0.05 → d²/(2β) = 0.01125; |d| = 1 → 1 − 1/18; weights 1 and 0.5,
        // a zero weight not counted: (0.01125 + 0.5·(17/18)) / 2 · loss_weight 0.5
        let d = head.displacementGradient(Tensor([0.05, 1, 3], shape: [1, 3, 1, 1]), Tensor([0, 0, 0], shape: [1, 3, 1, 1]),
                                          Tensor([1, 0.5, 0], shape: [1, 3, 1, 1]))
        #expect(abs(d.1 - Float((0.01125 + 0.5 * 17 / 18) / 2 * 0.5)) < 1e-6)
    }
}
