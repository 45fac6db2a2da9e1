import PoseConfig
import PoseData
import PoseModels

extension Components {
    /// MMPose's bottom-up paradigm and its parts, registered as a user's package would.
    mutating func registerStockBottomup() throws {
        try estimators.register("BottomupPoseEstimator", StockBottomup.bottomupPoseEstimator)
        try heads.register("AssociativeEmbeddingHead", StockBottomup.associativeEmbeddingHead)
        try heads.register("DEKRHead", StockBottomup.dekrHead)
        try heads.register("CIDHead", StockBottomup.cidHead)
        try codecs.register("DecoupledHeatmap") { c, _ in
            let root = try c.string("root_type", default: "kpt_center")
            guard root == "kpt_center" else { throw c.error("root_type", "only 'kpt_center' is supported, got '\(root)'") }
            var codec = DecoupledHeatmap(inputSize: try c.pair("input_size", in: ConfigLimits.side), heatmapSize: try c.pair("heatmap_size", in: ConfigLimits.side))
            codec.heatmapMinOverlap = try c.double("heatmap_min_overlap", default: 0.7, in: 0.01...0.99)
            codec.encodeMaxInstances = try c.int("encode_max_instances", default: 30, in: 1...10_000)
            return codec
        }
        try codecs.register("AssociativeEmbedding", StockBottomup.associativeEmbedding)
        try codecs.register("SPR", StockBottomup.spr)
        try transforms.register("BottomupRandomAffine", StockBottomup.bottomupRandomAffine)
        try transforms.register("BottomupGetHeatmapMask") { t, _ in BottomupGetHeatmapMask(getInvalid: try t.bool("get_invalid", default: false)) }
        try transforms.register("BottomupResize") { t, _ in
            if t.has("aug_scales") && t.value("aug_scales") != ConfigValue.none {
                throw t.error("aug_scales", "multi-scale test inputs are not supported yet")
            }
            if try t.bool("use_udp", default: false) { throw t.error("use_udp", "UDP bottom-up resizing is not supported yet") }
            let mode = try t.string("resize_mode", default: "fit")
            guard let resizeMode = BottomupResize.ResizeMode(rawValue: mode) else {
                throw t.error("resize_mode", "expected 'fit' or 'expand', got '\(mode)'")
            }
            let pad = try t.doubles("pad_val", default: [0, 0, 0])
            guard pad.count == 3, Set(pad).count == 1, let level = pad.first, level == level.rounded(), (0...255).contains(level) else {
                throw t.error("pad_val", "expected one whole grey level from 0 to 255 for all three channels, got \(pad)")
            }
            var resize = BottomupResize(inputSize: try t.pair("input_size", in: ConfigLimits.side),
                                        sizeFactor: try t.int("size_factor", default: 32, in: 1...1024), resizeMode: resizeMode)
            resize.padValue = UInt8(level)
            return resize
        }
    }
}

