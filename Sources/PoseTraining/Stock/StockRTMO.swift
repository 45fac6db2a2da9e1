import PoseConfig
import PoseData
import PoseModels
import PoseNN

extension Components {
    /// The parts of MMPose's one-stage bottom-up models (YOLOX-Pose, RTMO): mmdet's `CSPDarknet`
    /// backbone (also as `mmdet.CSPDarknet`), the `HybridEncoder`, `ChannelMapper` and
    /// `YOLOXPAFPN` necks, `RTMOHead` and `YOLOXPoseHead`.
    mutating func registerStockRTMO() throws {
        try backbones.register("CSPDarknet", scopes: ["mmdet"], StockRTMO.cspDarknet)
        try necks.register("HybridEncoder", StockRTMO.hybridEncoder)
        try necks.register("ChannelMapper", scopes: ["mmdet"], StockRTMO.channelMapper)
        try heads.register("RTMOHead", StockRTMO.rtmoHead)
        try necks.register("YOLOXPAFPN", scopes: ["mmdet"], StockRTMO.yoloxPAFPN)
        try heads.register("YOLOXPoseHead", StockRTMO.yoloxPoseHead)
    }
}

/// The builders of YOLOX-Pose's and RTMO's parts.
enum StockRTMO {
    /// mmdet's `CSPDarknet(arch, deepen_factor, widen_factor, out_indices, frozen_stages,
    /// use_depthwise, arch_ovewrite, spp_kernal_sizes, norm_cfg, act_cfg, norm_eval)`.
    @Sendable static func cspDarknet(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let arch = try b.string("arch", default: "P5")
        guard let architecture = CSPDarknetSpec.architectures[arch] else { throw b.error("arch", "expected 'P5' or 'P6', got '\(arch)'") }
        var spec = CSPDarknetSpec(stages: architecture)
        if let overwrite = b.value("arch_ovewrite"), overwrite != .none {
            spec.stages = try StockRTMPose.stages(overwrite, b)
        }
        spec.deepenFactor = try b.double("deepen_factor", default: 1, in: 0.001...100)
        spec.widenFactor = try b.double("widen_factor", default: 1, in: 0.001...100)
        spec.outIndices = try b.ints("out_indices", default: [2, 3, 4])
        spec.frozenStages = try b.int("frozen_stages", default: -1)
        spec.useDepthwise = try b.bool("use_depthwise", default: false)
        spec.sppKernelSizes = try b.ints("spp_kernal_sizes", default: [5, 9, 13], in: ConfigLimits.kernel)
        spec.norm = try StockModels.batchNorm(b, context, default: BatchNormSettings(eps: 0.001, momentum: 0.03))
        spec.activation = try StockRTMPose.activation(b, context, key: "act_cfg", default: .silu)
        spec.normEval = try b.bool("norm_eval", default: false)
        if let conv = b.value("conv_cfg"), conv != .none { throw b.error("conv_cfg", "only None (PyTorch's Conv2d) is supported") }
        do { try spec.validate() } catch let error as ModelError { throw b.error("arch", error.description) }
        return spec
    }

