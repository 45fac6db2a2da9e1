import Foundation
import Testing
import SwiftPoseTestSupport
import PoseData
@testable import PoseModels
import PoseNN
import PoseTensor

/// Finite-difference check of a head's loss with respect to its input feature and parameters.
func expectHeadGradientsMatch(_ head: PoseHead, feature shape: [Int], targets: HeadTargets, seed: UInt64 = 3,
                              sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomGenerator(seed: seed)
    let x = Tensor(zeros: shape)
    rng.fillUniform(x, low: -1, high: 1)
    let mismatches = GradientCheck().run(head: head, features: [x], targets: targets)
    #expect(mismatches.isEmpty, "\(mismatches.prefix(6))", sourceLocation: sourceLocation)
}

func randomLabels(_ n: Int, _ k: Int, seed: UInt64) -> (Tensor, Tensor) {
    var rng = RandomGenerator(seed: seed)
    let labels = Tensor(zeros: [n, k, 2]), weights = Tensor(zeros: [n, k])
    rng.fillUniform(labels, low: 0, high: 1)
    for i in 0..<weights.count { weights[i] = rng.uniform() < 0.8 ? 1 : 0 }
    return (labels, weights)
}

@Suite struct HeadTests {
    @Test func regressionHeadWithSmoothL1AndL1() {
        var rng = RandomGenerator(seed: 1)
        let (labels, weights) = randomLabels(3, 4, seed: 2)
        for loss: any PoseLoss in [SmoothL1Loss(useTargetWeight: true, lossWeight: 1), L1Loss(useTargetWeight: true, lossWeight: 2)] {
            let head = RegressionHead(inChannels: 5, keypoints: 4, rng: &rng)
            head.loss = loss
            rng.fillNormal(head.fc.weight.value, std: 2)   // errors large enough to reach both SmoothL1 branches
            expectHeadGradientsMatch(head, feature: [3, 5, 1, 1], targets: HeadTargets(labels: labels, weights: weights))
        }
        #expect(RegressionHead(inChannels: 2048, keypoints: 17, rng: &rng).fc.weight.shape == [34, 2048])
    }

    @Test func rleHeadIncludingItsFlow() throws {
        // The flow's LeakyReLUs make the loss piecewise smooth; this seed keeps the checked
        // elements away from kinks the second-difference test cannot see.
        var rng = RandomGenerator(seed: 11)
        let head = try RLEHead(inChannels: 6, keypoints: 3, loss: RLELossSpec(useTargetWeight: true), rng: &rng)
        rng.fillNormal(head.fc.weight.value, std: 0.5)
        // give the flow non-trivial weights so its gradient is checked for real
        var state = StateDict()
        head.loss.collectState(prefix: "", into: &state)
        for (_, p) in state.parameters { rng.fillNormal(p.value, std: 0.3) }
        let (labels, weights) = randomLabels(2, 3, seed: 5)
        expectHeadGradientsMatch(head, feature: [2, 6, 1, 1], targets: HeadTargets(labels: labels, weights: weights))
        var all = StateDict()
        head.collectState(prefix: "head.", into: &all)
        #expect(all.shape(of: "head.loss_module.flow_model.s.5.4.weight") == [2, 64])
        #expect(all.shape(of: "head.loss_module.flow_model.t.0.0.weight") == [64, 2])
        #expect(all.shape(of: "head.loss_module.flow_model.mask") == [6, 2])
        #expect(all.shape(of: "head.fc.weight") == [12, 6])
    }

