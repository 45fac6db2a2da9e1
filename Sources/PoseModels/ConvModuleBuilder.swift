import PoseNN
import PoseTensor

/// An MMCV `norm_cfg` for BatchNorm: `BN` (per rank) or `SyncBN` (statistics over all ranks),
/// with its `eps` and `momentum`.
public struct BatchNormSettings: Sendable, Equatable {
    /// `eps`, added to the variance.
    public var eps = 1e-5
    /// `momentum`, the weight of a batch in the running statistics.
    public var momentum = 0.1
    /// `SyncBN`: statistics over every rank's batch.
    public var synchronized = false

    /// PyTorch's BatchNorm defaults (eps 1e-5, momentum 0.1), per rank.
    public init() {}
    /// Settings with the given `eps` and `momentum`, per rank unless `synchronized`.
    public init(eps: Double, momentum: Double, synchronized: Bool = false) {
        self.eps = eps; self.momentum = momentum; self.synchronized = synchronized
    }
}

/// Makes MMCV's `ConvModule` (convolution without bias → BatchNorm → activation, keys `conv`,
/// `bn`) and `DepthwiseSeparableConvModule` (keys `depthwise_conv`, `pointwise_conv`) as PoseNN
/// layers, and keeps every convolution and BatchNorm it made, for the owner's initialisation,
/// freezing and channel blocking.
struct ConvModuleBuilder {
    let norm: BatchNormSettings
    let activation: ActivationType?
    private(set) var convs: [Conv2d] = []
    private(set) var norms: [BatchNorm2d] = []

    init(norm: BatchNormSettings, activation: ActivationType?) {
        self.norm = norm; self.activation = activation
    }

    /// `ConvModule(cin, cout, kernel, stride, padding, groups)`: `N × cin × H × W` → `N × cout × H' × W'`.
    mutating func convModule(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                             groups: Int = 1) -> ConvModule {
        let conv = Conv2d(cin, cout, kernel: kernel, stride: stride, padding: padding, groups: groups, bias: false)
        // ReLU runs inside BatchNorm's kernel; other activations are their own layer
        let bn = BatchNorm2d(cout, eps: Float(norm.eps), momentum: Float(norm.momentum), relu: activation == .relu)
        bn.synchronized = norm.synchronized
        convs.append(conv); norms.append(bn)
        return ConvModule(conv: conv, bn: bn, activation: activation.flatMap { $0 == .relu ? nil : $0.makeLayer() })
    }

    /// `DepthwiseSeparableConvModule(cin, cout, kernel, stride, padding)`: a depthwise
    /// `ConvModule` (`groups = cin`) then a pointwise 1×1 `ConvModule`, each with norm and activation.
    mutating func depthwiseSeparable(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0) -> Sequential {
        Sequential([("depthwise_conv", convModule(cin, cin, kernel: kernel, stride: stride, padding: padding, groups: cin)),
                    ("pointwise_conv", convModule(cin, cout, kernel: 1))])
    }
}
