import PoseTensor

/// PyTorch's `Conv2d`: input `N × inChannels × H × W`, output `N × outChannels × H' × W'`,
/// weight `outChannels × inChannels/groups × kH × kW` (`weight`), optional `bias` (`outChannels`).
/// With `groups` > 1 the channels split into that many independent convolutions (ResNeXt).
///
/// Input and output may also be channel-blocked (`ChannelBlocking`): any input is read in its
/// layout, and the output is blocked when `blocksOutput` is set, the backend is oneDNN and
/// `outChannels` is a multiple of 16.
///
/// A training forward keeps its input (and an NCHW copy of a blocked one when the BLAS kernels
/// run); `backward` adds dW and db into `weight.grad` and `bias.grad` (into scratch when the
/// weight does not require gradients) and returns dx, or `noGradient` after
/// `setInputGradientNeeded(false)`.
public final class Conv2d: Layer {
    /// Input and output channels (PyTorch's `in_channels` and `out_channels`).
    public let inChannels, outChannels: Int
    /// PyTorch's `groups`: output slice k sees only input slice k.
    public let groups: Int
    /// PyTorch's `kernel_size`, `stride`, `padding` and `dilation` as (height, width) pairs; the
    /// initialiser makes each square.
    public let kernel, stride, padding, dilation: (Int, Int)
    /// The kernel, `outChannels × inChannels/groups × kH × kW` (state key `weight`, role
    /// `.weight`); zero until a backbone or head initialises it.
    public let weight: Parameter
    /// The bias, `outChannels` values (state key `bias`, zero-initialised), or nil for `bias: false`.
    public let bias: Parameter?
    /// Whether the output may be channel-blocked: set by a backbone whose every reader of this
    /// output handles that layout.
    public var blocksOutput = false
    /// The precision this layer always multiplies in, whatever `ComputePrecision.current` says
    /// (the heads set fp32 on their final layers); nil (the default) follows it, except that a
    /// convolution with at most 4 input channels (a stem reading the image) stays fp32.
    public var fixedPrecision: ComputePrecision?
    private var inputGradientNeeded = true
    private var input: Tensor?
    private var geometry: ConvGeometry?
    private var frozenSink: Tensor?
    let plans = ConvolutionPlans()
    /// Plans of `fusedInference` (with bias and a post-op), apart from the layer's own.
    private let fusedPlans = ConvolutionPlans()
    private var plan: OneDNNConvolution?
    /// NCHW copies of a blocked input and of its gradient for the BLAS kernels (where oneDNN
    /// has no plan for a shape).
    private var planarInput: Tensor?

