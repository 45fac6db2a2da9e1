import PoseConfig
import PoseData
import PoseModels
import PoseNN

extension Components {
    /// RTMPose's parts: mmdet's `CSPNeXt` backbone (also as `mmdet.CSPNeXt` and under
    /// `_scope_='mmdet'`), MMPose's `RTMCCHead`, and RTMW's `CSPNeXtPAFPN` and `RTMWHead`.
    mutating func registerStockRTMPose() throws {
        try backbones.register("CSPNeXt", scopes: ["mmdet"], StockRTMPose.cspNeXt)
        try heads.register("RTMCCHead", StockRTMPose.rtmccHead)
        try heads.register("RTMWHead") { h, context in RTMWHeadSpec(try StockRTMPose.rtmccSettings(h, context, head: "RTMWHead")) }
        try necks.register("CSPNeXtPAFPN", StockRTMPose.cspNeXtPAFPN)
    }
}

/// The builders of RTMPose's parts.
enum StockRTMPose {
    /// mmdet's `CSPNeXt(arch, deepen_factor, widen_factor, out_indices, frozen_stages,
    /// use_depthwise, expand_ratio, arch_ovewrite, spp_kernel_sizes, channel_attention, conv_cfg,
    /// norm_cfg, act_cfg, norm_eval)`.
    @Sendable static func cspNeXt(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let arch = try b.string("arch", default: "P5")
        guard let architecture = CSPNeXtSpec.architectures[arch] else { throw b.error("arch", "expected 'P5' or 'P6', got '\(arch)'") }
        var spec = CSPNeXtSpec(stages: architecture)
        if let overwrite = b.value("arch_ovewrite"), overwrite != .none {
            spec.stages = try stages(overwrite, b)
        }
        spec.deepenFactor = try b.double("deepen_factor", default: 1, in: 0.001...100)
        spec.widenFactor = try b.double("widen_factor", default: 1, in: 0.001...100)
        spec.outIndices = try b.ints("out_indices", default: [2, 3, 4])
        spec.frozenStages = try b.int("frozen_stages", default: -1)
        spec.useDepthwise = try b.bool("use_depthwise", default: false)
        spec.expandRatio = try b.double("expand_ratio", default: 0.5, in: 0.001...100)
        spec.sppKernelSizes = try b.ints("spp_kernel_sizes", default: [5, 9, 13], in: ConfigLimits.kernel)
        spec.channelAttention = try b.bool("channel_attention", default: true)
        spec.norm = try StockModels.batchNorm(b, context, default: BatchNormSettings(eps: 0.001, momentum: 0.03))
        spec.activation = try activation(b, context, key: "act_cfg", default: .silu)
        spec.normEval = try b.bool("norm_eval", default: false)
        if let conv = b.value("conv_cfg"), conv != .none { throw b.error("conv_cfg", "only None (PyTorch's Conv2d) is supported") }
        do { try spec.validate() } catch let error as ModelError { throw b.error("arch", error.description) }
        return spec
    }

    /// `arch_ovewrite`: a list of `[in_channels, out_channels, num_blocks, add_identity, use_spp]`.
    static func stages(_ value: ConfigValue, _ b: ConfigReader) throws -> [CSPNeXtSpec.Stage] {
        let expected = "a list of [in_channels, out_channels, num_blocks, add_identity, use_spp]"
        switch value {
        case .list(let rows) where !rows.isEmpty, .tuple(let rows) where !rows.isEmpty: return try rows.map { try stage($0, b, expected) }
        default: throw b.error("arch_ovewrite", "expected \(expected)")
        }
    }

    private static func stage(_ row: ConfigValue, _ b: ConfigReader, _ expected: String) throws -> CSPNeXtSpec.Stage {
        let items: [ConfigValue]
        switch row { case .list(let v), .tuple(let v): items = v; default: items = [] }
        guard items.count == 5, case .int(let cin) = items[0], case .int(let cout) = items[1], case .int(let blocks) = items[2],
              case .bool(let identity) = items[3], case .bool(let spp) = items[4],
              ConfigLimits.channels.contains(cin), ConfigLimits.channels.contains(cout), (1...1000).contains(blocks) else {
            throw b.error("arch_ovewrite", "expected \(expected) with positive channel and block counts, got \(row)")
        }
        return CSPNeXtSpec.Stage(inChannels: cin, outChannels: cout, blocks: blocks, addIdentity: identity, spp: spp)
    }

    /// An `act_cfg` (`dict(type='SiLU')`; MMCV's `Swish` is SiLU; `inplace` changes nothing here).
    static func activation(_ b: ConfigReader, _ context: BuildContext, key: String, default fallback: ActivationType) throws -> ActivationType {
        guard let a = try b.dictionary(key) else { return fallback }
        let type = try a.string("type")
        a.ignore("inplace")
        let names = ["Swish": ActivationType.silu].merging(Dictionary(uniqueKeysWithValues: ActivationType.allCases.map { ($0.rawValue, $0) })) { a, _ in a }
        guard let activation = names[type] else {
            throw a.error("type", "unknown activation '\(type)'; supported: \(names.keys.sorted().joined(separator: ", "))")
        }
        try context.finish(a)
        return activation
    }

