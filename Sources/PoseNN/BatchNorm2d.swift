import PoseTensor

/// PyTorch's `BatchNorm2d` (eps 1e-5, momentum 0.1), optionally followed by a fused ReLU.
///
/// Input and output `N × C × H × W`, or channel-blocked `N × C/16 × H × W × 16` (`ChannelBlocking`,
/// inside the backbones on the oneDNN backend). State: `weight`, `bias` (trainable, `C`), `running_mean`,
/// `running_var` (`C`) and `num_batches_tracked`. In training mode it normalises with batch
/// statistics and updates the running averages (unbiased variance, as PyTorch); in inference
/// mode, or when `frozen`, it uses the running statistics.
///
/// With a `reducer` (SyncBN), batch statistics are those of every replica's batch together:
/// one reduction of the per-channel sums and sums of squares in forward, one of the two
/// gradient sums in backward, so N ranks at batch B train as one process at batch N·B.
///
/// A training forward keeps its input, and its output when the ReLU is fused (for the mask);
/// `backward` adds dγ and dβ into `weight.grad` and `bias.grad` (into scratch when they do not
/// require gradients) and returns dx, through the batch statistics when they were used.
public final class BatchNorm2d: Layer {
    /// The number of channels `C` (PyTorch's `num_features`); every parameter and running
    /// statistic has `C` entries.
    public let channels: Int
    /// Added to the variance before its square root (PyTorch's `eps`, default 1e-5).
    public let eps: Float
    /// The weight of a batch's statistics in the running averages,
    /// `running = (1 − momentum) · running + momentum · batch` (PyTorch's `momentum`, default 0.1).
    public let momentum: Float
    /// Whether a ReLU follows (fused: one pass over memory, no extra activation buffer).
    public let relu: Bool
    /// Keeps the layer in inference mode during training (MMPose's `norm_eval` and frozen stages).
    public var frozen = false
    /// Whether the model asks for SyncBN here (MMCV's `norm_cfg=dict(type='SyncBN')`); the
    /// trainer then attaches its `reducer`.
    public var synchronized = false
    /// Sums statistics over the replicas while training; nil: this batch's statistics only.
    public var reducer: (any ReplicaReducer)?
    /// γ, the per-channel scale: state key `weight`, `C` values, initialised to 1 (role `.normWeight`).
    public let weight: Parameter
    /// β, the per-channel shift: state key `bias`, `C` values, initialised to 0 (role `.normBias`).
    public let bias: Parameter
    /// The running mean (buffer `running_mean`, `C` values, initially 0): updated by every
    /// training forward that uses batch statistics, used in inference mode and when `frozen`.
    public let runningMean: Tensor
    /// The running unbiased variance (buffer `running_var`, `C` values, initially 1): updated
    /// with the batch statistics as `runningMean`, and used where it is.
    public let runningVar: Tensor
    /// PyTorch's `num_batches_tracked` (state key of the same name): counts the training forwards
    /// that used batch statistics.
    public let batchesTracked = Counter()

    private var input: Tensor?
    private var output: Tensor?
    private var usedBatchStatistics = false
    /// Whether the last forward's tensors were channel-blocked.
    private var blocked = false
    /// The reducer the last training forward used and its element count per channel.
    private var usedReducer: (any ReplicaReducer)?
    private var statisticsCount = 0.0
    /// Sums travelling through the reducer: 2·C statistics and the count, then 2·C gradient sums.
    private let reduction: UnsafeMutableBufferPointer<Double>
    private let mean: Tensor, variance: Tensor, invStd: Tensor
    private lazy var frozenSink = (Tensor(zeros: [channels]), Tensor(zeros: [channels]))

