import PoseTensor

/// PyTorch's `Linear`: input `N × inFeatures` (any `N × …` is flattened), output `N × outFeatures`;
/// `weight` is `outFeatures × inFeatures`, `bias` `outFeatures`.
public final class Linear: Layer {
    public let inFeatures, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    private var inputGradientNeeded = true

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
        LinearKernels.forward(x: x.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                              batch: batch, inFeatures: inFeatures, outFeatures: outFeatures)
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
                               batch: x.shape[0], inFeatures: inFeatures, outFeatures: outFeatures)
        return dx ?? noGradient
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        if let bias { state.parameters.append((prefix + "bias", bias)) }
    }

    public func setInputGradientNeeded(_ needed: Bool) { inputGradientNeeded = needed }
}
