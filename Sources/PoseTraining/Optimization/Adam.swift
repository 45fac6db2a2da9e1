import Foundation
import PoseNN
import PoseTensor

/// PyTorch's `Adam` (L2 `weight_decay` added to the gradient, bias-corrected moments) and
/// `AdamW` (`decoupledWeightDecay`: the parameter shrinks by lr × weight_decay before the
/// update), both with `amsgrad`, per group, as PyTorch's single-tensor implementation.
///
/// Works on the model's `ParameterArena`: the moment estimates are flat buffers laid out like
/// the parameters, so one loop updates the whole model. The first beta is each group's
/// `momentum` (what MMEngine's momentum schedulers set), the bias correction uses its current value.
public final class Adam: Optimizer {
    /// The second moment's decay rate (the second of `betas`, 0.999 by default) and the term added
    /// to the denominator for stability (`eps`, 1e-8 by default).
    public let beta2: Float, eps: Float
    /// AdamW's decoupled weight decay instead of Adam's L2 term.
    public let decoupledWeightDecay: Bool
    /// The running maximum of the second moment (AMSGrad), when enabled.
    public let maxExpAvgSq: Tensor?
    /// The model's parameters and gradients, updated in place; the moment buffers share the
    /// layout of its `values`.
    public let arena: ParameterArena
    public var groups: [ParameterGroup]
    /// First-moment estimates, laid out like `arena.values`.
    public let expAvg: Tensor
    /// Second-moment estimates, laid out like `arena.values`.
    public let expAvgSq: Tensor
    public private(set) var stepCount = 0

    /// Every group starts with first beta `betas.0`.
    ///
    /// - Parameters:
    ///   - arena: The model's parameter arena.
    ///   - groups: The parameter groups, with their rates and decays.
    ///   - betas: The first beta (each group's starting momentum) and the second moment's decay.
    ///   - eps: The term added to the denominator.
    ///   - decoupledWeightDecay: `AdamW`'s decoupled weight decay instead of Adam's L2 term.
    ///   - amsgrad: Divide by the running maximum of the second moment.
    public init(arena: ParameterArena, groups: [ParameterGroup], betas: (Double, Float) = (0.9, 0.999), eps: Float = 1e-8,
                decoupledWeightDecay: Bool = false, amsgrad: Bool = false) {
        self.arena = arena
        self.groups = groups.map { $0.startingMomentum(betas.0) }
        beta2 = betas.1
        self.eps = eps
        self.decoupledWeightDecay = decoupledWeightDecay
        expAvg = Tensor(zeros: arena.values.shape)
        expAvgSq = Tensor(zeros: arena.values.shape)
        maxExpAvgSq = amsgrad ? Tensor(zeros: arena.values.shape) : nil
    }

    /// One group with every parameter, as PyTorch's `Adam(params, lr, betas, eps, weight_decay)`.
    public convenience init(arena: ParameterArena, learningRate: Double = 1e-3, betas: (Double, Float) = (0.9, 0.999),
                            eps: Float = 1e-8, weightDecay: Float = 0) {
        self.init(arena: arena, groups: [ParameterGroup(parameters: Array(arena.parameters.indices), learningRate: learningRate,
                                                        weightDecay: Double(weightDecay))],
                  betas: betas, eps: eps)
    }

    public func step() {
        stepCount += 1
        let t = Float(stepCount)
        let c2 = 1 - Float.pow(beta2, t)
        let c2Root = c2.squareRoot()
        arena.forEachTrainable(in: groups) { group, offset, count in
            let beta1 = Float(group.momentum)
            let c1 = Float(1 - Foundation.pow(group.momentum, Double(t)))
            let stepSize = Float(group.learningRate) / c1, weightDecay = Float(group.weightDecay)
            let v = arena.values.data + offset, g = arena.gradients.data + offset
            let m = expAvg.data + offset, s = expAvgSq.data + offset
            let l2: Float = decoupledWeightDecay ? 0 : weightDecay
            let shrink: Float = decoupledWeightDecay ? 1 - Float(group.learningRate) * weightDecay : 1
            let maxS = maxExpAvgSq.map { $0.data + offset }
            ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { range in for i in range {
                let grad = g[i] + l2 * v[i]
                v[i] *= shrink
                m[i] = beta1 * m[i] + (1 - beta1) * grad
                s[i] = beta2 * s[i] + (1 - beta2) * grad * grad
                var second = s[i]
                if let maxS {
                    maxS[i] = Swift.max(maxS[i], s[i])
                    second = maxS[i]
                }
                v[i] -= stepSize * m[i] / (second.squareRoot() / c2Root + eps)
            } }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        [("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)] + (maxExpAvgSq.map { [("max_exp_avg_sq", $0)] } ?? [])
    }

    /// Restores the step count (with the moment buffers restored by the caller).
    public func restore(stepCount: Int) { self.stepCount = stepCount }

    public var usesGroupMomentum: Bool { true }
}

/// PyTorch's `Adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)` or, with
/// `decoupledWeightDecay`, `AdamW(..., weight_decay=0.01)` as configured.
public struct AdamSpec: OptimizerSpec {
    public var learningRate: Double
    /// `betas`: each group's starting first beta (its `momentum`) and the second moment's decay
    /// rate; (0.9, 0.999) by default.
    public var betas = (0.9, 0.999)
    /// `eps`, added to the denominator for stability; 1e-8 by default.
    public var eps = 1e-8
    public var weightDecay = 0.0
    /// `amsgrad`: divide by the running maximum of the second moment; false by default.
    public var amsgrad = false
    /// Whether this is `AdamW`: the weight decay shrinks the parameters instead of adding to the
    /// gradient (the `AdamW` builder also makes `weight_decay` default to 0.01).
    public var decoupledWeightDecay = false
    public var weightDecayIsSet = true

    /// `Adam` at `lr` = `learningRate`, with PyTorch's defaults for the rest.
    public init(learningRate: Double) { self.learningRate = learningRate }

    public func makeOptimizer(arena: ParameterArena, groups: [ParameterGroup]) throws -> Optimizer {
        Adam(arena: arena, groups: groups, betas: (betas.0, Float(betas.1)), eps: Float(eps),
             decoupledWeightDecay: decoupledWeightDecay, amsgrad: amsgrad)
    }
}

extension Float {
    static func pow(_ base: Float, _ exponent: Float) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