    /// A BatchNorm with γ = 1, β = 0, running mean 0 and running variance 1.
    /// - Parameters:
    ///   - channels: `C`, PyTorch's `num_features`.
    ///   - eps: added to the variance (PyTorch's default 1e-5).
    ///   - momentum: the running averages' update weight (PyTorch's default 0.1).
    ///   - relu: fuses a ReLU after the normalisation (an MMCV `ConvModule`'s activation).
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
        reduction = .allocate(capacity: 2 * channels + 1)
        mean = Tensor(zeros: [channels]); variance = Tensor(zeros: [channels]); invStd = Tensor(zeros: [channels])
    }

    deinit { reduction.deallocate() }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        blocked = ChannelBlocking.isBlocked(x.shape)
        precondition(x.shape.count >= 2 && ChannelBlocking.planarShape(x.shape)[1] == channels,
                     "BatchNorm2d expects N×\(channels)×H×W input, got \(x.shape)")
        let batch = x.shape[0], spatial = x.count / max(batch * channels, 1)
        let y = Tensor.pooled(shape: x.shape)
        usedBatchStatistics = mode == .training && !frozen
        usedReducer = usedBatchStatistics ? reducer : nil
        statisticsCount = Double(batch * spatial)
        if let reducer = usedReducer {
            forwardSynchronized(x, y, reducer: reducer, batch: batch, spatial: spatial)
        } else if usedBatchStatistics {
            BatchNormKernels.forwardTraining(x: x.data, gamma: weight.value.data, beta: bias.value.data, y: y.data,
                                             mean: mean.data, variance: variance.data, invStd: invStd.data,
                                             batch: batch, channels: channels, spatial: spatial, eps: eps, relu: relu,
                                             blocked: blocked)
        }
        if usedBatchStatistics {
            let m = Float(statisticsCount)
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
                                       spatial: spatial, relu: relu, blocked: blocked)
        }
        // Backward reads the input, and the output only for the fused ReLU's mask: an output
        // nobody keeps can take a residual sum in place.
        if mode == .training { input = x; output = relu ? y : nil } else { input = nil; output = nil }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let y = relu ? output : x else { preconditionFailure("BatchNorm2d.backward without a training forward") }
        input = nil; output = nil
        let dx = Tensor.pooled(shape: x.shape)
        let batch = x.shape[0], spatial = x.count / max(batch * channels, 1)
        // Frozen parameters still need the sums computed; they go to scratch then.
        let dGamma = weight.requiresGrad ? weight.grad : frozenSink.0
        let dBeta = bias.requiresGrad ? bias.grad : frozenSink.1
        if let reducer = usedReducer {
            backwardSynchronized(x, y, dy, dx, dGamma: dGamma, dBeta: dBeta, reducer: reducer, batch: batch, spatial: spatial)
            return dx
        }
        BatchNormKernels.backward(x: x.data, y: y.data, dy: dy.data, gamma: weight.value.data, mean: mean.data,
                                  invStd: invStd.data, dx: dx.data, dGamma: dGamma.data, dBeta: dBeta.data,
                                  batch: batch, channels: channels, spatial: spatial, relu: relu,
                                  training: usedBatchStatistics, blocked: blocked)
        return dx
    }

    /// Batch statistics over every replica: sums and sums of squares (double precision) reduced
    /// together with the element count, then the biased variance E[x²] − E[x]².
    private func forwardSynchronized(_ x: Tensor, _ y: Tensor, reducer: any ReplicaReducer, batch: Int, spatial: Int) {
        let sums = reduction.baseAddress!
        BatchNormKernels.channelSums(x: x.data, batch: batch, channels: channels, spatial: spatial,
                                     sums: sums, sumSquares: sums + channels, blocked: blocked)
        sums[2 * channels] = statisticsCount
        reducer.sumOverReplicas(reduction)
        statisticsCount = sums[2 * channels]
        let m = max(statisticsCount, 1)
        for c in 0..<channels {
            let mu = sums[c] / m
            let v = max(sums[channels + c] / m - mu * mu, 0)
            mean[c] = Float(mu)
            variance[c] = Float(v)
            invStd[c] = Float(1 / (v + Double(eps)).squareRoot())
        }
        BatchNormKernels.normalize(x: x.data, gamma: weight.value.data, beta: bias.value.data, y: y.data,
                                   mean: mean.data, invStd: invStd.data, batch: batch, channels: channels,
                                   spatial: spatial, relu: relu, blocked: blocked)
    }

    /// dγ and dβ from this replica's share (the trainer averages them with every gradient);
    /// dx through the statistics of all replicas, from the reduced gradient sums.
    private func backwardSynchronized(_ x: Tensor, _ y: Tensor, _ dy: Tensor, _ dx: Tensor, dGamma: Tensor, dBeta: Tensor,
                                      reducer: any ReplicaReducer, batch: Int, spatial: Int) {
        let sums = reduction.baseAddress!
        BatchNormKernels.gradientSums(x: x.data, y: y.data, dy: dy.data, mean: mean.data, batch: batch, channels: channels,
                                      spatial: spatial, relu: relu, sumDy: sums, sumDyXmu: sums + channels,
                                      blocked: blocked)
        for c in 0..<channels {
            dBeta[c] += Float(sums[c])
            dGamma[c] += Float(sums[channels + c]) * invStd[c]
        }
        reducer.sumOverReplicas(UnsafeMutableBufferPointer(rebasing: reduction[0..<(2 * channels)]))
        BatchNormKernels.inputGradient(x: x.data, y: y.data, dy: dy.data, gamma: weight.value.data, mean: mean.data,
                                       invStd: invStd.data, sumDy: sums, sumDyXmu: sums + channels, count: statisticsCount,
                                       dx: dx.data, batch: batch, channels: channels, spatial: spatial, relu: relu,
                                       training: true, blocked: blocked)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        state.parameters.append((prefix + "bias", bias))
        state.buffers.append((prefix + "running_mean", runningMean))
        state.buffers.append((prefix + "running_var", runningVar))
        state.counters.append((prefix + "num_batches_tracked", batchesTracked))
        state.normalizations.append((prefix.hasSuffix(".") ? String(prefix.dropLast()) : prefix, self))
    }
}
