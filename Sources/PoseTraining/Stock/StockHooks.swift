import PoseConfig

extension Components {
    /// SwiftPose's hooks, with MMEngine's and MMPose's names and defaults.
    mutating func registerStockHooks() throws {
        try hooks.register("IterTimerHook") { _, _ in IterTimerHookSpec() }
        try hooks.register("DistSamplerSeedHook") { _, _ in DistSamplerSeedHookSpec() }
        try hooks.register("ParamSchedulerHook") { _, _ in ParamSchedulerHookSpec() }
        try hooks.register("SyncBuffersHook") { _, _ in SyncBuffersHookSpec() }
        try hooks.register("LoggerHook") { l, _ in
            let interval = try l.int("interval", default: 10, in: ConfigLimits.iterations)
            l.ignore("ignore_last", "interval_exp_name", "log_metric_by_epoch", "out_suffix", "keep_local")
            return LoggerHookSpec(interval: interval)
        }
        try hooks.register("CheckpointHook") { c, _ in
            var settings = CheckpointHookSpec(interval: try c.int("interval", default: -1, in: -1...ConfigLimits.iterations.upperBound))
            settings.byEpoch = try c.bool("by_epoch", default: true)
            settings.saveLast = try c.bool("save_last", default: true)
            settings.saveOptimizer = try c.bool("save_optimizer", default: true)
            settings.maxKeepCheckpoints = try c.int("max_keep_ckpts", default: -1, in: -1...ConfigLimits.iterations.upperBound)
            settings.saveBegin = try c.int("save_begin", default: 0, in: 0...ConfigLimits.iterations.upperBound)
            let best = try Components.optionalStrings(c, "save_best") ?? []
            settings.saveBest = try best.map { name in
                guard let name else { throw c.error("save_best", "expected metric names, found None in the list") }
                return name
            }
            if Set(settings.saveBest).count != settings.saveBest.count {
                throw c.error("save_best", "names a metric twice: \(settings.saveBest)")
            }
            if settings.saveBest.contains("auto") && settings.saveBest.count > 1 {
                throw c.error("save_best", "'auto' must be the only entry, found \(settings.saveBest)")
            }
            let rules = try Components.optionalStrings(c, "rule") ?? [nil]
            settings.rules = try rules.map { rule in
                guard let rule else { return nil }
                guard let r = CheckpointHookSpec.Rule(rawValue: rule) else {
                    throw c.error("rule", "expected 'greater', 'less' or None, found '\(rule)'")
                }
                return r
            }
            if settings.rules.count != 1 && settings.rules.count != settings.saveBest.count {
                throw c.error("rule", "needs one rule or one per save_best metric (\(settings.saveBest.count)), found \(settings.rules.count)")
            }
            if let keys = try Components.optionalStrings(c, "greater_keys") { settings.greaterKeys = keys.compactMap { $0 } }
            if let keys = try Components.optionalStrings(c, "less_keys") { settings.lessKeys = keys.compactMap { $0 } }
            if let template = try c.optionalString("filename_tmpl") {
                guard template.components(separatedBy: "{}").count == 2 else {
                    throw c.error("filename_tmpl", "must contain exactly one '{}', found '\(template)'")
                }
                guard CheckpointHook.isPlainName(template.replacingOccurrences(of: "{}", with: "1")) else {
                    throw c.error("filename_tmpl", "must be a file name without '/', found '\(template)'")
                }
                settings.filenameTemplate = template
            }
            if let outDir = try c.optionalString("out_dir") {
                guard !outDir.contains("://") else { throw c.error("out_dir", "must be a local directory, found '\(outDir)'") }
                settings.outDir = outDir
            }
            if let published = c.value("published_keys") {
                throw c.error("published_keys", "publishing (.pth copies with a hash suffix) is not supported, found \(published); remove it")
            }
            // the schedulers' state follows from the run position a checkpoint records
            c.ignore("save_param_scheduler")
            return settings
        }
        try hooks.register("PipelineSwitchHook", scopes: ["mmdet"]) { h, context in
            let epoch = try h.int("switch_epoch", in: 0...)
            guard let pipeline = try context.buildList(\.transforms, h, key: "switch_pipeline") else {
                throw h.error("switch_pipeline", "is required: the transforms of the second stage")
            }
            return PipelineSwitchHookSpec(switchEpoch: epoch, switchPipeline: pipeline)
        }
        try hooks.register("EMAHook") { h, _ in
            var e = EMAHookSpec()
            let kind = try h.string("ema_type", default: "ExponentialMovingAverage")
            guard let k = EMAHookSpec.Kind(rawValue: kind) else {
                throw h.error("ema_type", "expected 'ExpMomentumEMA' or 'ExponentialMovingAverage', found '\(kind)'")
            }
            e.kind = k
            e.momentum = try h.double("momentum", default: 0.0002, in: 0...1)
            e.gamma = try h.double("gamma", default: 2000, in: 0.000001...)
            e.updateBuffers = try h.bool("update_buffers", default: false)
            e.interval = try h.int("interval", default: 1, in: ConfigLimits.iterations)
            e.beginIteration = try h.int("begin_iter", default: 0, in: 0...)
            e.beginEpoch = try h.int("begin_epoch", default: 0, in: 0...)
            h.ignore("strict_load", "device")
            return e
        }
        for name in ["PoseVisualizationHook", "BadCaseAnalysisHook"] {
            try hooks.register(name) { h, _ in
                if try h.bool("enable", default: false) {
                    throw h.error("enable", "\(name) with enable=True is not supported yet; set enable=False")
                }
                h.ignore("interval", "kpt_thr", "show", "wait_time", "out_dir", "backend_args", "metric_type", "badcase_thr")
                return InactiveHookSpec()
            }
        }
    }
}

extension Components {
    /// A string or a list of strings and None (`save_best='coco/AP'`, `rule=['less', None]`).
    static func optionalStrings(_ reader: ConfigReader, _ key: String) throws -> [String?]? {
        guard let value = reader.value(key) else { return nil }
        if case .string(let s) = value { return [s] }
        guard let items = value.sequence else {
            throw reader.error(key, "expected a string or a list of strings, found \(value.typeName) \(value)")
        }
        return try items.map {
            switch $0 {
            case .string(let s): return s
            case .none: return nil
            default: throw reader.error(key, "expected strings, found \($0.typeName) \($0)")
            }
        }
    }
}
