import PoseNN
import PoseTensor

/// MMPose's `TopdownPoseEstimator`: backbone → (neck) → head, with the heatmap loss.
///
/// State keys are `backbone.*` and `head.*`. After building, every parameter lives in one
/// `ParameterArena`, so the optimizer, gradient allreduce and checkpoints each see one buffer.
public final class TopdownPoseEstimator {
    public let backbone: Backbone
    public let head: HeatmapHead
    public let loss: KeypointMSELoss
    public let arena: ParameterArena
    public let state: StateDict
    private var lossGradient: Tensor?

    public init(backbone: Backbone, head: HeatmapHead, loss: KeypointMSELoss) {
        self.backbone = backbone
        self.head = head
        self.loss = loss
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        head.collectState(prefix: "head.", into: &state)
        self.state = state
        arena = ParameterArena(state.parameters.map(\.parameter))
    }

    /// Heatmaps `N × K × h × w` for a normalised image batch `N × 3 × H × W`.
    public func predict(_ images: Tensor) -> Tensor {
        head.forward(backbone.forward(images, mode: .inference).last!, mode: .inference)
    }

    /// One forward and backward pass; adds dLoss/dθ into the gradient arena (zero it first)
    /// and returns the loss.
    /// - Parameters:
    ///   - images: `N × 3 × H × W`, normalised.
    ///   - targets: `N × K × h × w` target heatmaps.
    ///   - weights: `N × K` keypoint weights.
    public func forwardBackward(images: Tensor, targets: Tensor, weights: Tensor?) -> Float {
        let feats = backbone.forward(images, mode: .training)
        let heatmaps = head.forward(feats.last!, mode: .training)
        let grad = Tensor.reuse(lossGradient, shape: heatmaps.shape)
        lossGradient = grad
        let value = loss(prediction: heatmaps, target: targets, weights: weights, gradient: grad)
        let dFeat = head.backward(grad)
        var dFeats = [Tensor?](repeating: nil, count: feats.count)
        dFeats[feats.count - 1] = dFeat
        backbone.backward(dFeats)
        return value
    }

    /// The number of trainable scalar parameters.
    public var trainableParameterCount: Int { state.trainableCount }
}
