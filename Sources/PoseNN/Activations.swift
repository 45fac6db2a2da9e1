import Foundation
import PoseTensor

/// `y = max(x, 0)`, any shape; the output is shaped like the input.
///
/// A training forward keeps its output, whose positive entries let the gradient through in
/// `backward`. No parameters.
public final class ReLU: Layer {
    private var output: Tensor?

    /// A ReLU (no parameters or settings; PyTorch's `ReLU()`).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        ElementwiseKernels.relu(x.data, y.data, count: x.count)
        output = mode == .training ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("ReLU.backward without a training forward") }
        output = nil
        let dx = Tensor.pooled(shape: y.shape)
        ElementwiseKernels.reluBackward(y: y.data, dy: dy.data, dx: dx.data, count: y.count)
        return dx
    }
}

/// `y = 1 / (1 + e^−x)`, any shape; the output is shaped like the input.
///
/// A training forward keeps its output; `backward` returns `dy · y · (1 − y)`. No parameters.
public final class Sigmoid: Layer {
    private var output: Tensor?

    /// A sigmoid (no parameters or settings; PyTorch's `Sigmoid()`).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        ElementwiseKernels.sigmoid(x.data, y.data, count: x.count)
        output = mode == .training ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("Sigmoid.backward without a training forward") }
        output = nil
        let dx = Tensor.pooled(shape: y.shape)
        ElementwiseKernels.sigmoidBackward(y: y.data, dy: dy.data, dx: dx.data, count: y.count)
        return dx
    }
}

/// Passes its input through unchanged, and the gradient back unchanged; keeps nothing.
public final class Identity: Layer {
    /// The identity (no parameters; PyTorch's `nn.Identity()`).
    public init() {}
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { x }
    public func backward(_ dy: Tensor) -> Tensor { dy }
}

/// `y = x` for x ≥ 0, `slope · x` otherwise (PyTorch's `LeakyReLU`, slope 0.01), any shape;
/// the output is shaped like the input.
///
/// A training forward keeps its input, whose sign picks `dy` or `slope · dy` in `backward`.
/// No parameters.
public final class LeakyReLU: Layer {
    /// The factor applied to negative inputs (PyTorch's `negative_slope`; 0.01 by default).
    public let slope: Float
    private var input: Tensor?
    private var output: Tensor?

    /// A leaky ReLU with PyTorch's default slope unless given.
    /// - Parameter slope: the factor for negative inputs (PyTorch's `negative_slope`, default 0.01).
    public init(slope: Float = 0.01) { self.slope = slope }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        for i in 0..<x.count { y[i] = x[i] >= 0 ? x[i] : slope * x[i] }
        if mode == .training { input = x; output = y } else { input = nil; output = nil }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("LeakyReLU.backward without a training forward") }
        input = nil; output = nil
        let dx = Tensor.pooled(shape: x.shape)
        for i in 0..<x.count { dx[i] = x[i] >= 0 ? dy[i] : slope * dy[i] }
        return dx
    }
}

/// `y = tanh(x)`, any shape; the output is shaped like the input.
///
/// A training forward keeps its output; `backward` returns `dy · (1 − y²)`. No parameters.
public final class Tanh: Layer {
    private var output: Tensor?

    /// A tanh (no parameters or settings; PyTorch's `Tanh()`).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        for i in 0..<x.count { y[i] = tanhf(x[i]) }
        output = mode == .training ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("Tanh.backward without a training forward") }
        output = nil
        let dx = Tensor.pooled(shape: y.shape)
        for i in 0..<y.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        return dx
    }
}

/// `y = x · σ(x)` (PyTorch's `SiLU`, MMCV's `Swish`), any shape; the output is shaped like the
/// input.
///
/// A training forward keeps its input; `backward` returns `dy · σ(x) · (1 + x · (1 − σ(x)))`.
/// No parameters.
public final class SiLU: Layer {
    private var input: Tensor?
    /// oneDNN's JIT plan for the last element count, on the oneDNN backend (the scalar
    /// `ElementwiseKernels` are the reference and the BLAS backend's kernels).
    private var plan: OneDNNEltwise?

