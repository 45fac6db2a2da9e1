import Foundation
import Testing
import PoseData
import PoseModels
import PoseTensor
@testable import PoseTraining

/// Every zoo config parses, decodes, builds with MMPose's parameter count, and trains one step.
@Suite struct ZooConfigTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let parameters: Int?
        /// Overrides that shrink the step (input size follows from the feature map size).
        let options: [String]
        var testDescription: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    static let cases: [Case] = [
        Case(path: "topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py", parameters: 33_999_697, options: []),
        Case(path: "topdown_heatmap/coco/td-hm_res101_8xb64-210e_coco-256x192.py", parameters: 52_991_825, options: []),
        Case(path: "topdown_heatmap/coco/td-hm_res152_8xb32-210e_coco-256x192.py", parameters: 68_635_473, options: []),
        Case(path: "topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py", parameters: 28_536_113, options: []),
        Case(path: "topdown_heatmap/coco/td-hm_hrnet-w48_8xb32-210e_coco-256x192.py", parameters: 63_595_745, options: []),
        Case(path: "topdown_heatmap/coco/td-hm-vis_res50_8xb64-210e_coco-256x192.py", parameters: 33_999_697 + 2048 * 17 + 17, options: []),
        Case(path: "topdown_regression/coco/td-reg_res50_8xb64-210e_coco-256x192.py", parameters: 23_577_698, options: []),
        Case(path: "topdown_regression/coco/td-reg_res50_rle-8xb64-210e_coco-256x192.py", parameters: 23_701_148, options: []),
        Case(path: "integral_regression/coco/ipr_res50_dsnt-8xb64-210e_coco-256x256.py", parameters: nil,
             options: ["model.head.in_featuremap_size=(2,2)", "model.head.decoder.input_size=(64,64)",
                       "model.head.decoder.heatmap_size=(16,16)"]),
    ]

    @Test(arguments: cases)
    func parsesBuildsAndTrainsOneStep(_ c: Case) throws {
        let s = try settings(repositoryRoot + "/configs/body_2d_keypoint/" + c.path, options: c.options)
        let model = try buildTopdown(s)
        let codec = try #require(s.model.decoder)
        if let expected = c.parameters { #expect(model.trainableParameterCount == expected) }
        // one step on a random 64×64 batch with targets shaped by the config's codec
        var rng = RandomGenerator(seed: 1)
        let n = 2, k = 17, size = 64
        let images = Tensor(zeros: [n, 3, size, size])
        rng.fillNormal(images, std: 1)
        var targets = HeadTargets(weights: Tensor(repeating: 1, shape: [n, k]))
        if let (hw, hh) = codec.heatmapTargetSize {
            let scale = codec.inputSize.0 / hw
            let maps = Tensor(zeros: [n, k, size / scale, size / scale])
            rng.fillUniform(maps, low: 0, high: 1e-2)
            _ = hh
            targets.heatmaps = maps
        }
        if codec.makesLabels {
            let labels = Tensor(zeros: [n, k, 2])
            rng.fillUniform(labels, low: 0.1, high: 0.9)
            targets.labels = labels
        }
        let before = model.arena.values.clone()
        let optimizer = Adam(arena: model.arena, learningRate: 1e-3)
        model.arena.zeroGradients()
        let loss = try model.forwardBackward(images: images, targets: targets)
        optimizer.step()
        #expect(loss.isFinite)
        #expect(model.arena.values.array != before.array)
        let out = model.predictOutput(images)
        #expect(out.heatmaps != nil || out.coordinates != nil)
    }
}
