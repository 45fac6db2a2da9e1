import SwiftPose

/// The Lion optimizer (Chen et al., "Symbolic Discovery of Optimization Algorithms", 2023):
/// per parameter, with momentum `m` and gradient `g`,
/// `c = β₁m + (1 − β₁)g`, `θ ← θ − lr·(sign(c) + λθ)`, `m ← β₂m + (1 − β₂)g`
/// (decoupled weight decay λ, per group). Its state is one buffer, `exp_avg`, laid out like
/// the parameter arena, so checkpoints save it as `optimizer.exp_avg.<parameter key>`.
public final class Lion: Optimizer {
    public let beta1: Float, beta2: Float
    public let arena: ParameterArena
    public var groups: [ParameterGroup]
    public let expAvg: Tensor
    public private(set) var stepCount = 0

    public init(arena: ParameterArena, groups: [ParameterGroup], betas: (Float, Float) = (0.9, 0.99)) {
        self.arena = arena
        self.groups = groups
        (beta1, beta2) = betas
        expAvg = Tensor(zeros: arena.values.shape)
    }

    public func step() {
        stepCount += 1
        arena.forEachTrainable(in: groups) { group, offset, count in
            let lr = Float(group.learningRate), decay = Float(group.weightDecay)
            let v = arena.values.data + offset, g = arena.gradients.data + offset, m = expAvg.data + offset
            for i in 0..<count {
                let c = beta1 * m[i] + (1 - beta1) * g[i]
                let sign: Float = c > 0 ? 1 : c < 0 ? -1 : 0
                v[i] -= lr * (sign + decay * v[i])
                m[i] = beta2 * m[i] + (1 - beta2) * g[i]
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] { [("exp_avg", expAvg)] }

    public func restore(stepCount: Int) { self.stepCount = stepCount }
}

/// `dict(type='Lion', lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)`.
public struct LionSpec: OptimizerSpec {
    public var learningRate: Double
    public var betas = (0.9, 0.99)
    public var weightDecay = 0.0

    public init(learningRate: Double) { self.learningRate = learningRate }

    public func makeOptimizer(arena: ParameterArena, groups: [ParameterGroup]) throws -> Optimizer {
        Lion(arena: arena, groups: groups, betas: (Float(betas.0), Float(betas.1)))
    }
}