/// Builders of the bottom-up paradigm's stock components.
enum StockBottomup {
    /// `BottomupPoseEstimator(backbone, neck, head, test_cfg, data_preprocessor, init_cfg)`.
    @Sendable static func bottomupPoseEstimator(_ m: ConfigReader, _ context: BuildContext) throws -> any PoseEstimatorSpec {
        let preprocessor = try StockModels.dataPreprocessor(m, context)
        var pretrained: [PretrainedWeights] = []
        guard let b = try m.dictionary("backbone") else { throw m.error("backbone", "is required") }
        let backboneType = try b.string("type")
        if let weights = try context.pretrainedWeights(b, target: "backbone.") { pretrained.append(weights) }
        let backbone = try context.components.backbones.build(b, context: context)
        var parts = [backboneType]
        var neck: (any NeckSpec)?
        if let n = try m.dictionary("neck") {
            parts.append(try n.string("type"))
            neck = try context.components.necks.build(n, context: context)
        }
        guard let h = try m.dictionary("head") else { throw m.error("head", "is required") }
        parts.append(try h.string("type"))
        var head = try context.components.heads.build(h, context: context)
        // DEKR's rescoring net loads its own weights (rescore_cfg.init_cfg)
        if let rescore = try h.dictionary("rescore_cfg"), let weights = try context.pretrainedWeights(rescore, target: "head.rescore_net.") {
            pretrained.append(weights)
        }
        var test = BottomupTestSettings()
        if let t = try m.dictionary("test_cfg") {
            if try t.bool("multiscale_test", default: false) { throw t.error("multiscale_test", "multi-scale testing is not supported yet") }
            test.flipTest = try t.bool("flip_test", default: false)
            test.shiftHeatmap = try t.bool("shift_heatmap", default: false)
            test.restoreHeatmapSize = try t.bool("restore_heatmap_size", default: false)
            test.alignCorners = try t.bool("align_corners", default: false)
            test.nmsDistanceThreshold = try t.double("nms_dist_thr", default: 0, in: 0...1e6)
            if t.has("nms_joints_thr") && t.value("nms_joints_thr") != ConfigValue.none {
                test.nmsJointsThreshold = try t.int("nms_joints_thr", in: 0...ConfigLimits.keypoints.upperBound)
            }
            test.maxPeople = try t.int("max_num_people", default: 30, in: 0...100_000)
            // CID's head reads these from test_cfg
            if let cid = head as? CIDHeadSpec {
                var tuned = cid
                tuned.maxInstances = try t.int("max_instances", default: 30, in: 1...100_000)
                tuned.scoreThreshold = try t.double("score_threshold", default: 0.01)
                tuned.blurKernelSize = try t.int("blur_kernel_size", default: 3, in: 1...31)
                guard tuned.blurKernelSize % 2 == 1 else { throw t.error("blur_kernel_size", "must be odd, got \(tuned.blurKernelSize)") }
                head = tuned
            }
            // RTMO's and YOLOX-Pose's heads read score_thr, nms_thr and nms_pre from test_cfg
            // (YOLOXPoseHead.predict, which RTMOHead follows; RTMO's input_size only sizes
            // MMPose's deploy-time encodings)
            func oneStage() throws -> (score: Double, nms: Double, pre: Int) {
                (try t.double("score_thr", default: 0.01, in: 0...1), try t.double("nms_thr", default: 1, in: 0...1),
                 try t.int("nms_pre", default: 100_000, in: 1...100_000_000))
            }
            if var rtmo = head as? RTMOHeadSpec {
                (rtmo.scoreThreshold, rtmo.nmsThreshold, rtmo.nmsPre) = try oneStage()
                _ = try t.pair("input_size", default: (640, 640), in: ConfigLimits.side)
                head = rtmo
            }
            if var yolox = head as? YOLOXPoseHeadSpec {
                (yolox.scoreThreshold, yolox.nmsThreshold, yolox.nmsPre) = try oneStage()
                t.ignore("input_size")   // YOLOXPoseHead does not read it
                head = yolox
            }
            t.ignore("output_heatmaps")
            try context.finish(t)
        }
        if try backboneType.hasSuffix("CSPDarknet") && StockRTMO.isPartsOwnKaimingInit(m, context) {
            // YOLOX-Pose's and RTMO's model init_cfg: what their parts already do
        } else if let weights = try context.pretrainedWeights(m, target: "") {
            pretrained.insert(weights, at: 0)
        }
        if let t = try m.dictionary("train_cfg") {
            // CID's cap on training instances per batch, read when CID trains
            _ = try t.int("max_train_instances", default: 200, in: 1...1_000_000)
            try context.finish(t)
        }
        m.ignore("metainfo", "use_syncbn")
        return BottomupPoseEstimatorSpec(backbone: backbone, neck: neck, head: head, dataPreprocessor: preprocessor, testConfig: test,
                                         pretrained: pretrained, summary: parts.joined(separator: " + "))
    }