    /// A convolution with zero weights and PyTorch's defaults (stride 1, no padding, dilation 1,
    /// one group, with bias); both channel counts must divide by `groups` (a trap otherwise).
    /// - Parameters:
    ///   - inChannels: input channels `C`.
    ///   - outChannels: output channels `C'`.
    ///   - kernel: the square kernel's side `k`.
    ///   - stride, padding, dilation: per side; `H' = (H + 2p − d·(k − 1) − 1) / s + 1`.
    ///   - groups: independent channel groups (ResNeXt's grouped 3×3 convolutions).
    ///   - bias: whether the layer has a `bias` parameter.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: \(inChannels) input and \(outChannels) output channels do not split into \(groups) groups")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groups = groups
        self.kernel = (kernel, kernel); self.stride = (stride, stride)
        self.padding = (padding, padding); self.dilation = (dilation, dilation)
        weight = Parameter(shape: [outChannels, inChannels / groups, kernel, kernel], role: .weight)
        self.bias = bias ? Parameter(shape: [outChannels], role: .bias) : nil
    }

    /// The geometry, planar output shape and oneDNN shape of a convolution of `x` (planar or
    /// channel-blocked), with or without a bias; output blocked as `blocksOutput` allows.
    private func layout(of x: Tensor, bias hasBias: Bool)
        -> (inShape: [Int], geometry: ConvGeometry, outShape: [Int], blockedOut: Bool, shape: OneDNNConvolution.Shape) {
        let inShape = ChannelBlocking.planarShape(x.shape)
        precondition(inShape.count == 4 && inShape[1] == inChannels,
                     "Conv2d expects N×\(inChannels)×H×W input, got \(x.shape)")
        let g = ConvGeometry(channels: inChannels / groups, height: inShape[2], width: inShape[3], kernel: kernel,
                             stride: stride, padding: padding, dilation: dilation)
        let blockedOut = blocksOutput && ChannelBlocking.canBlock(channels: outChannels)
        var shape = OneDNNConvolution.Shape(
            batch: inShape[0], inChannels: inChannels, inHeight: g.height, inWidth: g.width, outChannels: outChannels,
            outHeight: g.outHeight, outWidth: g.outWidth, kernel: kernel, stride: stride, padding: padding,
            dilation: dilation, groups: groups, bias: hasBias, sourceBlocked: ChannelBlocking.isBlocked(x.shape), destinationBlocked: blockedOut)
        // a convolution reading the image (at most 4 channels: RGB, RGBA, grey) stays fp32: its
        // bfloat16 rounding moved more keypoints than its share of the work (BENCHMARKS.md)
        shape.precision = fixedPrecision ?? (inChannels <= 4 ? .float32 : ComputePrecision.current)
        return (inShape, g, [inShape[0], outChannels, g.outHeight, g.outWidth], blockedOut, shape)
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let (inShape, g, outShape, blockedOut, shape) = layout(of: x, bias: bias != nil)
        let blockedIn = shape.sourceBlocked
        plan = plans.plan(for: shape)
        let y: Tensor
        if let plan {
            y = Tensor.pooled(shape: blockedOut ? ChannelBlocking.blockedShape(outShape) : outShape)
            plan.forward(x: x.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                         weightCache: plans.weights, weightVersion: mode == .inference ? weight.version : nil)
        } else {
            y = Tensor.pooled(shape: outShape)
            var source = x
            if blockedIn { source = ChannelBlocking.convertingPooled(x) }
            planarInput = blockedIn && mode == .training ? source : nil
            Convolution.forward(x: source.data, weight: weight.value.data, bias: bias?.value.data, y: y.data,
                                batch: inShape[0], geometry: g, outChannels: outChannels, groups: groups)
        }
        input = mode == .training ? x : nil; geometry = g
        return y
    }

    /// Inference with other weights and bias and an activation inside oneDNN's primitive (a
    /// BatchNorm folded in by `ConvModule`): `N × inChannels × H × W` → `N × outChannels × H' × W'`,
    /// blocked as `forward` would block it; nil off the oneDNN backend or where oneDNN has no
    /// plan, and the caller runs the layers one by one.
    /// - Parameters:
    ///   - weight: `outChannels × inChannels/groups × kH × kW`, in place of `weight`.
    ///   - bias: `outChannels` values, in place of `bias`.
    ///   - activation: applied to the output inside the primitive.
    ///   - adding: a tensor of the output's shape and layout added to the convolution's output
    ///     before the activation (a residual block's shortcut), or nil.
    public func fusedInference(_ x: Tensor, weight folded: Tensor, bias: Tensor,
                               activation: OneDNNConvolution.Shape.PostActivation, adding residual: Tensor? = nil) -> Tensor? {
        guard ComputeBackend.current == .onednn else { return nil }
        var (_, _, outShape, blockedOut, shape) = layout(of: x, bias: true)
        shape.activation = activation
        shape.accumulates = residual != nil
        let yShape = blockedOut ? ChannelBlocking.blockedShape(outShape) : outShape
        if let residual, residual.shape != yShape { return nil }
        guard let fused = fusedPlans.plan(for: shape) else { return nil }
        let y = Tensor.pooled(shape: yShape)
        if let residual { y.copy(from: residual) }
        fused.forward(x: x.data, weight: folded.data, bias: bias.data, y: y.data)
        input = nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let g = geometry else { preconditionFailure("Conv2d.backward without a training forward") }
        defer { input = nil; planarInput = nil }
        var dx: Tensor?
        if inputGradientNeeded {
            dx = Tensor.pooled(shape: x.shape)
        }
        if weight.requiresGrad || dx != nil {
            // A frozen layer still needs dx; weight gradients then go to a scratch sink.
            if !weight.requiresGrad { frozenSink = Tensor.reuse(frozenSink, shape: weight.shape) }
            let dW = weight.requiresGrad ? weight.grad : frozenSink!
            let dBias = (bias?.requiresGrad ?? false) ? bias!.grad.data : nil
            if let plan {
                plan.backward(x: x.data, weight: weight.value.data, dy: dy.data, dx: dx?.data, dWeight: dW.data, dBias: dBias,
                              weightCache: plans.weights)
            } else if ChannelBlocking.isBlocked(x.shape), let source = planarInput {
                let planarGrad = dx.map { _ in Tensor.pooled(shape: source.shape) }
                Convolution.backward(x: source.data, weight: weight.value.data, dy: dy.data, dx: planarGrad?.data,
                                     dWeight: dW.data, dBias: dBias, batch: source.shape[0], geometry: g, outChannels: outChannels,
                                     groups: groups)
                if let dx, let planarGrad {
                    ChannelBlocking.block(planarGrad.data, into: dx.data, batch: source.shape[0], channels: inChannels,
                                          spatial: g.height * g.width)
                }
            } else {
                Convolution.backward(x: x.data, weight: weight.value.data, dy: dy.data, dx: dx?.data,
                                     dWeight: dW.data, dBias: dBias, batch: x.shape[0], geometry: g, outChannels: outChannels,
                                     groups: groups)
            }
        }
        return dx ?? noGradient
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        if let bias { state.parameters.append((prefix + "bias", bias)) }
    }

    public func setInputGradientNeeded(_ needed: Bool) { inputGradientNeeded = needed }
}