    @Test func realNVPLogProbMatchesItsDefinitionAtIdentity() {
        // with zero nets every coupling is the identity: log p(x) is the standard normal's
        var rng = RandomGenerator(seed: 0)
        let flow = RealNVP(rng: &rng)
        var state = StateDict()
        flow.collectState(prefix: "", into: &state)
        for (_, p) in state.parameters { p.value.zero() }
        let x = Tensor([0.5, -1, 2, 0.25], shape: [2, 2])
        let lp = flow.logProb(x)
        #expect(abs(lp[0] - Float(-0.5 * (0.25 + 1) - log(2 * Double.pi))) < 1e-5)
        #expect(abs(lp[1] - Float(-0.5 * (4 + 0.0625) - log(2 * Double.pi))) < 1e-5)
    }

    /// (DSNT, beta, debias): MMPose's ipr_res50_debias config is a DSNTHead with beta 10 and debias.
    @Test(arguments: [(false, Float(1), false), (true, Float(1), false), (true, Float(3), true), (false, Float(2), true)])
    func integralAndDSNTHeads(dsnt: Bool, beta: Float, debias: Bool) throws {
        var rng = RandomGenerator(seed: 6)
        var s = HeatmapHeadSettings(inChannels: 3, outChannels: 2)
        s.deconvOutChannels = [4]; s.deconvKernelSizes = [4]
        let head = try IntegralRegressionHead(s, inFeaturemapSize: (3, 2), dsnt: dsnt, rng: &rng)
        (head.beta, head.debias) = (beta, debias)
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        for (name, p) in state.parameters where !name.hasPrefix("linspace") {
            if name.hasSuffix("1.weight") { rng.fillUniform(p.value, low: 0.5, high: 1.5) } else { rng.fillNormal(p.value, std: 0.5) }
        }
        if debias {
            // maps well below zero keep C = Σ exp(map) near 1, where the debiasing's C-term matters
            let bias = head.heatmapHead.finalLayer!.bias!.value
            bias.data.update(repeating: -4, count: bias.count)
        }
        #expect(state.shape(of: "linspace_x") == [1, 1, 1, 6] && state.shape(of: "linspace_y") == [1, 1, 4, 1])
        #expect(state.trainableCount == state.parameters.filter { !$0.name.hasPrefix("linspace") }.reduce(0) { $0 + $1.parameter.value.count })
        let (labels, weights) = randomLabels(2, 2, seed: 7)
        let maps = Tensor(zeros: [2, 2, 4, 6])
        rng.fillUniform(maps, low: 0, high: 1)
        for p in 0..<4 {   // normalised target maps, as IntegralRegressionLabel makes them
            var sum: Float = 0
            for i in 0..<24 { sum += maps[p * 24 + i] }
            for i in 0..<24 { maps[p * 24 + i] /= sum }
        }
        expectHeadGradientsMatch(head, feature: [2, 3, 2, 3], targets: HeadTargets(heatmaps: maps, labels: labels, weights: weights))
    }