    /// MMPose's `HybridEncoder(in_channels, hidden_dim, use_encoder_idx, num_encoder_layers,
    /// encoder_cfg, pe_temperature, widen_factor, deepen_factor, output_indices, projector,
    /// norm_cfg, act_cfg)`.
    @Sendable static func hybridEncoder(_ n: ConfigReader, _ context: BuildContext) throws -> any NeckSpec {
        var spec = HybridEncoderSpec()
        spec.inChannels = try n.ints("in_channels", default: [512, 1024, 2048], in: ConfigLimits.channels)
        spec.hiddenDimension = try n.int("hidden_dim", default: 256, in: ConfigLimits.channels)
        spec.encoderIndices = try n.ints("use_encoder_idx", default: [2])
        spec.encoderLayers = try n.int("num_encoder_layers", default: 1, in: 0...64)
        spec.positionTemperature = try n.double("pe_temperature", default: 10000, in: 1...1e9)
        spec.widenFactor = try n.double("widen_factor", default: 1, in: 0.001...100)
        spec.deepenFactor = try n.double("deepen_factor", default: 1, in: 0...100)
        if let indices = n.value("output_indices"), indices != .none {
            spec.outputIndices = try n.ints("output_indices")
        } else {
            spec.outputIndices = Array(spec.inChannels.indices)
        }
        if try n.bool("spe_learnable", default: false) { throw n.error("spe_learnable", "a learnable positional encoding is not supported; expected False") }
        _ = try n.ints("feat_strides", default: [8, 16, 32])   // read by MMPose only to size deploy-time encodings
        spec.norm = try StockModels.batchNorm(n, context, default: BatchNormSettings())
        spec.activation = try StockRTMPose.activation(n, context, key: "act_cfg", default: .silu)
        if let e = try n.dictionary("encoder_cfg") {
            if let a = try e.dictionary("self_attn_cfg") {
                let embed = try a.int("embed_dims", default: 256, in: ConfigLimits.channels)
                guard embed == spec.hiddenDimension else { throw a.error("embed_dims", "must equal hidden_dim \(spec.hiddenDimension), got \(embed)") }
                spec.heads = try a.int("num_heads", default: 8, in: 1...1024)
                guard try a.double("dropout", default: 0) == 0 else { throw a.error("dropout", "attention dropout is not supported; expected 0.0") }
                if try !a.bool("batch_first", default: true) { throw a.error("batch_first", "mmdet's DETR layers need batch_first=True") }
                try context.finish(a)
            }
            if let f = try e.dictionary("ffn_cfg") {
                let embed = try f.int("embed_dims", default: 256, in: ConfigLimits.channels)
                guard embed == spec.hiddenDimension else { throw f.error("embed_dims", "must equal hidden_dim \(spec.hiddenDimension), got \(embed)") }
                spec.feedforwardChannels = try f.int("feedforward_channels", default: 1024, in: ConfigLimits.channels)
                guard try f.int("num_fcs", default: 2, in: 2...2) == 2 else { throw f.error("num_fcs", "expected 2") }
                guard try f.double("ffn_drop", default: 0) == 0 else { throw f.error("ffn_drop", "FFN dropout is not supported; expected 0.0") }
                spec.feedforwardActivation = try StockRTMPose.activation(f, context, key: "act_cfg", default: .relu)
                try context.finish(f)
            }
            if let norm = try e.dictionary("norm_cfg") {
                guard try norm.string("type") == "LN" else { throw norm.error("type", "expected 'LN'") }
                try context.finish(norm)
            }
            try context.finish(e)
        }
        if let p = try n.dictionary("projector") {
            guard try p.type(among: ["ChannelMapper"]) == "ChannelMapper" else { throw p.error("type", "expected 'ChannelMapper'") }
            spec.projector = try channelMapperSpec(p, context)
        }
        do { try spec.validate() } catch let error as ModelError { throw n.error("in_channels", error.description) }
        return spec
    }

    /// mmdet's `ChannelMapper(in_channels, out_channels, kernel_size, norm_cfg, act_cfg, num_outs, bias)`.
    @Sendable static func channelMapper(_ n: ConfigReader, _ context: BuildContext) throws -> any NeckSpec {
        try channelMapperSpec(n, context)
    }

    static func channelMapperSpec(_ n: ConfigReader, _ context: BuildContext) throws -> ChannelMapperSpec {
        var spec = ChannelMapperSpec(inChannels: try n.ints("in_channels", in: ConfigLimits.channels),
                                     outChannels: try n.int("out_channels", in: ConfigLimits.channels))
        spec.kernelSize = try n.int("kernel_size", default: 3, in: ConfigLimits.kernel)
        guard spec.kernelSize % 2 == 1 else { throw n.error("kernel_size", "must be odd (padding (k - 1) // 2 keeps the size), got \(spec.kernelSize)") }
        if let outs = n.value("num_outs"), outs != .none {
            let count = try n.int("num_outs", in: 1...64)
            guard count == spec.inChannels.count else {
                throw n.error("num_outs", "extra strided outputs are not supported; expected \(spec.inChannels.count) (one per input)")
            }
        }
        if let norm = n.value("norm_cfg"), norm != .none { spec.norm = try StockModels.batchNorm(n, context, default: BatchNormSettings()) }
        if n.isNone("act_cfg") {
            spec.activation = nil
        } else {
            spec.activation = try StockRTMPose.activation(n, context, key: "act_cfg", default: .relu)
        }
        if let bias = n.value("bias"), bias != .string("auto") { throw n.error("bias", "only 'auto' is supported") }
        if let conv = n.value("conv_cfg"), conv != .none { throw n.error("conv_cfg", "only None (PyTorch's Conv2d) is supported") }
        n.ignore("init_cfg")
        return spec
    }

