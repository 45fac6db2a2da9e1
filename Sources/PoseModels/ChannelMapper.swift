import PoseNN
import PoseTensor

/// mmdet's `ChannelMapper` (MMPose's copy): each of n maps `N × C_i × H_i × W_i` through its own
/// `ConvModule` (`kernel_size`, padding `(k − 1) / 2`) to `N × out_channels × H_i × W_i`.
/// Keys `convs.<i>.conv.*`, `convs.<i>.bn.*`. Convolutions are Xavier-uniform (its `init_cfg`).
public final class ChannelMapper: Neck {
    /// The arguments the neck was built from.
    public let settings: ChannelMapperSpec
    private let convs: [Layer]

    /// Builds the neck and initialises it (Xavier-uniform convolutions, zero biases, BatchNorm 1/0).
    public init(_ settings: ChannelMapperSpec, rng: inout RandomGenerator) {
        self.settings = settings
        let k = settings.kernelSize
        var layers: [Layer] = []
        var plainConvs: [Conv2d] = [], norms: [BatchNorm2d] = []
        if let norm = settings.norm {
            var modules = ConvModuleBuilder(norm: norm, activation: settings.activation)
            layers = settings.inChannels.map { modules.convModule($0, settings.outChannels, kernel: k, padding: (k - 1) / 2) }
            plainConvs = modules.convs; norms = modules.norms
        } else {
            // no norm: MMCV's ConvModule keeps the convolution's bias ('auto')
            for cin in settings.inChannels {
                let conv = Conv2d(cin, settings.outChannels, kernel: k, padding: (k - 1) / 2, bias: true)
                plainConvs.append(conv)
                layers.append(Sequential([("conv", conv)] + (settings.activation.map { [("activate", $0.makeLayer())] } ?? [])))
            }
        }
        convs = layers
        for conv in plainConvs {
            let s = conv.weight.shape
            WeightInit.xavierUniform(conv.weight, fanIn: s[1] * s[2] * s[3], fanOut: s[0] * s[2] * s[3], rng: &rng)
            conv.bias?.value.zero()
        }
        for bn in norms { WeightInit.constant(bn, value: 1) }
    }

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        precondition(feats.count == convs.count, "ChannelMapper expects \(convs.count) maps, got \(feats.count)")
        return zip(convs, feats).map { $0.forward($1, mode: mode) }
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        zip(convs, dys).map { conv, dy in dy.map { conv.backward($0) } }
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, conv) in convs.enumerated() { conv.collectState(prefix: prefix + "convs.\(i).", into: &state) }
    }
}

/// mmdet's `ChannelMapper(in_channels, out_channels, kernel_size, norm_cfg, act_cfg, num_outs)`
/// without extra outputs (`num_outs` = the number of inputs).
public struct ChannelMapperSpec: NeckSpec {
    /// `in_channels`: the channels of each input map.
    public var inChannels: [Int]
    /// `out_channels`.
    public var outChannels: Int
    /// `kernel_size` (3).
    public var kernelSize = 3
    /// `norm_cfg` (None: no norm, the convolutions keep their bias).
    public var norm: BatchNormSettings?
    /// `act_cfg` (ReLU; nil for None).
    public var activation: ActivationType? = .relu

    /// A spec with mmdet's defaults for everything but the channels.
    public init(inChannels: [Int], outChannels: Int) { self.inChannels = inChannels; self.outChannels = outChannels }

    public func outputChannels(for inputChannels: [Int]) throws -> [Int] { inChannels.map { _ in outChannels } }

    /// The neck for maps of `inputChannels` channels.
    /// - Throws: `ModelError` when they are not `in_channels`.
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        guard inputChannels == inChannels else {
            throw ModelError("ChannelMapper: in_channels is \(inChannels) but its input maps have \(inputChannels) channels")
        }
        return ChannelMapper(self, rng: &rng)
    }
}
