import Foundation
import PoseConfig
import PoseData
import PoseEval
import PoseModels

extension ExperimentSettings {
    /// Decodes a merged config; unknown keys inside known sections and unknown `type` names are
    /// errors naming the file, the key path and what is accepted.
    public static func decode(_ config: Config, repositoryRoot: String) throws -> ExperimentSettings {
        let root = ConfigReader(config.root, path: "", file: config.filename)
        var ignored: [String] = []
        func done(_ r: ConfigReader) throws {
            try r.finish()
            ignored += r.ignored
        }

        guard let modelReader = try root.dictionary("model") else { throw root.error("model", "is required") }
        let model = try decodeModel(modelReader, done: done)

        func data(_ key: String) throws -> Data? {
            guard let r = try root.dictionary(key) else { return nil }
            return try decodeData(r, codec: model.codec, repositoryRoot: repositoryRoot, done: done)
        }
        let train = try data("train_dataloader")
        let val = try data("val_dataloader")
        let test = try data("test_dataloader")

        var optimizer = Optimizer(kind: .adam(betas: (0.9, 0.999), eps: 1e-8), lr: 1e-3, weightDecay: 0)
        if let ow = try root.dictionary("optim_wrapper") {
            _ = try ow.has("type") ? ow.type(among: ["OptimWrapper"]) : "OptimWrapper"
            ow.ignore("clip_grad")
            if ow.dict["clip_grad"] != nil, case .dict? = ow.dict["clip_grad"] {
                throw ow.error("clip_grad", "gradient clipping is not supported yet")
            }
            guard let o = try ow.dictionary("optimizer") else { throw ow.error("optimizer", "is required") }
            let type = try o.type(among: ["Adam", "SGD"])
            let lr = try o.double("lr")
            let wd = try o.double("weight_decay", default: 0)
            if type == "Adam" {
                let betas = try o.doubles("betas", default: [0.9, 0.999])
                guard betas.count == 2 else { throw o.error("betas", "expected two numbers") }
                let eps = try o.double("eps", default: 1e-8)
                if try o.bool("amsgrad", default: false) { throw o.error("amsgrad", "amsgrad=True is not supported") }
                optimizer = Optimizer(kind: .adam(betas: (Float(betas[0]), Float(betas[1])), eps: Float(eps)), lr: lr, weightDecay: wd)
            } else {
                optimizer = Optimizer(kind: .sgd(momentum: Float(try o.double("momentum", default: 0)),
                                                 dampening: Float(try o.double("dampening", default: 0)),
                                                 nesterov: try o.bool("nesterov", default: false)),
                                      lr: lr, weightDecay: wd)
            }
            try done(o); try done(ow)
        }

        var schedulers: [LRScheduler] = []
        for s in try root.dictionaries("param_scheduler") ?? [] {
            let type = try s.type(among: ["LinearLR", "MultiStepLR", "ConstantLR"])
            let byEpoch = try s.bool("by_epoch", default: true)
            let begin = try s.int("begin", default: 0)
            let end = try s.int("end", default: Int(Int32.max))
            switch type {
            case "LinearLR":
                schedulers.append(.linear(startFactor: try s.double("start_factor", default: 1.0 / 3),
                                          endFactor: try s.double("end_factor", default: 1), begin: begin, end: end, byEpoch: byEpoch))
            case "MultiStepLR":
                schedulers.append(.multiStep(milestones: try s.ints("milestones"), gamma: try s.double("gamma", default: 0.1),
                                             begin: begin, end: end, byEpoch: byEpoch))
            default:
                schedulers.append(.constant(factor: try s.double("factor", default: 1.0 / 3), begin: begin, end: end, byEpoch: byEpoch))
            }
            s.ignore("verbose", "convert_to_iter_based")
            try done(s)
        }

        var maxEpochs = 1, valInterval = 1
        if let t = try root.dictionary("train_cfg") {
            if try !t.bool("by_epoch", default: true) { throw t.error("by_epoch", "only epoch-based training is supported") }
            if t.has("type") { _ = try t.type(among: ["EpochBasedTrainLoop"]) }
            maxEpochs = try t.int("max_epochs", default: 1)
            valInterval = try t.int("val_interval", default: 1)
            t.ignore("val_begin", "dynamic_intervals")
            try done(t)
        }
        guard maxEpochs >= 1 else { throw ConfigError("\(config.filename): train_cfg.max_epochs must be at least 1") }

        var logInterval = 50, checkpointInterval = 1, maxKeep = -1
        var saveBest: String?
        var saveBestError: ConfigError?
        if let hooks = try root.dictionary("default_hooks") {
            if let l = try hooks.dictionary("logger") {
                logInterval = try l.int("interval", default: 10)
                l.ignore("type", "ignore_last", "interval_exp_name", "log_metric_by_epoch", "out_suffix", "keep_local")
                try done(l)
            }
            if let c = try hooks.dictionary("checkpoint") {
                checkpointInterval = try c.int("interval", default: -1)
                maxKeep = try c.int("max_keep_ckpts", default: -1)
                if let best = try c.optionalString("save_best") {
                    saveBest = best
                    saveBestError = c.error("save_best", "'\(best)' is not a metric val_evaluator reports")
                }
                if let rule = try c.optionalString("rule"), rule != "greater" {
                    throw c.error("rule", "only 'greater' is supported for COCO metrics")
                }
                c.ignore("type", "by_epoch", "save_optimizer", "save_param_scheduler", "save_last", "out_dir", "filename_tmpl")
                try done(c)
            }
            hooks.ignore("timer", "param_scheduler", "sampler_seed", "visualization", "badcase")
            try done(hooks)
        }

        func evaluator(_ key: String) throws -> Evaluator? {
            guard let list = try root.dictionaries(key) else { return nil }
            var metrics: [Evaluator.Metric] = []
            for e in list {
                let type = try e.type(among: ["CocoMetric", "PCKAccuracy", "MpiiPCKAccuracy", "AUC", "EPE", "NME"])
                switch type {
                case "CocoMetric":
                    let scoreMode = try e.string("score_mode", default: "bbox_keypoint")
                    let nmsMode = try e.string("nms_mode", default: "oks_nms")
                    guard let sm = CocoMetric.ScoreMode(rawValue: scoreMode) else {
                        throw e.error("score_mode", "unknown '\(scoreMode)'; expected bbox, keypoint, bbox_keypoint or bbox_rle")
                    }
                    guard let nm = CocoMetric.NMSMode(rawValue: nmsMode) else {
                        throw e.error("nms_mode", "unknown '\(nmsMode)'; expected oks_nms, soft_oks_nms or none")
                    }
                    if try !e.bool("use_area", default: true) { throw e.error("use_area", "use_area=False is not supported") }
                    metrics.append(.coco(annotationFile: try e.optionalString("ann_file"), scoreMode: sm, nmsMode: nm,
                                         nmsThreshold: try e.double("nms_thr", default: 0.9),
                                         keypointScoreThreshold: try e.double("keypoint_score_thr", default: 0.2)))
                    e.ignore("iou_type", "format_only", "outfile_prefix")
                case "PCKAccuracy":
                    var items = ["bbox"]
                    if case .string(let one)? = e.dict["norm_item"] { _ = e.value("norm_item"); items = [one] }
                    else if e.dict["norm_item"] != nil {
                        items = try (e.value("norm_item")?.sequence ?? []).map {
                            guard case .string(let s) = $0 else { throw e.error("norm_item", "expected 'bbox', 'head' or 'torso'") }
                            return s
                        }
                    }
                    metrics.append(.pck(threshold: try e.double("thr", default: 0.05), normItems: items))
                case "MpiiPCKAccuracy":
                    let item = try e.string("norm_item", default: "head")
                    guard item == "head" else { throw e.error("norm_item", "MpiiPCKAccuracy supports 'head' only") }
                    metrics.append(.mpiiPCK(threshold: try e.double("thr", default: 0.5)))
                case "AUC":
                    metrics.append(.auc(normFactor: try e.double("norm_factor", default: 30), thresholds: try e.int("num_thrs", default: 20)))
                case "EPE":
                    metrics.append(.epe)
                default:
                    let mode = try e.string("norm_mode")
                    switch mode {
                    case "keypoint_distance": metrics.append(.nme(keypointIndices: try e.ints("keypoint_indices")))
                    case "use_norm_item":
                        let item = try e.string("norm_item")
                        guard item == "bbox_size" else { throw e.error("norm_item", "only 'bbox_size' is available here") }
                        metrics.append(.nme(keypointIndices: nil))
                    default: throw e.error("norm_mode", "expected 'use_norm_item' or 'keypoint_distance'")
                    }
                }
                e.ignore("collect_device", "prefix")
                try done(e)
            }
            return Evaluator(metrics: metrics)
        }
        let valEvaluator = try evaluator("val_evaluator")
        let testEvaluator = try evaluator("test_evaluator")
        if let best = saveBest, let valEvaluator, !valEvaluator.metricNames.contains(best) {
            throw ConfigError((saveBestError?.description ?? "save_best '\(best)'") + "; it reports: \(valEvaluator.metricNames.joined(separator: ", "))")
        }

        var seed: UInt64 = 0
        if let r = try root.dictionary("randomness") {
            seed = UInt64(try r.int("seed", default: 0))
            r.ignore("deterministic", "diff_rank_seed")
            try done(r)
        }
        let workDir = try root.optionalString("work_dir")
        let loadFrom = try root.optionalString("load_from")
        let resume = try root.bool("resume", default: false)
        root.ignore("default_scope", "env_cfg", "vis_backends", "visualizer", "log_processor", "log_level", "backend_args",
                    "custom_hooks", "val_cfg", "test_cfg", "auto_scale_lr")
        ignored += root.ignored
        // other top-level names are the config's own variables (codec, data_root, pipelines, …)

        return ExperimentSettings(
            model: model, train: train, val: val, test: test, optimizer: optimizer, schedulers: schedulers,
            maxEpochs: maxEpochs, valInterval: valInterval, logInterval: logInterval,
            checkpointInterval: checkpointInterval, maxKeepCheckpoints: maxKeep, saveBest: saveBest,
            valEvaluator: valEvaluator, testEvaluator: testEvaluator, seed: seed, workDir: workDir,
            loadFrom: loadFrom, resume: resume, ignoredKeys: ignored, configText: config.root.description)
    }