    /// `AssociativeEmbeddingHead(in_channels, num_keypoints, tag_dim, tag_per_keypoint, deconv_*,
    /// conv_*, final_layer, keypoint_loss, tag_loss, decoder)`.
    @Sendable static func associativeEmbeddingHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg")
        let codec = try h.has("decoder") ? StockModels.decoder(h, context) : nil
        guard codec == nil || codec is AssociativeEmbedding else { throw h.error("decoder", "AssociativeEmbeddingHead decodes with the AssociativeEmbedding codec") }
        let k = try h.int("num_keypoints", in: ConfigLimits.keypoints)
        let tagDimension = try h.int("tag_dim", default: 1, in: 1...64)
        guard try h.bool("tag_per_keypoint", default: true) else {
            throw h.error("tag_per_keypoint", "only True is supported (MMPose's decoder reads one tag map per keypoint and dimension)")
        }
        let settings = try StockModels.heatmapSettings(h, context, inChannels: try h.int("in_channels", in: ConfigLimits.channels),
                                                       outChannels: k * (1 + tagDimension))
        let keypointLoss = try context.build(\.losses, h, key: "keypoint_loss") ?? KeypointMSELoss(useTargetWeight: false)
        var tagLoss = (weight: 1.0, pushFactor: 0.5)
        if let t = try h.dictionary("tag_loss") {
            _ = try t.type(among: ["AssociativeEmbeddingLoss"])
            tagLoss = (try t.double("loss_weight", default: 1, in: 0...1e6), try t.double("push_loss_factor", default: 0.5, in: 0...1e6))
            try context.finish(t)
        }
        return AssociativeEmbeddingHeadSpec(settings, keypoints: k, tagDimension: tagDimension, keypointLoss: keypointLoss, tagLoss: tagLoss,
                                            decoder: codec as? AssociativeEmbedding)
    }

    /// `AssociativeEmbedding(input_size, heatmap_size, sigma, use_udp, decode_*)`.
    @Sendable static func associativeEmbedding(_ c: ConfigReader, _ context: BuildContext) throws -> any KeypointCodec {
        if try c.bool("use_udp", default: false) { throw c.error("use_udp", "UDP decoding (DARK refinement) is not supported yet") }
        let heatmapSize = try c.pair("heatmap_size", in: ConfigLimits.side)
        let sigma = c.has("sigma") && c.value("sigma") != ConfigValue.none ? try c.double("sigma", in: ConfigLimits.sigma) : nil
        var codec = AssociativeEmbedding(inputSize: try c.pair("input_size", in: ConfigLimits.side), heatmapSize: heatmapSize, sigma: sigma)
        codec.keypointOrder = try c.ints("decode_keypoint_order", default: [])
        codec.nmsKernel = try c.int("decode_nms_kernel", default: 5, in: 1...99)
        guard codec.nmsKernel % 2 == 1 else { throw c.error("decode_nms_kernel", "must be odd, got \(codec.nmsKernel)") }
        c.ignore("decode_gaussian_kernel")
        codec.keypointThreshold = Float(try c.double("decode_keypoint_thr", default: 0.1))
        codec.tagThreshold = Float(try c.double("decode_tag_thr", default: 1))
        codec.topk = try c.int("decode_topk", default: 30, in: 1...10_000)
        codec.centerShift = try c.double("decode_center_shift", default: 0)
        if c.has("decode_max_instances") && c.value("decode_max_instances") != ConfigValue.none {
            codec.maxInstances = try c.int("decode_max_instances", in: 1...100_000)
        }
        return codec
    }

    /// `DEKRHead(in_channels, num_keypoints, num_heatmap_filters,
    /// num_displacement_filters_per_keypoint, heatmap_loss, displacement_loss, decoder, rescore_cfg)`.
    @Sendable static func dekrHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg")
        let codec = try h.has("decoder") ? StockModels.decoder(h, context) : nil
        guard codec == nil || codec is SPR else { throw h.error("decoder", "DEKRHead decodes with the SPR codec") }
        var spec = DEKRHeadSpec(inChannels: try h.int("in_channels", in: ConfigLimits.channels), keypoints: try h.int("num_keypoints", in: ConfigLimits.keypoints),
                                decoder: codec as? SPR)
        spec.heatmapFilters = try h.int("num_heatmap_filters", default: 32, in: ConfigLimits.channels)
        spec.displacementFiltersPerKeypoint = try h.int("num_displacement_filters_per_keypoint", default: 15, in: 1...4096)
        spec.heatmapLoss = try context.build(\.losses, h, key: "heatmap_loss") ?? KeypointMSELoss(useTargetWeight: true)
        if let d = try h.dictionary("displacement_loss") {
            _ = try d.type(among: ["SoftWeightSmoothL1Loss"])
            spec.displacementLoss = (try d.bool("use_target_weight", default: false), try d.bool("supervise_empty", default: true),
                                     try d.double("beta", default: 1, in: 0...1e6), try d.double("loss_weight", default: 1, in: 0...1e6))
            try context.finish(d)
        }
        if let r = try h.dictionary("rescore_cfg") {
            let norm = try r.ints("norm_indexes", in: 0...10_000)
            guard norm.count == 2 else { throw r.error("norm_indexes", "expected two skeleton link indices, got \(norm)") }
            spec.rescore = (try r.int("in_channels", in: ConfigLimits.channels), (norm[0], norm[1]))
            r.ignore("init_cfg")  // loaded by the estimator as head.rescore_net's weights
            try context.finish(r)
        }
        return spec
    }

    /// `SPR(input_size, heatmap_size, sigma, generate_keypoint_heatmaps, root_type,
    /// minimal_diagonal_length, background_weight, decode_*)`.
    @Sendable static func spr(_ c: ConfigReader, _ context: BuildContext) throws -> any KeypointCodec {
        let generate = try c.bool("generate_keypoint_heatmaps", default: false)
        var sigma: (Double, Double)?
        switch c.value("sigma") {
        case nil, ConfigValue.none?: break
        case .float(let v)?: sigma = (v, v)
        case .int(let v)?: sigma = (Double(v), Double(v))
        default:
            let pair = try c.doubles("sigma")
            guard pair.count == (generate ? 2 : 1) || pair.count == 2, pair.allSatisfy({ ConfigLimits.sigma.contains($0) }) else {
                throw c.error("sigma", "expected the root sigma, and the keypoint sigma with generate_keypoint_heatmaps=True, got \(pair)")
            }
            sigma = (pair[0], pair.count > 1 ? pair[1] : pair[0])
        }
        if generate, case .float? = c.value("sigma") { throw c.error("sigma", "generate_keypoint_heatmaps=True needs (root sigma, keypoint sigma)") }
        let root = try c.string("root_type", default: "kpt_center")
        guard root == "kpt_center" else { throw c.error("root_type", "only 'kpt_center' is supported, got '\(root)'") }
        var codec = SPR(inputSize: try c.pair("input_size", in: ConfigLimits.side), heatmapSize: try c.pair("heatmap_size", in: ConfigLimits.side),
                        sigma: sigma.map { (root: $0.0, keypoint: $0.1) }, generateKeypointHeatmaps: generate)
        codec.minimalDiagonalLength = try c.double("minimal_diagonal_length", default: 5, in: 0...1e6)
        codec.backgroundWeight = Float(try c.double("background_weight", default: 0.1, in: 0...1e6))
        codec.nmsKernel = try c.int("decode_nms_kernel", default: 5, in: 1...99)
        guard codec.nmsKernel % 2 == 1 else { throw c.error("decode_nms_kernel", "must be odd, got \(codec.nmsKernel)") }
        codec.maxInstances = try c.int("decode_max_instances", default: 30, in: 1...100_000)
        codec.decodeThreshold = Float(try c.double("decode_thr", default: 0.01))
        return codec
    }

    /// `BottomupRandomAffine(input_size, shift_factor, shift_prob, scale_factor, scale_prob,
    /// scale_type, rotate_factor, rotate_prob, distribution, transform_mode='affine', clip_border)`.
    @Sendable static func bottomupRandomAffine(_ t: ConfigReader, _ context: BuildContext) throws -> any Transform {
        var affine = BottomupRandomAffine(inputSize: try t.pair("input_size", in: ConfigLimits.side))
        affine.shiftFactor = try t.double("shift_factor", default: 0.2, in: 0...10)
        affine.shiftProb = try t.double("shift_prob", default: 1, in: ConfigLimits.probability)
        let scale = try t.doubles("scale_factor", default: [0.75, 1.5])
        guard scale.count == 2, scale[0] > 0, scale[0] <= scale[1], scale[1] <= 100 else {
            throw t.error("scale_factor", "expected (low, high) with 0 < low <= high <= 100, got \(scale)")
        }
        affine.scaleFactor = (scale[0], scale[1])
        affine.scaleProb = try t.double("scale_prob", default: 1, in: ConfigLimits.probability)
        let scaleType = try t.string("scale_type", default: "short")
        guard scaleType == "short" || scaleType == "long" else { throw t.error("scale_type", "expected 'short' or 'long', got '\(scaleType)'") }
        affine.scaleByShortSide = scaleType == "short"
        affine.rotateFactor = try t.double("rotate_factor", default: 30, in: 0...360)
        affine.rotateProb = try t.double("rotate_prob", default: 1, in: ConfigLimits.probability)
        let distribution = try t.string("distribution", default: "trunc_norm")
        guard let d = BottomupRandomAffine.Distribution(rawValue: distribution) else {
            throw t.error("distribution", "expected 'trunc_norm' or 'uniform', got '\(distribution)'")
        }
        affine.distribution = d
        let mode = try t.string("transform_mode", default: "affine")
        guard mode == "affine" else { throw t.error("transform_mode", "only 'affine' is supported yet, got '\(mode)'") }
        if try t.bool("use_udp", default: false) { throw t.error("use_udp", "UDP warping is not supported yet") }
        affine.clipBorder = try t.bool("clip_border", default: false)
        let pad = try t.doubles("pad_val", default: [0])
        guard pad.allSatisfy({ $0 == 0 }) else { throw t.error("pad_val", "only 0 is supported") }
        _ = try t.doubles("border", default: [0, 0])
        t.ignore("shear_factor", "shear_prob", "bbox_keep_corner")
        return affine
    }

    /// `CIDHead(in_channels, gfd_channels, num_keypoints, prior_prob, coupled_heatmap_loss,
    /// decoupled_heatmap_loss, contrastive_loss, decoder)`; the losses (`FocalHeatmapLoss`,
    /// `InfoNCELoss`) are checked and kept for training.
    @Sendable static func cidHead(_ h: ConfigReader, _ context: BuildContext) throws -> any HeadSpec {
        h.ignore("init_cfg")
        let codec = try h.has("decoder") ? StockModels.decoder(h, context) : nil
        guard codec == nil || codec is DecoupledHeatmap else { throw h.error("decoder", "CIDHead decodes with the DecoupledHeatmap codec") }
        var spec = CIDHeadSpec(inChannels: try h.int("in_channels", in: ConfigLimits.channels), gfdChannels: try h.int("gfd_channels", in: ConfigLimits.channels),
                               keypoints: try h.int("num_keypoints", in: ConfigLimits.keypoints), decoder: codec as? DecoupledHeatmap)
        spec.priorProbability = try h.double("prior_prob", default: 0.01, in: 1e-6...0.999999)
        for (key, type, options) in [("coupled_heatmap_loss", "FocalHeatmapLoss", ["alpha", "beta", "loss_weight"]),
                                     ("decoupled_heatmap_loss", "FocalHeatmapLoss", ["alpha", "beta", "loss_weight"]),
                                     ("contrastive_loss", "InfoNCELoss", ["temperature", "loss_weight"])] {
            guard let l = try h.dictionary(key) else { continue }
            _ = try l.type(among: [type])
            for option in options where l.has(option) { _ = try l.double(option) }
            try context.finish(l)
        }
        return spec
    }
}
