import PoseNN
import PoseTensor

/// MMPose's `TopdownPoseEstimator`: backbone → (neck) → head.
///
/// State keys are `backbone.*` and `head.*` (necks have no parameters here). After building,
/// every parameter lives in one `ParameterArena`, so the optimizer, gradient allreduce and
/// checkpoints each see one buffer.
public final class TopdownPoseEstimator {
    public let backbone: Backbone
    public let neck: Neck?
    public let head: PoseHead
    public let arena: ParameterArena
    public let state: StateDict
    /// The named losses of the last training step.
    public private(set) var lastLosses: [(String, Float)] = []

    public init(backbone: Backbone, neck: Neck? = nil, head: PoseHead) {
        self.backbone = backbone
        self.neck = neck
        self.head = head
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        head.collectState(prefix: "head.", into: &state)
        self.state = state
        arena = ParameterArena(state.parameters.map(\.parameter))
    }

    /// A SimpleBaseline: a backbone and a heatmap head trained with `loss`.
    public convenience init(backbone: Backbone, head: HeatmapHead, loss: KeypointMSELoss) {
        head.loss = .mse(loss)
        self.init(backbone: backbone, neck: nil, head: head)
    }

    private func features(_ images: Tensor, mode: ForwardMode) -> [Tensor] {
        let feats = backbone.forward(images, mode: mode)
        return neck?.forward(feats, mode: mode) ?? feats
    }

    /// Inference on a normalised image batch `N × 3 × H × W`.
    public func predictOutput(_ images: Tensor) -> HeadOutput {
        head.predict(features(images, mode: .inference))
    }

    /// Heatmaps `N × K × h × w` of a heatmap head (a copy).
    public func predict(_ images: Tensor) -> Tensor {
        guard let heatmaps = predictOutput(images).heatmaps else { preconditionFailure("predict(_:) needs a heatmap head") }
        return heatmaps
    }

    /// One forward and backward pass; adds dLoss/dθ into the gradient arena (zero it first) and
    /// returns the optimised loss: the sum of the head's losses whose name contains "loss".
    public func forwardBackward(images: Tensor, targets: HeadTargets) -> Float {
        let feats = features(images, mode: .training)
        let (losses, grads) = head.trainStep(feats, targets: targets)
        lastLosses = losses
        let dFeats = neck?.backward(grads) ?? grads
        backbone.backward(dFeats)
        return losses.filter { $0.0.contains("loss") }.reduce(0) { $0 + $1.1 }
    }

    /// `forwardBackward` for heatmap targets `N × K × h × w` and weights `N × K`.
    public func forwardBackward(images: Tensor, targets: Tensor, weights: Tensor?) -> Float {
        let n = targets.shape[0], k = targets.shape[1]
        return forwardBackward(images: images, targets: HeadTargets(heatmaps: targets, weights: weights ?? Tensor(repeating: 1, shape: [n, k])))
    }

    /// The number of trainable scalar parameters.
    public var trainableParameterCount: Int { state.trainableCount }
}
