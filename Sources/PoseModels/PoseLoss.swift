import PoseNN
import PoseTensor

/// A loss (MMPose's `losses`) with its hand-written gradient.
///
/// Contract for an implementation:
/// - `callAsFunction` compares `prediction` with `target` (shapes agreed with the head that uses
///   the loss: `N × K × h × w` heatmaps for heatmap heads, `N × K × 2` coordinates for regression
///   heads, `N × K` logits or probabilities for visibility), weighted by the `N × K` keypoint
///   `weights` when given. It returns the loss value and writes dLoss/dprediction into
///   `gradient` (shaped like `prediction`; every element written, not accumulated).
/// - A loss with trainable parameters (RLE's normalising flow) adds them in `collectState`; the
///   head that owns it names them (`head.loss_module.…`) and they train like any other.
/// - Shapes the loss cannot handle are a programming error of the head that calls it; values it
///   reads from a config are checked by its builder.
public protocol PoseLoss {
    /// Returns the loss and writes dLoss/dprediction into `gradient`.
    func callAsFunction(prediction: Tensor, target: Tensor, weights: Tensor?, gradient: Tensor) -> Float
    /// Adds the loss's trainable parameters (if any) under `prefix`.
    func collectState(prefix: String, into state: inout StateDict)
    /// Whether the loss weighs keypoints by the `weights` it gets (MMPose's `use_target_weight`);
    /// heads that make their own weights (a visibility head) ask. False by default.
    var useTargetWeight: Bool { get }
    /// Heatmap channels per keypoint the loss trains (3 for UDP 'combined' targets: response, x
    /// and y offsets); a heatmap head checks its maps against it. 1 by default.
    var mapsPerKeypoint: Int { get }
}

extension PoseLoss {
    public func collectState(prefix: String, into state: inout StateDict) {}
    public var useTargetWeight: Bool { false }
    public var mapsPerKeypoint: Int { 1 }
}

/// A configured loss, decoded from a `loss=dict(type=...)` by a registered builder; the head
/// makes its own instance (a loss with parameters needs one per model).
public protocol LossSpec: Sendable {
    /// Makes the loss instance a head trains with; a loss with parameters (RLELoss's flow)
    /// initialises them from `rng`.
    /// - Throws: `ModelError` when the loss cannot serve a single head output
    ///   (`MultipleLossWrapper`).
    func makeLoss(rng: inout RandomGenerator) throws -> any PoseLoss
    /// Parameters and buffers the loss holds (RLELoss's flow), worked out without building it;
    /// none by default.
    var size: ModelSize { get }
    /// Whether the loss takes probabilities rather than logits (BCELoss's `use_sigmoid`), so a
    /// head that feeds it applies the sigmoid itself. False by default.
    var takesProbabilities: Bool { get }
}

extension LossSpec {
    public var size: ModelSize { .zero }
    public var takesProbabilities: Bool { false }
}

extension LossSpec where Self: PoseLoss {
    /// A stateless loss is its own spec.
    public func makeLoss(rng: inout RandomGenerator) throws -> any PoseLoss { self }
}
