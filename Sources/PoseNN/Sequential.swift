import PoseTensor

/// Applies named children in order; state keys are `prefix + childName + "."`.
///
/// Names follow PyTorch's module paths, so a `Sequential(conv, BN, ReLU)` whose ReLU is fused
/// into the BN is built as children "0" and "1" and keeps MMPose's key names.
public final class Sequential: Layer {
    /// The layers in application order, each with its key component (PyTorch's child name).
    public private(set) var children: [(name: String, layer: Layer)]

    /// Children with explicit names (`("conv1", conv)`, `("bn1", bn)`), applied in order.
    public init(_ children: [(String, Layer)]) {
        self.children = children.map { (name: $0.0, layer: $0.1) }
    }

    /// Children named "0", "1", … in order.
    public convenience init(_ layers: [Layer]) {
        self.init(layers.enumerated().map { (String($0.offset), $0.element) })
    }

    /// Applies the children in order; in inference, a `Conv2d` followed by a `BatchNorm2d` runs
    /// as one convolution with the BatchNorm (and its fused ReLU) folded in (`InferenceFusion`).
    /// A `ConvTranspose2d` is not folded: oneDNN 2.6's deconvolution with a bias ran 5x slower
    /// than without (BENCHMARKS.md), and its BatchNorm and ReLU are already one pass.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        forward(x, mode: mode, through: children.count)
    }

    /// The first `count` children applied to `x` (with `forward`'s fusion).
    func forward(_ x: Tensor, mode: ForwardMode, through count: Int) -> Tensor {
        var h = x
        var i = 0
        while i < count {
            if mode == .inference, i + 1 < count, let conv = children[i].layer as? Conv2d,
               let bn = children[i + 1].layer as? BatchNorm2d,
               let y = InferenceFusion.convolution(conv, bn, h, activation: bn.relu ? .relu : .none) {
                h = y
                i += 2
                continue
            }
            h = children[i].layer.forward(h, mode: mode)
            i += 1
        }
        return h
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        for child in children.reversed() { g = child.layer.backward(g) }
        return g
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for child in children { child.layer.collectState(prefix: prefix + child.name + ".", into: &state) }
    }

    public func setInputGradientNeeded(_ needed: Bool) { children.first?.layer.setInputGradientNeeded(needed) }
}

extension Sequential {
    /// The last convolution and BatchNorm when the children end with a `Conv2d` followed by a
    /// `BatchNorm2d` without a fused ReLU (a residual block's main branch), for a fused residual sum.
    var trailingConvolution: (conv: Conv2d, bn: BatchNorm2d)? {
        guard children.count >= 2, let conv = children[children.count - 2].layer as? Conv2d,
              let bn = children[children.count - 1].layer as? BatchNorm2d, !bn.relu else { return nil }
        return (conv, bn)
    }
}