    /// A SiLU (no parameters or settings; PyTorch's `SiLU()`).
    public init() {}

    private func plan(count: Int) -> OneDNNEltwise? {
        guard ComputeBackend.current == .onednn else { return nil }
        if let plan, plan.count == count { return plan }
        plan = OneDNNEltwise(.silu, count: count)
        return plan
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        if let plan = plan(count: x.count) {
            plan.forward(x: x.data, y: y.data)
        } else {
            ElementwiseKernels.silu(x.data, y.data, count: x.count)
        }
        input = mode == .training ? x : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("SiLU.backward without a training forward") }
        input = nil
        let dx = Tensor.pooled(shape: x.shape)
        if let plan = plan(count: x.count) {
            plan.backward(x: x.data, dy: dy.data, dx: dx.data)
        } else {
            ElementwiseKernels.siluBackward(x: x.data, dy: dy.data, dx: dx.data, count: x.count)
        }
        return dx
    }
}

/// `y = min(max(x + 3, 0), 6) / 6` (PyTorch's `Hardsigmoid`), any shape; the output is shaped
/// like the input.
///
/// A training forward keeps its input; `backward` passes `dy / 6` where −3 < x < 3. No parameters.
public final class Hardsigmoid: Layer {
    private var input: Tensor?

    /// A hard sigmoid (no parameters or settings; PyTorch's `Hardsigmoid()`).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        ElementwiseKernels.hardsigmoid(x.data, y.data, count: x.count)
        input = mode == .training ? x : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Hardsigmoid.backward without a training forward") }
        input = nil
        let dx = Tensor.pooled(shape: x.shape)
        ElementwiseKernels.hardsigmoidBackward(x: x.data, dy: dy.data, dx: dx.data, count: x.count)
        return dx
    }
}

/// `y = x · Φ(x) = x/2 · (1 + erf(x/√2))` (PyTorch's exact `GELU`), any shape; the output is
/// shaped like the input.
///
/// A training forward keeps its input; `backward` returns `dy · (Φ(x) + x · φ(x))`. No parameters.
public final class GELU: Layer {
    private var input: Tensor?

    /// A GELU (PyTorch's `GELU()`, `approximate='none'`).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let y = Tensor.pooled(shape: x.shape)
        for i in 0..<x.count { y[i] = 0.5 * x[i] * (1 + erff(x[i] * Float(0.5.squareRoot()))) }
        input = mode == .training ? x : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("GELU.backward without a training forward") }
        input = nil
        let dx = Tensor.pooled(shape: x.shape)
        let density = Float(1 / (2 * Double.pi).squareRoot())
        for i in 0..<x.count {
            let v = x[i]
            let cdf = 0.5 * (1 + erff(v * Float(0.5.squareRoot())))
            dx[i] = dy[i] * (cdf + v * density * expf(-0.5 * v * v))
        }
        return dx
    }
}

/// The activation of an MMCV `act_cfg` (`dict(type='SiLU')`): which layer a `ConvModule` or a
/// block applies after its normalisation.
public enum ActivationType: String, Sendable, CaseIterable {
    /// `ReLU`.
    case relu = "ReLU"
    /// `SiLU` (MMCV's `Swish` is the same function).
    case silu = "SiLU"
    /// `Sigmoid`.
    case sigmoid = "Sigmoid"
    /// `Hardsigmoid`.
    case hardsigmoid = "Hardsigmoid"
    /// `GELU` (exact, erf-based).
    case gelu = "GELU"

    /// A new layer computing this activation.
    public func makeLayer() -> Layer {
        switch self {
        case .relu: ReLU()
        case .silu: SiLU()
        case .sigmoid: Sigmoid()
        case .hardsigmoid: Hardsigmoid()
        case .gelu: GELU()
        }
    }
}
