import PoseTensor

/// Inference with each BatchNorm folded into the convolution before it, and a ReLU or SiLU
/// after it run inside oneDNN's convolution as a post-op: one pass over the output instead of
/// two or three. `ConvModule` and `Sequential` (a `Conv2d` followed by a `BatchNorm2d`, as
/// ResNet's and HRNet's blocks are built) use it on the oneDNN backend when no gradient is
/// needed; training, the BLAS backend, and `isEnabled` off run the layers one by one, which is
/// the reference the fused path is tested against.
public enum InferenceFusion {
    /// Whether inference folds and fuses (true by default); off, every layer runs on its own.
    @TaskLocal public static var isEnabled = true

    /// `bn(conv(x))` with `activation` after it, as one oneDNN convolution with the running
    /// statistics folded in: w′ = w · γ/√(σ² + ε) per output channel, b′ = β + (b − μ) · γ/√(σ² + ε).
    /// The folding is redone on every call (a few multiply-adds per weight, against the
    /// convolution's per output pixel), since weights and statistics change between validations.
    /// - Returns: the output (laid out as `conv.forward` lays it out), or nil off oneDNN, with
    ///   `isEnabled` off, or where oneDNN has no plan, and the caller runs the layers itself.
    /// - Parameter residual: added to the normalised output before the activation (a residual
    ///   block's shortcut, in the output's shape and layout), or nil.
    public static func convolution(_ conv: Conv2d, _ bn: BatchNorm2d, _ x: Tensor,
                                   activation: OneDNNConvolution.Shape.PostActivation, adding residual: Tensor? = nil) -> Tensor? {
        guard isEnabled, ComputeBackend.current == .onednn, bn.channels == conv.outChannels else { return nil }
        let channels = conv.outChannels, perChannel = conv.weight.value.count / channels
        let weight = Tensor.pooled(shape: conv.weight.shape), bias = Tensor.pooled(shape: [channels])
        let w = conv.weight.value.data, gamma = bn.weight.value.data, beta = bn.bias.value.data
        let mean = bn.runningMean.data, variance = bn.runningVar.data, convBias = conv.bias?.value.data
        for o in 0..<channels {
            let scale = gamma[o] / (variance[o] + bn.eps).squareRoot()
            for i in 0..<perChannel { weight[o * perChannel + i] = w[o * perChannel + i] * scale }
            bias[o] = beta[o] + ((convBias?[o] ?? 0) - mean[o]) * scale
        }
        return conv.fusedInference(x, weight: weight, bias: bias, activation: activation, adding: residual)
    }
}
