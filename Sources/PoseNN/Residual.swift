import PoseTensor

/// `y = act(main(x) + shortcut(x))`, with the identity as shortcut when none is given.
///
/// `main`'s keys sit directly at the block's prefix and the shortcut's under `shortcutName`
/// (ResNet: `layer1.0.conv1.weight`, `layer1.0.downsample.0.weight`). Input and output shapes
/// are those of `main`. A shortcut whose output is in the other channel layout than `main`'s
/// (`ChannelBlocking`: an NCHW block input whose main branch writes blocked) is converted.
public final class Residual: Layer {
    public let main: Layer
    public let shortcut: Layer?
    public let shortcutName: String
    /// Whether a ReLU follows the sum.
    public let relu: Bool
    private var output: Tensor?
    private var sumGrad: Tensor?
    private var inputGrad: Tensor?
    /// The shortcut's output in `main`'s layout and the gradient on the way back, when converted.
    private var convertedShortcut: Tensor?, convertedGrad: Tensor?
    private var shortcutConverted = false

    public init(main: Layer, shortcut: Layer? = nil, shortcutName: String = "downsample", relu: Bool = true) {
        self.main = main
        self.shortcut = shortcut
        self.shortcutName = shortcutName
        self.relu = relu
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let m = main.forward(x, mode: mode)
        var s = shortcut?.forward(x, mode: mode) ?? x
        shortcutConverted = s.shape != m.shape && ChannelBlocking.planarShape(s.shape) == ChannelBlocking.planarShape(m.shape)
        if shortcutConverted {
            s = ChannelBlocking.converting(s, reusing: convertedShortcut)
            convertedShortcut = s
        }
        precondition(m.shape == s.shape, "residual branches disagree: \(m.shape) vs \(s.shape)")
        let y = Tensor.reuse(output, shape: m.shape)
        ElementwiseKernels.add(m.data, s.data, y.data, count: y.count)
        if relu { ElementwiseKernels.relu(y.data, y.data, count: y.count) }
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("Residual.backward before forward") }
        var g = dy
        if relu {
            let masked = Tensor.reuse(sumGrad, shape: y.shape)
            sumGrad = masked
            ElementwiseKernels.reluBackward(y: y.data, dy: dy.data, dx: masked.data, count: y.count)
            g = masked
        }
        let dMain = main.backward(g)
        var shortGrad = g
        if shortcutConverted {
            shortGrad = ChannelBlocking.converting(g, reusing: convertedGrad)
            convertedGrad = shortGrad
        }
        let dShort = shortcut?.backward(shortGrad) ?? shortGrad
        let dx = Tensor.reuse(inputGrad, shape: dMain.shape)
        inputGrad = dx
        ElementwiseKernels.add(dMain.data, dShort.data, dx.data, count: dx.count)
        return dx
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        main.collectState(prefix: prefix, into: &state)
        shortcut?.collectState(prefix: prefix + shortcutName + ".", into: &state)
    }
}
