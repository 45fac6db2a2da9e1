import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `VisPredictHead`: a pose head (`pose_head`) plus a visibility branch
/// `vis_head = Sequential(AdaptiveAvgPool2d(1), Flatten(), Linear(C, K)[, Sigmoid()])` on the last
/// feature, trained with BCELoss against the keypoint weights (labelled and inside the map).
public final class VisPredictHead: PoseHead {
    /// The wrapped pose head (`pose_head.*`), which predicts the keypoints on the same features.
    public let poseHead: PoseHead
    let pool = GlobalAveragePool()
    let linear: Linear
    let sigmoid: Sigmoid?
    /// The visibility loss on `N × K` logits, or probabilities with `useSigmoid`.
    public var loss: any PoseLoss
    private var gradient: Tensor?

    /// Wraps `poseHead` and builds the visibility branch's `Linear(inChannels, keypoints)`,
    /// weights ~ N(0, 0.01²) and bias 0.
    /// - Parameters:
    ///   - poseHead: the built pose head.
    ///   - inChannels: channels of the last feature map.
    ///   - keypoints: the keypoint count `K`.
    ///   - loss: usually MMPose's `BCELoss`.
    ///   - useSigmoid: appends the Sigmoid, so the loss gets probabilities (`BCELoss(use_sigmoid=True)`).
    public init(poseHead: PoseHead, inChannels: Int, keypoints: Int, loss: any PoseLoss, useSigmoid: Bool,
                rng: inout RandomGenerator) {
        self.poseHead = poseHead
        linear = Linear(inChannels, keypoints)
        WeightInit.normal(linear.weight, bias: linear.bias, std: 0.01, rng: &rng)
        sigmoid = useSigmoid ? Sigmoid() : nil
        self.loss = loss
    }

    private func visibility(_ feat: Tensor, mode: ForwardMode) -> Tensor {
        let v = linear.forward(pool.forward(feat, mode: mode), mode: mode)
        return sigmoid?.forward(v, mode: mode) ?? v
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        var (losses, grads) = try poseHead.trainStep(feats, targets: targets)
        let v = visibility(feats.last!, mode: .training)
        let g = Tensor.reuse(gradient, shape: v.shape)
        gradient = g
        // labels are the keypoint weights, weighed (with use_target_weight) by keypoints_visible_weights
        let weighted = loss.useTargetWeight
        let weights = weighted ? targets.visibilityWeights ?? Tensor(repeating: 1, shape: v.shape) : nil
        if let weights, weights.shape != v.shape {
            throw ModelError("VisPredictHead: visibility weights \(weights.shape) for \(v.shape) predictions")
        }
        let value = loss(prediction: v, target: targets.weights, weights: weights, gradient: g)
        // MMPose's vis_accuracy: per sample the (weighted) share of correct calls at p ≥ 0.5, averaged
        let (n, k) = (v.shape[0], v.shape[1])
        var accuracy = 0.0
        for b in 0..<n {
            var correct = 0.0, total = 0.0
            for j in 0..<k {
                let i = b * k + j
                let p = sigmoid == nil ? 1 / (1 + expf(-v[i])) : v[i]
                let w = Double(weights?[i] ?? 1)
                if Float(p >= 0.5 ? 1 : 0) == targets.weights[i] { correct += w }
                total += w
            }
            accuracy += weights == nil ? correct / Double(max(k, 1)) : correct / (total + 1e-6)
        }
        let dv = sigmoid?.backward(g) ?? g
        let dFeat = pool.backward(linear.backward(dv))
        let last = feats.count - 1
        if let existing = grads[last] {
            let sum = existing.clone()
            ElementwiseKernels.accumulate(dFeat.data, into: sum.data, count: sum.count)
            grads[last] = sum
        } else {
            grads[last] = dFeat
        }
        losses += [("loss_vis", value), ("acc_vis", Float(accuracy / Double(max(n, 1))))]
        return (losses, grads)
    }

    public var hasFixedFeatureSize: Bool { poseHead.hasFixedFeatureSize }

    public func checkFeatures(_ feats: [Tensor]) throws { try poseHead.checkFeatures(feats) }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        var out = poseHead.predict(feats)
        let v = visibility(feats.last!, mode: .inference)
        let probs = v.clone()
        if sigmoid == nil { ElementwiseKernels.sigmoid(probs.data, probs.data, count: probs.count) }
        out.visibility = probs
        return out
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        poseHead.collectState(prefix: prefix + "pose_head.", into: &state)
        linear.collectState(prefix: prefix + "vis_head.2.", into: &state)
    }
}