    static func decodeCodec(_ c: ConfigReader) throws -> KeypointCodec {
        let type = try c.type(among: ["MSRAHeatmap", "UDPHeatmap", "RegressionLabel", "IntegralRegressionLabel"])
        let codec: KeypointCodec
        switch type {
        case "MSRAHeatmap":
            codec = .msraHeatmap(MSRAHeatmap(inputSize: try c.pair("input_size"), heatmapSize: try c.pair("heatmap_size"),
                                             sigma: try c.double("sigma"), unbiased: try c.bool("unbiased", default: false),
                                             blurKernelSize: try c.int("blur_kernel_size", default: 11)))
        case "UDPHeatmap":
            let kind = try c.string("heatmap_type", default: "gaussian")
            guard kind == "gaussian" || kind == "combined" else { throw c.error("heatmap_type", "expected 'gaussian' or 'combined'") }
            codec = .udpHeatmap(UDPHeatmap(inputSize: try c.pair("input_size"), heatmapSize: try c.pair("heatmap_size"), heatmapType: kind,
                                           sigma: try c.double("sigma", default: 2), radiusFactor: try c.double("radius_factor", default: 0.0546875),
                                           blurKernelSize: try c.int("blur_kernel_size", default: 11)))
        case "RegressionLabel":
            codec = .regressionLabel(RegressionLabel(inputSize: try c.pair("input_size")))
        default:
            if try c.bool("unbiased", default: false) { throw c.error("unbiased", "unbiased=True is not supported yet") }
            c.ignore("blur_kernel_size")
            codec = .integralRegressionLabel(IntegralRegressionLabel(
                inputSize: try c.pair("input_size"), heatmapSize: try c.pair("heatmap_size"), sigma: try c.double("sigma"),
                normalize: try c.bool("normalize", default: true)))
        }
        try c.finish()
        return codec
    }

