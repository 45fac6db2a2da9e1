import PoseNN

/// mmdet's `CSPNeXt` arguments (RTMDet's and RTMPose's backbone), with mmdet's defaults.
public struct CSPNeXtSpec: Sendable, Equatable {
    /// One stage of `arch_settings`: a strided 3×3 `ConvModule` from `inChannels` to
    /// `outChannels`, an `SPPBottleneck` when `spp`, then a `CSPLayer` of `blocks` blocks, with
    /// identity shortcuts when `addIdentity`. Channels and blocks before `widen_factor` and
    /// `deepen_factor`.
    public struct Stage: Sendable, Equatable {
        /// Input channels before `widen_factor`.
        public var inChannels: Int
        /// Output channels before `widen_factor`.
        public var outChannels: Int
        /// CSPNeXt blocks before `deepen_factor`.
        public var blocks: Int
        /// Whether the blocks add their input.
        public var addIdentity: Bool
        /// Whether an SPPBottleneck follows the strided convolution.
        public var spp: Bool

        /// A stage with these settings.
        public init(inChannels: Int, outChannels: Int, blocks: Int, addIdentity: Bool, spp: Bool) {
            self.inChannels = inChannels; self.outChannels = outChannels; self.blocks = blocks
            self.addIdentity = addIdentity; self.spp = spp
        }
    }

    /// mmdet's `arch_settings`: `P5` (four stages, to 1024 channels at stride 32) and `P6`
    /// (five, to stride 64).
    public static let architectures: [String: [Stage]] = [
        "P5": [Stage(inChannels: 64, outChannels: 128, blocks: 3, addIdentity: true, spp: false),
               Stage(inChannels: 128, outChannels: 256, blocks: 6, addIdentity: true, spp: false),
               Stage(inChannels: 256, outChannels: 512, blocks: 6, addIdentity: true, spp: false),
               Stage(inChannels: 512, outChannels: 1024, blocks: 3, addIdentity: false, spp: true)],
        "P6": [Stage(inChannels: 64, outChannels: 128, blocks: 3, addIdentity: true, spp: false),
               Stage(inChannels: 128, outChannels: 256, blocks: 6, addIdentity: true, spp: false),
               Stage(inChannels: 256, outChannels: 512, blocks: 6, addIdentity: true, spp: false),
               Stage(inChannels: 512, outChannels: 768, blocks: 3, addIdentity: true, spp: false),
               Stage(inChannels: 768, outChannels: 1024, blocks: 3, addIdentity: false, spp: true)],
    ]

    /// The stages (`arch`'s settings, or `arch_ovewrite`).
    public var stages: [Stage]
    /// `deepen_factor`: each stage has `max(round(blocks · deepen_factor), 1)` blocks (default 1).
    public var deepenFactor = 1.0
    /// `widen_factor`: channels are `Int(channels · widen_factor)` (default 1).
    public var widenFactor = 1.0
    /// The outputs returned, indices into [stem, stage 1, …] (`out_indices`, default (2, 3, 4)).
    public var outIndices = [2, 3, 4]
    /// Freezes the stem and the first `frozenStages` stages (`frozen_stages`, −1: none).
    public var frozenStages = -1
    /// `use_depthwise`: the strided convolutions and the blocks' 3×3s are depthwise-separable.
    public var useDepthwise = false
    /// `expand_ratio`: a CSPLayer's hidden channels are its output channels times this (0.5).
    public var expandRatio = 0.5
    /// `spp_kernel_sizes` (5, 9, 13).
    public var sppKernelSizes = [5, 9, 13]
    /// `channel_attention`: a `ChannelAttention` gate in every CSPLayer (default true).
    public var channelAttention = true
    /// `norm_cfg`: mmdet's default is BN with momentum 0.03 and eps 0.001.
    public var norm = BatchNormSettings(eps: 0.001, momentum: 0.03)
    /// `act_cfg`: SiLU by default.
    public var activation = ActivationType.silu
    /// `norm_eval`: every BatchNorm stays in inference mode during training.
    public var normEval = false

    /// mmdet's defaults for the stages given (`CSPNeXtSpec.architectures["P5"]!` by default).
    public init(stages: [Stage] = CSPNeXtSpec.architectures["P5"]!) { self.stages = stages }

    /// The channels of the stem's output and of each stage's, after `widen_factor`.
    public var layerChannels: [Int] {
        guard let first = stages.first else { return [] }
        return [Int(Double(first.inChannels) * widenFactor)] + stages.map { Int(Double($0.outChannels) * widenFactor) }
    }

    /// Checks the arguments against each other.
    /// - Throws: `ModelError` naming the first bad argument.
    public func validate() throws {
        guard !stages.isEmpty else { throw ModelError("CSPNeXt: arch_ovewrite has no stages") }
        for i in outIndices where !(0...stages.count).contains(i) {
            throw ModelError("CSPNeXt: out_indices \(i) is not a layer; expected 0 (the stem) to \(stages.count)")
        }
        guard !outIndices.isEmpty else { throw ModelError("CSPNeXt: out_indices is empty") }
        guard (-1...stages.count).contains(frozenStages) else {
            throw ModelError("CSPNeXt: frozen_stages must be in -1...\(stages.count), got \(frozenStages)")
        }
        guard deepenFactor > 0, widenFactor > 0, expandRatio > 0 else {
            throw ModelError("CSPNeXt: deepen_factor, widen_factor and expand_ratio must be positive")
        }
        let channels = layerChannels
        guard channels.allSatisfy({ $0 >= 2 }), channels[0] / 2 >= 1 else {
            throw ModelError("CSPNeXt: widen_factor \(widenFactor) leaves layers of \(channels) channels; each needs at least 2")
        }
        for (i, stage) in stages.enumerated() {
            let out = channels[i + 1]
            guard Int(Double(out) * expandRatio) >= 1 else {
                throw ModelError("CSPNeXt: stage \(i + 1)'s CSPLayer has \(out) × expand_ratio \(expandRatio) < 1 hidden channels")
            }
            if stage.spp && out / 2 < 1 { throw ModelError("CSPNeXt: stage \(i + 1)'s SPPBottleneck needs at least 2 channels") }
        }
        for k in sppKernelSizes where k < 1 || k % 2 == 0 {
            throw ModelError("CSPNeXt: spp_kernel_sizes must be odd and positive (the pooling keeps the size with padding k // 2), got \(k)")
        }
    }

    /// Blocks in stage `i` after `deepen_factor` (Python's `round`: halves to even).
    func blocks(_ i: Int) -> Int {
        max(Int((Double(stages[i].blocks) * deepenFactor).rounded(.toNearestOrEven)), 1)
    }
}