    /// MMPose's `RTMOHead(num_keypoints, head_module_cfg, featmap_strides, num_classes,
    /// bbox_padding, dcc_cfg, prior_generator, …)`. The training-only parts (`assigner`,
    /// `loss_*`, `overlaps_power`, `use_aux_loss`, `proxy_target_cc`) are read by no one: the
    /// head refuses to train.
    @Sendable static func rtmoHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        let keypoints = try h.int("num_keypoints", in: ConfigLimits.keypoints)
        let strides = try h.ints("featmap_strides", default: [16, 32], in: 1...1024)
        guard let m = try h.dictionary("head_module_cfg") else { throw h.error("head_module_cfg", "is required") }
        guard let d = try h.dictionary("dcc_cfg") else { throw h.error("dcc_cfg", "is required (RTMO decodes keypoints with its DCC)") }
        var dcc = RTMOHeadSpec.DCC(inChannels: try d.int("in_channels", in: ConfigLimits.channels),
                                   featureChannels: try d.int("feat_channels", in: ConfigLimits.channels),
                                   bins: try d.pair("num_bins", in: 2...100_000))
        if d.has("num_keypoints"), try d.int("num_keypoints") != keypoints { throw d.error("num_keypoints", "must equal the head's num_keypoints \(keypoints)") }
        dcc.spatialEncodingChannels = try d.int("spe_channels", default: 128, in: ConfigLimits.channels)
        dcc.temperature = try d.double("spe_temperature", default: 300, in: 1e-6...1e9)
        if let g = try d.dictionary("gau_cfg") {
            dcc.s = try g.int("s", default: 128, in: ConfigLimits.channels)
            dcc.expansionFactor = try g.double("expansion_factor", default: 2, in: 0.01...100)
            guard try g.double("dropout_rate", default: 0) == 0, try g.double("drop_path", default: 0) == 0 else {
                throw g.error("dropout_rate", "dropout and drop path are not supported; expected 0.0")
            }
            let act = try g.string("act_fn", default: "SiLU")
            guard act == "SiLU" || act == "ReLU" else { throw g.error("act_fn", "expected 'SiLU' or 'ReLU', got '\(act)'") }
            dcc.activation = act == "SiLU" ? .silu : .relu
            let position = try g.string("pos_enc", default: "none")
            guard position == "add" else { throw g.error("pos_enc", "only 'add' (RTMO's) is supported, got '\(position)'") }
            if try g.bool("use_rel_bias", default: false) { throw g.error("use_rel_bias", "expected False") }
            try context.finish(g)
        } else {
            throw d.error("gau_cfg", "None (no GAU) is not supported")
        }
        try context.finish(d)
        var spec = RTMOHeadSpec(keypoints: keypoints, inChannels: try m.int("in_channels", in: ConfigLimits.channels), dcc: dcc)
        spec.strides = strides
        (spec.classes, spec.widenFactor, spec.norm, spec.activation) = try headModule(m, of: h, context, keypoints: keypoints, strides: strides)
        spec.clsFeatChannels = try m.int("cls_feat_channels", default: 256, in: ConfigLimits.channels)
        spec.stackedConvs = try m.int("stacked_convs", default: 2, in: 1...64)
        spec.groups = try m.int("num_groups", default: 8, in: 1...1024)
        spec.channelsPerGroup = try m.int("channels_per_group", default: 36, in: ConfigLimits.channels)
        spec.poseVectorChannels = try m.int("pose_vec_channels", default: -1, in: -1...ConfigLimits.channels.upperBound)
        try context.finish(m)
        spec.bboxPadding = try h.double("bbox_padding", default: 1.25, in: 0.01...100)
        guard let p = try h.dictionary("prior_generator") else { throw h.error("prior_generator", "is required (MlvlPointGenerator)") }
        spec.priors = try priorGenerator(p, context, strides: strides)
        spec.oksLossSigmas = try oksLossSigmas(h)
        h.ignore("assigner", "overlaps_power", "use_aux_loss", "proxy_target_cc", "loss_cls", "loss_bbox", "loss_oks", "loss_vis",
                 "loss_mle", "loss_bbox_aux")
        do { try spec.validate() } catch let error as ModelError { throw h.error("head_module_cfg", error.description) }
        return spec
    }

    /// Whether the model's `init_cfg` is YOLOX-Pose's and RTMO's `Kaiming(layer='Conv2d', a=√5,
    /// distribution='uniform', mode='fan_in', nonlinearity='leaky_relu')`: the init their parts
    /// (CSPDarknet, HybridEncoder, YOLOXPAFPN, the heads' convolutions) apply themselves, with
    /// ChannelMapper's own Xavier init after it, as MMEngine's order has it.
    static func isPartsOwnKaimingInit(_ m: ConfigReader, _ context: BuildContext) throws -> Bool {
        guard let i = try m.dictionary("init_cfg"), try i.string("type") == "Kaiming" else { return false }
        let matches = try i.string("layer", default: "") == "Conv2d" && abs(try i.double("a", default: 0) - 5.0.squareRoot()) < 1e-9
            && i.string("distribution", default: "normal") == "uniform" && i.string("mode", default: "fan_out") == "fan_in"
            && i.string("nonlinearity", default: "relu") == "leaky_relu"
        guard matches else { return false }
        try context.finish(i)
        return true
    }

    /// MMPose's `MlvlPointGenerator(strides, offset, centralize_points)`, whose strides must be
    /// the head's `featmap_strides`.
    static func priorGenerator(_ p: ConfigReader, _ context: BuildContext, strides: [Int]) throws -> PriorGenerator {
        _ = try p.type(among: ["MlvlPointGenerator"])
        var priors = PriorGenerator(strides: try p.ints("strides", in: 1...1024))
        guard priors.strides == strides else { throw p.error("strides", "must equal the head's featmap_strides \(strides)") }
        priors.offset = Float(try p.double("offset", default: 0.5, in: 0...1))
        priors.centralizePoints = try p.bool("centralize_points", default: false)
        try context.finish(p)
        return priors
    }

    /// mmdet's `YOLOXPAFPN(in_channels, out_channels, num_csp_blocks, use_depthwise,
    /// upsample_cfg, norm_cfg, act_cfg)`: `CSPNeXtPAFPNSpec` with Darknet blocks and `out_convs`.
    @Sendable static func yoloxPAFPN(_ n: ConfigReader, _ context: BuildContext) throws -> any NeckSpec {
        n.ignore("init_cfg")   // YOLOXPAFPN's default init_cfg is the Kaiming-uniform init its convolutions get
        var spec = CSPNeXtPAFPNSpec(inChannels: try n.ints("in_channels", in: ConfigLimits.channels))
        spec.darknetBlocks = true
        spec.outChannels = try n.int("out_channels", in: ConfigLimits.channels)
        spec.outIndices = Array(spec.inChannels.indices)
        spec.cspBlocks = try n.int("num_csp_blocks", default: 3, in: 0...64)
        spec.useDepthwise = try n.bool("use_depthwise", default: false)
        if let u = try n.dictionary("upsample_cfg") {
            guard try u.double("scale_factor", default: 2, in: 0...1000) == 2, try u.string("mode", default: "nearest") == "nearest" else {
                throw u.error("scale_factor", "only dict(scale_factor=2, mode='nearest') is supported (each map is half the size of the one before)")
            }
            try context.finish(u)
        }
        if let conv = n.value("conv_cfg"), conv != .none { throw n.error("conv_cfg", "only None (PyTorch's Conv2d) is supported") }
        spec.norm = try StockModels.batchNorm(n, context, default: BatchNormSettings(eps: 0.001, momentum: 0.03))
        spec.activation = try StockRTMPose.activation(n, context, key: "act_cfg", default: .silu)
        do { try spec.validate() } catch let error as ModelError { throw n.error("in_channels", error.description.replacingOccurrences(of: "CSPNeXtPAFPN", with: "YOLOXPAFPN")) }
        return spec
    }

    /// MMPose's `YOLOXPoseHead(num_keypoints, head_module_cfg, featmap_strides, num_classes,
    /// prior_generator, …)`. The training-only parts (`assigner`, `loss_*`, `overlaps_power`,
    /// `use_aux_loss`) are read by no one: the head refuses to train.
    @Sendable static func yoloxPoseHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        let keypoints = try h.int("num_keypoints", in: ConfigLimits.keypoints)
        let strides = try h.ints("featmap_strides", default: [8, 16, 32], in: 1...1024)
        guard let m = try h.dictionary("head_module_cfg") else { throw h.error("head_module_cfg", "is required") }
        var spec = YOLOXPoseHeadSpec(keypoints: keypoints, inChannels: try m.int("in_channels", in: ConfigLimits.channels))
        spec.strides = strides
        (spec.classes, spec.widenFactor, spec.norm, spec.activation) = try headModule(m, of: h, context, keypoints: keypoints, strides: strides)
        spec.featChannels = try m.int("feat_channels", default: 256, in: ConfigLimits.channels)
        spec.stackedConvs = try m.int("stacked_convs", default: 2, in: 1...64)
        try context.finish(m)
        guard let p = try h.dictionary("prior_generator") else { throw h.error("prior_generator", "is required (MlvlPointGenerator)") }
        spec.priors = try priorGenerator(p, context, strides: strides)
        spec.oksLossSigmas = try oksLossSigmas(h)
        h.ignore("assigner", "overlaps_power", "use_aux_loss", "loss_cls", "loss_obj", "loss_bbox", "loss_oks", "loss_vis",
                 "loss_bbox_aux", "loss_kpt_aux")
        do { try spec.validate() } catch let error as ModelError { throw h.error("head_module_cfg", error.description) }
        return spec
    }

    /// The sigmas of `loss_oks.metainfo` (MMPose's OKSLoss keeps them as a buffer), or nil.
    static func oksLossSigmas(_ h: ConfigReader) throws -> [Float]? {
        guard let oks = try h.dictionary("loss_oks"), oks.value("metainfo") != nil else { return nil }
        do { return try DatasetMetainfo.resolve(try oks.string("metainfo")).sigmas } catch let e as ConfigError {
            throw oks.error("metainfo", e.description)
        }
    }

    /// The `head_module_cfg` settings YOLOXPoseHeadModule and RTMOHeadModule share: `num_classes`
    /// (equal to the head's), `widen_factor`, `norm_cfg`, `act_cfg` and `conv_bias` ('auto'), and
    /// the `featmap_strides`/`num_keypoints` the heads write into it (configs MMPose saved after
    /// building carry them), which must equal the head's.
    static func headModule(_ m: ConfigReader, of h: ConfigReader, _ context: BuildContext, keypoints: Int, strides: [Int]) throws
        -> (classes: Int, widenFactor: Double, norm: BatchNormSettings, activation: ActivationType) {
        let classes = try m.int("num_classes", default: 1, in: 1...10_000)
        guard try h.int("num_classes", default: 1, in: 1...10_000) == classes else { throw h.error("num_classes", "must equal head_module_cfg.num_classes") }
        let widen = try m.double("widen_factor", default: 1, in: 0.001...100)
        let norm = try StockModels.batchNorm(m, context, default: BatchNormSettings(eps: 0.001, momentum: 0.03))
        let activation = try StockRTMPose.activation(m, context, key: "act_cfg", default: .silu)
        if let bias = m.value("conv_bias"), bias != .string("auto") { throw m.error("conv_bias", "only 'auto' is supported") }
        if m.has("featmap_strides"), try m.ints("featmap_strides") != strides { throw m.error("featmap_strides", "must equal the head's featmap_strides \(strides)") }
        if m.has("num_keypoints"), try m.int("num_keypoints") != keypoints { throw m.error("num_keypoints", "must equal the head's num_keypoints \(keypoints)") }
        return (classes, widen, norm, activation)
    }
}