    /// MMPose's `RTMCCHead`.
    @Sendable static func rtmccHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        try rtmccSettings(h, context, head: "RTMCCHead")
    }

    /// The arguments of MMPose's `RTMCCHead` and `RTMWHead` (`head` names it in errors).
    static func rtmccSettings(_ h: ConfigReader, _ context: BuildContext, head: String) throws -> RTMCCHeadSpec {
        h.ignore("init_cfg")
        let codec = try StockModels.decoder(h, context)
        guard let codecBins = codec.simccBins else { throw h.error("decoder", "\(head) needs the SimCCLabel codec") }
        if case .list? = h.value("in_channels") { throw h.error("in_channels", "\(head) does not support selecting multiple input features") }
        if case .tuple? = h.value("in_channels") { throw h.error("in_channels", "\(head) does not support selecting multiple input features") }
        let inputSize = try h.pair("input_size", in: ConfigLimits.side)
        let ratio = try h.double("simcc_split_ratio", default: 2, in: 0.1...16)
        let bins = (Int(Double(inputSize.0) * ratio), Int(Double(inputSize.1) * ratio))
        guard bins == codecBins else {
            throw h.error("simcc_split_ratio", "the head's \(bins.0)x\(bins.1) bins differ from its decoder's \(codecBins.0)x\(codecBins.1)")
        }
        var spec = RTMCCHeadSpec(inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                                 outChannels: try h.int("out_channels", in: ConfigLimits.keypoints),
                                 inFeaturemapSize: try h.pair("in_featuremap_size", in: ConfigLimits.side), bins: bins,
                                 loss: try context.build(\.losses, h, key: "loss") ?? KLDiscretLoss(useTargetWeight: true), decoder: codec)
        spec.splitRatio = ratio
        if let mask = (spec.loss as? KLDiscretLoss)?.mask, let worst = mask.max(), worst >= spec.outChannels {
            throw h.error("loss", "KLDiscretLoss's mask names keypoint \(worst), but the head has \(spec.outChannels) (out_channels)")
        }
        spec.finalLayerKernelSize = try h.int("final_layer_kernel_size", default: 1, in: ConfigLimits.kernel)
        if let g = try h.dictionary("gau_cfg") {
            spec.hiddenDims = try g.int("hidden_dims", default: 256, in: ConfigLimits.channels)
            spec.s = try g.int("s", default: 128, in: ConfigLimits.channels)
            spec.expansionFactor = try g.double("expansion_factor", default: 2, in: 0.01...64)
            for key in ["dropout_rate", "drop_path"] where try g.double(key, default: 0, in: 0...1) != 0 {
                throw g.error(key, "only 0 is supported (every MMPose config uses 0)")
            }
            let act = try g.string("act_fn", default: "ReLU")
            guard let activation = ["ReLU": ActivationType.relu, "SiLU": .silu][act] else { throw g.error("act_fn", "expected 'ReLU' or 'SiLU', got '\(act)'") }
            spec.activation = activation
            spec.useRelativeBias = try g.bool("use_rel_bias", default: false)
            if try g.bool("pos_enc", default: false) { throw g.error("pos_enc", "rotary position encoding (pos_enc=True) is not supported; every MMPose \(head) config uses False") }
            try context.finish(g)
        } else {
            // MMPose's default gau_cfg: ReLU, as its signature says (its configs all give SiLU)
            spec.activation = .relu
        }
        do { try spec.validate() } catch let error as ModelError { throw h.error("gau_cfg", error.description) }
        return spec
    }

    /// MMPose's `CSPNeXtPAFPN(in_channels, out_channels, out_indices, num_csp_blocks,
    /// use_depthwise, expand_ratio, upsample_cfg, conv_cfg, norm_cfg, act_cfg)`.
    @Sendable static func cspNeXtPAFPN(_ n: ConfigReader, _ context: BuildContext) throws -> any NeckSpec {
        n.ignore("init_cfg")
        var spec = CSPNeXtPAFPNSpec(inChannels: try n.ints("in_channels", in: ConfigLimits.channels))
        if let out = n.value("out_channels"), out != .none {
            throw n.error("out_channels", "only None is supported: with a value MMPose 1.3.2's CSPNeXtPAFPN fails in its forward (its out_convs is one module, iterated)")
        }
        spec.outIndices = try n.ints("out_indices", default: [0, 1, 2])
        spec.cspBlocks = try n.int("num_csp_blocks", default: 3, in: 0...64)
        spec.useDepthwise = try n.bool("use_depthwise", default: false)
        spec.expandRatio = try n.double("expand_ratio", default: 0.5, in: 0.001...100)
        if let u = try n.dictionary("upsample_cfg") {
            guard try u.double("scale_factor", default: 2, in: 0...1000) == 2, try u.string("mode", default: "nearest") == "nearest" else {
                throw u.error("scale_factor", "only dict(scale_factor=2, mode='nearest') is supported (each map is half the size of the one before)")
            }
            try context.finish(u)
        }
        if let conv = n.value("conv_cfg"), conv != .none { throw n.error("conv_cfg", "only None (PyTorch's Conv2d) is supported") }
        spec.norm = try StockModels.batchNorm(n, context, default: BatchNormSettings(eps: 0.001, momentum: 0.03))
        spec.activation = try activation(n, context, key: "act_cfg", default: .silu)
        do { try spec.validate() } catch let error as ModelError { throw n.error("in_channels", error.description) }
        return spec
    }
}
