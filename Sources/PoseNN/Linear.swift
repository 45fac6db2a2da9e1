import PoseTensor

/// PyTorch's `Linear`: input `N × inFeatures` (any `N × …` is flattened), output `N × outFeatures`;
/// `weight` is `outFeatures × inFeatures`, `bias` `outFeatures`.
///
/// A training forward keeps its input; `backward` adds dW and db into `weight.grad` and
/// `bias.grad` (whether or not they require gradients) and returns dx in the input's shape, or
/// `noGradient` after `setInputGradientNeeded(false)`.
public final class Linear: Layer {
    /// Input and output features (PyTorch's `in_features` and `out_features`).
    public let inFeatures, outFeatures: Int
    /// The weight, `outFeatures × inFeatures` (state key `weight`, role `.weight`); zero until
    /// the owner initialises it.
    public let weight: Parameter
    /// The bias, `outFeatures` values (state key `bias`, zero-initialised), or nil for `bias: false`.
    public let bias: Parameter?
    /// The precision this layer always multiplies in, whatever `ComputePrecision.current` says
    /// (SimCC's classifiers set fp32: the decoder reads their outputs); nil (the default) follows it.
    public var fixedPrecision: ComputePrecision?
    private var input: Tensor?
    /// The precision of the training forward, which its backward keeps.
    private var precision = ComputePrecision.float32
    private var inputGradientNeeded = true

    /// A linear layer with zero weight and bias.
    /// - Parameters:
    ///   - inFeatures: features per input row; an `N × …` input must hold `N · inFeatures` values.
    ///   - outFeatures: features per output row.
    ///   - bias: whether the layer has a `bias` parameter.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(shape: [outFeatures, inFeatures], role: .weight)
        self.bias = bias ? Parameter(shape: [outFeatures], role: .bias) : nil
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let batch = x.shape[0]
        precondition(x.count == batch * inFeatures, "Linear expects N×\(inFeatures) input, got \(x.shape)")
        let y = Tensor.pooled(shape: [batch, outFeatures])
        precision = fixedPrecision ?? ComputePrecision.current
        LinearKernels.forward(x: x.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                              batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, precision: precision)
        input = mode == .training ? x : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward without a training forward") }
        input = nil
        var dx: Tensor?
        if inputGradientNeeded {
            dx = Tensor.pooled(shape: x.shape)
        }
        LinearKernels.backward(x: x.data, weight: weight.value.data, dy: dy.data, dx: dx?.data,
                               dWeight: weight.grad.data, dBias: bias?.grad.data,
                               batch: x.shape[0], inFeatures: inFeatures, outFeatures: outFeatures, precision: precision)
        return dx ?? noGradient
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        if let bias { state.parameters.append((prefix + "bias", bias)) }
    }

    public func setInputGradientNeeded(_ needed: Bool) { inputGradientNeeded = needed }
}