    static func decodeBackbone(_ b: ConfigReader, done: (ConfigReader) throws -> Void) throws
        -> (Backbone, pretrained: String?, prefix: String?) {
        let type = try b.type(among: ["ResNet", "HRNet"])
        var pretrained: String?, prefix: String?
        if let i = try b.dictionary("init_cfg") {
            _ = try i.type(among: ["Pretrained"])
            pretrained = try i.string("checkpoint")
            prefix = try i.optionalString("prefix")
            try done(i)
        }
        if let n = try b.dictionary("norm_cfg") {
            let t = try n.string("type")
            guard t == "BN" else {
                throw n.error("type", t == "SyncBN"
                    ? "SyncBN is not implemented; use 'BN' (batch statistics per rank, running buffers averaged over ranks every epoch)"
                    : "unknown norm '\(t)'; supported: BN")
            }
            if try !n.bool("requires_grad", default: true) { throw n.error("requires_grad", "requires_grad=False is not supported (use frozen_stages or norm_eval)") }
            if try n.double("momentum", default: 0.1) != 0.1 || n.double("eps", default: 1e-5) != 1e-5 {
                throw n.error("momentum", "only PyTorch's BatchNorm defaults (momentum 0.1, eps 1e-5) are supported")
            }
            try done(n)
        }
        if try b.bool("with_cp", default: false) { throw b.error("with_cp", "with_cp=True is not supported") }
        b.ignore("conv_cfg")
        if type == "HRNet" {
            guard let extra = try b.dictionary("extra") else { throw b.error("extra", "is required (stage1 … stage4)") }
            var stages: [HRNetStage] = []
            for i in 1...4 {
                guard let st = try extra.dictionary("stage\(i)") else { break }
                let block = try st.string("block")
                guard block == "BASIC" || block == "BOTTLENECK" else { throw st.error("block", "expected 'BASIC' or 'BOTTLENECK', found '\(block)'") }
                stages.append(HRNetStage(numModules: try st.int("num_modules"), numBranches: try st.int("num_branches"), block: block,
                                         numBlocks: try st.ints("num_blocks"), numChannels: try st.ints("num_channels"),
                                         multiscaleOutput: try st.bool("multiscale_output", default: i < 4)))
                st.ignore("fuse_method")
                try done(st)
            }
            if let up = try extra.dictionary("upsample") {
                let mode = try up.string("mode", default: "nearest")
                guard mode == "nearest" else { throw up.error("mode", "only 'nearest' upsampling is supported") }
                up.ignore("align_corners")
                try done(up)
            }
            try done(extra)
            var hs = HRNetSettings(stages: stages)
            hs.inChannels = try b.int("in_channels", default: 3)
            hs.frozenStages = try b.int("frozen_stages", default: -1)
            hs.normEval = try b.bool("norm_eval", default: false)
            hs.zeroInitResidual = try b.bool("zero_init_residual", default: false)
            try done(b)
            return (.hrnet(hs), pretrained, prefix)
        }
        var rs = ResNetSettings(depth: try b.int("depth"))
        rs.inChannels = try b.int("in_channels", default: 3)
        rs.stemChannels = try b.int("stem_channels", default: 64)
        rs.baseChannels = try b.int("base_channels", default: 64)
        rs.numStages = try b.int("num_stages", default: 4)
        rs.strides = try b.ints("strides", default: [1, 2, 2, 2])
        rs.dilations = try b.ints("dilations", default: [1, 1, 1, 1])
        rs.outIndices = try b.ints("out_indices", default: [3])
        rs.style = try b.string("style", default: "pytorch")
        rs.frozenStages = try b.int("frozen_stages", default: -1)
        rs.normEval = try b.bool("norm_eval", default: false)
        rs.zeroInitResidual = try b.bool("zero_init_residual", default: true)
        if try b.bool("deep_stem", default: false) { throw b.error("deep_stem", "deep_stem=True is not supported") }
        if try b.bool("avg_down", default: false) { throw b.error("avg_down", "avg_down=True is not supported") }
        try done(b)
        return (.resnet(rs), pretrained, prefix)
    }

