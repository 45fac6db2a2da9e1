import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RegressionHead` (DeepPose): `fc = Linear(in_channels, K·2)` on the flattened last
/// feature (`N × C × 1 × 1` after GlobalAveragePooling) → `N × K × 2` normalised coordinates.
public final class RegressionHead: PoseHead {
    /// Keypoints `K` (MMPose's `num_joints`); `fc` has `2K` outputs.
    public let keypoints: Int
    let fc: Linear
    /// The loss on `N × K × 2` coordinates (MMPose's default: SmoothL1Loss with target weights).
    public var loss: any PoseLoss = SmoothL1Loss(useTargetWeight: true)
    private var gradient: Tensor?

    /// Linear weights ~ N(0, 0.01²), bias 0 (MMPose's default init).
    public init(inChannels: Int, keypoints: Int, rng: inout RandomGenerator) {
        self.keypoints = keypoints
        fc = Linear(inChannels, keypoints * 2)
        WeightInit.normal(fc.weight, bias: fc.bias, std: 0.01, rng: &rng)
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        let y = fc.forward(feats.last!, mode: .training).reshaped([feats.last!.shape[0], keypoints, 2])
        let labels = try targets.labels(batch: y.shape[0], keypoints: keypoints, head: "RegressionHead")
        let g = Tensor.reuse(gradient, shape: y.shape)
        gradient = g
        let value = loss(prediction: y, target: labels, weights: targets.weights, gradient: g)
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = fc.backward(g.reshaped([y.shape[0], keypoints * 2])).reshaped(feats.last!.shape)
        return ([("loss_kpt", value)], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let y = fc.forward(feats.last!, mode: .inference)
        return HeadOutput(coordinates: y.clone().reshaped([y.shape[0], keypoints, 2]))
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        fc.collectState(prefix: prefix + "fc.", into: &state)
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}
