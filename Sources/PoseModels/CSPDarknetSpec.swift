import PoseNN

/// mmdet's `CSPDarknet` arguments (YOLOX's backbone, used by MMPose's YOLOX-Pose and RTMO), with
/// mmdet's defaults.
public struct CSPDarknetSpec: Sendable, Equatable {
    /// mmdet's `arch_settings`: `P5` (four stages, to 1024 channels at stride 32) and `P6`
    /// (five, to stride 64). Each stage: a strided 3×3 `ConvModule`, an `SPPBottleneck` when
    /// `spp`, then a `CSPLayer` of Darknet bottlenecks.
    public static let architectures: [String: [CSPNeXtSpec.Stage]] = [
        "P5": [.init(inChannels: 64, outChannels: 128, blocks: 3, addIdentity: true, spp: false),
               .init(inChannels: 128, outChannels: 256, blocks: 9, addIdentity: true, spp: false),
               .init(inChannels: 256, outChannels: 512, blocks: 9, addIdentity: true, spp: false),
               .init(inChannels: 512, outChannels: 1024, blocks: 3, addIdentity: false, spp: true)],
        "P6": [.init(inChannels: 64, outChannels: 128, blocks: 3, addIdentity: true, spp: false),
               .init(inChannels: 128, outChannels: 256, blocks: 9, addIdentity: true, spp: false),
               .init(inChannels: 256, outChannels: 512, blocks: 9, addIdentity: true, spp: false),
               .init(inChannels: 512, outChannels: 768, blocks: 3, addIdentity: true, spp: false),
               .init(inChannels: 768, outChannels: 1024, blocks: 3, addIdentity: false, spp: true)],
    ]

    /// The stages (`arch`'s settings, or `arch_ovewrite`).
    public var stages: [CSPNeXtSpec.Stage]
    /// `deepen_factor`: each stage has `max(round(blocks · deepen_factor), 1)` blocks (default 1).
    public var deepenFactor = 1.0
    /// `widen_factor`: channels are `Int(channels · widen_factor)` (default 1).
    public var widenFactor = 1.0
    /// The outputs returned, indices into [stem, stage 1, …] (`out_indices`, default (2, 3, 4)).
    public var outIndices = [2, 3, 4]
    /// Freezes the stem and the first `frozenStages` stages (`frozen_stages`, −1: none).
    public var frozenStages = -1
    /// `use_depthwise`: the strided convolutions and the bottlenecks' 3×3s are depthwise-separable.
    public var useDepthwise = false
    /// `spp_kernal_sizes` (mmdet's spelling; (5, 9, 13)).
    public var sppKernelSizes = [5, 9, 13]
    /// `norm_cfg`: mmdet's default is BN with momentum 0.03 and eps 0.001.
    public var norm = BatchNormSettings(eps: 0.001, momentum: 0.03)
    /// `act_cfg`: `Swish` (SiLU) by default.
    public var activation = ActivationType.silu
    /// `norm_eval`: every BatchNorm stays in inference mode during training.
    public var normEval = false

    /// mmdet's defaults for the stages given (`P5` by default).
    public init(stages: [CSPNeXtSpec.Stage] = CSPDarknetSpec.architectures["P5"]!) { self.stages = stages }

    /// The channels of the stem's output and of each stage's, after `widen_factor`.
    public var layerChannels: [Int] {
        guard let first = stages.first else { return [] }
        return [Int(Double(first.inChannels) * widenFactor)] + stages.map { Int(Double($0.outChannels) * widenFactor) }
    }

    /// Checks the arguments against each other.
    /// - Throws: `ModelError` naming the first bad argument.
    public func validate() throws {
        guard !stages.isEmpty else { throw ModelError("CSPDarknet: arch_ovewrite has no stages") }
        guard !outIndices.isEmpty else { throw ModelError("CSPDarknet: out_indices is empty") }
        for i in outIndices where !(0...stages.count).contains(i) {
            throw ModelError("CSPDarknet: out_indices \(i) is not a layer; expected 0 (the stem) to \(stages.count)")
        }
        guard (-1...stages.count).contains(frozenStages) else {
            throw ModelError("CSPDarknet: frozen_stages must be in -1...\(stages.count), got \(frozenStages)")
        }
        guard deepenFactor > 0, widenFactor > 0 else { throw ModelError("CSPDarknet: deepen_factor and widen_factor must be positive") }
        let channels = layerChannels
        guard channels.allSatisfy({ $0 >= 2 }) else {
            throw ModelError("CSPDarknet: widen_factor \(widenFactor) leaves layers of \(channels) channels; each needs at least 2")
        }
        for k in sppKernelSizes where k < 1 || k % 2 == 0 {
            throw ModelError("CSPDarknet: spp_kernal_sizes must be odd and positive (the pooling keeps the size with padding k // 2), got \(k)")
        }
    }

    /// Blocks in stage `i` after `deepen_factor` (Python's `round`: halves to even).
    func blocks(_ i: Int) -> Int {
        max(Int((Double(stages[i].blocks) * deepenFactor).rounded(.toNearestOrEven)), 1)
    }
}