    static func decodeCoordinateLoss(_ l: ConfigReader, done: (ConfigReader) throws -> Void) throws -> CoordinateLoss {
        let type = try l.type(among: ["SmoothL1Loss", "L1Loss"])
        let w = try l.bool("use_target_weight", default: false), lw = Float(try l.double("loss_weight", default: 1))
        if type == "L1Loss", try l.string("reduction", default: "mean") != "mean" { throw l.error("reduction", "only 'mean' is supported") }
        try done(l)
        return type == "SmoothL1Loss" ? .smoothL1(useTargetWeight: w, lossWeight: lw) : .l1(useTargetWeight: w, lossWeight: lw)
    }

    /// Layer lists of a heatmap-style head: absent keeps MMPose's default; None means none.
    static func heatmapSettings(_ h: ConfigReader, inChannels: Int, outChannels: Int) throws -> HeatmapHeadSettings {
        var hs = HeatmapHeadSettings(inChannels: inChannels, outChannels: outChannels)
        func layerList(_ key: String, default fallback: [Int]) throws -> [Int] {
            switch h.dict[key] {
            case nil: _ = h.value(key); return fallback
            case .none?: _ = h.value(key); return []
            default: return try h.ints(key)
            }
        }
        hs.deconvOutChannels = try layerList("deconv_out_channels", default: [256, 256, 256])
        hs.deconvKernelSizes = try layerList("deconv_kernel_sizes", default: hs.deconvOutChannels.isEmpty ? [] : [4, 4, 4])
        hs.convOutChannels = try layerList("conv_out_channels", default: [])
        hs.convKernelSizes = try layerList("conv_kernel_sizes", default: [])
        if let f = try h.dictionary("final_layer") {
            hs.finalLayerKernelSize = try f.int("kernel_size", default: 1)
            try f.finish()
        } else if h.dict["final_layer"] != nil {
            hs.finalLayerKernelSize = nil
        }
        if try !h.bool("has_final_layer", default: true) { hs.finalLayerKernelSize = nil }
        return hs
    }

