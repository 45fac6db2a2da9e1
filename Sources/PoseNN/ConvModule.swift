import Foundation
import PoseTensor

/// MMCV's `ConvModule` with BatchNorm: a convolution, a `BatchNorm2d` and optionally an
/// activation (ReLU inside the BatchNorm, or its own layer), under MMCV's keys `conv.*` and
/// `bn.*`. Input `N × C × H × W` (or channel-blocked), output `N × C' × H' × W'`.
///
/// Training runs the three layers one by one. Inference on the oneDNN backend folds the
/// BatchNorm's running statistics into the convolution's weights and bias and runs the ReLU or
/// SiLU inside oneDNN's convolution (a post-op): one pass over the output instead of three. The
/// folding is redone on every call, since the weights and statistics change between
/// validations (a few multiply-adds per weight, against the convolution's per output pixel).
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
        if mode == .inference, let post = postActivation, let y = fusedInference(x, activation: post) { return y }
        var h = bn.forward(conv.forward(x, mode: mode), mode: mode)
        if let activation { h = activation.forward(h, mode: mode) }
        return h
    }

    /// The BatchNorm folded into the convolution: w′ = w · γ/√(σ² + ε) per output channel,
    /// b′ = β + (b − μ) · γ/√(σ² + ε).
    private func fusedInference(_ x: Tensor, activation post: OneDNNConvolution.Shape.PostActivation) -> Tensor? {
        guard ComputeBackend.current == .onednn else { return nil }
        let channels = conv.outChannels, perChannel = conv.weight.value.count / channels
        let weight = Tensor.pooled(shape: conv.weight.shape), bias = Tensor.pooled(shape: [channels])
        let w = conv.weight.value.data, gamma = bn.weight.value.data, beta = bn.bias.value.data
        let mean = bn.runningMean.data, variance = bn.runningVar.data, convBias = conv.bias?.value.data
        for o in 0..<channels {
            let scale = gamma[o] / (variance[o] + bn.eps).squareRoot()
            for i in 0..<perChannel { weight[o * perChannel + i] = w[o * perChannel + i] * scale }
            bias[o] = beta[o] + ((convBias?[o] ?? 0) - mean[o]) * scale
        }
        return conv.fusedInference(x, weight: weight, bias: bias, activation: post)
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
