import PoseTensor

/// `y = max(x, 0)`, any shape.
public final class ReLU: Layer {
    private var output: Tensor?
    private var inputGrad: Tensor?

    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.reuse(output, shape: x.shape)
        ElementwiseKernels.relu(x.data, y.data, count: x.count)
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("ReLU.backward before forward") }
        let dx = Tensor.reuse(inputGrad, shape: y.shape)
        inputGrad = dx
        ElementwiseKernels.reluBackward(y: y.data, dy: dy.data, dx: dx.data, count: y.count)
        return dx
    }
}

/// `y = 1 / (1 + e^−x)`, any shape.
public final class Sigmoid: Layer {
    private var output: Tensor?
    private var inputGrad: Tensor?

    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.reuse(output, shape: x.shape)
        ElementwiseKernels.sigmoid(x.data, y.data, count: x.count)
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("Sigmoid.backward before forward") }
        let dx = Tensor.reuse(inputGrad, shape: y.shape)
        inputGrad = dx
        ElementwiseKernels.sigmoidBackward(y: y.data, dy: dy.data, dx: dx.data, count: y.count)
        return dx
    }
}

/// Passes its input through unchanged.
public final class Identity: Layer {
    public init() {}
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { x }
    public func backward(_ dy: Tensor) -> Tensor { dy }
}
