import Foundation
import PoseNN
import PoseTensor

/// PyTorch's `Adam` (L2 `weight_decay` added to the gradient, bias-corrected moments).
///
/// Works on the model's `ParameterArena`: the moment estimates are two flat buffers laid out
/// like the parameters, so one loop updates the whole model.
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public let arena: ParameterArena
    /// First-moment estimates, laid out like `arena.values`.
    public let expAvg: Tensor
    /// Second-moment estimates, laid out like `arena.values`.
    public let expAvgSq: Tensor
    public private(set) var stepCount = 0

    public init(arena: ParameterArena, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8, weightDecay: Float = 0) {
        self.arena = arena
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        expAvg = Tensor(zeros: arena.values.shape)
        expAvgSq = Tensor(zeros: arena.values.shape)
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 - Float.pow(beta1, t), c2 = 1 - Float.pow(beta2, t)
        let stepSize = learningRate / c1
        let c2Root = c2.squareRoot()
        for (p, offset) in zip(arena.parameters, arena.offsets) where p.requiresGrad {
            let v = arena.values.data + offset, g = arena.gradients.data + offset
            let m = expAvg.data + offset, s = expAvgSq.data + offset
            for i in 0..<p.value.count {
                let grad = g[i] + weightDecay * v[i]
                m[i] = beta1 * m[i] + (1 - beta1) * grad
                s[i] = beta2 * s[i] + (1 - beta2) * grad * grad
                v[i] -= stepSize * m[i] / (s[i].squareRoot() / c2Root + eps)
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] { [("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)] }

    /// Restores the step count (with the moment buffers restored by the caller).
    public func restore(stepCount: Int) { self.stepCount = stepCount }
}

extension Float {
    static func pow(_ base: Float, _ exponent: Float) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}


