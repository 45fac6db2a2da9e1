import PoseConfig
import PoseData
import PoseModels

extension Components {
    /// MMPose's bottom-up paradigm and its parts, registered as a user's package would.
    mutating func registerStockBottomup() throws {
        try estimators.register("BottomupPoseEstimator", StockBottomup.bottomupPoseEstimator)
        try heads.register("AssociativeEmbeddingHead", StockBottomup.associativeEmbeddingHead)
        try codecs.register("AssociativeEmbedding", StockBottomup.associativeEmbedding)
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
            guard pad.allSatisfy({ $0 == 0 }) else { throw t.error("pad_val", "only (0, 0, 0) is supported") }
            return BottomupResize(inputSize: try t.pair("input_size", in: ConfigLimits.side),
                                  sizeFactor: try t.int("size_factor", default: 32, in: 1...1024), resizeMode: resizeMode)
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
        let head = try context.components.heads.build(h, context: context)
        var test = BottomupTestSettings()
        if let t = try m.dictionary("test_cfg") {
            if try t.bool("multiscale_test", default: false) { throw t.error("multiscale_test", "multi-scale testing is not supported yet") }
            test.flipTest = try t.bool("flip_test", default: false)
            test.shiftHeatmap = try t.bool("shift_heatmap", default: false)
            test.restoreHeatmapSize = try t.bool("restore_heatmap_size", default: false)
            test.alignCorners = try t.bool("align_corners", default: false)
            t.ignore("output_heatmaps")
            try context.finish(t)
        }
        if let weights = try context.pretrainedWeights(m, target: "") { pretrained.insert(weights, at: 0) }
        if let t = try m.dictionary("train_cfg") { try context.finish(t) }
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
}
