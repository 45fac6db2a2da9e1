import Testing
import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining

/// Gaussian target heatmaps `N × K × h × w` with random centres.
func gaussianTargets(batch: Int, keypoints: Int, height: Int, width: Int, rng: inout RandomGenerator) -> Tensor {
    let t = Tensor(zeros: [batch, keypoints, height, width])
    for p in 0..<(batch * keypoints) {
        let cx = rng.uniform(1, Double(width - 1)), cy = rng.uniform(1, Double(height - 1))
        for y in 0..<height { for x in 0..<width {
            let d = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
            t[(p * height + y) * width + x] = Float(Foundation.exp(-d / 2))
        } }
    }
    return t
}

import Foundation

@Suite struct OverfitTests {
    func tinyModel(seed: UInt64) throws -> TopdownPoseEstimator {
        var rng = RandomGenerator(seed: seed)
        var s = ResNetSpec(depth: 18)
        s.baseChannels = 8; s.stemChannels = 8
        let backbone = try ResNet(s, rng: &rng)
        var h = HeatmapHeadSettings(inChannels: 64, outChannels: 4)
        h.deconvOutChannels = [16, 16]; h.deconvKernelSizes = [4, 4]
        return TopdownPoseEstimator(backbone: backbone, head: try HeatmapHead(h, rng: &rng),
                                    loss: KeypointMSELoss(useTargetWeight: true))
    }

    func train(steps: Int) throws -> [Float] {
        let model = try tinyModel(seed: 42)
        var rng = RandomGenerator(seed: 7)
        let images = Tensor(zeros: [4, 3, 64, 64])
        rng.fillNormal(images, std: 1)
        let targets = gaussianTargets(batch: 4, keypoints: 4, height: 8, width: 8, rng: &rng)
        let weights = Tensor(repeating: 1, shape: [4, 4])
        let adam = Adam(arena: model.arena, learningRate: 3e-3)
        var losses: [Float] = []
        for _ in 0..<steps {
            model.arena.zeroGradients()
            losses.append(try model.forwardBackward(images: images, targets: targets, weights: weights))
            adam.step()
        }
        return losses
    }

    @Test func tinyResNetOverfitsOneBatchDeterministically() throws {
        let losses = try train(steps: 150)
        #expect(losses.last! * 10 < losses.first!, "loss \(losses.first!) -> \(losses.last!)")
        let again = try train(steps: 150)
        #expect(losses == again)
    }
}
