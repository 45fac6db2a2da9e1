import PoseTensor

/// `y = act(main(x) + shortcut(x))`, with the identity as shortcut when none is given.
///
/// `main`'s keys sit directly at the block's prefix and the shortcut's under `shortcutName`
/// (ResNet: `layer1.0.conv1.weight`, `layer1.0.downsample.0.weight`). Input and output shapes
/// are those of `main`. A shortcut whose output is in the other channel layout than `main`'s
/// (`ChannelBlocking`: an NCHW block input whose main branch writes blocked) is converted.
public final class Residual: Layer {
    /// The main branch (a block's convolutions and BatchNorms); its keys sit at the block's prefix.
    public let main: Layer
    /// The shortcut branch (a downsampling 1×1 convolution and BatchNorm), or nil for the identity.
    public let shortcut: Layer?
    /// The key component of the shortcut's state (`downsample` by default, as torchvision).
    public let shortcutName: String
    /// Whether a ReLU follows the sum.
    public let relu: Bool
    private var output: Tensor?
    private var shortcutConverted = false

    /// A residual block; a training forward keeps the output for the ReLU's mask (when `relu`),
    /// and `backward` adds the two branches' input gradients.
    /// - Parameters:
    ///   - main: the main branch.
    ///   - shortcut: the shortcut branch, nil for the identity.
    ///   - shortcutName: the shortcut's key component (default `downsample`).
    ///   - relu: whether a ReLU follows the sum (default true).
    public init(main: Layer, shortcut: Layer? = nil, shortcutName: String = "downsample", relu: Bool = true) {
        self.main = main
        self.shortcut = shortcut
        self.shortcutName = shortcutName
        self.relu = relu
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode == .inference, let y = fusedInference(x) { return y }
        var m = main.forward(x, mode: mode)
        let y = sum(&m, shortcut?.forward(x, mode: mode) ?? x)
        output = mode == .training && relu ? y : nil
        return y
    }

    /// `act(m + s)`, the shortcut `s` converted to `m`'s channel layout where they differ
    /// (recorded for backward); the sum goes into `m` when no layer kept it for its backward
    /// pass (a BatchNorm without ReLU keeps none), as PyTorch's in-place `out += identity`.
    private func sum(_ m: inout Tensor, _ s: Tensor) -> Tensor {
        var s = s
        shortcutConverted = s.shape != m.shape && ChannelBlocking.planarShape(s.shape) == ChannelBlocking.planarShape(m.shape)
        if shortcutConverted { s = ChannelBlocking.convertingPooled(s) }
        precondition(m.shape == s.shape, "residual branches disagree: \(m.shape) vs \(s.shape)")
        let y = isKnownUniquelyReferenced(&m) ? m : Tensor.pooled(shape: m.shape)
        ElementwiseKernels.add(m.data, s.data, y.data, count: y.count)
        if relu { ElementwiseKernels.relu(y.data, y.data, count: y.count) }
        return y
    }

    /// Inference with the main branch's last convolution and BatchNorm, the sum and the ReLU as
    /// one oneDNN convolution (`InferenceFusion`, with the shortcut as a sum post-op); nil where
    /// the main branch does not end so or oneDNN has no plan, and the layers run one by one.
    private func fusedInference(_ x: Tensor) -> Tensor? {
        guard InferenceFusion.isEnabled, ComputeBackend.current == .onednn, let sequence = main as? Sequential,
              let (conv, bn) = sequence.trailingConvolution else { return nil }
        let h = sequence.forward(x, mode: .inference, through: sequence.children.count - 2)
        var s = shortcut?.forward(x, mode: .inference) ?? x
        // the shortcut in the layout the convolution writes
        let blocked = conv.blocksOutput && ChannelBlocking.canBlock(channels: conv.outChannels)
        if ChannelBlocking.isBlocked(s.shape) != blocked { s = ChannelBlocking.convertingPooled(s) }
        if let y = InferenceFusion.convolution(conv, bn, h, activation: relu ? .relu : .none, adding: s) { return y }
        // no plan: the last two layers and the sum one by one
        var m = bn.forward(conv.forward(h, mode: .inference), mode: .inference)
        return sum(&m, s)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        if relu {
            guard let y = output else { preconditionFailure("Residual.backward without a training forward") }
            output = nil
            let masked = Tensor.pooled(shape: y.shape)
            ElementwiseKernels.reluBackward(y: y.data, dy: dy.data, dx: masked.data, count: y.count)
            g = masked
        }
        var dMain = main.backward(g)
        var shortGrad = g
        if shortcutConverted {
            shortGrad = ChannelBlocking.convertingPooled(g)
        }
        let dShort = shortcut?.backward(shortGrad) ?? shortGrad
        // A gradient nobody else holds is summed into in place, one buffer fewer at the peak.
        let dx = isKnownUniquelyReferenced(&dMain) ? dMain : Tensor.pooled(shape: dMain.shape)
        ElementwiseKernels.add(dMain.data, dShort.data, dx.data, count: dx.count)
        return dx
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        main.collectState(prefix: prefix, into: &state)
        shortcut?.collectState(prefix: prefix + shortcutName + ".", into: &state)
    }
}
