import PoseTensor

/// What a parameter is to the layer that owns it. Optimizer constructors read it to set
/// per-parameter options (MMEngine's `paramwise_cfg`: `bias_decay_mult`, `norm_decay_mult`, …).
public enum ParameterRole: Sendable, Hashable {
    /// The weight of a convolution, transposed convolution or linear layer.
    case weight
    /// The bias of a convolution, transposed convolution or linear layer.
    case bias
    /// The scale (γ) of a normalisation layer.
    case normWeight
    /// The shift (β) of a normalisation layer.
    case normBias
    /// Anything else (fixed grids, flow parameters of a loss, a user layer's own tensors).
    case other

    /// Whether the parameter belongs to a normalisation layer.
    public var isNormalization: Bool { self == .normWeight || self == .normBias }
}

/// A trainable tensor with its gradient.
///
/// After a model is built its parameters are moved into a `ParameterArena`, so `value` and
/// `grad` become views into two flat buffers; always read them through the parameter.
public final class Parameter {
    /// The current value.
    public internal(set) var value: Tensor
    /// dLoss/dvalue, accumulated by `backward` until zeroed.
    public internal(set) var grad: Tensor
    /// Whether backward computes this gradient and the optimizer updates it (false for frozen stages).
    public var requiresGrad = true
    /// What the parameter is to its layer.
    public let role: ParameterRole
    /// The arena holding the value, once the model has one.
    weak var arena: ParameterArena?

    /// The version of the model's values (`ParameterArena.version`), or nil before the
    /// parameter is in an arena; layers keep derived copies (reordered weights) while it holds.
    public var version: UInt64? { arena?.version }

    /// A zero-initialised parameter of `shape`.
    public init(shape: [Int], role: ParameterRole = .other) {
        value = Tensor(zeros: shape)
        grad = Tensor(zeros: shape)
        self.role = role
    }

    /// The shape of `value`.
    public var shape: [Int] { value.shape }
}

/// An int64 scalar in a layer's state, such as BatchNorm's `num_batches_tracked`.
public final class Counter {
    /// The current count (a BatchNorm's training forwards that used batch statistics).
    public var value: Int64
    /// A counter that starts at `value` (0 by default).
    public init(_ value: Int64 = 0) { self.value = value }
}

/// Everything a layer contributes to the model's state_dict, under MMPose's key names.
public struct StateDict {
    /// Trainable tensors, in registration order.
    public var parameters: [(name: String, parameter: Parameter)] = []
    /// Float buffers (BatchNorm running statistics).
    public var buffers: [(name: String, tensor: Tensor)] = []
    /// Integer buffers (`num_batches_tracked`).
    public var counters: [(name: String, counter: Counter)] = []
    /// The BatchNorm layers, named by their module path (for SyncBN), in registration order.
    public var normalizations: [(name: String, layer: BatchNorm2d)] = []

    /// An empty state: no parameters, buffers, counters or BatchNorm layers; layers fill it
    /// through `collectState`.
    public init() {}

    /// Every key: parameters, then buffers, then counters.
    public var allKeys: [String] {
        parameters.map(\.name) + buffers.map(\.name) + counters.map(\.name)
    }

    /// The number of scalar parameters that require gradients.
    public var trainableCount: Int {
        parameters.reduce(0) { $0 + ($1.parameter.requiresGrad ? $1.parameter.value.count : 0) }
    }

    /// The shape stored under `key`, or nil.
    public func shape(of key: String) -> [Int]? {
        if let p = parameters.first(where: { $0.name == key }) { return p.parameter.shape }
        if let b = buffers.first(where: { $0.name == key }) { return b.tensor.shape }
        if counters.contains(where: { $0.name == key }) { return [] }
        return nil
    }
}
