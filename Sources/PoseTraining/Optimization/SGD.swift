import PoseNN
import PoseTensor

/// PyTorch's `SGD` with momentum, dampening, Nesterov and L2 `weight_decay` (per group; the
/// momentum per group too, so momentum schedulers can set it).
public final class SGD: Optimizer {
    /// The dampening of the gradient added to the momentum buffer (`dampening`, 0 by default),
    /// and whether the update uses Nesterov momentum (`nesterov`, false by default).
    public let dampening: Float, nesterov: Bool
    /// The model's parameters and gradients, updated in place; the momentum buffer shares the
    /// layout of its `values`.
    public let arena: ParameterArena
    public var groups: [ParameterGroup]
    /// Momentum buffers, laid out like `arena.values`.
    public let momentumBuffer: Tensor
    public private(set) var stepCount = 0

    /// Every group starts at `momentum`.
    ///
    /// - Parameters:
    ///   - arena: The model's parameter arena.
    ///   - groups: The parameter groups, with their rates and decays.
    ///   - momentum: Each group's starting momentum; 0 uses no momentum buffer.
    ///   - dampening: The dampening of the gradient added to the momentum buffer.
    ///   - nesterov: Use Nesterov momentum.
    public init(arena: ParameterArena, groups: [ParameterGroup], momentum: Double = 0, dampening: Float = 0,
                nesterov: Bool = false) {
        self.arena = arena
        self.groups = groups.map { $0.startingMomentum(momentum) }
        self.dampening = dampening
        self.nesterov = nesterov
        momentumBuffer = Tensor(zeros: arena.values.shape)
    }

    /// One group with every parameter, as PyTorch's
    /// `SGD(params, lr, momentum, dampening, weight_decay, nesterov)`.
    public convenience init(arena: ParameterArena, learningRate: Double = 0.01, momentum: Double = 0, dampening: Float = 0,
                            weightDecay: Float = 0, nesterov: Bool = false) {
        self.init(arena: arena, groups: [ParameterGroup(parameters: Array(arena.parameters.indices), learningRate: learningRate,
                                                        weightDecay: Double(weightDecay))],
                  momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    public func step() {
        let first = stepCount == 0
        stepCount += 1
        arena.forEachTrainable(in: groups) { group, offset, count in
            let learningRate = Float(group.learningRate), weightDecay = Float(group.weightDecay)
            let momentum = Float(group.momentum)
            let v = arena.values.data + offset, g = arena.gradients.data + offset, b = momentumBuffer.data + offset
            ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { range in for i in range {
                var d = g[i] + weightDecay * v[i]
                if momentum != 0 {
                    // PyTorch starts the buffer at the first gradient, undampened.
                    b[i] = first ? d : momentum * b[i] + (1 - dampening) * d
                    d = nesterov ? d + momentum * b[i] : b[i]
                }
                v[i] -= learningRate * d
            } }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] { [("momentum_buffer", momentumBuffer)] }

    public var usesGroupMomentum: Bool { true }

    /// Restores the step count (with the momentum buffer restored by the caller).
    public func restore(stepCount: Int) { self.stepCount = stepCount }
}

/// PyTorch's `SGD(lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)` as configured.
public struct SGDSpec: OptimizerSpec {
    public var learningRate: Double
    /// `momentum`: each group's starting momentum; 0 (plain SGD, no buffer used) by default.
    public var momentum = 0.0
    /// `dampening` of the momentum buffer's update; 0 by default.
    public var dampening = 0.0
    public var weightDecay = 0.0
    /// `nesterov`: use Nesterov momentum; false by default.
    public var nesterov = false
    public var weightDecayIsSet = true

    /// `SGD` at `lr` = `learningRate`, with PyTorch's defaults for the rest.
    public init(learningRate: Double) { self.learningRate = learningRate }

    public func makeOptimizer(arena: ParameterArena, groups: [ParameterGroup]) throws -> Optimizer {
        SGD(arena: arena, groups: groups, momentum: momentum, dampening: Float(dampening), nesterov: nesterov)
    }
}
