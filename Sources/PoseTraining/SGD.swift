import PoseNN
import PoseTensor

/// PyTorch's `SGD` with momentum, dampening, Nesterov and L2 `weight_decay`.
public final class SGD: Optimizer {
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    public let arena: ParameterArena
    /// Momentum buffers, laid out like `arena.values`.
    public let momentumBuffer: Tensor
    public private(set) var stepCount = 0

    public init(arena: ParameterArena, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        self.arena = arena
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffer = Tensor(zeros: arena.values.shape)
    }

    public func step(learningRate: Float) {
        let first = stepCount == 0
        stepCount += 1
        for (p, offset) in zip(arena.parameters, arena.offsets) where p.requiresGrad {
            let v = arena.values.data + offset, g = arena.gradients.data + offset, b = momentumBuffer.data + offset
            for i in 0..<p.value.count {
                var d = g[i] + weightDecay * v[i]
                if momentum != 0 {
                    // PyTorch starts the buffer at the first gradient, undampened.
                    b[i] = first ? d : momentum * b[i] + (1 - dampening) * d
                    d = nesterov ? d + momentum * b[i] : b[i]
                }
                v[i] -= learningRate * d
            }
        }
    }

    public var stateTensors: [(name: String, tensor: Tensor)] { [("momentum_buffer", momentumBuffer)] }

    /// Restores the step count (with the momentum buffer restored by the caller).
    public func restore(stepCount: Int) { self.stepCount = stepCount }
}