    /// SimCCHead with and without deconvolutions: MMPose's keys, and dx/dθ through the two linear
    /// layers and the map part, with the KL loss on both axes.
    @Test(arguments: [true, false])
    func simccHeadGradients(deconvolutions: Bool) throws {
        var rng = RandomGenerator(seed: 11)
        var s = HeatmapHeadSettings(inChannels: 3, outChannels: 2)
        (s.deconvOutChannels, s.deconvKernelSizes) = deconvolutions ? ([4], [4]) : ([], [])
        let head = try SimCCHead(s, inFeaturemapSize: (3, 2), bins: (8, 6), rng: &rng)
        var state = StateDict()
        head.collectState(prefix: "head.", into: &state)
        for (name, p) in state.parameters {
            if name.contains(".1.weight") { rng.fillUniform(p.value, low: 0.5, high: 1.5) } else { rng.fillNormal(p.value, std: 0.5) }
        }
        let flat = deconvolutions ? 24 : 6
        #expect(state.shape(of: "head.mlp_head_x.weight") == [8, flat] && state.shape(of: "head.mlp_head_y.weight") == [6, flat])
        #expect(state.shape(of: deconvolutions ? "head.deconv_head.final_layer.weight" : "head.final_layer.weight") == [2, deconvolutions ? 4 : 3, 1, 1])
        let codec = SimCCLabel(inputSize: (4, 3), sigma: (1.5, 1.5), splitRatio: 2)
        var xs: [Float] = [], ys: [Float] = []
        for (i, points) in [[1.2, 0.7, 3.1, 2.2], [0.4, 2.9, 2.0, 1.0]].enumerated() {
            let e = codec.encode(keypoints: points, visible: [1, 1]) as EncodedKeypoints
            xs += e.simccX; ys += e.simccY
            #expect(e.simccX.count == 16 && e.simccY.count == 12, "sample \(i)")
        }
        let targets = HeadTargets(weights: Tensor([1, 0.5, 1, 1], shape: [2, 2]),
                                  simccX: Tensor(xs, shape: [2, 2, 8]), simccY: Tensor(ys, shape: [2, 2, 6]))
        expectHeadGradientsMatch(head, feature: [2, 3, 2, 3], targets: targets)
        // a feature of another size than in_featuremap_size says so instead of trapping
        #expect(throws: ModelError.self) { try head.trainStep([Tensor(zeros: [2, 3, 3, 3])], targets: targets) }
        let out = head.predict([Tensor(zeros: [1, 3, 2, 3])])
        #expect(out.simccX?.shape == [1, 2, 8] && out.simccY?.shape == [1, 2, 6])
        #expect(try codec.decode(out, at: 0).keypoints.count == 4)
    }

    /// Debiasing by hand on one 2 × 2 map: softmax(β·z) expectation e, C = Σ exp(z),
    /// x = C/(C−1)·(e − 1/(2C)).
    @Test func debiasedCoordinatesByHand() throws {
        var rng = RandomGenerator(seed: 1)
        var s = HeatmapHeadSettings(inChannels: 1, outChannels: 1)
        s.deconvOutChannels = []; s.deconvKernelSizes = []
        let head = try IntegralRegressionHead(s, inFeaturemapSize: (2, 2), dsnt: false, rng: &rng)
        (head.beta, head.debias) = (2, true)
        head.heatmapHead.finalLayer!.weight.value[0] = 1
        head.heatmapHead.finalLayer!.bias!.value[0] = 0
        let z: [Double] = [0.1, 0.7, -0.3, 0.4]
        let out = head.predict([Tensor(z.map(Float.init), shape: [1, 1, 2, 2])])
        let e = z.map { exp(2 * $0) }, sum = e.reduce(0, +)
        let ex = (e[1] + e[3]) / sum * 0.5, ey = (e[2] + e[3]) / sum * 0.5
        let c = z.map(exp).reduce(0, +)
        let coords = try #require(out.coordinates)
        #expect(abs(Double(coords[0]) - c / (c - 1) * (ex - 1 / (2 * c))) < 1e-6)
        #expect(abs(Double(coords[1]) - c / (c - 1) * (ey - 1 / (2 * c))) < 1e-6)
    }

    @Test func visPredictHeadWrapsAPoseHead() throws {
        var rng = RandomGenerator(seed: 8)
        var s = HeatmapHeadSettings(inChannels: 3, outChannels: 2)
        s.deconvOutChannels = []; s.deconvKernelSizes = []
        let pose = try HeatmapHead(s, rng: &rng)
        rng.fillNormal(pose.finalLayer!.weight.value, std: 0.5)
        let head = VisPredictHead(poseHead: pose, inChannels: 3, keypoints: 2,
                                  loss: BCELoss(useTargetWeight: true, lossWeight: 0.5, useSigmoid: true), useSigmoid: true, rng: &rng)
        rng.fillNormal(head.linear.weight.value, std: 0.5)
        let target = Tensor(zeros: [2, 2, 3, 4])
        rng.fillUniform(target, low: 0, high: 1)
        let weights = Tensor([1, 0, 1, 1], shape: [2, 2])
        expectHeadGradientsMatch(head, feature: [2, 3, 3, 4], targets: HeadTargets(heatmaps: target, weights: weights))
        var state = StateDict()
        head.collectState(prefix: "head.", into: &state)
        #expect(state.shape(of: "head.vis_head.2.weight") == [2, 3] && state.shape(of: "head.pose_head.final_layer.weight") == [2, 3, 1, 1])
        let out = head.predict([Tensor(zeros: [1, 3, 3, 4])])
        #expect(out.visibility?.shape == [1, 2] && out.heatmaps?.shape == [1, 2, 3, 4])
    }

