import SwiftPose

/// Registers this package's components under the `type` names its configs use.
public enum CustomModules {
    public static func register(in components: inout Components) throws {
        try components.backbones.register("TinyConvNet") { cfg, _ in
            var spec = TinyConvNetSpec()
            spec.inChannels = try cfg.int("in_channels", default: 3)
            spec.channels = try cfg.ints("channels", default: [16, 32, 64])
            guard !spec.channels.isEmpty, spec.channels.allSatisfy({ $0 >= 1 }) else {
                throw cfg.error("channels", "expected one positive channel count per stage, got \(spec.channels)")
            }
            return spec
        }
        try components.heads.register("VisibleHeatmapHead") { cfg, context in
            guard let decoder = try context.build(\.codecs, cfg, key: "decoder") else {
                throw cfg.error("decoder", "is required (the heatmap codec that decodes predictions)")
            }
            var spec = VisibleHeatmapHeadSpec(inChannels: try cfg.int("in_channels"), keypoints: try cfg.int("out_channels"),
                                              decoder: decoder)
            spec.midChannels = try cfg.int("mid_channels", default: 64)
            if let loss = try context.build(\.losses, cfg, key: "loss") { spec.loss = loss }
            if let loss = try context.build(\.losses, cfg, key: "vis_loss") { spec.visibilityLoss = loss }
            return spec
        }
        // a codec family: a target kind SwiftPose does not have (FieldKey.displacements) and the head that trains on it
        try components.codecs.register("DisplacementHeatmap") { cfg, _ in
            DisplacementHeatmap(inputSize: try cfg.pair("input_size", in: 1...4096), heatmapSize: try cfg.pair("heatmap_size", in: 1...4096),
                                sigma: try cfg.double("sigma", in: 0.01...100), radius: try cfg.double("radius", default: 2, in: 0...100))
        }
        try components.heads.register("DisplacementHead") { cfg, context in
            guard let decoder = try context.build(\.codecs, cfg, key: "decoder") else {
                throw cfg.error("decoder", "is required (dict(type='DisplacementHeatmap', ...))")
            }
            guard decoder.makes(.displacements) && decoder.makes(.heatmaps) else {
                throw cfg.error("decoder", "DisplacementHead trains on heatmaps and displacements; use the DisplacementHeatmap codec")
            }
            var spec = DisplacementHeadSpec(inChannels: try cfg.int("in_channels", in: 1...65536), keypoints: try cfg.int("out_channels", in: 1...1000),
                                            decoder: decoder)
            spec.midChannels = try cfg.int("mid_channels", default: 64, in: 1...65536)
            spec.displacementLossWeight = Float(try cfg.double("displacement_loss_weight", default: 0.01, in: 0...1000))
            if let loss = try context.build(\.losses, cfg, key: "loss") { spec.loss = loss }
            return spec
        }
        try components.losses.register("ForegroundMSELoss") { cfg, _ in
            var loss = ForegroundMSELoss()
            loss.foregroundWeight = Float(try cfg.double("foreground_weight", default: 10))
            loss.threshold = Float(try cfg.double("threshold", default: 0.1))
            loss.useTargetWeight = try cfg.bool("use_target_weight", default: true)
            loss.lossWeight = Float(try cfg.double("loss_weight", default: 1))
            return loss
        }
        try components.optimizers.register("Lion") { cfg, _ in
            var lion = LionSpec(learningRate: try cfg.double("lr"))
            let betas = try cfg.doubles("betas", default: [0.9, 0.99])
            guard betas.count == 2, betas.allSatisfy({ (0..<1).contains($0) }) else {
                throw cfg.error("betas", "expected two numbers in [0, 1), got \(betas)")
            }
            lion.betas = (betas[0], betas[1])
            lion.weightDecay = try cfg.double("weight_decay", default: 0)
            return lion
        }
        // the constructor's dict is the optim_wrapper's paramwise_cfg; this one takes no options
        try components.optimizerConstructors.register("NoDecayNormAndBiasConstructor") { _, _ in NoDecayNormAndBiasConstructor() }
        try components.hooks.register("LossHistoryHook") { cfg, _ in
            var hook = LossHistoryHookSpec()
            hook.filename = try cfg.string("filename", default: hook.filename)
            return hook
        }
    }
}
