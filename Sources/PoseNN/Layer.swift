import PoseTensor

/// Whether a forward pass trains (batch statistics, cached activations) or only infers.
public enum ForwardMode: Sendable {
    /// A training pass: BatchNorm normalises with batch statistics and updates its running
    /// averages, and every layer keeps what its `backward` reads.
    case training
    /// An inference pass: BatchNorm uses its running statistics, and no `backward` may follow,
    /// so layers drop the activations it would read.
    case inference
}

/// A differentiable operation with explicit forward and backward passes.
///
/// `forward` returns a new tensor (from `TensorPool.shared`, so a steady-state step allocates
/// nothing) and, in training mode, keeps what `backward` needs — and only that, so a tensor
/// nobody kept can be overwritten in place by its consumer. `backward(dy)` follows one training
/// forward: it returns dLoss/dx in a new pooled tensor, adds the true dLoss/dθ into each
/// parameter's `grad`, and lets go of what the forward kept, so the backward pass frees the
/// activations as it goes.
public protocol Layer: AnyObject {
    /// Applies the layer; see the conforming type for shapes.
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor
    /// Back-propagates `dy` (shape of the last forward output) and returns dx.
    func backward(_ dy: Tensor) -> Tensor
    /// Adds this layer's parameters and buffers, named `prefix + local name`, to `state`.
    func collectState(prefix: String, into state: inout StateDict)
    /// Tells the layer whether its caller needs dx; the first convolution of a network does not.
    func setInputGradientNeeded(_ needed: Bool)
}

extension Layer {
    public func collectState(prefix: String, into state: inout StateDict) {}
    public func setInputGradientNeeded(_ needed: Bool) {}

    /// This layer's state_dict with keys relative to it.
    public func stateDict(prefix: String = "") -> StateDict {
        var state = StateDict()
        collectState(prefix: prefix, into: &state)
        return state
    }
}

/// The empty tensor returned as dx by a layer told its input gradient is not needed.
public let noGradient = Tensor(zeros: [0])