    /// A KeypointConverter's `keypoints_visible_weights` weigh the visibility loss and accuracy,
    /// as MMPose's VisPredictHead does with `use_target_weight`.
    @Test func visPredictHeadWeighsByVisibilityWeights() throws {
        var rng = RandomGenerator(seed: 9)
        var s = HeatmapHeadSettings(inChannels: 3, outChannels: 2)
        s.deconvOutChannels = []; s.deconvKernelSizes = []
        let head = VisPredictHead(poseHead: try HeatmapHead(s, rng: &rng), inChannels: 3, keypoints: 2,
                                  loss: BCELoss(useTargetWeight: true, lossWeight: 0.5, useSigmoid: true), useSigmoid: true, rng: &rng)
        rng.fillNormal(head.linear.weight.value, std: 0.5)
        let target = Tensor(zeros: [2, 2, 3, 4])
        rng.fillUniform(target, low: 0, high: 1)
        let labels = Tensor([1, 0, 1, 1], shape: [2, 2]), visibilityWeights = Tensor([1, 0, 0, 1], shape: [2, 2])
        let targets = HeadTargets(heatmaps: target, weights: labels, visibilityWeights: visibilityWeights)
        expectHeadGradientsMatch(head, feature: [2, 3, 3, 4], targets: targets)
        let feature = Tensor(zeros: [2, 3, 3, 4])
        rng.fillNormal(feature, std: 1)
        let p = try #require(head.predict([feature]).visibility)
        let (losses, _) = try head.trainStep([feature], targets: targets)
        var bce = 0.0
        for i in 0..<4 {
            let pi = Double(p[i]), t = Double(labels[i])
            bce += Double(visibilityWeights[i]) * -(t * log(pi) + (1 - t) * log(1 - pi))
        }
        let lossVis = try #require(losses.first { $0.0 == "loss_vis" }).1
        #expect(abs(Double(lossVis) - 0.5 * bce / 4) < 1e-5)
        // per sample: correct calls among the weighted keypoints
        var accuracy = 0.0
        for b in 0..<2 {
            var correct = 0.0, total = 0.0
            for j in 0..<2 {
                let i = b * 2 + j, w = Double(visibilityWeights[i])
                if (p[i] >= 0.5 ? 1 : 0) == labels[i] { correct += w }
                total += w
            }
            accuracy += correct / (total + 1e-6) / 2
        }
        let accVis = try #require(losses.first { $0.0 == "acc_vis" }).1
        #expect(abs(Double(accVis) - accuracy) < 1e-6)
    }

