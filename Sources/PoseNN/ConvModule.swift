import Foundation
import PoseTensor

/// MMCV's `ConvModule` with BatchNorm: a convolution, a `BatchNorm2d` and optionally an
/// activation (ReLU inside the BatchNorm, or its own layer), under MMCV's keys `conv.*` and
/// `bn.*`. Input `N × C × H × W` (or channel-blocked), output `N × C' × H' × W'`.
///
/// Training runs the three layers one by one. Inference on the oneDNN backend folds the
/// BatchNorm's running statistics into the convolution's weights and bias and runs the ReLU or
/// SiLU inside oneDNN's convolution (`InferenceFusion`): one pass over the output instead of three.
public final class ConvModule: Layer {
    /// The convolution (`conv.*`).
    public let conv: Conv2d
    /// The normalisation (`bn.*`); its `relu` is the module's ReLU.
    public let bn: BatchNorm2d
    /// The activation after the BatchNorm when it is not the BatchNorm's fused ReLU.
    public let activation: Layer?

    /// A module of these layers; `activation` must be nil when `bn.relu` is set.
    public init(conv: Conv2d, bn: BatchNorm2d, activation: Layer? = nil) {
        precondition(!(bn.relu && activation != nil), "ConvModule: the BatchNorm already applies a ReLU")
        self.conv = conv; self.bn = bn; self.activation = activation
    }

    /// The post-op of the fused path, or nil when the activation has none.
    private var postActivation: OneDNNConvolution.Shape.PostActivation? {
        if bn.relu { return .relu }
        switch activation {
        case nil: return OneDNNConvolution.Shape.PostActivation.none
        case is SiLU: return .silu
        case is ReLU: return .relu
        default: return nil
        }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode == .inference, let post = postActivation, let y = InferenceFusion.convolution(conv, bn, x, activation: post) { return y }
        var h = bn.forward(conv.forward(x, mode: mode), mode: mode)
        if let activation { h = activation.forward(h, mode: mode) }
        return h
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        if let activation { g = activation.backward(g) }
        return conv.backward(bn.backward(g))
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        conv.collectState(prefix: prefix + "conv.", into: &state)
        bn.collectState(prefix: prefix + "bn.", into: &state)
    }

    public func setInputGradientNeeded(_ needed: Bool) { conv.setInputGradientNeeded(needed) }
}
