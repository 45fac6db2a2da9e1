import PoseTensor

/// PyTorch's `BatchNorm2d` (eps 1e-5, momentum 0.1), optionally followed by a fused ReLU.
///
/// Input and output `N × C × H × W`. State: `weight`, `bias` (trainable, `C`), `running_mean`,
/// `running_var` (`C`) and `num_batches_tracked`. In training mode it normalises with batch
/// statistics and updates the running averages (unbiased variance, as PyTorch); in inference
/// mode, or when `frozen`, it uses the running statistics.
public final class BatchNorm2d: Layer {
    public let channels: Int
    public let eps: Float
    public let momentum: Float
    /// Whether a ReLU follows (fused: one pass over memory, no extra activation buffer).
    public let relu: Bool
    /// Keeps the layer in inference mode during training (MMPose's `norm_eval` and frozen stages).
    public var frozen = false
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let batchesTracked = Counter()

    private var input: Tensor?
    private var output: Tensor?
    private var inputGrad: Tensor?
    private var usedBatchStatistics = false
    private let mean: Tensor, variance: Tensor, invStd: Tensor
    private lazy var frozenSink = (Tensor(zeros: [channels]), Tensor(zeros: [channels]))

    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1, relu: Bool = false) {
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        self.relu = relu
        weight = Parameter(shape: [channels], role: .normWeight)
        weight.value.data.update(repeating: 1, count: channels)
        bias = Parameter(shape: [channels], role: .normBias)
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(repeating: 1, shape: [channels])
        mean = Tensor(zeros: [channels]); variance = Tensor(zeros: [channels]); invStd = Tensor(zeros: [channels])
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count >= 2 && x.shape[1] == channels,
                     "BatchNorm2d expects N×\(channels)×H×W input, got \(x.shape)")
        let batch = x.shape[0], spatial = x.count / max(batch * channels, 1)
        let y = Tensor.reuse(output, shape: x.shape)
        usedBatchStatistics = mode == .training && !frozen
        if usedBatchStatistics {
            BatchNormKernels.forwardTraining(x: x.data, gamma: weight.value.data, beta: bias.value.data, y: y.data,
                                             mean: mean.data, variance: variance.data, invStd: invStd.data,
                                             batch: batch, channels: channels, spatial: spatial, eps: eps, relu: relu)
            let m = Float(batch * spatial)
            let unbias = m > 1 ? m / (m - 1) : 1
            for c in 0..<channels {
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * variance[c] * unbias
            }
            batchesTracked.value += 1
        } else {
            for c in 0..<channels {
                mean[c] = runningMean[c]
                invStd[c] = 1 / (runningVar[c] + eps).squareRoot()
            }
            BatchNormKernels.normalize(x: x.data, gamma: weight.value.data, beta: bias.value.data, y: y.data,
                                       mean: mean.data, invStd: invStd.data, batch: batch, channels: channels,
                                       spatial: spatial, relu: relu)
        }
        input = x; output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let y = output else { preconditionFailure("BatchNorm2d.backward before forward") }
        let dx = Tensor.reuse(inputGrad, shape: x.shape)
        inputGrad = dx
        let batch = x.shape[0], spatial = x.count / max(batch * channels, 1)
        // Frozen parameters still need the sums computed; they go to scratch then.
        let dGamma = weight.requiresGrad ? weight.grad : frozenSink.0
        let dBeta = bias.requiresGrad ? bias.grad : frozenSink.1
        BatchNormKernels.backward(x: x.data, y: y.data, dy: dy.data, gamma: weight.value.data, mean: mean.data,
                                  invStd: invStd.data, dx: dx.data, dGamma: dGamma.data, dBeta: dBeta.data,
                                  batch: batch, channels: channels, spatial: spatial, relu: relu,
                                  training: usedBatchStatistics)
        return dx
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        state.parameters.append((prefix + "bias", bias))
        state.buffers.append((prefix + "running_mean", runningMean))
        state.buffers.append((prefix + "running_var", runningVar))
        state.counters.append((prefix + "num_batches_tracked", batchesTracked))
    }
}