    @Test func lossesAgainstHandComputedValues() {
        // SmoothL1: |d| < 1 → d²/2, else |d| − 1/2; mean over elements
        let p = Tensor([0.5, 3, -2, 0], shape: [1, 2, 2]), t = Tensor([0, 0, 0, 0], shape: [1, 2, 2])
        let g = Tensor(zeros: [1, 2, 2])
        let sl1 = SmoothL1Loss(useTargetWeight: false, lossWeight: 1)(prediction: p, target: t, weights: nil, gradient: g)
        #expect(abs(sl1 - (0.125 + 2.5 + 1.5 + 0) / 4) < 1e-6)
        #expect(g.array == [0.125, 0.25, -0.25, 0])
        let l1 = L1Loss(useTargetWeight: true, lossWeight: 1)(prediction: p, target: t, weights: Tensor([1, 0], shape: [1, 2]), gradient: g)
        #expect(abs(l1 - 3.5 / 4) < 1e-6)
        // BCE on probabilities and on logits agree through the sigmoid
        let probs = Tensor([0.2, 0.9], shape: [1, 2]), labels = Tensor([0, 1], shape: [1, 2])
        let bce = BCELoss(useSigmoid: true)(prediction: probs, target: labels, weights: nil, gradient: g)
        #expect(abs(Double(bce) - (-log(0.8) - log(0.9)) / 2) < 1e-6)
        let logits = Tensor([Float(log(0.2 / 0.8)), Float(log(0.9 / 0.1))], shape: [1, 2])
        let bceLogits = BCELoss()(prediction: logits, target: labels, weights: nil, gradient: g)
        #expect(abs(bce - bceLogits) < 1e-5)
    }

    @Test func ohkmKeepsTheHardestKeypoints() {
        let pred = Tensor([1, 1, 0, 0, 3, 3, 0, 0], shape: [1, 4, 1, 2]), target = Tensor(zeros: [1, 4, 1, 2])
        let grad = Tensor(zeros: pred.shape)
        let loss = KeypointOHKMMSELoss(topk: 2)(prediction: pred, target: target, weights: nil, gradient: grad)
        // per-keypoint means 1, 0, 9, 0 → top-2 mean 5
        #expect(abs(loss - 5) < 1e-6)
        #expect(grad[2] == 0 && grad[0] > 0 && grad[4] > grad[0])
        var rng = RandomGenerator(seed: 3)
        let p2 = Tensor(zeros: [2, 5, 3, 3]), t2 = Tensor(zeros: [2, 5, 3, 3]), w2 = Tensor(repeating: 1, shape: [2, 5])
        rng.fillUniform(p2, low: 0, high: 1); rng.fillUniform(t2, low: 0, high: 1)
        let ohkm = KeypointOHKMMSELoss(useTargetWeight: true, topk: 3)
        let g2 = Tensor(zeros: p2.shape), scratch = Tensor(zeros: p2.shape)
        _ = ohkm(prediction: p2, target: t2, weights: w2, gradient: g2)
        for i in stride(from: 0, to: p2.count, by: 5) {
            let saved = p2[i]
            p2[i] = saved + 1e-3; let plus = ohkm(prediction: p2, target: t2, weights: w2, gradient: scratch)
            p2[i] = saved - 1e-3; let minus = ohkm(prediction: p2, target: t2, weights: w2, gradient: scratch)
            p2[i] = saved
            #expect(abs((plus - minus) / 2e-3 - g2[i]) < 2e-3)
        }
    }
}

@Suite struct NeckTests {
    @Test func featureMapProcessorConcatRescaleAndGradients() {
        let neck = FeatureMapProcessor(selectIndex: [0, 2], concat: true, scaleFactor: 2, applyReLU: true)
        var rng = RandomGenerator(seed: 9)
        let feats = [[2, 2, 4, 6], [2, 3, 2, 3], [2, 3, 2, 3]].map { s -> Tensor in
            let t = Tensor(zeros: s); rng.fillUniform(t, low: -1, high: 1); return t
        }
        let out = neck.forward(feats, mode: .training)
        #expect(out.map(\.shape) == [[2, 5, 8, 12]])
        for index in [0, 2] {
            let mismatches = GradientCheck().run(
                input: feats[index], parameters: [],
                forward: { neck.forward(feats, mode: .training)[0] },
                backward: { dy in
                    _ = neck.forward(feats, mode: .training)
                    return neck.backward([dy])[index]!.clone()
                })
            #expect(mismatches.isEmpty, "input \(index): \(mismatches.prefix(4))")
        }
        #expect(neck.backward([out[0]])[1] == nil)
    }
}
