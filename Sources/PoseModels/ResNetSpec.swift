/// MMPose's `ResNet` arguments, with its defaults.
public struct ResNetSpec: Sendable, Equatable {
    /// `depth`: 18, 34 (BasicBlock), 50, 101, 152 (Bottleneck), and 200 or 269 for ResNeSt.
    public var depth: Int
    /// Image channels (`in_channels`, default 3).
    public var inChannels = 3
    /// Channels of the stem's output (`stem_channels`, default 64).
    public var stemChannels = 64
    /// Stage 1's block width (`base_channels`, default 64); stage i's is `baseChannels · 2^i`.
    public var baseChannels = 64
    /// Residual stages built (`num_stages`, 1 to 4, default 4).
    public var numStages = 4
    /// Each stage's stride (`strides`, one per stage, default [1, 2, 2, 2]).
    public var strides = [1, 2, 2, 2]
    /// Each stage's dilation of the 3×3 convolutions (`dilations`, default [1, 1, 1, 1]).
    public var dilations = [1, 1, 1, 1]
    /// The 0-based stages whose outputs the backbone returns, in order (`out_indices`, default
    /// [3]: the last of four).
    public var outIndices = [3]
    /// "pytorch" puts the stride on a Bottleneck's 3×3 conv, "caffe" on its first 1×1 conv.
    public var style = "pytorch"
    /// Stages frozen from the stem (−1: none).
    public var frozenStages = -1
    /// Keeps every BatchNorm in inference mode during training.
    public var normEval = false
    /// SyncBN (`norm_cfg=dict(type='SyncBN')`): every BatchNorm is marked `synchronized`.
    public var synchronizedNorm = false
    /// Zeroes the last BatchNorm of every block at initialisation.
    public var zeroInitResidual = true
    /// Three 3×3 convolutions instead of the 7×7 stem (ResNetV1d's `deep_stem`).
    public var deepStem = false
    /// Downsampling shortcuts average-pool, then apply a stride-1 1×1 convolution (`avg_down`).
    public var avgDown = false
    /// SEResNet's squeeze ratio: every Bottleneck gets an `SELayer` (nil: plain ResNet).
    public var seRatio: Int?
    /// ResNeXt's and ResNeSt's `groups` of the Bottleneck's 3×3 convolution; with more than one,
    /// its width is `groups · widthPerGroup · planes / baseChannels` (`width_per_group`).
    public var groups = 1
    /// ResNeXt's `width_per_group` (default 4), used when `groups` > 1.
    public var widthPerGroup = 4
    /// ResNeSt: the 3×3 convolution is a `SplitAttentionConv2d` with this `radix` (nil: none),
    /// `reduction_factor`, and `avg_down_stride` (a 3×3 average pool does its stride).
    public var radix: Int?
    /// ResNeSt's `reduction_factor` (default 4): the attention's hidden width is
    /// `max(width · radix / reductionFactor, 32)`.
    public var reductionFactor = 4
    /// ResNeSt's `avg_down_stride` (default true): a 3×3 average pool (`avd_layer`) does a
    /// strided block's stride after the split-attention convolution.
    public var avgDownStride = true

    /// MMPose's defaults for every argument but `depth`.
    public init(depth: Int) { self.depth = depth }

    /// The block kind and block count of each stage for a supported depth.
    public static let architectures: [Int: (bottleneck: Bool, blocks: [Int])] = [
        18: (false, [2, 2, 2, 2]), 34: (false, [3, 4, 6, 3]), 50: (true, [3, 4, 6, 3]),
        101: (true, [3, 4, 23, 3]), 152: (true, [3, 8, 36, 3]),
    ]

    /// ResNeSt's deeper variants on top of `architectures`.
    public static let resNeStArchitectures: [Int: (bottleneck: Bool, blocks: [Int])] = [
        200: (true, [3, 24, 36, 3]), 269: (true, [3, 30, 48, 8]),
    ]

    /// The block kind and counts of this depth.
    var architecture: (bottleneck: Bool, blocks: [Int])? {
        ResNetSpec.architectures[depth] ?? (radix != nil ? ResNetSpec.resNeStArchitectures[depth] : nil)
    }

    /// Checks the arguments against each other and the depth.
    /// - Throws: `ModelError` naming the first bad argument.
    public func validate() throws {
        guard let arch = architecture else {
            throw ModelError("ResNet: invalid depth \(depth); expected one of 18, 34, 50, 101, 152\(radix != nil ? ", 200, 269" : "")")
        }
        if groups != 1 || radix != nil {
            guard arch.bottleneck else { throw ModelError("ResNeXt/ResNeSt: depth \(depth) has no Bottleneck blocks; expected 50 or more") }
            guard groups >= 1, widthPerGroup >= 1 else { throw ModelError("ResNeXt: groups and width_per_group must be positive, got \(groups) and \(widthPerGroup)") }
        }
        if let radix {
            guard radix >= 1, reductionFactor >= 1 else { throw ModelError("ResNeSt: radix and reduction_factor must be positive, got \(radix) and \(reductionFactor)") }
        }
        guard (1...4).contains(numStages) else {
            throw ModelError("ResNet: num_stages must be between 1 and 4, got \(numStages)")
        }
        guard strides.count == numStages, dilations.count == numStages else {
            throw ModelError("ResNet: strides and dilations need num_stages (\(numStages)) entries, got \(strides) and \(dilations)")
        }
        guard !outIndices.isEmpty, outIndices.allSatisfy({ (0..<numStages).contains($0) }) else {
            throw ModelError("ResNet: out_indices \(outIndices) must be within 0..<\(numStages)")
        }
        guard style == "pytorch" || style == "caffe" else {
            throw ModelError("ResNet: style '\(style)' is not supported; expected 'pytorch' or 'caffe'")
        }
        guard (-1...numStages).contains(frozenStages) else {
            throw ModelError("ResNet: frozen_stages must be between -1 and \(numStages), got \(frozenStages)")
        }
        if let seRatio {
            guard arch.bottleneck else { throw ModelError("SEResNet: depth \(depth) has no Bottleneck blocks; expected 50, 101 or 152") }
            guard seRatio >= 1 else { throw ModelError("SEResNet: se_ratio must be at least 1, got \(seRatio)") }
        }
        guard !deepStem || (stemChannels >= 2 && stemChannels % 2 == 0) else {
            throw ModelError("ResNet: deep_stem needs an even stem_channels (its first convolutions have half), got \(stemChannels)")
        }
        // grouped convolutions split their channels evenly (PyTorch refuses the rest too)
        if groups > 1 || radix != nil {
            for i in 0..<numStages {
                let channels = baseChannels << i
                let width = groups == 1 ? channels : groups * widthPerGroup * channels / baseChannels
                guard width >= 1, width % groups == 0 else {
                    throw ModelError("ResNeXt/ResNeSt: stage \(i + 1)'s width \(width) (groups × width_per_group × planes / base_channels) does not split into groups=\(groups)")
                }
                if let radix {
                    let inter = max(width * radix / reductionFactor, 32)
                    guard inter % groups == 0 else {
                        throw ModelError("ResNeSt: stage \(i + 1)'s attention width \(inter) (max(width × radix / reduction_factor, 32)) does not split into groups=\(groups)")
                    }
                }
            }
        }
    }
}
