import PoseTensor

/// MMCV's `DeformConv2d(in_channels, out_channels, kernel_size, stride, padding, dilation,
/// groups, deform_groups, bias)`: a convolution whose taps read the input at positions moved by
/// per-pixel offsets (`DeformableConvolution`). State keys `weight` (and `bias`), as MMCV's.
///
/// A `.training` forward keeps its input and offsets; `backward` returns the gradients of both
/// and accumulates the weights'.
public final class DeformConv2d {
    /// `C`, `C'`, the square kernel's side, and the geometry.
    public let inChannels, outChannels, kernel, stride, padding, dilation, groups, deformGroups: Int
    /// `C' × (C/groups) × k × k`.
    public let weight: Parameter
    /// `C'`, or nil (MMCV's default `bias=False`).
    public let bias: Parameter?

    /// A layer with zero weights; channel counts must divide by the groups (a trap otherwise).
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                groups: Int = 1, deformGroups: Int = 1, bias: Bool = false) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0 && inChannels % deformGroups == 0,
                     "DeformConv2d: \(inChannels) → \(outChannels) channels do not split into \(groups) groups and \(deformGroups) deform groups")
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernel = kernel; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.groups = groups; self.deformGroups = deformGroups
        weight = Parameter(shape: [outChannels, inChannels / groups, kernel, kernel], role: .weight)
        self.bias = bias ? Parameter(shape: [outChannels], role: .bias) : nil
    }

    /// The shape of a convolution of `x` (planar `N × C × H × W`).
    public func shape(of x: Tensor) -> DeformableConvolution.Shape {
        let s = ChannelBlocking.planarShape(x.shape)
        precondition(s.count == 4 && s[1] == inChannels, "DeformConv2d expects N×\(inChannels)×H×W input, got \(x.shape)")
        return DeformableConvolution.Shape(batch: s[0], inChannels: inChannels, height: s[2], width: s[3], outChannels: outChannels,
                                           kernel: kernel, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                           deformGroups: deformGroups)
    }

    private var saved: (input: Tensor, offsets: Tensor, shape: DeformableConvolution.Shape)?

    /// `N × C' × H' × W'` from `x` (`N × C × H × W`, planar or channel-blocked) and `offsets`
    /// (`N × deformGroups·2·k² × H' × W'`, planar); a `.training` pass keeps both for `backward`.
    public func forward(_ x: Tensor, offsets: Tensor, mode: ForwardMode = .inference) -> Tensor {
        let s = shape(of: x)
        precondition(offsets.shape == [s.batch, s.offsetChannels, s.outHeight, s.outWidth],
                     "DeformConv2d expects offsets \([s.batch, s.offsetChannels, s.outHeight, s.outWidth]), got \(offsets.shape)")
        let input = ChannelBlocking.isBlocked(x.shape) ? ChannelBlocking.converting(x, reusing: nil) : x
        let y = Tensor(zeros: [s.batch, outChannels, s.outHeight, s.outWidth])
        DeformableConvolution.forward(input.data, offsets: offsets.data, weight: weight.value.data, bias: bias?.value.data, shape: s, output: y.data)
        saved = mode == .training ? (input, offsets, s) : nil
        return y
    }

    /// The gradients of the input (planar `N × C × H × W`) and of the offsets for `dy`
    /// (`N × C' × H' × W'`), adding the weights' (and bias') into their `grad`.
    public func backward(_ dy: Tensor) -> (input: Tensor, offsets: Tensor) {
        guard let (x, offsets, s) = saved else { preconditionFailure("DeformConv2d.backward without a training forward") }
        saved = nil
        let dyPlanar = ChannelBlocking.isBlocked(dy.shape) ? ChannelBlocking.converting(dy, reusing: nil) : dy
        let dx = Tensor(zeros: [s.batch, inChannels, s.height, s.width]), dOffsets = Tensor(zeros: offsets.shape)
        DeformableConvolution.backward(x.data, offsets: offsets.data, weight: weight.value.data, dy: dyPlanar.data, shape: s,
                                       dx: dx.data, dOffsets: dOffsets.data, dWeight: weight.grad.data, dBias: bias?.grad.data)
        return (dx, dOffsets)
    }

    /// Adds `weight` (and `bias`) under `prefix`.
    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        if let bias { state.parameters.append((prefix + "bias", bias)) }
    }
}
