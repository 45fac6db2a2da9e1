import PoseConfig
import PoseData
import PoseModels

extension Components {
    /// SwiftPose's paradigm, backbones, necks, heads and losses, with MMPose's names and defaults.
    mutating func registerStockModels() throws {
        try estimators.register("TopdownPoseEstimator", StockModels.topdownPoseEstimator)
        try backbones.register("ResNet", StockModels.resNet)
        try backbones.register("ResNetV1d", StockModels.resNetV1d)
        try backbones.register("SEResNet", StockModels.seResNet)
        try backbones.register("ResNeXt", StockModels.resNeXt)
        try backbones.register("ResNeSt", StockModels.resNeSt)
        try backbones.register("HRNet", StockModels.hrNet)
        try necks.register("GlobalAveragePooling") { _, _ in GlobalAveragePoolingSpec() }
        try necks.register("FeatureMapProcessor", StockModels.featureMapProcessor)
        try heads.register("HeatmapHead", StockModels.heatmapHead)
        try heads.register("SimCCHead", StockModels.simccHead)
        try losses.register("KLDiscretLoss") { l, _ in
            var loss = KLDiscretLoss(beta: Float(try l.double("beta", default: 1, in: 0.000001...1_000)),
                                     labelSoftmax: try l.bool("label_softmax", default: false),
                                     labelBeta: Float(try l.double("label_beta", default: 10, in: 0.000001...1_000)),
                                     useTargetWeight: try l.bool("use_target_weight", default: true))
            if l.has("mask") && l.value("mask") != ConfigValue.none {
                // checked against the head's keypoints where the head is built
                loss.mask = try l.ints("mask", in: 0...(ConfigLimits.keypoints.upperBound - 1))
            }
            loss.maskWeight = Float(try l.double("mask_weight", default: 1))
            return loss
        }
        try codecs.register("SimCCLabel") { c, _ in
            let smoothing = try c.string("smoothing_type", default: "gaussian")
            guard smoothing == "gaussian" || smoothing == "standard" else { throw c.error("smoothing_type", "expected 'gaussian' or 'standard'") }
            let sigma: (Double, Double)
            if case .float(let s)? = c.value("sigma") { sigma = (s, s) } else if case .int(let s)? = c.value("sigma") { sigma = (Double(s), Double(s)) }
            else {
                let pair = try c.doubles("sigma", default: [6, 6])
                guard pair.count == 2 else { throw c.error("sigma", "expected a number or (sigma_x, sigma_y)") }
                sigma = (pair[0], pair[1])
            }
            // the Gaussians' extent (3σ) and DARK's blur kernel (about 6.7σ) become bin counts
            guard ConfigLimits.sigma.contains(sigma.0), ConfigLimits.sigma.contains(sigma.1) else {
                throw c.error("sigma", "must be in \(ConfigLimits.sigma.lowerBound)...\(ConfigLimits.sigma.upperBound), got (\(sigma.0), \(sigma.1))")
            }
            let decodeBeta = try c.double("decode_beta", default: 150, in: 0.000001...1_000_000)
            var codec = SimCCLabel(inputSize: try c.pair("input_size", in: ConfigLimits.side), smoothingType: smoothing, sigma: sigma,
                                   splitRatio: try c.double("simcc_split_ratio", default: 2, in: 0.1...16),
                                   labelSmoothWeight: try c.double("label_smooth_weight", default: 0, in: 0...1),
                                   normalize: try c.bool("normalize", default: true))
            codec.useDark = try c.bool("use_dark", default: false)
            if try c.bool("decode_visibility", default: false) { codec.visibilityBeta = decodeBeta }
            // MMPose's DARK blur kernel int((20σ − 7) // 3), made odd, must be at least 1
            if codec.useDark && min(sigma.0, sigma.1) < 0.5 {
                throw c.error("sigma", "use_dark=True needs sigma of at least 0.5 (its blur kernel, int((20·sigma − 7) // 3) made odd, is below 1 otherwise)")
            }
            return codec
        }
        try heads.register("RegressionHead", StockModels.regressionHead)
        try heads.register("RLEHead", StockModels.rleHead)
        try heads.register("IntegralRegressionHead") { h, context in try StockModels.integralHead(h, context, dsnt: false) }
        try heads.register("DSNTHead") { h, context in try StockModels.integralHead(h, context, dsnt: true) }
        try heads.register("VisPredictHead", StockModels.visPredictHead)
        try losses.register("KeypointMSELoss") { l, _ in
            KeypointMSELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                            skipEmptyChannel: try l.bool("skip_empty_channel", default: false),
                            lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("CombinedTargetMSELoss") { l, _ in
            CombinedTargetMSELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                                  lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("KeypointOHKMMSELoss") { l, _ in
            let topk = try l.int("topk", default: 8, in: ConfigLimits.keypoints)
            return KeypointOHKMMSELoss(useTargetWeight: try l.bool("use_target_weight", default: false), topk: topk,
                                       lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("SmoothL1Loss") { l, _ in
            SmoothL1Loss(useTargetWeight: try l.bool("use_target_weight", default: false),
                         lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("WingLoss") { l, _ in
            WingLoss(omega: Float(try l.double("omega", default: 10, in: 0.000001...)),
                     epsilon: Float(try l.double("epsilon", default: 2, in: 0.000001...)),
                     useTargetWeight: try l.bool("use_target_weight", default: false),
                     lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("SoftWingLoss") { l, _ in
            SoftWingLoss(omega1: Float(try l.double("omega1", default: 2, in: 0.000001...)),
                         omega2: Float(try l.double("omega2", default: 20, in: 0.000001...)),
                         epsilon: Float(try l.double("epsilon", default: 0.5, in: 0.000001...)),
                         useTargetWeight: try l.bool("use_target_weight", default: false),
                         lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("AdaptiveWingLoss") { l, _ in
            AdaptiveWingLoss(alpha: Float(try l.double("alpha", default: 2.1)),
                             omega: Float(try l.double("omega", default: 14, in: 0.000001...)),
                             epsilon: Float(try l.double("epsilon", default: 1, in: 0.000001...)),
                             theta: Float(try l.double("theta", default: 0.5, in: 0.000001...)),
                             useTargetWeight: try l.bool("use_target_weight", default: false),
                             lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("L1Loss") { l, _ in
            if try l.string("reduction", default: "mean") != "mean" { throw l.error("reduction", "only 'mean' is supported") }
            return L1Loss(useTargetWeight: try l.bool("use_target_weight", default: false),
                          lossWeight: Float(try l.double("loss_weight", default: 1)))
        }
        try losses.register("BCELoss") { l, _ in
            if try l.string("reduction", default: "mean") != "mean" { throw l.error("reduction", "only 'mean' is supported") }
            return BCELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                           lossWeight: Float(try l.double("loss_weight", default: 1)),
                           useSigmoid: try l.bool("use_sigmoid", default: false))
        }
        try losses.register("RLELoss") { l, _ in
            if try !l.bool("size_average", default: true) { throw l.error("size_average", "only True is supported") }
            if try !l.bool("residual", default: true) { throw l.error("residual", "only True is supported") }
            let q = try l.string("q_dis", default: "laplace")
            guard q == "laplace" || q == "gaussian" else { throw l.error("q_dis", "expected 'laplace' or 'gaussian', found '\(q)'") }
            return RLELossSpec(useTargetWeight: try l.bool("use_target_weight", default: false), gaussian: q == "gaussian")
        }
        try losses.register("JSDiscretLoss") { l, _ in
            if try !l.bool("size_average", default: true) { throw l.error("size_average", "only True is supported") }
            return JSDiscretLoss(useTargetWeight: try l.bool("use_target_weight", default: true))
        }
        try losses.register("MultipleLossWrapper") { l, context in
            guard let losses = try context.buildList(\.losses, l, key: "losses"), !losses.isEmpty else {
                throw l.error("losses", "is required (a list of loss dicts)")
            }
            return MultipleLossWrapper(losses: losses)
        }
    }
}

/// The builders of the stock model components (config dict → spec).
enum StockModels {
    @Sendable static func topdownPoseEstimator(_ m: ConfigReader, _ context: BuildContext) throws -> any PoseEstimatorSpec {
        let preprocessor = try dataPreprocessor(m, context)
        var pretrained: [PretrainedWeights] = []
        guard let b = try m.dictionary("backbone") else { throw m.error("backbone", "is required") }
        let backboneType = try b.string("type")
        if let weights = try context.pretrainedWeights(b, target: "backbone.") { pretrained.append(weights) }
        let backbone = try context.components.backbones.build(b, context: context)
        var neckType: String?
        var neck: (any NeckSpec)?
        if let n = try m.dictionary("neck") {
            neckType = try n.string("type")
            neck = try context.components.necks.build(n, context: context)
        }
        guard let h = try m.dictionary("head") else { throw m.error("head", "is required") }
        let headType = try h.string("type")
        let head = try context.components.heads.build(h, context: context)

        var test = TopdownTestSettings()
        if let t = try m.dictionary("test_cfg") {
            test.flipTest = try t.bool("flip_test", default: false)
            let mode = try t.string("flip_mode", default: "heatmap")
            guard let flipMode = TopdownTestSettings.FlipMode(rawValue: mode) else {
                throw t.error("flip_mode", "expected 'heatmap' or 'udp_combined' (top-down heatmap flip modes), got '\(mode)'")
            }
            test.flipMode = flipMode
            test.shiftHeatmap = try t.bool("shift_heatmap", default: false)
            test.shiftCoords = try t.bool("shift_coords", default: true)
            if t.has("output_keypoint_indices") {
                let keep = try t.ints("output_keypoint_indices")
                guard !keep.isEmpty, keep.allSatisfy({ (0..<ConfigLimits.keypoints.upperBound).contains($0) }) else {
                    throw t.error("output_keypoint_indices", "expected a non-empty list of keypoint indices, got \(keep)")
                }
                test.outputKeypointIndices = keep
            }
            t.ignore("output_heatmaps")
            try context.finish(t)
        }
        // the whole model's weights load before the backbone's, as MMEngine initialises parents first
        if let weights = try context.pretrainedWeights(m, target: "") { pretrained.insert(weights, at: 0) }
        var computeAccuracy = true
        if let t = try m.dictionary("train_cfg") {
            computeAccuracy = try t.bool("compute_acc", default: true)
            try context.finish(t)
        }
        m.ignore("metainfo")
        var spec = TopdownPoseEstimatorSpec(backbone: backbone, neck: neck, head: head, dataPreprocessor: preprocessor, testConfig: test,
                                            pretrained: pretrained,
                                            summary: ([backboneType] + (neckType.map { [$0] } ?? []) + [headType]).joined(separator: " + "))
        spec.computeAccuracy = computeAccuracy
        return spec
    }

    /// A model's `data_preprocessor` (`PoseDataPreprocessor`; MMPose's ImageNet mean and std when absent).
    static func dataPreprocessor(_ m: ConfigReader, _ context: BuildContext) throws -> DataPreprocessor {
        var preprocessor = DataPreprocessor()
        if let p = try m.dictionary("data_preprocessor") {
            _ = try p.type(among: ["PoseDataPreprocessor"])
            let mean = try p.doubles("mean", default: preprocessor.mean.map(Double.init)).map(Float.init)
            let std = try p.doubles("std", default: preprocessor.std.map(Double.init)).map(Float.init)
            // MMPose's default (ImgDataPreprocessor's) is False: the network sees BGR planes
            let bgrToRGB = try p.bool("bgr_to_rgb", default: false)
            p.ignore("pad_size_divisor", "pad_value", "non_blocking")
            guard mean.count == 3, std.count == 3 else { throw p.error("mean", "mean and std need three values") }
            guard std.allSatisfy({ $0 != 0 && $0.isFinite }) else { throw p.error("std", "must be three finite non-zero values, got \(std)") }
            preprocessor = DataPreprocessor(mean: mean, std: std, bgrToRGB: bgrToRGB)
            if let augments = p.value("batch_augments"), augments != .none {
                for a in try p.dictionaries("batch_augments") ?? [] {
                    preprocessor.batchAugments.append(try a.type(among: ["BatchSyncRandomResize"]))
                    _ = try a.pair("random_size_range", in: ConfigLimits.side)
                    _ = try a.int("size_divisor", default: 32, in: 1...1024)
                    _ = try a.int("interval", default: 10, in: 1...1_000_000)
                    try context.finish(a)
                }
            }
            try context.finish(p)
        }
        return preprocessor
    }

    /// A `norm_cfg` for BatchNorm: `BN` or `SyncBN` with PyTorch's defaults (eps 1e-5, momentum
    /// 0.1) for what the dict leaves out, as MMCV's `build_norm_layer`; `fallback` when absent.
    static func batchNorm(_ b: ConfigReader, _ context: BuildContext, default fallback: BatchNormSettings) throws -> BatchNormSettings {
        guard let n = try b.dictionary("norm_cfg") else { return fallback }
        let type = try n.string("type")
        guard type == "BN" || type == "SyncBN" || type == "BN2d" else { throw n.error("type", "unknown norm '\(type)'; supported: BN, BN2d, SyncBN") }
        if try !n.bool("requires_grad", default: true) { throw n.error("requires_grad", "requires_grad=False is not supported (use frozen_stages or norm_eval)") }
        let settings = BatchNormSettings(eps: try n.double("eps", default: 1e-5, in: 1e-12...1),
                                         momentum: try n.double("momentum", default: 0.1, in: 0...1),
                                         synchronized: type == "SyncBN")
        try context.finish(n)
        return settings
    }

    /// Reads a norm_cfg of a part built with PyTorch's BatchNorm defaults only (ResNet, HRNet):
    /// `BN`, `BN2d` or `SyncBN`; returns whether it is SyncBN.
    static func readNormConfig(_ b: ConfigReader, _ context: BuildContext) throws -> Bool {
        let norm = try batchNorm(b, context, default: BatchNormSettings())
        guard norm.eps == 1e-5, norm.momentum == 0.1 else {
            throw b.error("norm_cfg", "only PyTorch's BatchNorm defaults (momentum 0.1, eps 1e-5) are supported here")
        }
        return norm.synchronized
    }

    @Sendable static func resNet(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let synchronizedNorm = try readNormConfig(b, context)
        if try b.bool("with_cp", default: false) { throw b.error("with_cp", "with_cp=True is not supported") }
        b.ignore("conv_cfg")
        var rs = ResNetSpec(depth: try b.int("depth", in: 1...1000))
        rs.synchronizedNorm = synchronizedNorm
        rs.inChannels = try b.int("in_channels", default: 3, in: ConfigLimits.channels)
        rs.stemChannels = try b.int("stem_channels", default: 64, in: ConfigLimits.channels)
        // stage widths grow to base_channels * 8 * expansion 4
        rs.baseChannels = try b.int("base_channels", default: 64, in: 1...(ConfigLimits.channels.upperBound / 32))
        rs.numStages = try b.int("num_stages", default: 4)
        rs.strides = try b.ints("strides", default: [1, 2, 2, 2], in: ConfigLimits.stride)
        rs.dilations = try b.ints("dilations", default: [1, 1, 1, 1], in: ConfigLimits.stride)
        rs.outIndices = try b.ints("out_indices", default: [3])
        rs.style = try b.string("style", default: "pytorch")
        rs.frozenStages = try b.int("frozen_stages", default: -1)
        rs.normEval = try b.bool("norm_eval", default: false)
        rs.zeroInitResidual = try b.bool("zero_init_residual", default: true)
        rs.deepStem = try b.bool("deep_stem", default: false)
        rs.avgDown = try b.bool("avg_down", default: false)
        return rs
    }

    /// MMPose's `SEResNet`: ResNet whose Bottlenecks carry an `SELayer` (`se_ratio`, default 16).
    @Sendable static func seResNet(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let ratio = try b.int("se_ratio", default: 16, in: 1...ConfigLimits.channels.upperBound)
        var rs = try resNet(b, context) as! ResNetSpec
        rs.seRatio = ratio
        return rs
    }

    /// MMPose's `ResNetV1d`: ResNet with `deep_stem=True, avg_down=True`.
    @Sendable static func resNetV1d(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        for key in ["deep_stem", "avg_down"] where b.has(key) {
            throw b.error(key, "ResNetV1d sets \(key)=True itself; use type='ResNet' to choose it")
        }
        var rs = try resNet(b, context) as! ResNetSpec
        (rs.deepStem, rs.avgDown) = (true, true)
        return rs
    }

    /// MMPose's `ResNeXt`: ResNet whose Bottleneck 3×3 convolutions are grouped (`groups`,
    /// default 32, `width_per_group` 4).
    @Sendable static func resNeXt(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let groups = try b.int("groups", default: 32, in: 1...ConfigLimits.channels.upperBound)
        let width = try b.int("width_per_group", default: 4, in: 1...ConfigLimits.channels.upperBound)
        var rs = try resNet(b, context) as! ResNetSpec
        (rs.groups, rs.widthPerGroup) = (groups, width)
        return rs
    }

    /// MMPose's `ResNeSt`: ResNetV1d whose Bottlenecks use split attention (`radix` 2,
    /// `reduction_factor` 4, `avg_down_stride`; `groups` 1, `width_per_group` 4).
    @Sendable static func resNeSt(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let groups = try b.int("groups", default: 1, in: 1...ConfigLimits.channels.upperBound)
        let width = try b.int("width_per_group", default: 4, in: 1...ConfigLimits.channels.upperBound)
        let radix = try b.int("radix", default: 2, in: 1...64)
        let reduction = try b.int("reduction_factor", default: 4, in: 1...ConfigLimits.channels.upperBound)
        let avgDownStride = try b.bool("avg_down_stride", default: true)
        var rs = try resNetV1d(b, context) as! ResNetSpec
        (rs.groups, rs.widthPerGroup, rs.radix, rs.reductionFactor, rs.avgDownStride) = (groups, width, radix, reduction, avgDownStride)
        return rs
    }

    @Sendable static func hrNet(_ b: ConfigReader, _ context: BuildContext) throws -> any BackboneSpec {
        let synchronizedNorm = try readNormConfig(b, context)
        if try b.bool("with_cp", default: false) { throw b.error("with_cp", "with_cp=True is not supported") }
        b.ignore("conv_cfg")
        guard let extra = try b.dictionary("extra") else { throw b.error("extra", "is required (stage1 … stage4)") }
        var stages: [HRNetStage] = []
        for i in 1...4 {
            guard let st = try extra.dictionary("stage\(i)") else { break }
            let block = try st.string("block")
            guard block == "BASIC" || block == "BOTTLENECK" else { throw st.error("block", "expected 'BASIC' or 'BOTTLENECK', found '\(block)'") }
            stages.append(HRNetStage(numModules: try st.int("num_modules", in: ConfigLimits.count),
                                     numBranches: try st.int("num_branches", in: 1...8), block: block,
                                     numBlocks: try st.ints("num_blocks", in: ConfigLimits.count),
                                     numChannels: try st.ints("num_channels", in: 1...(ConfigLimits.channels.upperBound / 4)),
                                     multiscaleOutput: try st.bool("multiscale_output", default: i < 4)))
            st.ignore("fuse_method")
            try context.finish(st)
        }
        var upsample = ("nearest", false)
        if let up = try extra.dictionary("upsample") {
            let mode = try up.string("mode", default: "nearest")
            guard mode == "nearest" || mode == "bilinear" else { throw up.error("mode", "expected 'nearest' or 'bilinear', found '\(mode)'") }
            upsample = (mode, up.has("align_corners") ? try up.bool("align_corners") : false)
            try context.finish(up)
        }
        try context.finish(extra)
        var hs = HRNetSpec(stages: stages)
        (hs.upsampleMode, hs.upsampleAlignCorners) = upsample
        hs.inChannels = try b.int("in_channels", default: 3, in: ConfigLimits.channels)
        hs.frozenStages = try b.int("frozen_stages", default: -1)
        hs.normEval = try b.bool("norm_eval", default: false)
        hs.zeroInitResidual = try b.bool("zero_init_residual", default: false)
        hs.synchronizedNorm = synchronizedNorm
        return hs
    }

    @Sendable static func featureMapProcessor(_ n: ConfigReader, _ context: BuildContext) throws -> any NeckSpec {
        var spec = FeatureMapProcessorSpec()
        spec.selectIndex = n.has("select_index") ? try n.ints("select_index", in: -64...64) : nil
        spec.concat = try n.bool("concat", default: false)
        spec.scaleFactor = try n.double("scale_factor", default: 1, in: 0.01...64)
        spec.applyReLU = try n.bool("apply_relu", default: false)
        spec.alignCorners = try n.bool("align_corners", default: false)
        return spec
    }

    /// The head's `decoder` codec, built through the codec registry.
    static func decoder(_ h: ConfigReader, _ context: BuildContext) throws -> any KeypointCodec {
        guard let codec = try context.build(\.codecs, h, key: "decoder") else {
            throw h.error("decoder", "is required (the codec used to decode predictions)")
        }
        return codec
    }

    /// Layer lists of a heatmap-style head: absent keeps MMPose's default; None means none.
    static func heatmapSettings(_ h: ConfigReader, _ context: BuildContext, inChannels: Int, outChannels: Int) throws -> HeatmapHeadSettings {
        var hs = HeatmapHeadSettings(inChannels: inChannels, outChannels: outChannels)
        func layerList(_ key: String, default fallback: [Int]) throws -> [Int] {
            switch h.dict[key] {
            case nil: _ = h.value(key); return fallback
            case .none?: _ = h.value(key); return []
            default: return try h.ints(key, in: key.hasSuffix("kernel_sizes") ? ConfigLimits.kernel : ConfigLimits.channels)
            }
        }
        hs.deconvOutChannels = try layerList("deconv_out_channels", default: [256, 256, 256])
        hs.deconvKernelSizes = try layerList("deconv_kernel_sizes", default: hs.deconvOutChannels.isEmpty ? [] : [4, 4, 4])
        hs.convOutChannels = try layerList("conv_out_channels", default: [])
        hs.convKernelSizes = try layerList("conv_kernel_sizes", default: [])
        if let f = try h.dictionary("final_layer") {
            hs.finalLayerKernelSize = try f.int("kernel_size", default: 1, in: ConfigLimits.kernel)
            try context.finish(f)
        } else if h.dict["final_layer"] != nil {
            hs.finalLayerKernelSize = nil
        }
        if try !h.bool("has_final_layer", default: true) { hs.finalLayerKernelSize = nil }
        do { try hs.validate() } catch let e as ModelError { throw h.error("type", e.description) }
        return hs
    }

    @Sendable static func heatmapHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        let codec = try decoder(h, context)
        guard codec.makes(.heatmaps) && !codec.makes(.keypointLabels) else {
            throw h.error("decoder", "HeatmapHead needs a heatmap codec (MSRAHeatmap or UDPHeatmap)")
        }
        let settings = try heatmapSettings(h, context, inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                                           outChannels: try h.int("out_channels", in: ConfigLimits.keypoints))
        let loss = try context.build(\.losses, h, key: "loss") ?? KeypointMSELoss(useTargetWeight: true)
        return HeatmapHeadSpec(settings, loss: loss, decoder: codec)
    }

    /// MMPose's `SimCCHead`: the map part reads HeatmapHead's keys (`deconv_out_channels=None` for none).
    @Sendable static func simccHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        let codec = try decoder(h, context)
        guard let codecBins = codec.simccBins else { throw h.error("decoder", "SimCCHead needs the SimCCLabel codec") }
        if try h.string("deconv_type", default: "heatmap") != "heatmap" {
            throw h.error("deconv_type", "only 'heatmap' is supported (ViPNAS's is not)")
        }
        h.ignore("deconv_num_groups")
        let settings = try heatmapSettings(h, context, inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                                           outChannels: try h.int("out_channels", in: ConfigLimits.keypoints))
        let inputSize = try h.pair("input_size", in: ConfigLimits.side)
        let ratio = try h.double("simcc_split_ratio", default: 2, in: 0.1...16)
        // MMPose sizes the linear layers as int(input_size · ratio)
        let bins = (Int(Double(inputSize.0) * ratio), Int(Double(inputSize.1) * ratio))
        guard bins == codecBins else {
            throw h.error("simcc_split_ratio", "the head's \(bins.0)x\(bins.1) bins differ from its decoder's \(codecBins.0)x\(codecBins.1)")
        }
        var spec = SimCCHeadSpec(settings, inFeaturemapSize: try h.pair("in_featuremap_size", in: ConfigLimits.side), bins: bins,
                                 loss: try context.build(\.losses, h, key: "loss") ?? KLDiscretLoss(), decoder: codec)
        spec.splitRatio = ratio
        return spec
    }

    @Sendable static func regressionHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        let codec = try decoder(h, context)
        guard codec.makes(.keypointLabels) else { throw h.error("decoder", "RegressionHead trains on keypoint labels; use the RegressionLabel codec") }
        return RegressionHeadSpec(inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                                  keypoints: try h.int("num_joints", in: ConfigLimits.keypoints),
                                  loss: try context.build(\.losses, h, key: "loss") ?? SmoothL1Loss(useTargetWeight: true),
                                  decoder: codec)
    }

    @Sendable static func rleHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        let codec = try decoder(h, context)
        guard codec.makes(.keypointLabels) else { throw h.error("decoder", "RLEHead trains on keypoint labels; use the RegressionLabel codec") }
        return RLEHeadSpec(inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                           keypoints: try h.int("num_joints", in: ConfigLimits.keypoints),
                           loss: try context.build(\.losses, h, key: "loss") ?? RLELossSpec(useTargetWeight: true),
                           decoder: codec)
    }

    static func integralHead(_ h: ConfigReader, _ context: BuildContext, dsnt: Bool) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        let codec = try decoder(h, context)
        guard codec.makes(.keypointLabels) && codec.makes(.heatmaps) else {
            throw h.error("decoder", "\(dsnt ? "DSNTHead" : "IntegralRegressionHead") needs the IntegralRegressionLabel codec")
        }
        let k = try h.int("num_joints", in: ConfigLimits.keypoints)
        let settings = try heatmapSettings(h, context, inChannels: try h.int("in_channels", in: ConfigLimits.channels), outChannels: k)
        var spec = IntegralRegressionHeadSpec(settings, inFeaturemapSize: try h.pair("in_featuremap_size", in: ConfigLimits.side), decoder: codec)
        spec.beta = Float(try h.double("beta", default: 1, in: 0.000001...1_000))
        spec.debias = try h.bool("debias", default: false)
        let loss = try context.build(\.losses, h, key: "loss")
        if dsnt {
            spec.heatmapLoss = JSDiscretLoss(useTargetWeight: true)
            spec.lambdaT = try h.int("lambda_t", default: -1)
            if let loss {
                guard let wrapper = loss as? MultipleLossWrapper, wrapper.losses.count == 2 else {
                    throw h.error("loss", "DSNTHead needs MultipleLossWrapper(losses=[a coordinate loss, a heatmap loss such as JSDiscretLoss])")
                }
                spec.loss = wrapper.losses[0]
                spec.heatmapLoss = wrapper.losses[1]
            }
        } else if let loss {
            spec.loss = loss
        }
        return spec
    }

    @Sendable static func visPredictHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        guard let p = try h.dictionary("pose_cfg") else { throw h.error("pose_cfg", "is required (the wrapped pose head)") }
        if try p.string("type") == "VisPredictHead" { throw p.error("type", "a VisPredictHead cannot wrap another VisPredictHead") }
        let inChannels = try p.int("in_channels", in: ConfigLimits.channels)
        let keypoints = try p.int(p.dict["out_channels"] != nil ? "out_channels" : "num_joints", in: ConfigLimits.keypoints)
        let pose = try context.components.heads.build(p, context: context)
        let loss = try context.build(\.losses, h, key: "loss") ?? BCELoss(useTargetWeight: false, useSigmoid: true)
        return VisPredictHeadSpec(poseHead: pose, inChannels: inChannels, keypoints: keypoints, loss: loss,
                                  useSigmoid: loss.takesProbabilities)
    }
}
