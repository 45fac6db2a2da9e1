import PoseTensor

/// PyTorch's `ConvTranspose2d`: input `N × inChannels × H × W`, output
/// `N × outChannels × ((H−1)·s − 2p + k + op) × ((W−1)·s − 2p + k + op)`,
/// weight `inChannels × outChannels × k × k` (IOHW), optional bias (`outChannels`).
///
/// NCHW only. A training forward keeps its input; `backward` adds dW and db into `weight.grad`
/// and `bias.grad` (into scratch when the weight does not require gradients) and returns dx, or
/// `noGradient` after `setInputGradientNeeded(false)`.
public final class ConvTranspose2d: Layer {
    /// Input and output channels (PyTorch's `in_channels` and `out_channels`).
    public let inChannels, outChannels: Int
    /// PyTorch's `kernel_size`, `stride`, `padding` and `output_padding`, the same for both sides.
    public let kernel, stride, padding, outputPadding: Int
    /// The kernel, `inChannels × outChannels × k × k` as PyTorch stores it (state key `weight`,
    /// role `.weight`); zero until a head initialises it.
    public let weight: Parameter
    /// The bias, `outChannels` values (state key `bias`, zero-initialised), or nil for `bias: false`.
    public let bias: Parameter?
    private var inputGradientNeeded = true
    private var input: Tensor?
    private var geometry: ConvGeometry?
    private var frozenSink: Tensor?
    let plans = ConvolutionPlans()
    private var plan: OneDNNConvolution?

    /// A transposed convolution with zero weights and PyTorch's defaults (stride 1, no padding,
    /// no output padding, with bias).
    /// - Parameters:
    ///   - inChannels: input channels `C`.
    ///   - outChannels: output channels `C'`.
    ///   - kernel: the square kernel's side `k`.
    ///   - stride, padding, outputPadding: per side; `H' = (H − 1)·s − 2p + k + op`
    ///     (HeatmapHead's stride-2 deconvolutions double the size).
    ///   - bias: whether the layer has a `bias` parameter.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding; self.outputPadding = outputPadding
        weight = Parameter(shape: [inChannels, outChannels, kernel, kernel], role: .weight)
        self.bias = bias ? Parameter(shape: [outChannels], role: .bias) : nil
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                     "ConvTranspose2d expects N×\(inChannels)×H×W input, got \(x.shape)")
        let g = TransposedConvolution.geometry(
            inHeight: x.shape[2], inWidth: x.shape[3], outChannels: outChannels, kernel: (kernel, kernel),
            stride: (stride, stride), padding: (padding, padding), outputPadding: (outputPadding, outputPadding))
        let y = Tensor.pooled(shape: [x.shape[0], outChannels, g.height, g.width])
        var shape = OneDNNConvolution.Shape(
            batch: x.shape[0], inChannels: inChannels, inHeight: x.shape[2], inWidth: x.shape[3], outChannels: outChannels,
            outHeight: g.height, outWidth: g.width, kernel: (kernel, kernel), stride: (stride, stride),
            padding: (padding, padding), bias: bias != nil, transposed: true)
        shape.precision = ComputePrecision.current
        plan = plans.plan(for: shape)
        if let plan {
            plan.forward(x: x.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                         weightCache: plans.weights, weightVersion: mode == .inference ? weight.version : nil)
        } else {
            TransposedConvolution.forward(x: x.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                                          batch: x.shape[0], geometry: g, inChannels: inChannels)
        }
        input = mode == .training ? x : nil; geometry = g
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let g = geometry else { preconditionFailure("ConvTranspose2d.backward without a training forward") }
        input = nil
        var dx: Tensor?
        if inputGradientNeeded {
            dx = Tensor.pooled(shape: x.shape)
        }
        if !weight.requiresGrad { frozenSink = Tensor.reuse(frozenSink, shape: weight.shape) }
        let dW = weight.requiresGrad ? weight.grad : frozenSink!
        let dBias = (bias?.requiresGrad ?? false) ? bias!.grad.data : nil
        if let plan {
            plan.backward(x: x.data, weight: weight.value.data, dy: dy.data, dx: dx?.data, dWeight: dW.data, dBias: dBias,
                              weightCache: plans.weights)
        } else {
            TransposedConvolution.backward(x: x.data, weight: weight.value.data, dy: dy.data, dx: dx?.data, dWeight: dW.data,
                                           dBias: dBias, batch: x.shape[0], geometry: g, inChannels: inChannels)
        }
        return dx ?? noGradient
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        if let bias { state.parameters.append((prefix + "bias", bias)) }
    }

    public func setInputGradientNeeded(_ needed: Bool) { inputGradientNeeded = needed }
}