    static func decodeHead(_ h: ConfigReader, done: (ConfigReader) throws -> Void) throws -> (Head, KeypointCodec) {
        let type = try h.type(among: ["HeatmapHead", "RegressionHead", "RLEHead", "IntegralRegressionHead", "DSNTHead", "VisPredictHead"])
        h.ignore("init_cfg", "input_transform", "input_index", "align_corners")
        if type == "VisPredictHead" {
            guard let p = try h.dictionary("pose_cfg") else { throw h.error("pose_cfg", "is required (the wrapped pose head)") }
            let (pose, codec) = try decodeHead(p, done: done)
            var loss = BCELoss(useTargetWeight: false, lossWeight: 1, useSigmoid: true)
            if let l = try h.dictionary("loss") {
                _ = try l.type(among: ["BCELoss"])
                loss = BCELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                               lossWeight: Float(try l.double("loss_weight", default: 1)), useSigmoid: try l.bool("use_sigmoid", default: false))
                if try l.string("reduction", default: "mean") != "mean" { throw l.error("reduction", "only 'mean' is supported") }
                try done(l)
            }
            let inChannels: Int, keypoints: Int
            switch pose {
            case .heatmap(let s, _): (inChannels, keypoints) = (s.inChannels, s.outChannels)
            case .regression(let c, let k, _), .rle(let c, let k, _): (inChannels, keypoints) = (c, k)
            case .integral(let s, _, _, _, _, _): (inChannels, keypoints) = (s.inChannels, s.outChannels)
            case .visibility: throw p.error("type", "a VisPredictHead cannot wrap another VisPredictHead")
            }
            try done(h)
            return (.visibility(pose: pose, inChannels: inChannels, keypoints: keypoints, loss: loss), codec)
        }
        guard let d = try h.dictionary("decoder") else { throw h.error("decoder", "is required (the codec used to decode predictions)") }
        let codec = try decodeCodec(d)
        let head: Head
        switch type {
        case "HeatmapHead":
            guard !codec.makesLabels else { throw h.error("decoder", "HeatmapHead needs a heatmap codec (MSRAHeatmap or UDPHeatmap)") }
            let hs = try heatmapSettings(h, inChannels: try h.int("in_channels"), outChannels: try h.int("out_channels"))
            var loss = HeatmapLoss.mse(KeypointMSELoss(useTargetWeight: true))
            if let l = try h.dictionary("loss") {
                let lt = try l.type(among: ["KeypointMSELoss", "KeypointOHKMMSELoss"])
                if lt == "KeypointMSELoss" {
                    loss = .mse(KeypointMSELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                                                skipEmptyChannel: try l.bool("skip_empty_channel", default: false),
                                                lossWeight: Float(try l.double("loss_weight", default: 1))))
                } else {
                    loss = .ohkm(KeypointOHKMMSELoss(useTargetWeight: try l.bool("use_target_weight", default: false),
                                                     topk: try l.int("topk", default: 8), lossWeight: Float(try l.double("loss_weight", default: 1))))
                }
                try done(l)
            }
            head = .heatmap(hs, loss)
        case "RegressionHead", "RLEHead":
            guard case .regressionLabel = codec else { throw h.error("decoder", "\(type) needs the RegressionLabel codec") }
            let c = try h.int("in_channels"), k = try h.int("num_joints")
            if type == "RegressionHead" {
                var loss = CoordinateLoss.smoothL1(useTargetWeight: true, lossWeight: 1)
                if let l = try h.dictionary("loss") { loss = try decodeCoordinateLoss(l, done: done) }
                head = .regression(inChannels: c, keypoints: k, loss: loss)
            } else {
                var useWeight = true
                if let l = try h.dictionary("loss") {
                    _ = try l.type(among: ["RLELoss"])
                    useWeight = try l.bool("use_target_weight", default: false)
                    if try !l.bool("size_average", default: true) { throw l.error("size_average", "only True is supported") }
                    if try !l.bool("residual", default: true) { throw l.error("residual", "only True is supported") }
                    let q = try l.string("q_dis", default: "laplace")
                    guard q == "laplace" else { throw l.error("q_dis", "only 'laplace' is supported") }
                    try done(l)
                }
                head = .rle(inChannels: c, keypoints: k, useTargetWeight: useWeight)
            }
        default:
            guard case .integralRegressionLabel = codec else { throw h.error("decoder", "\(type) needs the IntegralRegressionLabel codec") }
            let k = try h.int("num_joints")
            let hs = try heatmapSettings(h, inChannels: try h.int("in_channels"), outChannels: k)
            let size = try h.pair("in_featuremap_size")
            var coordLoss = CoordinateLoss.smoothL1(useTargetWeight: true, lossWeight: 1)
            var jsWeight = true
            let dsnt = type == "DSNTHead"
            if let l = try h.dictionary("loss") {
                if dsnt {
                    _ = try l.type(among: ["MultipleLossWrapper"])
                    guard let parts = try l.dictionaries("losses"), parts.count == 2 else {
                        throw l.error("losses", "DSNTHead needs [SmoothL1Loss or L1Loss, JSDiscretLoss]")
                    }
                    coordLoss = try decodeCoordinateLoss(parts[0], done: done)
                    _ = try parts[1].type(among: ["JSDiscretLoss"])
                    jsWeight = try parts[1].bool("use_target_weight", default: true)
                    if try !parts[1].bool("size_average", default: true) { throw parts[1].error("size_average", "only True is supported") }
                    try done(parts[1])
                    try done(l)
                } else {
                    coordLoss = try decodeCoordinateLoss(l, done: done)
                }
            }
            head = .integral(hs, inFeaturemapSize: size, dsnt: dsnt, loss: coordLoss, jsUseTargetWeight: jsWeight,
                             lambdaT: dsnt ? try h.int("lambda_t", default: -1) : -1)
        }
        try done(h)
        return (head, codec)
    }

    static func decodeModel(_ m: ConfigReader, done: (ConfigReader) throws -> Void) throws -> Model {
        _ = try m.type(among: ["TopdownPoseEstimator"])
        var mean: [Float] = [123.675, 116.28, 103.53], std: [Float] = [58.395, 57.12, 57.375]
        if let p = try m.dictionary("data_preprocessor") {
            _ = try p.type(among: ["PoseDataPreprocessor"])
            mean = try p.doubles("mean", default: mean.map(Double.init)).map(Float.init)
            std = try p.doubles("std", default: std.map(Double.init)).map(Float.init)
            // images are decoded as RGB; MMPose's bgr_to_rgb=True turns its BGR decode into the same
            if try !p.bool("bgr_to_rgb", default: false) {
                throw p.error("bgr_to_rgb", "SwiftPose decodes RGB; configs must use bgr_to_rgb=True (MMPose's standard) so mean/std are in RGB order")
            }
            p.ignore("pad_size_divisor", "pad_value", "non_blocking")
            guard mean.count == 3, std.count == 3 else { throw p.error("mean", "mean and std need three values") }
            try done(p)
        }
        guard let b = try m.dictionary("backbone") else { throw m.error("backbone", "is required") }
        let (backbone, pretrained, prefix) = try decodeBackbone(b, done: done)
        var neck: Neck?
        if let n = try m.dictionary("neck") {
            if try n.type(among: ["GlobalAveragePooling", "FeatureMapProcessor"]) == "GlobalAveragePooling" {
                neck = .globalAveragePooling
            } else {
                neck = .featureMapProcessor(selectIndex: n.has("select_index") ? try n.ints("select_index") : nil,
                                            concat: try n.bool("concat", default: false),
                                            scaleFactor: try n.double("scale_factor", default: 1),
                                            applyReLU: try n.bool("apply_relu", default: false),
                                            alignCorners: try n.bool("align_corners", default: false))
            }
            try done(n)
        }
        guard let h = try m.dictionary("head") else { throw m.error("head", "is required") }
        let (head, codec) = try decodeHead(h, done: done)

        var flipTest = false, shiftHeatmap = false, shiftCoords = true
        if let t = try m.dictionary("test_cfg") {
            flipTest = try t.bool("flip_test", default: false)
            let mode = try t.string("flip_mode", default: "heatmap")
            guard mode == "heatmap" else { throw t.error("flip_mode", "only 'heatmap' is supported") }
            shiftHeatmap = try t.bool("shift_heatmap", default: false)
            shiftCoords = try t.bool("shift_coords", default: true)
            t.ignore("output_heatmaps")
            try done(t)
        }
        var modelPretrained: String?
        if let i = try m.dictionary("init_cfg") {
            _ = try i.type(among: ["Pretrained"])
            modelPretrained = try i.string("checkpoint")
            try done(i)
        }
        m.ignore("train_cfg", "metainfo")
        try done(m)
        return Model(backbone: backbone, neck: neck, head: head, codec: codec, mean: mean, std: std, flipTest: flipTest,
                     shiftHeatmap: shiftHeatmap, shiftCoords: shiftCoords, backbonePretrained: pretrained,
                     backbonePretrainedPrefix: prefix, modelPretrained: modelPretrained)
    }

    static func decodeData(_ r: ConfigReader, codec: KeypointCodec, repositoryRoot: String,
                           done: (ConfigReader) throws -> Void) throws -> Data {
        let batchSize = try r.int("batch_size")
        guard batchSize >= 1 else { throw r.error("batch_size", "must be at least 1") }
        let numWorkers = try r.int("num_workers", default: 2)
        var shuffle = false, roundUp = true
        if let s = try r.dictionary("sampler") {
            _ = try s.type(among: ["DefaultSampler"])
            shuffle = try s.bool("shuffle", default: true)
            roundUp = try s.bool("round_up", default: true)
            s.ignore("seed")
            try done(s)
        }
        let dropLast = try r.bool("drop_last", default: false)
        r.ignore("persistent_workers", "pin_memory", "collate_fn")
        guard let d = try r.dictionary("dataset") else { throw r.error("dataset", "is required") }
        let datasetType = try d.type(among: ["CocoDataset", "CrowdPoseDataset", "MpiiDataset"])
        let mode = try d.string("data_mode", default: "topdown")
        guard mode == "topdown" else { throw d.error("data_mode", "only 'topdown' is supported") }
        var imagePrefix = ""
        if let p = try d.dictionary("data_prefix") {
            imagePrefix = try p.string("img", default: "")
            try done(p)
        }
        let defaultMetainfo = ["CocoDataset": "coco.py", "CrowdPoseDataset": "crowdpose.py", "MpiiDataset": "mpii.py"][datasetType]!
        var metainfo = URL(fileURLWithPath: repositoryRoot).appendingPathComponent("configs/_base_/datasets/" + defaultMetainfo).path
        if let m = try d.dictionary("metainfo") {
            metainfo = try m.string("from_file")
            if !metainfo.hasPrefix("/") && !FileManager.default.fileExists(atPath: metainfo) {
                metainfo = URL(fileURLWithPath: repositoryRoot).appendingPathComponent(metainfo).path
            }
            try done(m)
        }
        var pipeline: [TopdownTransform] = []
        for t in try d.dictionaries("pipeline") ?? [] {
            pipeline.append(try decodeTransform(t, done: done))
        }
        let data = Data(batchSize: batchSize, numWorkers: numWorkers, shuffle: shuffle, roundUp: roundUp, dropLast: dropLast,
                        annotationFile: try d.string("ann_file"), dataRoot: try d.string("data_root", default: ""),
                        imagePrefix: imagePrefix, bboxFile: try d.optionalString("bbox_file"),
                        testMode: try d.bool("test_mode", default: false), metainfoFile: metainfo, pipeline: pipeline,
                        datasetType: datasetType, headboxFile: try d.optionalString("headbox_file"))
        d.ignore("serialize_data", "lazy_init", "max_refetch", "filter_cfg", "indices")
        try done(d)
        try done(r)
        return data
    }

    static func decodeTransform(_ t: ConfigReader, done: (ConfigReader) throws -> Void) throws -> TopdownTransform {
        let type = try t.type(among: ["LoadImage", "GetBBoxCenterScale", "RandomFlip", "RandomHalfBody",
                                      "RandomBBoxTransform", "TopdownAffine", "GenerateTarget", "PhotometricDistortion", "PackPoseInputs"])
        let result: TopdownTransform
        switch type {
        case "LoadImage":
            t.ignore("backend_args", "file_client_args", "imdecode_backend", "to_float32", "color_type")
            result = .loadImage
        case "GetBBoxCenterScale":
            result = .getBBoxCenterScale(padding: try t.double("padding", default: 1.25))
        case "RandomFlip":
            var directions = ["horizontal"]
            if case .string(let d)? = t.dict["direction"] { directions = [d] }
            else if t.dict["direction"] != nil {
                directions = try (t.value("direction")?.sequence ?? []).map {
                    guard case .string(let d) = $0 else { throw t.error("direction", "expected direction names") }
                    return d
                }
            }
            _ = t.value("direction")
            for d in directions where !["horizontal", "vertical", "diagonal"].contains(d) {
                throw t.error("direction", "unknown '\(d)'; expected 'horizontal', 'vertical' or 'diagonal'")
            }
            var probs: [Double]?
            if t.dict["prob"]?.sequence != nil {
                probs = try t.doubles("prob")
                guard probs!.count == directions.count, probs!.reduce(0, +) <= 1 else {
                    throw t.error("prob", "needs one probability per direction, summing to at most 1")
                }
            }
            result = .randomFlip(prob: probs == nil ? try t.double("prob", default: 0.5) : 0, directions: directions, probs: probs)
        case "RandomHalfBody":
            result = .randomHalfBody(minTotal: try t.int("min_total_keypoints", default: 9),
                                     minUpper: try t.int("min_upper_keypoints", default: 2),
                                     minLower: try t.int("min_lower_keypoints", default: 3),
                                     padding: try t.double("padding", default: 1.5), prob: try t.double("prob", default: 0.3),
                                     upperPrioritizedProb: try t.double("upper_prioritized_prob", default: 0.7))
        case "RandomBBoxTransform":
            let sf = try t.doubles("scale_factor", default: [0.5, 1.5])
            guard sf.count == 2 else { throw t.error("scale_factor", "expected (low, high)") }
            result = .randomBBoxTransform(shiftFactor: try t.double("shift_factor", default: 0.16),
                                          shiftProb: try t.double("shift_prob", default: 0.3), scaleFactor: (sf[0], sf[1]),
                                          scaleProb: try t.double("scale_prob", default: 1),
                                          rotateFactor: try t.double("rotate_factor", default: 80),
                                          rotateProb: try t.double("rotate_prob", default: 0.6))
        case "TopdownAffine":
            result = .topdownAffine(inputSize: try t.pair("input_size"), useUDP: try t.bool("use_udp", default: false))
        case "GenerateTarget":
            guard let encoders = try t.dictionaries("encoder"), !encoders.isEmpty else { throw t.error("encoder", "is required (a codec or a list of codecs)") }
            if try t.bool("multilevel", default: false) {
                throw t.error("multilevel", "multilevel targets (RSN/MSPN multi-stage heads) are not supported")
            }
            let codec: KeypointCodec
            do { codec = try KeypointCodec.combine(try encoders.map(decodeCodec)) } catch let e as DatasetError {
                throw t.error("encoder", e.description)
            }
            t.ignore("target_type")
            result = .generateTarget(codec, useDatasetKeypointWeights: try t.bool("use_dataset_keypoint_weights", default: false))
        case "PhotometricDistortion":
            var p = PhotometricDistortion()
            p.brightnessDelta = try t.double("brightness_delta", default: 32)
            let c = try t.doubles("contrast_range", default: [0.5, 1.5]), sat = try t.doubles("saturation_range", default: [0.5, 1.5])
            guard c.count == 2, sat.count == 2 else { throw t.error("contrast_range", "contrast_range and saturation_range take (low, high)") }
            p.contrastRange = (c[0], c[1]); p.saturationRange = (sat[0], sat[1])
            p.hueDelta = try t.int("hue_delta", default: 18)
            result = .photometricDistortion(p)
        default:
            t.ignore("meta_keys", "pack_transformed")
            result = .packPoseInputs
        }
        try done(t)
        return result
    }
}
